"""France services desks near a person: a search by town or postcode over an open list
shipped as data (source and loading: espace_sante/donnees/SOURCES.md).

The list is a CSV with the columns ``COLONNES``; the repository ships a marked sample, and
``manage.py france_services_charger`` writes the official list where
``settings.FRANCE_SERVICES_FICHIER`` points, which is used when it exists.
"""

from __future__ import annotations

import csv
import unicodedata
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SOURCE = "https://www.data.gouv.fr/fr/datasets/liste-des-structures-france-services/"
EXEMPLE = Path(__file__).resolve().parent.parent / "donnees" / "france_services_exemple.csv"
COLONNES = ("nom", "adresse", "code_postal", "commune", "telephone", "courriel")
RESULTATS_MAX = 10

# The official file's column names vary between releases: every name we know for each field.
ALIAS = {
    "nom": ("nom", "lib_fs", "nom_fs", "nom_france_services", "structure", "libelle"),
    "adresse": ("adresse", "adresse_fs", "adresse_postale", "adresse_complete", "adr"),
    "code_postal": ("code_postal", "cp", "code postal", "codepostal"),
    "commune": ("commune", "ville", "lib_com", "nom_commune", "libelle_commune"),
    "telephone": ("telephone", "téléphone", "tel", "telephone_fs"),
    "courriel": ("courriel", "mail", "email", "adresse_mail", "courriel_fs"),
}


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte)
    return "".join(c for c in decompose if not unicodedata.combining(c)).lower().strip()


def ligne_normalisee(ligne: dict[str, str]) -> dict[str, str] | None:
    """One row of any known layout as ``COLONNES``; None when it has no name or no place."""
    cles = {sans_accents(k or ""): (v or "").strip() for k, v in ligne.items()}
    sortie = {}
    for champ, noms in ALIAS.items():
        sortie[champ] = next((cles[n] for n in noms if cles.get(n)), "")
    if not sortie["nom"] or not (sortie["code_postal"] or sortie["commune"]):
        return None
    return sortie


def fichier() -> Path:
    officiel = Path(settings.FRANCE_SERVICES_FICHIER)
    return officiel if officiel.is_file() else EXEMPLE


def est_exemple() -> bool:
    return fichier() == EXEMPLE


@lru_cache(maxsize=4)
def _liste(chemin: Path, _modifie: float) -> tuple[dict[str, str], ...]:
    with chemin.open(encoding="utf-8", newline="") as flux:
        return tuple(
            ligne
            for ligne in map(ligne_normalisee, csv.DictReader(flux, delimiter=";"))
            if ligne is not None
        )


def rechercher(texte: str) -> list[dict[str, str]]:
    """Desks whose postcode starts with the digits typed (75011, or 75 for a département),
    or whose town contains the words typed (accents and case ignored)."""
    cherche = sans_accents(texte)
    if not cherche:
        return []
    chemin = fichier()
    liste = _liste(chemin, chemin.stat().st_mtime)
    chiffres = cherche.replace(" ", "")
    if chiffres.isdigit():
        trouves = [d for d in liste if d["code_postal"].replace(" ", "").startswith(chiffres)]
    else:
        trouves = [d for d in liste if cherche in sans_accents(d["commune"])]
    return sorted(trouves, key=lambda d: (d["code_postal"], d["nom"]))[:RESULTATS_MAX]
