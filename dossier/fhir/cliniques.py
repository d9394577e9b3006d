"""The medical profile's entries as FHIR resources (allergies, vaccinations, treatments, history, observations)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation

from dossier.fhir.commun import auteur_reference, instant_iso, jour_iso, note_fhir, sans_vides
from dossier.fhir.modeles import (
    LIBELLES_CONDITION,
    LIBELLES_OBSERVATION_TEXTE,
    SYSTEME_CATEGORIE_CONDITION,
    SYSTEME_STATUT_ALLERGIE,
    SYSTEME_STATUT_CONDITION,
    InformationFhir,
)


def _allergie(info: InformationFhir, sujet: dict[str, str]) -> AllergyIntolerance:
    statut = "resolved" if info.date_fin is not None else "active"
    return AllergyIntolerance(
        **sans_vides(
            {
                "id": info.id,
                "clinicalStatus": {"coding": [{"system": SYSTEME_STATUT_ALLERGIE, "code": statut}]},
                "code": {"text": info.libelle},
                "patient": sujet,
                "onsetDateTime": jour_iso(info.date),
                "recordedDate": instant_iso(info.ajoute_le),
                "recorder": auteur_reference(info.auteur),
                "note": note_fhir(info.details, info.auteur, info.ajoute_le),
            }
        )
    )


def _vaccination(info: InformationFhir, sujet: dict[str, str]) -> Immunization:
    # R4 Immunization has no "recorder": who added the item is the author of the note.
    texte = info.details or f"Vaccination enregistrée par {info.auteur.libelle}"
    donnees: dict[str, Any] = {
        "id": info.id,
        "status": "completed",
        "vaccineCode": {"text": info.libelle},
        "patient": sujet,
        "recorded": instant_iso(info.ajoute_le),
        "note": note_fhir(texte, info.auteur, info.ajoute_le),
    }
    if info.date is not None:
        donnees["occurrenceDateTime"] = info.date.isoformat()
    else:
        donnees["occurrenceString"] = "date inconnue"
    if info.auteur.rpps:
        # A professional entered it: the record comes from the vaccinating side.
        donnees["performer"] = [{"actor": auteur_reference(info.auteur)}]
    return Immunization(**donnees)


def _traitement(
    info: InformationFhir, sujet: dict[str, str], genere_le: datetime
) -> MedicationStatement:
    en_cours = info.date_fin is None or info.date_fin >= genere_le.date()
    periode = sans_vides({"start": jour_iso(info.date), "end": jour_iso(info.date_fin)})
    return MedicationStatement(
        **sans_vides(
            {
                "id": info.id,
                "status": "active" if en_cours else "completed",
                "medicationCodeableConcept": {"text": info.libelle},
                "subject": sujet,
                "effectivePeriod": periode,
                "dateAsserted": instant_iso(info.ajoute_le),
                "informationSource": auteur_reference(info.auteur),
                "dosage": [{"text": info.details}] if info.details else None,
            }
        )
    )


def _antecedent(info: InformationFhir, sujet: dict[str, str]) -> Condition:
    libelle = LIBELLES_CONDITION[info.rubrique]
    if info.rubrique == "antecedent_familial":
        # A relative's condition: FamilyMemberHistory would be the exact resource, but it
        # needs the relationship, which the record does not hold. A Condition of the
        # patient with a category text "Antécédent familial" is simpler and still readable.
        categorie: dict[str, Any] = {"text": libelle}
        statut = None
    else:
        categorie = {
            "coding": [
                {
                    "system": SYSTEME_CATEGORIE_CONDITION,
                    "code": "problem-list-item",
                    "display": "Problem List Item",
                }
            ],
            "text": libelle,
        }
        # con-4: an abated condition must not be "active".
        if info.date_fin is not None:
            statut = "resolved"
        elif info.rubrique == "antecedent_medical":
            statut = "active"
        else:
            statut = None
    return Condition(
        **sans_vides(
            {
                "id": info.id,
                "clinicalStatus": (
                    {"coding": [{"system": SYSTEME_STATUT_CONDITION, "code": statut}]}
                    if statut
                    else None
                ),
                "category": [categorie],
                "code": {"text": info.libelle},
                "subject": sujet,
                "onsetDateTime": jour_iso(info.date),
                "abatementDateTime": jour_iso(info.date_fin),
                "recordedDate": instant_iso(info.ajoute_le),
                "recorder": auteur_reference(info.auteur),
                "note": note_fhir(info.details, info.auteur, info.ajoute_le),
            }
        )
    )


def _observation_texte(info: InformationFhir, sujet: dict[str, str]) -> Observation:
    libelle = LIBELLES_OBSERVATION_TEXTE[info.rubrique]
    valeur = f"{info.libelle} — {info.details}" if info.details else info.libelle
    donnees: dict[str, Any] = {
        "id": info.id,
        "status": "final",
        "category": [{"text": libelle}],
        "code": {"text": libelle},
        "subject": sujet,
        "issued": instant_iso(info.ajoute_le),
        "performer": [auteur_reference(info.auteur)],
        "valueString": valeur,
    }
    if info.date_fin is not None:
        donnees["effectivePeriod"] = sans_vides(
            {"start": jour_iso(info.date), "end": jour_iso(info.date_fin)}
        )
    elif info.date is not None:
        donnees["effectiveDateTime"] = info.date.isoformat()
    return Observation(**donnees)


def information_ressource(
    info: InformationFhir, sujet: dict[str, str], genere_le: datetime
) -> DomainResource:
    if info.rubrique == "allergie":
        return _allergie(info, sujet)
    if info.rubrique == "vaccination":
        return _vaccination(info, sujet)
    if info.rubrique == "traitement":
        return _traitement(info, sujet, genere_le)
    if info.rubrique in LIBELLES_CONDITION:
        return _antecedent(info, sujet)
    if info.rubrique in LIBELLES_OBSERVATION_TEXTE:
        return _observation_texte(info, sujet)
    raise ValueError(f"Rubrique inconnue : {info.rubrique!r}")
