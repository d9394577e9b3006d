"""Identifying a person by their notice: NIR, birth date and, for acts, the notice's code.

Used without an account (opposition, activation, a new code) and by a mediator at a
desk (the notice's code as a proof of presence). The lock-out scheme is the one of
``espace_sante.comptes.verrouillage`` for public identifiers: per (NIR, address) and per
address a lock, per NIR only a growing wait, and the right birth date with a valid
notice code always goes through. Messages never say which part was wrong, so nobody
learns whether a NIR exists.
"""

from __future__ import annotations

from datetime import date, timedelta

from consentement import acces, journal
from consentement.enums import MotifAvis
from consentement.services import avis, cycle
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import Profil
from espace_sante.lib import nir as nir_lib

PORTEE = PorteeTentative.ACTIVATION

MESSAGE_INCONNU = (
    "Ces informations ne correspondent à aucun avis en cours de validité. Vérifiez le numéro "
    "de sécurité sociale, la date de naissance et le code (il ne contient ni la lettre O ni "
    "la lettre I). Si votre code est perdu ou a expiré, demandez-en un nouveau."
)
MESSAGE_BLOQUE = (
    "Trop d'essais infructueux depuis votre connexion : par sécurité, les essais sont "
    "suspendus pendant 15 minutes. Le code personnel de votre avis, s'il est exact, reste "
    "accepté. Sinon, réessayez plus tard, ou faites-vous aider dans une France services."
)
MESSAGE_ATTENTE = (
    "Plusieurs essais infructueux ont été faits récemment avec ce numéro de sécurité "
    "sociale : patientez {duree} avant de réessayer. Le code personnel de votre avis, "
    "s'il est exact, est accepté sans attendre."
)


MESSAGE_DEMANDES = (
    "Trop de demandes de nouveau code depuis votre connexion : réessayez dans une heure, "
    "ou faites-vous aider dans une France services."
)


class Freine(cycle.ActionImpossible):
    """Refused by a lock-out or a wait, before anything was compared."""


def nir_hash_de(nir: str) -> str:
    return nir_lib.hacher(nir)


def message_frein(frein: verrouillage.Frein) -> str:
    if frein.bloque:
        return MESSAGE_BLOQUE
    duree = f"{frein.attente} seconde{'s' if frein.attente > 1 else ''}"
    return MESSAGE_ATTENTE.format(duree=duree)


def frein(identifiant: str, source: str) -> verrouillage.Frein:
    return verrouillage.frein_identification(portee=PORTEE, identifiant=identifiant, source=source)


def echec_compter(*, profil: Profil | None, identifiant: str, source: str) -> verrouillage.Frein:
    """Count a failure (journaled on the profile's chain when given); the brake it leaves."""
    if profil is not None and profil.donnees_supprimees_le is None:
        journal.activation_echec(profil, ip=source)
    return verrouillage.echec_identification(portee=PORTEE, identifiant=identifiant, source=source)


def personne_identifier(*, nir: str, date_naissance: date, code: str | None, source: str) -> Profil:
    """The profile matching NIR + birth date (+ notice code), or ActionImpossible.

    ``code=None`` (a request for a new code) identifies by NIR and birth date alone:
    every lock and wait applies. With a code, a valid one passes them all.
    """
    identifiant = nir_hash_de(nir)
    frein_actuel = frein(identifiant, source)
    profil = Profil.objects.filter(nir_hash=identifiant).first()
    personne = profil is not None and profil.date_naissance == date_naissance
    if code is not None and personne and cycle.code_valide(profil, code):
        if cycle.code_expire(profil):
            raise cycle.ActionImpossible(
                "Ce code a expiré. Demandez un nouveau code : il sera envoyé à l'adresse "
                "(courriel ou postale) connue de votre caisse."
            )
        return profil
    if frein_actuel.actif:
        raise Freine(message_frein(frein_actuel))
    if personne and code is None:
        return profil
    if echec_compter(profil=profil, identifiant=identifiant, source=source).bloque:
        raise Freine(MESSAGE_BLOQUE)
    raise cycle.ActionImpossible(MESSAGE_INCONNU)


def code_demander(*, nir: str, date_naissance: date, source: str) -> None:
    """Send a fresh notice code to the address on file if NIR and birth date match.

    Silent either way (the page answers the same); raises ``Freine`` only for refusals
    that do not depend on the NIR existing: a lock, a wait, 10 requests an hour from one
    address. A profile gets 3 new codes a day at most: beyond, nothing is sent (the page
    says so), so strangers who know a NIR and a birth date cannot flood the person.
    """
    par_adresse = verrouillage.Limite(f"ip:{source}", 10, timedelta(hours=1), MESSAGE_DEMANDES)
    portee = PorteeTentative.ENVOI_NOUVEAU_CODE
    if verrouillage.limite_envoi(portee=portee, limites=[par_adresse]) is not None:
        raise Freine(MESSAGE_DEMANDES)
    try:
        profil = personne_identifier(
            nir=nir, date_naissance=date_naissance, code=None, source=source
        )
    except Freine:
        raise
    except cycle.ActionImpossible:
        return
    if not acces.peut_recevoir_nouveau_code(profil):
        return
    cible = verrouillage.Limite(f"profil:{profil.pk}", 3, timedelta(hours=24), "")
    if verrouillage.limite_envoi(portee=portee, limites=[cible]) is None:
        avis.avis_emettre(profil=profil, motif=MotifAvis.RENOUVELLEMENT)
