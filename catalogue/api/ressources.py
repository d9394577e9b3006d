"""The record's items as FHIR resources for one application: the record's selectors (the
policy's ``q_visibles``, which narrows to the consented scopes) and the record's export
mapping (``dossier.exports`` → ``dossier.fhir``), never a second one.

A DocumentReference points to its file (``<site>/fhir/Binary/<id>``, absolute) instead of carrying it: a
search never decrypts a file, and the file streams when it is asked for.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from dossier import public as dossier
from dossier.public import (
    MESURES,
    document_ressource,
    information_ressource,
    instant_iso,
    mesure_ressource,
    patient_ressource,
)

RUBRIQUES = {
    "AllergyIntolerance": ["allergie"],
    "Immunization": ["vaccination"],
    "MedicationStatement": ["traitement"],
    "Condition": ["antecedent_medical", "antecedent_chirurgical", "antecedent_familial"],
}
# LOINC code → measure type (the export's table read backwards; the BMI is computed).
TYPE_DU_CODE = {loinc: type_ for type_, (loinc, *_reste) in MESURES.items() if type_ != "imc"}


@dataclass(frozen=True)
class Famille:
    """One resource type: its items as the application sees them, and their mapping."""

    queryset: Callable[[Acteur], QuerySet]
    vers_fhir: Callable[[Any, Acteur], dict]
    date: str | None = None  # the model field the ``date`` parameter filters


def sujet(acteur: Acteur) -> dict[str, str]:
    return {"reference": f"Patient/{acteur.profil.public_id}"}


def _json(ressource) -> dict:
    return ressource.model_dump(mode="json", exclude_none=True)


def _sans_contenu(d):
    """The document's mapping without reading its file (size from the row)."""
    return dataclasses.replace(dossier.document_fhir(d), contenu=lambda: iter(()))


def versionner(donnees: dict, element) -> dict:
    """meta.versionId (the item's save counter) and meta.lastUpdated (its last save)."""
    donnees["meta"] = {
        **donnees.get("meta", {}),
        "versionId": str(element.version),
        "lastUpdated": instant_iso(element.modifie_le),
    }
    return donnees


def document_json(document, acteur: Acteur) -> dict:
    donnees = _json(document_ressource(_sans_contenu(document), sujet(acteur)))
    versionner(donnees, document)
    attachment = donnees["content"][0]["attachment"]
    attachment.pop("data", None)
    attachment.pop("hash", None)
    # Absolute (the site's public address): some client libraries refuse a relative url.
    attachment["url"] = f"{settings.SITE_URL.rstrip('/')}/fhir/Binary/{document.public_id}"
    return donnees


def mesure_json(mesure, acteur: Acteur) -> dict:
    return versionner(_json(mesure_ressource(dossier.mesure_fhir(mesure), sujet(acteur))), mesure)


def information_json(information, acteur: Acteur) -> dict:
    donnees = _json(
        information_ressource(dossier.information_fhir(information), sujet(acteur), timezone.now())
    )
    return versionner(donnees, information)


def patient_json(acteur: Acteur) -> dict:
    """The person's Patient; its versionId is a digest of its content (the profile keeps no
    save counter), so it changes exactly when what an application reads changes. No
    lastUpdated: the profile does not record when it last changed."""
    donnees = _json(patient_ressource(dossier.patient_fhir(acteur.profil)))
    empreinte = hashlib.sha256(json.dumps(donnees, sort_keys=True).encode()).hexdigest()
    donnees["meta"] = {**donnees.get("meta", {}), "versionId": empreinte[:16]}
    return donnees


def _informations(type_ressource: str):
    def queryset(acteur: Acteur) -> QuerySet:
        return (
            dossier.informations_visibles(acteur=acteur)
            .filter(rubrique__in=RUBRIQUES[type_ressource])
            .select_related("auteur_professionnel")
            .order_by("-ajoute_le", "-pk")
        )

    return queryset


FAMILLES: dict[str, Famille] = {
    "DocumentReference": Famille(
        lambda a: dossier.documents_visibles(acteur=a), document_json, date="ajoute_le"
    ),
    "Observation": Famille(
        lambda a: (
            dossier.mesures_visibles(acteur=a)
            .select_related("auteur_professionnel")
            .order_by("-date", "-pk")
        ),
        mesure_json,
        date="date",
    ),
    "AllergyIntolerance": Famille(
        _informations("AllergyIntolerance"), information_json, date="ajoute_le"
    ),
    "Immunization": Famille(_informations("Immunization"), information_json, date="date"),
    "Condition": Famille(_informations("Condition"), information_json, date="date"),
    "MedicationStatement": Famille(
        _informations("MedicationStatement"), information_json, date="date"
    ),
}


def lisibles(acteur: Acteur) -> list[str]:
    """The resource types this application may read now (Patient first)."""
    return [t for t in ("Patient", *FAMILLES) if acces.peut_lire(acteur, t)]
