"""One row of a batch file, validated in plain Python: a candidate profile or a rejection.

Pure functions on strings (no database): fast, and every rule has its French message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError

from espace_sante.lib import crypto
from espace_sante.lib import nir as nir_lib
from espace_sante.lib.requetes import HorsBornes, date_bornee

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_TELEPHONE = re.compile(r"^(?:0|\+33|0033)[1-9]\d{8}$")
_SEXES = {"M": "M", "H": "M", "1": "M", "F": "F", "2": "F"}


class Rejet(Exception):
    def __init__(self, champ: str, motif: str):
        super().__init__(motif)
        self.champ, self.motif = champ, motif


@dataclass
class Candidat:
    ligne: int
    valeurs: tuple  # the profile's text columns, cleaned (comptes.copie.NouveauProfil.texte)
    nir: str
    nir_hash: str
    naissance: date
    representants: list[tuple[str, str]]  # (column, NIR hash)
    mineur: bool
    remarques: list[tuple[str, str]] = field(default_factory=list)

    @property
    def email(self) -> str:
        return self.valeurs[5]


def valider_nir(valeur: str, champ: str, libelle: str) -> str:
    """Normalised NIR; fast path for the usual 15 digits, full messages otherwise."""
    if (
        len(valeur) == 15
        and valeur.isdigit()
        and valeur[0] in "1278"
        and 97 - int(valeur[:13]) % 97 == int(valeur[13:])
        and nir_lib.mois_valide(valeur[3:5])
    ):
        return valeur
    try:
        return nir_lib.valider(valeur)
    except ValidationError as e:
        raise Rejet(champ, f"{libelle} : {e.messages[0]}") from None


def valider_date(valeur: str, aujourdhui: date | None = None) -> date:
    try:
        if len(valeur) == 10 and valeur[4] == "-":
            return date_bornee(date.fromisoformat(valeur), aujourdhui=aujourdhui)
        if len(valeur) == 10 and valeur[2] == "/" and valeur[5] == "/":
            jour = date(int(valeur[6:]), int(valeur[3:5]), int(valeur[:2]))
            return date_bornee(jour, aujourdhui=aujourdhui)
    except HorsBornes as erreur:
        raise Rejet("date_naissance", f"Date de naissance : {erreur}") from None
    except ValueError:
        raise Rejet("date_naissance", f"Date de naissance impossible : « {valeur} ».") from None
    raise Rejet(
        "date_naissance",
        f"Date de naissance illisible : « {valeur} » (attendu AAAA-MM-JJ ou JJ/MM/AAAA).",
    )


class Validation:
    """The rules of one batch (its columns, its notice date), applied row by row."""

    def __init__(self, entete: list[str], *, majorite: date, aujourdhui: date):
        self.index = {nom: i for i, nom in enumerate(entete)}
        self.largeur = len(entete)
        self.majorite, self.aujourdhui = majorite, aujourdhui
        self.hacher_nir = crypto.keyed_hasher("nir")

    def candidat(self, ligne: int, brute: list[str]) -> Candidat:
        if len(brute) < self.largeur:
            raise Rejet(
                "",
                f"Ligne incomplète : {len(brute)} colonnes au lieu de {self.largeur}. "
                "Vérifiez le séparateur et les guillemets.",
            )
        v = {nom: brute[i].strip() for nom, i in self.index.items()}
        nir = valider_nir(v["nir"], "nir", "NIR invalide")
        identite = self._identite(v, nir)
        contact = self._contact(v)
        naissance = identite.pop()
        mineur = naissance > self.majorite
        representants, remarques = self._representants(v, nir, mineur)
        return Candidat(
            ligne,
            (*identite, *contact),
            nir,
            self.hacher_nir(nir),
            naissance,
            representants,
            mineur,
            remarques,
        )

    def _identite(self, v: dict, nir: str) -> list:
        nom, nom_usage, prenoms = v["nom_naissance"], v["nom_usage"], v["prenoms"]
        if not nom:
            raise Rejet("nom_naissance", "Le nom de naissance est obligatoire.")
        if len(nom) > 100 or len(nom_usage) > 100:
            raise Rejet("nom_naissance", "Nom trop long (100 caractères au plus).")
        if not prenoms:
            raise Rejet("prenoms", "Le ou les prénoms sont obligatoires.")
        if len(prenoms) > 200:
            raise Rejet("prenoms", "Prénoms trop longs (200 caractères au plus).")
        naissance = valider_date(v["date_naissance"], self.aujourdhui)
        if naissance > self.aujourdhui:
            raise Rejet("date_naissance", "La date de naissance est dans le futur.")
        if nir[1:3] != f"{naissance.year % 100:02d}" or (
            nir[3:5] <= "12" and int(nir[3:5]) != naissance.month
        ):
            raise Rejet(
                "date_naissance",
                "La date de naissance ne correspond pas au NIR (année et mois, positions 2 à 5).",
            )
        sexe = _SEXES.get(v["sexe"].upper())
        if sexe is None:
            raise Rejet("sexe", f"Sexe inconnu : « {v['sexe'][:20]} » (attendu M ou F).")
        if (nir[0] == "1" and sexe != "M") or (nir[0] == "2" and sexe != "F"):
            raise Rejet("sexe", "Le sexe ne correspond pas au premier chiffre du NIR.")
        lieu = v["code_lieu_naissance"].upper()
        if len(lieu) != 5 or not (
            lieu.isdigit() or (lieu[:2] in ("2A", "2B") and lieu[2:].isdigit())
        ):
            raise Rejet(
                "code_lieu_naissance",
                "Le code du lieu de naissance doit être un code INSEE de 5 caractères.",
            )
        return [nom, nom_usage, prenoms, sexe, lieu, naissance]

    def _contact(self, v: dict) -> tuple[str, ...]:
        email = v["email"].lower()
        if email and (len(email) > 254 or not _EMAIL.match(email)):
            raise Rejet("email", f"Adresse électronique invalide : « {email[:80]} ».")
        telephone = v["telephone"].replace(" ", "").replace(".", "").replace("-", "")
        if telephone and not _TELEPHONE.match(telephone):
            raise Rejet("telephone", "Numéro de téléphone invalide (10 chiffres attendus).")
        adresse, code_postal, commune = v["adresse"], v["code_postal"], v["commune"]
        if code_postal and not (len(code_postal) == 5 and code_postal.isdigit()):
            raise Rejet("code_postal", "Le code postal doit comporter 5 chiffres.")
        if not email and not (adresse and code_postal and commune):
            raise Rejet(
                "adresse",
                "Ni adresse électronique ni adresse postale complète (adresse, code postal, "
                "commune) : l'avis ne peut pas être envoyé.",
            )
        if len(adresse) > 250 or len(commune) > 100:
            raise Rejet("adresse", "Adresse ou commune trop longue.")
        return email, telephone, adresse, code_postal, commune

    def _representants(self, v: dict, nir: str, mineur: bool):
        representants, remarques = [], []
        for numero in ("1", "2"):
            colonne = f"nir_representant_{numero}"
            if not v[colonne]:
                continue
            rep = valider_nir(v[colonne], colonne, f"NIR du représentant légal {numero} invalide")
            if rep == nir:
                raise Rejet(colonne, "Une personne ne peut pas être son propre représentant légal.")
            if mineur:
                representants.append((colonne, self.hacher_nir(rep)))
            else:
                remarques.append((colonne, "Personne majeure : représentant légal ignoré."))
        if mineur and not representants:
            raise Rejet(
                "nir_representant_1",
                "Personne mineure sans représentant légal : renseignez nir_representant_1.",
            )
        return representants, remarques
