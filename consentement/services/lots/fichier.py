"""Receiving a batch file: encoding, columns, every record parseable, then the batch row.

A file that cannot be read as CSV (a stray quote that swallows the rest of the file, a
field longer than the parser takes) is refused at upload with the line to fix: nothing
is created, so no batch can stay stuck on it later.
"""

from __future__ import annotations

import csv
from datetime import date
from typing import NamedTuple

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consentement import journal
from consentement.models import Lot
from consentement.services.lots.decoupage import BOM, ErreurCsv, corps_de, enregistrements
from espace_sante.lib import taches

COLONNES = [
    "nir",
    "nom_naissance",
    "nom_usage",
    "prenoms",
    "date_naissance",
    "sexe",
    "code_lieu_naissance",
    "email",
    "telephone",
    "adresse",
    "code_postal",
    "commune",
    "nir_representant_1",
    "nir_representant_2",
]
COLONNES_CITEES = 20  # a 2 MB header is not echoed back in full


class FichierRefuse(Exception):
    """The whole file is refused (encoding, columns, unreadable CSV, already imported)."""


def _normaliser_colonne(nom: str) -> str:
    return nom.strip().strip('"').lower().replace(" ", "_").replace("-", "_")


def _citer(colonnes: list[str]) -> str:
    if not colonnes:
        return "aucune"
    cites = [c if len(c) <= 40 else c[:40] + "…" for c in colonnes[:COLONNES_CITEES]]
    reste = len(colonnes) - len(cites)
    return ", ".join(cites) + (f" … et {reste} autres" if reste > 0 else "")


def lire_entete(contenu: bytes) -> tuple[str, list[str]]:
    """(separator, column names) of the header line, or FichierRefuse with the reason."""
    if contenu.startswith(BOM):
        contenu = contenu[len(BOM) :]
    premiere = contenu.split(b"\n", 1)[0].rstrip(b"\r")
    if not premiere.strip():
        raise FichierRefuse("Le fichier est vide ou sa première ligne (les en-têtes) est vide.")
    try:
        texte = premiere.decode("utf-8")
    except UnicodeDecodeError:
        raise FichierRefuse(_message_encodage(1)) from None
    separateur = ";" if texte.count(";") > texte.count(",") else ","
    try:
        entete = [_normaliser_colonne(c) for c in next(csv.reader([texte], delimiter=separateur))]
    except csv.Error:
        raise FichierRefuse("La ligne d'en-tête est illisible (guillemets ?).") from None
    manquantes = [c for c in COLONNES if c not in entete]
    if manquantes:
        raise FichierRefuse(
            "Colonnes manquantes dans la ligne d'en-tête : "
            + ", ".join(manquantes)
            + f". Colonnes trouvées : {_citer(entete)}. "
            "Le séparateur doit être la virgule ou le point-virgule."
        )
    doublons = sorted({c for c in entete if c and entete.count(c) > 1})
    if doublons:
        raise FichierRefuse(f"Colonnes en double dans l'en-tête : {_citer(doublons)}.")
    return separateur, entete


def _message_encodage(ligne: int) -> str:
    return (
        f"Le fichier n'est pas encodé en UTF-8 (caractère illisible ligne {ligne}). "
        "Enregistrez-le au format « CSV UTF-8 » puis déposez-le de nouveau."
    )


def verifier_fichier(contenu: bytes) -> tuple[str, list[str], int]:
    """(separator, columns, number of records); FichierRefuse says what to fix and where."""
    separateur, entete = lire_entete(contenu)
    try:
        contenu.decode("utf-8")
    except UnicodeDecodeError as e:
        raise FichierRefuse(_message_encodage(contenu[: e.start].count(b"\n") + 1)) from None
    try:
        nombre = sum(1 for _ in enregistrements(corps_de(contenu), separateur, premiere_ligne=2))
    except ErreurCsv as erreur:
        raise FichierRefuse(str(erreur)) from None
    if not nombre:
        raise FichierRefuse(
            "Le fichier ne contient aucune ligne après la ligne d'en-tête : aucun profil à créer."
        )
    return separateur, entete, nombre


class Examen(NamedTuple):
    """What the upload learnt from reading the file once."""

    separateur: str
    entete: list[str]
    nombre: int
    empreinte: str


def refuser_si_deja_importe(empreinte: str) -> None:
    """The one "already imported" rule: a file whose hash a batch already has is refused."""
    deja = Lot.objects.filter(empreinte=empreinte).first()
    if deja is not None:
        raise FichierRefuse(
            f"Ce fichier a déjà été importé : lot n° {deja.pk} du "
            f"{timezone.localtime(deja.cree_le):%d/%m/%Y à %H:%M}. Aucun profil n'a été créé "
            "de nouveau."
        )


def fichier_examiner(contenu: bytes) -> Examen:
    """Read the file once: FichierRefuse says what to fix, or the Examen to create it with."""
    separateur, entete, nombre = verifier_fichier(contenu)
    empreinte = Lot.calculer_empreinte(contenu)
    refuser_si_deja_importe(empreinte)
    return Examen(separateur, entete, nombre, empreinte)


def lot_creer(
    *,
    nom_fichier: str,
    contenu: bytes,
    user=None,
    date_avis: date | None = None,
    examen: Examen | None = None,
) -> Lot:
    """Record a batch and hand it to the workers (after commit).

    ``examen`` is what ``fichier_examiner`` found in this same content (the admin form
    examines it to show its errors): the file is then not read again, only the "already
    imported" rule is asked once more, as another upload may have won meanwhile.
    """
    if examen is None or examen.empreinte != Lot.calculer_empreinte(contenu):
        examen = fichier_examiner(contenu)
    else:
        refuser_si_deja_importe(examen.empreinte)
    with transaction.atomic():
        lot = Lot(
            nom_fichier=nom_fichier[:255],
            empreinte=examen.empreinte,
            separateur=examen.separateur,
            entete=examen.entete,
            cree_par=user,
            date_avis=date_avis or timezone.localdate(),
            lignes_total=examen.nombre,
        )
        lot.fichier.save("fichier.csv", ContentFile(contenu), save=False)
        lot.save()
        journal.lot_importe(lot=lot, user=user)
        taches.planifier("consentement.tasks.lot_demarrer", lot.pk)
    return lot
