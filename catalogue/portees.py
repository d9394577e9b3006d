"""SMART App Launch scopes: parsing (v2 syntax and v1 aliases) and their plain French.

Pure module. The unit a person consents to is a canonical v2 scope: ``patient/<Type>.rs``
(read and search are one consent: a search is a way of reading) or ``patient/<Type>.c``
(add). v1 aliases are accepted on the way in (``patient/Observation.read`` is ``.rs``,
``.write`` is ``.c``, ``.*`` both; ``patient/*.read`` every readable type); ``u`` and ``d``
are not offered (a service never changes nor deletes what is in the record), so a request
for ``.cruds`` is granted at most ``.c`` and ``.rs``.
"""

from __future__ import annotations

import re

from consentement.acces.applications import CREATION, LECTURE, TYPES_CREABLES, TYPES_LISIBLES

LANCEMENT = "launch/patient"
HORS_LIGNE = "offline_access"
CONTEXTE = (LANCEMENT, HORS_LIGNE)

LIBELLES = {
    f"patient/Patient.{LECTURE}": "Lire votre identité : nom, prénoms, date de naissance, sexe, "
    "numéro de sécurité sociale et coordonnées",
    f"patient/DocumentReference.{LECTURE}": "Lire vos documents de santé (comptes rendus, "
    "résultats, ordonnances, imagerie, certificats…) et leurs fichiers",
    f"patient/DocumentReference.{CREATION}": "Ajouter des documents à votre dossier",
    f"patient/Observation.{LECTURE}": "Lire vos mesures : poids, taille, tension, glycémie, "
    "température, fréquence cardiaque",
    f"patient/Observation.{CREATION}": "Ajouter des mesures à votre dossier",
    f"patient/AllergyIntolerance.{LECTURE}": "Lire vos allergies",
    f"patient/Immunization.{LECTURE}": "Lire vos vaccinations",
    f"patient/Condition.{LECTURE}": "Lire vos antécédents médicaux, chirurgicaux et familiaux",
    f"patient/MedicationStatement.{LECTURE}": "Lire vos traitements en cours et passés",
    HORS_LIGNE: "Rester connecté sans vous redemander votre accord à chaque utilisation, "
    "jusqu'à la date indiquée",
    LANCEMENT: "Savoir pour quel profil vous l'utilisez",
}
DONNEES = tuple(p for p in LIBELLES if p.startswith("patient/"))
# What the public catalogue filters on: the data a service asks for, in a person's words.
FAMILLES = {
    "Patient": "Identité",
    "DocumentReference": "Documents",
    "Observation": "Mesures",
    "AllergyIntolerance": "Allergies",
    "Immunization": "Vaccinations",
    "Condition": "Antécédents",
    "MedicationStatement": "Traitements",
}

_SCOPE = re.compile(r"^patient/(?P<type>\*|[A-Za-z]+)\.(?P<perm>read|write|\*|c?r?u?d?s?)$")


class PorteeInconnue(ValueError):
    """A scope this server does not offer (the message names it)."""


def type_de(portee: str) -> str:
    return portee.split("/", 1)[1].split(".", 1)[0]


def mode_de(portee: str) -> str:
    return portee.rsplit(".", 1)[1]


def _modes(perm: str) -> set[str]:
    if perm == "read":
        return {LECTURE}
    if perm == "write":
        return {CREATION}
    if perm == "*":
        return {LECTURE, CREATION}
    modes = set()
    if "r" in perm or "s" in perm:
        modes.add(LECTURE)
    if "c" in perm:
        modes.add(CREATION)
    return modes


def normaliser(scope: str) -> set[str]:
    """The canonical scopes one requested scope stands for; PorteeInconnue if none."""
    if scope in CONTEXTE:
        return {scope}
    trouve = _SCOPE.match(scope)
    if trouve is None:
        raise PorteeInconnue(f"Portée non proposée : {scope!r}")
    types = [trouve["type"]] if trouve["type"] != "*" else list(TYPES_LISIBLES)
    resultat = set()
    for mode in _modes(trouve["perm"]):
        possibles = TYPES_LISIBLES if mode == LECTURE else TYPES_CREABLES
        resultat |= {f"patient/{t}.{mode}" for t in types if t in possibles}
    if not resultat:
        raise PorteeInconnue(f"Portée non proposée : {scope!r}")
    return resultat


def normaliser_tout(scopes) -> set[str]:
    resultat: set[str] = set()
    for scope in scopes:
        resultat |= normaliser(scope)
    return resultat


def libelle(portee: str) -> str:
    return LIBELLES.get(portee, portee)


def trier(portees) -> list[str]:
    """In the order a person reads them: identity, then data, then the context scopes."""
    ordre = {p: i for i, p in enumerate(LIBELLES)}
    return sorted(portees, key=lambda p: ordre.get(p, len(ordre)))
