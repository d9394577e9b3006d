"""The record as a FHIR R4 Bundle: pure, no database."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
import uuid
from collections import Counter
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from dossier.fhir import (
    AuteurFhir,
    DocumentFhir,
    InformationFhir,
    MesureFhir,
    PatientFhir,
    bundle,
    valider,
)

GENERE_LE = datetime(2026, 11, 3, 9, 30, tzinfo=UTC)
MEDECIN = AuteurFhir("Dr Jeanne Lefèvre (Médecin)", rpps="10101010101")
TITULAIRE = AuteurFhir("Camille Martin (titulaire)")

RUBRIQUES = [
    "antecedent_medical",
    "antecedent_chirurgical",
    "antecedent_familial",
    "traitement",
    "allergie",
    "vaccination",
    "directives_anticipees",
    "personne_a_prevenir",
    "don_organes",
]
TYPES_MESURE = [
    "poids",
    "taille",
    "imc",
    "tension",
    "glycemie",
    "temperature",
    "frequence_cardiaque",
]


def _id() -> str:
    return str(uuid.uuid4())


PATIENT = PatientFhir(
    id=_id(),
    nir="269054958815780",
    nom_naissance="Durand",
    nom_usage="Martin",
    prenoms="Camille Marie",
    date_naissance=date(1969, 5, 12),
    sexe="F",
    email="camille.martin@example.fr",
    telephone="0601020304",
    adresse="12 rue des Lilas",
    code_postal="75011",
    commune="Paris",
)
DOCUMENTS = [
    DocumentFhir(
        id=_id(),
        titre="Compte rendu de consultation",
        categorie="compte_rendu",
        categorie_libelle="Compte rendu",
        date_acte=date(2026, 10, 1),
        ajoute_le=datetime(2026, 10, 2, 14, 0, tzinfo=UTC),
        auteur=MEDECIN,
        type_mime="application/pdf",
        contenu=b"%PDF-1.4\n% petit document\n%%EOF\n",
    ),
    DocumentFhir(
        id=_id(),
        titre="Ordonnance lunettes",
        categorie="ordonnance",
        categorie_libelle="Ordonnance",
        date_acte=None,
        ajoute_le=datetime(2026, 9, 15, 8, 0),  # naive: taken as UTC
        auteur=TITULAIRE,
        type_mime="image/png",
        contenu=bytes(range(256)),
    ),
]
INFORMATIONS = [
    InformationFhir(
        id=_id(),
        rubrique=rubrique,
        libelle=f"Libellé {rubrique} é",
        details=f"Détails {rubrique}" if rang % 2 == 0 else "",
        date=date(2020, 1, 1 + rang) if rang != 5 else None,  # the vaccine has no date
        date_fin=None,
        ajoute_le=datetime(2026, 1, 1 + rang, 10, 0, tzinfo=UTC),
        auteur=MEDECIN if rang % 2 == 0 else TITULAIRE,
    )
    for rang, rubrique in enumerate(RUBRIQUES)
] + [
    InformationFhir(
        id=_id(),
        rubrique="traitement",
        libelle="Amoxicilline 1 g",
        details="1 comprimé matin et soir",
        date=date(2026, 3, 1),
        date_fin=date(2026, 3, 8),
        ajoute_le=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        auteur=MEDECIN,
    ),
    InformationFhir(
        id=_id(),
        rubrique="antecedent_medical",
        libelle="Appendicite guérie",
        details="",
        date=date(1990, 6, 1),
        date_fin=date(1990, 7, 1),
        ajoute_le=datetime(2026, 3, 1, 10, 0, tzinfo=UTC),
        auteur=TITULAIRE,
    ),
]
MESURES = [
    MesureFhir(
        id=_id(),
        type=type_mesure,
        valeur=Decimal("128") if type_mesure == "tension" else Decimal("72.5"),
        valeur2=Decimal("82") if type_mesure == "tension" else None,
        date=datetime(2026, 11, 1, 8, 0, tzinfo=UTC),
        auteur=TITULAIRE,
    )
    for type_mesure in TYPES_MESURE
]

TYPES_ATTENDUS = {
    "antecedent_medical": "Condition",
    "antecedent_chirurgical": "Condition",
    "antecedent_familial": "Condition",
    "traitement": "MedicationStatement",
    "allergie": "AllergyIntolerance",
    "vaccination": "Immunization",
    "directives_anticipees": "Observation",
    "personne_a_prevenir": "Observation",
    "don_organes": "Observation",
}


@pytest.fixture(scope="module")
def donnees():
    return bundle(PATIENT, DOCUMENTS, INFORMATIONS, MESURES, genere_le=GENERE_LE)


def _ressources(donnees):
    return {entree["resource"]["id"]: entree["resource"] for entree in donnees["entry"]}


def test_le_bundle_est_valide_et_serialisable(donnees):
    valider(donnees)
    assert donnees["resourceType"] == "Bundle"
    assert donnees["type"] == "collection"
    assert donnees["timestamp"].startswith("2026-11-03T09:30:00")
    texte = json.dumps(donnees, ensure_ascii=False)
    valider(json.loads(texte))


def test_une_entree_par_element_plus_le_patient(donnees):
    entrees = donnees["entry"]
    assert len(entrees) == 1 + len(DOCUMENTS) + len(INFORMATIONS) + len(MESURES)
    assert all(e["fullUrl"] == f"urn:uuid:{e['resource']['id']}" for e in entrees)
    assert len({e["fullUrl"] for e in entrees}) == len(entrees)
    compte = Counter(e["resource"]["resourceType"] for e in entrees)
    assert compte["Patient"] == 1
    assert compte["DocumentReference"] == 2
    assert compte["Condition"] == 4
    assert compte["MedicationStatement"] == 2
    assert compte["AllergyIntolerance"] == 1
    assert compte["Immunization"] == 1
    assert compte["Observation"] == 3 + len(TYPES_MESURE)


def test_chaque_element_a_le_type_de_ressource_attendu(donnees):
    ressources = _ressources(donnees)
    assert ressources[PATIENT.id]["resourceType"] == "Patient"
    for document in DOCUMENTS:
        assert ressources[document.id]["resourceType"] == "DocumentReference"
    for info in INFORMATIONS:
        assert ressources[info.id]["resourceType"] == TYPES_ATTENDUS[info.rubrique]
    for mesure in MESURES:
        assert ressources[mesure.id]["resourceType"] == "Observation"
    sujet = {"reference": f"urn:uuid:{PATIENT.id}"}
    for identifiant, ressource in ressources.items():
        if identifiant == PATIENT.id:
            continue
        assert sujet in (ressource.get("subject"), ressource.get("patient"))


def test_patient(donnees):
    patient = _ressources(donnees)[PATIENT.id]
    assert patient["identifier"][0] == {
        "use": "official",
        "system": "urn:oid:1.2.250.1.213.1.4.8",
        "value": PATIENT.nir,
    }
    noms = {nom["use"]: nom for nom in patient["name"]}
    assert noms["official"]["family"] == "Durand"
    assert noms["official"]["given"] == ["Camille", "Marie"]
    assert noms["usual"]["family"] == "Martin"
    assert patient["birthDate"] == "1969-05-12"
    assert patient["gender"] == "female"
    assert patient["address"][0]["country"] == "FR"
    assert patient["address"][0]["postalCode"] == "75011"
    assert {t["system"] for t in patient["telecom"]} == {"phone", "email"}


@pytest.mark.parametrize(
    ("sexe", "genre"), [("F", "female"), ("M", "male"), ("I", "other"), ("", "unknown")]
)
def test_genre(sexe, genre):
    patient = PatientFhir(
        id=_id(),
        nir=None,
        nom_naissance="Dupont",
        nom_usage="",
        prenoms="Alex",
        date_naissance=None,
        sexe=sexe,
    )
    donnees = bundle(patient, [], [], [], genere_le=GENERE_LE)
    valider(donnees)
    ressource = donnees["entry"][0]["resource"]
    assert ressource["gender"] == genre
    assert "identifier" not in ressource
    assert [nom["use"] for nom in ressource["name"]] == ["official"]


def test_document_attache_en_entier(donnees):
    ressources = _ressources(donnees)
    for document in DOCUMENTS:
        reference = ressources[document.id]
        assert reference["status"] == "current"
        assert reference["type"]["text"] == document.titre
        assert reference["category"][0]["coding"][0]["code"] == document.categorie
        piece = reference["content"][0]["attachment"]
        assert base64.b64decode(piece["data"]) == document.contenu
        assert piece["size"] == len(document.contenu)
        assert piece["hash"] == base64.b64encode(hashlib.sha1(document.contenu).digest()).decode()
        assert piece["contentType"] == document.type_mime
    premier = ressources[DOCUMENTS[0].id]
    assert premier["content"][0]["attachment"]["creation"] == "2026-10-01"
    assert premier["author"][0]["identifier"]["value"] == MEDECIN.rpps
    second = ressources[DOCUMENTS[1].id]
    assert second["author"][0] == {"display": TITULAIRE.libelle}
    assert second["date"].startswith("2026-09-15T08:00:00")


def test_tension_a_deux_composantes_loinc(donnees):
    tension = _ressources(donnees)[MESURES[TYPES_MESURE.index("tension")].id]
    assert tension["code"]["coding"][0]["code"] == "85354-9"
    assert "valueQuantity" not in tension
    composantes = {c["code"]["coding"][0]["code"]: c["valueQuantity"] for c in tension["component"]}
    assert composantes["8480-6"]["value"] == 128
    assert composantes["8462-4"]["value"] == 82
    assert composantes["8480-6"]["code"] == "mm[Hg]"


def test_mesures_loinc_et_ucum(donnees):
    ressources = _ressources(donnees)
    attendus = {
        "poids": ("29463-7", "kg"),
        "taille": ("8302-2", "cm"),
        "imc": ("39156-5", "kg/m2"),
        "glycemie": ("2339-0", "g/L"),
        "temperature": ("8310-5", "Cel"),
        "frequence_cardiaque": ("8867-4", "/min"),
    }
    for mesure in MESURES:
        observation = ressources[mesure.id]
        assert observation["status"] == "final"
        assert observation["category"][0]["coding"][0]["code"] == "vital-signs"
        if mesure.type in attendus:
            loinc, ucum = attendus[mesure.type]
            assert observation["code"]["coding"][0] == {
                "system": "http://loinc.org",
                "code": loinc,
                "display": observation["code"]["coding"][0]["display"],
            }
            assert observation["valueQuantity"]["system"] == "http://unitsofmeasure.org"
            assert observation["valueQuantity"]["code"] == ucum
            assert observation["valueQuantity"]["value"] == 72.5


def test_statut_des_traitements(donnees):
    ressources = _ressources(donnees)
    traitements = [i for i in INFORMATIONS if i.rubrique == "traitement"]
    en_cours, termine = traitements
    assert ressources[en_cours.id]["status"] == "active"
    assert ressources[termine.id]["status"] == "completed"
    assert ressources[termine.id]["effectivePeriod"] == {
        "start": "2026-03-01",
        "end": "2026-03-08",
    }
    assert ressources[termine.id]["dosage"][0]["text"] == "1 comprimé matin et soir"


def test_traitement_qui_finit_plus_tard_est_actif():
    info = InformationFhir(
        id=_id(),
        rubrique="traitement",
        libelle="Levothyrox",
        details="",
        date=date(2026, 1, 1),
        date_fin=date(2027, 1, 1),
        ajoute_le=GENERE_LE,
        auteur=MEDECIN,
    )
    donnees = bundle(PATIENT, [], [info], [], genere_le=GENERE_LE)
    assert donnees["entry"][1]["resource"]["status"] == "active"


def test_vaccination_sans_date(donnees):
    vaccin = next(i for i in INFORMATIONS if i.rubrique == "vaccination")
    ressource = _ressources(donnees)[vaccin.id]
    assert ressource["status"] == "completed"
    assert ressource["vaccineCode"]["text"] == vaccin.libelle
    assert ressource["occurrenceString"] == "date inconnue"
    assert "occurrenceDateTime" not in ressource


def test_antecedents(donnees):
    ressources = _ressources(donnees)
    for info in INFORMATIONS:
        if not info.rubrique.startswith("antecedent"):
            continue
        condition = ressources[info.id]
        categorie = condition["category"][0]
        if info.rubrique == "antecedent_familial":
            assert categorie == {"text": "Antécédent familial"}
        else:
            assert categorie["coding"][0]["code"] == "problem-list-item"
        if info.date_fin:
            assert condition["abatementDateTime"] == info.date_fin.isoformat()
            assert condition["clinicalStatus"]["coding"][0]["code"] == "resolved"


def test_allergie(donnees):
    allergie = next(i for i in INFORMATIONS if i.rubrique == "allergie")
    ressource = _ressources(donnees)[allergie.id]
    assert ressource["clinicalStatus"]["coding"][0]["code"] == "active"
    assert ressource["code"]["text"] == allergie.libelle
    assert ressource["recorder"]["display"] == allergie.auteur.libelle


def test_chaque_libelle_apparait(donnees):
    texte = json.dumps(donnees, ensure_ascii=False)
    for info in INFORMATIONS:
        assert info.libelle in texte
        if info.details:
            assert info.details in texte
    for document in DOCUMENTS:
        assert document.titre in texte
        assert document.categorie_libelle in texte
    for libelle in ("Directives anticipées", "Personne à prévenir", "Don d'organes"):
        assert libelle in texte


def test_valider_refuse_un_genre_inconnu(donnees):
    corrompu = copy.deepcopy(donnees)
    corrompu["entry"][0]["resource"]["gender"] = "banana"
    with pytest.raises(ValueError, match="banana"):
        valider(corrompu)


def test_valider_refuse_une_date_mal_formee(donnees):
    corrompu = copy.deepcopy(donnees)
    corrompu["entry"][0]["resource"]["birthDate"] = "1969-13-45"
    with pytest.raises(ValueError):
        valider(corrompu)


def test_valider_refuse_un_type_de_ressource_inconnu(donnees):
    corrompu = copy.deepcopy(donnees)
    corrompu["entry"][1]["resource"]["resourceType"] = "Banane"
    with pytest.raises(ValueError):
        valider(corrompu)


def test_rubrique_inconnue_refusee():
    info = InformationFhir(
        id=_id(),
        rubrique="inconnue",
        libelle="x",
        details="",
        date=None,
        date_fin=None,
        ajoute_le=GENERE_LE,
        auteur=TITULAIRE,
    )
    with pytest.raises(ValueError):
        bundle(PATIENT, [], [info], [], genere_le=GENERE_LE)
