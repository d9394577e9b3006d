"""The patient's record as a FHIR R4 Bundle (type "collection").

Pure module: no Django model, no database. The caller turns its models into the frozen
dataclasses below and calls :func:`bundle`. Every resource is built through the
``fhir.resources.R4B`` classes (R4B is structurally R4 for the resources used here), so
the library's validation runs on each of them and on the Bundle as a whole.

The library does not enforce the ``enum_values`` of required code bindings (``gender``,
``status``…); :func:`valider` and :func:`bundle` check them too.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.allergyintolerance import AllergyIntolerance
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.condition import Condition
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.domainresource import DomainResource
from fhir.resources.R4B.immunization import Immunization
from fhir.resources.R4B.medicationstatement import MedicationStatement
from fhir.resources.R4B.observation import Observation
from fhir.resources.R4B.patient import Patient
from pydantic import BaseModel

SYSTEME_NIR = "urn:oid:1.2.250.1.213.1.4.8"
SYSTEME_RPPS = "urn:oid:1.2.250.1.71.4.2.1"
SYSTEME_CATEGORIE_DOCUMENT = "https://espace-sante.example.fr/fhir/categorie-document"
SYSTEME_CATEGORIE_CONDITION = "http://terminology.hl7.org/CodeSystem/condition-category"
SYSTEME_STATUT_CONDITION = "http://terminology.hl7.org/CodeSystem/condition-clinical"
SYSTEME_STATUT_ALLERGIE = "http://terminology.hl7.org/CodeSystem/allergyintolerance-clinical"
SYSTEME_CATEGORIE_OBSERVATION = "http://terminology.hl7.org/CodeSystem/observation-category"
SYSTEME_LOINC = "http://loinc.org"
SYSTEME_UCUM = "http://unitsofmeasure.org"

GENRES = {"F": "female", "M": "male", "I": "other", "": "unknown"}

# Measure type → (LOINC code, LOINC display, French label, unit shown, UCUM code).
MESURES: dict[str, tuple[str, str, str, str, str]] = {
    "poids": ("29463-7", "Body weight", "Poids", "kg", "kg"),
    "taille": ("8302-2", "Body height", "Taille", "cm", "cm"),
    "imc": ("39156-5", "Body mass index (BMI) [Ratio]", "IMC", "kg/m2", "kg/m2"),
    "tension": (
        "85354-9",
        "Blood pressure panel with all children optional",
        "Tension artérielle",
        "mmHg",
        "mm[Hg]",
    ),
    "glycemie": ("2339-0", "Glucose [Mass/volume] in Blood", "Glycémie", "g/L", "g/L"),
    "temperature": ("8310-5", "Body temperature", "Température", "°C", "Cel"),
    "frequence_cardiaque": ("8867-4", "Heart rate", "Fréquence cardiaque", "/min", "/min"),
}
SYSTOLIQUE = ("8480-6", "Systolic blood pressure")
DIASTOLIQUE = ("8462-4", "Diastolic blood pressure")

LIBELLES_CONDITION = {
    "antecedent_medical": "Antécédent médical",
    "antecedent_chirurgical": "Antécédent chirurgical",
    "antecedent_familial": "Antécédent familial",
}
# No R4 resource fits these well: they become Observations with a textual code.
LIBELLES_OBSERVATION_TEXTE = {
    "directives_anticipees": "Directives anticipées",
    "personne_a_prevenir": "Personne à prévenir",
    "don_organes": "Don d'organes",
}


@dataclass(frozen=True)
class PatientFhir:
    id: str
    nir: str | None
    nom_naissance: str
    nom_usage: str
    prenoms: str
    date_naissance: date | None
    sexe: str
    email: str = ""
    telephone: str = ""
    adresse: str = ""
    code_postal: str = ""
    commune: str = ""


@dataclass(frozen=True)
class AuteurFhir:
    libelle: str
    rpps: str = ""


@dataclass(frozen=True)
class DocumentFhir:
    """A document; its content is bytes, or a function that reads the file again at each
    call (chunk by chunk), so a large record is never held in memory."""

    id: str
    titre: str
    categorie: str
    categorie_libelle: str
    date_acte: date | None
    ajoute_le: datetime
    auteur: AuteurFhir
    type_mime: str
    contenu: bytes | Callable[[], Iterable[bytes]]
    taille: int | None = None

    def morceaux(self) -> Iterable[bytes]:
        return [self.contenu] if isinstance(self.contenu, bytes) else self.contenu()

    @property
    def octets(self) -> int:
        return len(self.contenu) if isinstance(self.contenu, bytes) else (self.taille or 0)


@dataclass(frozen=True)
class InformationFhir:
    id: str
    rubrique: str
    libelle: str
    details: str
    date: date | None
    date_fin: date | None
    ajoute_le: datetime
    auteur: AuteurFhir


@dataclass(frozen=True)
class MesureFhir:
    id: str
    type: str
    valeur: Decimal
    valeur2: Decimal | None
    date: datetime
    auteur: AuteurFhir


# --- helpers -------------------------------------------------------------------------------


def _instant(moment: datetime) -> str:
    """FHIR instants need a time zone; a naive datetime is taken as UTC."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.isoformat()


def _jour(jour: date | None) -> str | None:
    return jour.isoformat() if jour is not None else None


def _urn(identifiant: str) -> str:
    return f"urn:uuid:{identifiant}"


def _auteur(auteur: AuteurFhir) -> dict[str, Any]:
    """A display-only Reference, with the RPPS identifier for a professional."""
    reference: dict[str, Any] = {"display": auteur.libelle}
    if auteur.rpps:
        reference["type"] = "Practitioner"
        reference["identifier"] = {"system": SYSTEME_RPPS, "value": auteur.rpps}
    return reference


def _note(texte: str, auteur: AuteurFhir, moment: datetime) -> list[dict[str, Any]] | None:
    if not texte:
        return None
    return [{"text": texte, "authorReference": _auteur(auteur), "time": _instant(moment)}]


def _sans_vides(donnees: dict[str, Any]) -> dict[str, Any]:
    return {cle: valeur for cle, valeur in donnees.items() if valeur not in (None, "", [], {})}


def _verifier_codes(modele: BaseModel, chemin: str) -> None:
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
                _verifier_codes(element, ici)


# --- resources -----------------------------------------------------------------------------


def _patient(patient: PatientFhir) -> Patient:
    noms: list[dict[str, Any]] = [
        _sans_vides(
            {
                "use": "official",
                "family": patient.nom_naissance,
                "given": patient.prenoms.split(),
            }
        )
    ]
    if patient.nom_usage and patient.nom_usage != patient.nom_naissance:
        noms.append(
            _sans_vides(
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
            _sans_vides(
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
        **_sans_vides(
            {
                "id": patient.id,
                "identifier": (
                    [{"use": "official", "system": SYSTEME_NIR, "value": patient.nir}]
                    if patient.nir
                    else None
                ),
                "name": noms,
                "birthDate": _jour(patient.date_naissance),
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
_A_REMPLACER = f'"data": "{MARQUE}"'


def _sha1(document: DocumentFhir) -> str:
    empreinte = hashlib.sha1()
    for morceau in document.morceaux():
        empreinte.update(morceau)
    return base64.b64encode(empreinte.digest()).decode("ascii")


def _base64_flux(morceaux: Iterable[bytes]) -> Iterator[bytes]:
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


def _document(document: DocumentFhir, sujet: dict[str, str]) -> DocumentReference:
    attachment = _sans_vides(
        {
            "contentType": document.type_mime,
            "data": MARQUE,
            "size": document.octets,
            "hash": _sha1(document),
            "title": document.titre,
            "creation": _jour(document.date_acte),
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
        date=_instant(document.ajoute_le),
        author=[_auteur(document.auteur)],
        description=document.titre,
        content=[{"attachment": attachment}],
    )


def _allergie(info: InformationFhir, sujet: dict[str, str]) -> AllergyIntolerance:
    statut = "resolved" if info.date_fin is not None else "active"
    return AllergyIntolerance(
        **_sans_vides(
            {
                "id": info.id,
                "clinicalStatus": {"coding": [{"system": SYSTEME_STATUT_ALLERGIE, "code": statut}]},
                "code": {"text": info.libelle},
                "patient": sujet,
                "onsetDateTime": _jour(info.date),
                "recordedDate": _instant(info.ajoute_le),
                "recorder": _auteur(info.auteur),
                "note": _note(info.details, info.auteur, info.ajoute_le),
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
        "recorded": _instant(info.ajoute_le),
        "note": _note(texte, info.auteur, info.ajoute_le),
    }
    if info.date is not None:
        donnees["occurrenceDateTime"] = info.date.isoformat()
    else:
        donnees["occurrenceString"] = "date inconnue"
    if info.auteur.rpps:
        # A professional entered it: the record comes from the vaccinating side.
        donnees["performer"] = [{"actor": _auteur(info.auteur)}]
    return Immunization(**donnees)


def _traitement(
    info: InformationFhir, sujet: dict[str, str], genere_le: datetime
) -> MedicationStatement:
    en_cours = info.date_fin is None or info.date_fin >= genere_le.date()
    periode = _sans_vides({"start": _jour(info.date), "end": _jour(info.date_fin)})
    return MedicationStatement(
        **_sans_vides(
            {
                "id": info.id,
                "status": "active" if en_cours else "completed",
                "medicationCodeableConcept": {"text": info.libelle},
                "subject": sujet,
                "effectivePeriod": periode,
                "dateAsserted": _instant(info.ajoute_le),
                "informationSource": _auteur(info.auteur),
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
        **_sans_vides(
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
                "onsetDateTime": _jour(info.date),
                "abatementDateTime": _jour(info.date_fin),
                "recordedDate": _instant(info.ajoute_le),
                "recorder": _auteur(info.auteur),
                "note": _note(info.details, info.auteur, info.ajoute_le),
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
        "issued": _instant(info.ajoute_le),
        "performer": [_auteur(info.auteur)],
        "valueString": valeur,
    }
    if info.date_fin is not None:
        donnees["effectivePeriod"] = _sans_vides(
            {"start": _jour(info.date), "end": _jour(info.date_fin)}
        )
    elif info.date is not None:
        donnees["effectiveDateTime"] = info.date.isoformat()
    return Observation(**donnees)


def _information(
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


def _quantite(valeur: Decimal, unite: str, code: str) -> dict[str, Any]:
    return {"value": valeur, "unit": unite, "system": SYSTEME_UCUM, "code": code}


def _mesure(mesure: MesureFhir, sujet: dict[str, str]) -> Observation:
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
        "effectiveDateTime": _instant(mesure.date),
        "performer": [_auteur(mesure.auteur)],
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


# --- public API ----------------------------------------------------------------------------


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
    sujet = {"reference": _urn(patient.id)}
    ressources: list[tuple[str, DomainResource]] = [(patient.id, _patient(patient))]
    ressources += [(document.id, _document(document, sujet)) for document in documents]
    ressources += [(info.id, _information(info, sujet, genere_le)) for info in informations]
    ressources += [(mesure.id, _mesure(mesure, sujet)) for mesure in mesures]
    resultat = Bundle(
        type="collection",
        timestamp=_instant(genere_le),
        entry=[
            {"fullUrl": _urn(identifiant), "resource": ressource}
            for identifiant, ressource in ressources
        ],
    )
    _verifier_codes(resultat, "Bundle")
    squelette = json.dumps(
        resultat.model_dump(mode="json", exclude_none=True), ensure_ascii=False, indent=1
    )
    morceaux = squelette.split(_A_REMPLACER)
    if len(morceaux) != len(documents) + 1:
        raise ValueError("Bundle FHIR : emplacement des documents introuvable.")
    yield morceaux[0].encode()
    for document, suite in zip(documents, morceaux[1:], strict=True):
        yield b'"data": "'
        yield from _base64_flux(document.morceaux())
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
        _verifier_codes(resultat, "Bundle")
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
            _verifier_codes(modele, f"entry[{position}].{nom}")
    # pydantic's ValidationError is a ValueError; an unknown nested resourceType surfaces
    # from the library as a KeyError.
    except (ValueError, KeyError, TypeError, AttributeError) as erreur:
        raise ValueError(f"Bundle FHIR invalide : {erreur}") from erreur
