"""Small builders every FHIR resource uses (dates, references, notes, code checks)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from pydantic import BaseModel

from dossier.fhir.modeles import SYSTEME_RPPS, AuteurFhir


def instant_iso(moment: datetime) -> str:
    """FHIR instants need a time zone; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def jour_iso(valeur: date | None) -> str | None:
    return valeur.isoformat() if valeur is not None else None


def urn(identifiant: str) -> str:
    return f"urn:uuid:{identifiant}"


def auteur_reference(auteur: AuteurFhir) -> dict[str, Any]:
    """A display-only Reference, with the RPPS identifier for a professional."""
    reference: dict[str, Any] = {"display": auteur.libelle}
    if auteur.rpps:
        reference["type"] = "Practitioner"
        reference["identifier"] = {"system": SYSTEME_RPPS, "value": auteur.rpps}
    return reference


def note_fhir(texte: str, auteur: AuteurFhir, moment: datetime) -> list[dict[str, Any]] | None:
    if not texte:
        return None
    return [
        {"text": texte, "authorReference": auteur_reference(auteur), "time": instant_iso(moment)}
    ]


def sans_vides(donnees: dict[str, Any]) -> dict[str, Any]:
    return {cle: valeur for cle, valeur in donnees.items() if valeur not in (None, "", [], {})}


def verifier_codes(modele: BaseModel, chemin: str) -> None:
    """Check the values of required code bindings, which the library leaves unchecked."""
    for nom, champ in type(modele).model_fields.items():
        valeur = getattr(modele, nom, None)
        if valeur is None:
            continue
        extra = champ.json_schema_extra if isinstance(champ.json_schema_extra, dict) else {}
        permis = extra.get("enum_values")
        valeurs = valeur if isinstance(valeur, list) else [valeur]
        for position, element in enumerate(valeurs):
            ici = f"{chemin}.{champ.alias or nom}"
            if isinstance(valeur, list):
                ici += f"[{position}]"
            if permis and isinstance(element, str) and element not in permis:
                raise ValueError(f"{ici} : valeur {element!r} hors de {permis}")
            if isinstance(element, BaseModel):
                verifier_codes(element, ici)
