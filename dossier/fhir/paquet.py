"""The whole record as one Bundle (type "collection"), streamed; and its validation."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.domainresource import DomainResource

from dossier.fhir.cliniques import information_ressource
from dossier.fhir.commun import instant_iso, urn, verifier_codes
from dossier.fhir.modeles import DocumentFhir, InformationFhir, MesureFhir, PatientFhir
from dossier.fhir.ressources import (
    A_REMPLACER,
    base64_flux,
    document_ressource,
    mesure_ressource,
    patient_ressource,
)


def bundle_flux(
    patient: PatientFhir,
    documents: list[DocumentFhir],
    informations: list[InformationFhir],
    mesures: list[MesureFhir],
    *,
    genere_le: datetime,
) -> Iterator[bytes]:
    """The Bundle as JSON bytes, streamed (type "collection", timestamp genere_le).

    Every resource is validated without the files' content; each document's content is
    then read and base64-encoded chunk by chunk in its place: memory stays bounded
    whatever the size of the record.
    """
    sujet = {"reference": urn(patient.id)}
    ressources: list[tuple[str, DomainResource]] = [(patient.id, patient_ressource(patient))]
    ressources += [(document.id, document_ressource(document, sujet)) for document in documents]
    ressources += [
        (info.id, information_ressource(info, sujet, genere_le)) for info in informations
    ]
    ressources += [(mesure.id, mesure_ressource(mesure, sujet)) for mesure in mesures]
    resultat = Bundle(
        type="collection",
        timestamp=instant_iso(genere_le),
        entry=[
            {"fullUrl": urn(identifiant), "resource": ressource}
            for identifiant, ressource in ressources
        ],
    )
    verifier_codes(resultat, "Bundle")
    squelette = json.dumps(
        resultat.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1
    )
    morceaux = squelette.split(A_REMPLACER)
    if len(morceaux) != len(documents) + 1:
        raise ValueError("Bundle FHIR : emplacement des documents introuvable.")
    yield morceaux[0].encode()
    for document, suite in zip(documents, morceaux[1:], strict=True):
        yield b'"data": "'
        yield from base64_flux(document.morceaux())
        yield b'"' + suite.encode()


def bundle(
    patient: PatientFhir,
    documents: list[DocumentFhir],
    informations: list[InformationFhir],
    mesures: list[MesureFhir],
    *,
    genere_le: datetime,
) -> dict[str, Any]:
    """The same Bundle as a JSON-ready dict (small records and tests)."""
    return json.loads(
        b"".join(bundle_flux(patient, documents, informations, mesures, genere_le=genere_le))
    )


def valider(donnees: dict[str, Any]) -> None:
    """Re-parse a bundle dict, then each entry's resource by its resourceType.

    Raises ValueError on any failure, including codes outside their required value set.
    """
    try:
        resultat = Bundle.model_validate(donnees)
        verifier_codes(resultat, "Bundle")
        for position, entree in enumerate(donnees.get("entry") or []):
            ressource = entree.get("resource")
            if not isinstance(ressource, dict):
                raise ValueError(f"entry[{position}] : ressource absente")
            nom = ressource.get("resourceType")
            try:
                classe = get_fhir_model_class(nom)
            except (KeyError, ValueError, TypeError, AttributeError):
                raise ValueError(f"entry[{position}] : resourceType inconnu {nom!r}") from None
            modele = classe.model_validate(ressource)
            verifier_codes(modele, f"entry[{position}].{nom}")
    # pydantic's ValidationError is a ValueError; an unknown nested resourceType surfaces
    # from the library as a KeyError.
    except (ValueError, KeyError, TypeError, AttributeError) as erreur:
        raise ValueError(f"Bundle FHIR invalide : {erreur}") from erreur
