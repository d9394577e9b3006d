"""What the FHIR export reads: code systems, labels and the frozen input dataclasses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

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
