"""The patient, their documents and their measures as FHIR resources."""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient

from dossier.fhir.commun import auteur_reference, instant_iso, jour_iso, sans_vides
from dossier.fhir.modeles import (
    DIASTOLIQUE,
    GENRES,
    MESURES,
    SYSTEME_CATEGORIE_DOCUMENT,
    SYSTEME_CATEGORIE_OBSERVATION,
    SYSTEME_LOINC,
    SYSTEME_NIR,
    SYSTEME_UCUM,
    SYSTOLIQUE,
    DocumentFhir,
    MesureFhir,
    PatientFhir,
)


def patient_ressource(patient: PatientFhir) -> Patient:
    noms: list[dict[str, Any]] = [
        sans_vides(
            {
                "use": "official",
                "family": patient.nom_naissance,
                "given": patient.prenoms.split(),
            }
        )
    ]
    if patient.nom_usage and patient.nom_usage != patient.nom_naissance:
        noms.append(
            sans_vides(
                {"use": "usual", "family": patient.nom_usage, "given": patient.prenoms.split()}
            )
        )
    telecom = []
    if patient.telephone:
        telecom.append({"system": "phone", "value": patient.telephone, "use": "mobile"})
    if patient.email:
        telecom.append({"system": "email", "value": patient.email})
    adresse = None
    if patient.adresse or patient.code_postal or patient.commune:
        adresse = [
            sans_vides(
                {
                    "use": "home",
                    "line": [ligne for ligne in patient.adresse.splitlines() if ligne.strip()],
                    "postalCode": patient.code_postal,
                    "city": patient.commune,
                    "country": "FR",
                }
            )
        ]
    return Patient(
        **sans_vides(
            {
                "id": patient.id,
                "identifier": (
                    [{"use": "official", "system": SYSTEME_NIR, "value": patient.nir}]
                    if patient.nir
                    else None
                ),
                "name": noms,
                "birthDate": jour_iso(patient.date_naissance),
                "gender": GENRES.get(patient.sexe, "unknown"),
                "telecom": telecom,
                "address": adresse,
            }
        )
    )


# The attachment's data is written as this placeholder (valid base64, so the resource
# validates), then streamed in its place. JSON escapes the quotes of any user text, so
# the sequence ``"data": "<MARQUE>"`` can only be an attachment's own key and value.
MARQUE = base64.b64encode(b"espace-sante:donnees-du-document").decode("ascii")
A_REMPLACER = f'"data": "{MARQUE}"'


def _sha1(document: DocumentFhir) -> str:
    empreinte = hashlib.sha1()
    for morceau in document.morceaux():
        empreinte.update(morceau)
    return base64.b64encode(empreinte.digest()).decode("ascii")


def base64_flux(morceaux: Iterable[bytes]) -> Iterator[bytes]:
    """Base64 of a stream, chunk by chunk (cut on multiples of 3 bytes: no padding inside)."""
    reste = b""
    for morceau in morceaux:
        morceau = reste + morceau
        coupe = len(morceau) - len(morceau) % 3
        if coupe:
            yield base64.b64encode(morceau[:coupe])
        reste = morceau[coupe:]
    if reste:
        yield base64.b64encode(reste)


def document_ressource(document: DocumentFhir, sujet: dict[str, str]) -> DocumentReference:
    attachment = sans_vides(
        {
            "contentType": document.type_mime,
            "data": MARQUE,
            "size": document.octets,
            "hash": _sha1(document),
            "title": document.titre,
            "creation": jour_iso(document.date_acte),
        }
    )
    return DocumentReference(
        id=document.id,
        status="current",
        type={"text": document.titre},
        category=[
            {
                "coding": [
                    {
                        "system": SYSTEME_CATEGORIE_DOCUMENT,
                        "code": document.categorie,
                        "display": document.categorie_libelle,
                    }
                ],
                "text": document.categorie_libelle,
            }
        ],
        subject=sujet,
        date=instant_iso(document.ajoute_le),
        author=[auteur_reference(document.auteur)],
        description=document.titre,
        content=[{"attachment": attachment}],
    )


def _quantite(valeur: Decimal, unite: str, code: str) -> dict[str, Any]:
    return {"value": valeur, "unit": unite, "system": SYSTEME_UCUM, "code": code}


def mesure_ressource(mesure: MesureFhir, sujet: dict[str, str]) -> Observation:
    try:
        loinc, affichage, libelle, unite, ucum = MESURES[mesure.type]
    except KeyError:
        raise ValueError(f"Type de mesure inconnu : {mesure.type!r}") from None
    donnees: dict[str, Any] = {
        "id": mesure.id,
        "status": "final",
        "category": [
            {
                "coding": [
                    {
                        "system": SYSTEME_CATEGORIE_OBSERVATION,
                        "code": "vital-signs",
                        "display": "Vital Signs",
                    }
                ]
            }
        ],
        "code": {
            "coding": [{"system": SYSTEME_LOINC, "code": loinc, "display": affichage}],
            "text": libelle,
        },
        "subject": sujet,
        "effectiveDateTime": instant_iso(mesure.date),
        "performer": [auteur_reference(mesure.auteur)],
    }
    if mesure.type == "tension":
        composants = [(SYSTOLIQUE, mesure.valeur)]
        if mesure.valeur2 is not None:
            composants.append((DIASTOLIQUE, mesure.valeur2))
        donnees["component"] = [
            {
                "code": {"coding": [{"system": SYSTEME_LOINC, "code": code, "display": texte}]},
                "valueQuantity": _quantite(valeur, unite, ucum),
            }
            for (code, texte), valeur in composants
        ]
    else:
        donnees["valueQuantity"] = _quantite(mesure.valeur, unite, ucum)
    return Observation(**donnees)
