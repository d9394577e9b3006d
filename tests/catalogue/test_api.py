"""The FHIR API with real tokens: reads and searches (paging, date, category, code), the
file streamed, $everything, writes shown as the service's, errors as OperationOutcome,
scopes enforced and withdrawn from the very next request, a minor's confidential items
never served, one patient's token useless on another's record, and one history line per
call under the service's name."""

from __future__ import annotations

import base64
import html
import json
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from catalogue.models import Connexion
from dossier import services as dossier_services
from dossier.models import Document, Mesure
from tests.catalogue.factories import fhir, lancer, service_et_client
from tests.conftest import acteur_de, connecter
from tests.dossier.factories import InformationFactory
from tests.lib.corpus import pdf, stocke

pytestmark = pytest.mark.django_db

LECTURES = "launch/patient patient/*.read patient/Observation.c patient/DocumentReference.c"
TOUT = [
    "patient/Patient.rs",
    "patient/Observation.rs",
    "patient/Observation.c",
    "patient/DocumentReference.rs",
    "patient/DocumentReference.c",
    "patient/AllergyIntolerance.rs",
    "patient/Immunization.rs",
    "patient/Condition.rs",
    "patient/MedicationStatement.rs",
]


def _poids(acteur, valeur, jours):
    return dossier_services.mesure_ajouter(
        acteur=acteur,
        type_mesure="poids",
        valeur=valeur,
        quand=timezone.now() - timedelta(days=jours),
    )


@pytest.fixture
def app():
    return service_et_client(nom="Balance connectée", slug="balance")


@pytest.fixture
def jeton(client, patient, app):
    connecter(client, patient)
    reponse = lancer(client, app[1], scope=LECTURES, cocher=TOUT)
    client.logout()  # the API works with the token alone
    return reponse["access_token"]


def _poster(client, jeton, type_, corps):
    return client.post(
        f"/fhir/{type_}",
        json.dumps(corps),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )


def _observation(valeur, code="29463-7", unite="kg"):
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": code}]},
        "effectiveDateTime": (timezone.now() - timedelta(hours=1)).isoformat(),
        "valueQuantity": {
            "value": valeur,
            "unit": unite,
            "system": "http://unitsofmeasure.org",
            "code": unite,
        },
    }


def test_search_pages_with_count_and_links_and_filters_by_date_and_code(client, patient, jeton):
    acteur = acteur_de(patient, patient.profil)
    for jours, valeur in [(1, "70"), (40, "71"), (400, "72")]:
        _poids(acteur, valeur, jours)
    dossier_services.mesure_ajouter(acteur=acteur, type_mesure="taille", valeur="170")
    page1 = fhir(client, jeton, "/fhir/Observation", data={"_count": 2}).json()
    assert page1["total"] == 4 and len(page1["entry"]) == 2
    suivant = next(x["url"] for x in page1["link"] if x["relation"] == "next")
    page2 = fhir(client, jeton, suivant.removeprefix("http://testserver")).json()
    assert len(page2["entry"]) == 2
    assert not {e["resource"]["id"] for e in page1["entry"]} & {
        e["resource"]["id"] for e in page2["entry"]
    }
    assert not any(x["relation"] == "next" for x in page2["link"])
    depuis = (timezone.now() - timedelta(days=100)).date().isoformat()
    recents = fhir(
        client,
        jeton,
        "/fhir/Observation",
        data={"date": f"ge{depuis}", "code": "http://loinc.org|29463-7"},
    ).json()
    valeurs = sorted(e["resource"]["valueQuantity"]["value"] for e in recents["entry"])
    assert valeurs == [70, 71]
    vitaux = fhir(client, jeton, "/fhir/Observation", data={"category": "laboratory"}).json()
    assert vitaux["total"] == 0


def test_bad_values_of_supported_parameters_are_400_outcomes(client, jeton):
    for params in ({"_count": "abc"}, {"date": "hier"}, {"_count": "-1"}):
        reponse = fhir(client, jeton, "/fhir/Observation", data=params)
        assert reponse.status_code == 400, params
        assert reponse.json()["resourceType"] == "OperationOutcome"


def test_write_a_measure_then_read_it_back_as_added_by_the_service(client, patient, jeton):
    reponse = _poster(client, jeton, "Observation", _observation(68.5))
    assert reponse.status_code == 201, reponse.content
    assert reponse["Location"].startswith("http://testserver/fhir/Observation/")
    mesure = Mesure.objects.get(profil=patient.profil)
    assert mesure.auteur_libelle == "Balance connectée (service connecté)"
    relue = fhir(client, jeton, reponse["Location"].removeprefix("http://testserver")).json()
    assert relue["valueQuantity"]["value"] == 68.5
    # The person sees it in their record, with the service as author.
    connecter(client, patient)
    assert "Balance connectée" in client.get("/dossier/profil-medical/mesures/poids/").text


@pytest.mark.parametrize(
    ("corps", "statut"),
    [
        (_observation(900), 422),
        (_observation(70, unite="lb"), 422),
        (_observation(70, code="0000-0"), 422),
        ({"resourceType": "Patient"}, 400),
    ],
)
def test_a_measure_out_of_the_records_bounds_is_refused_and_nothing_is_stored(
    client, patient, jeton, corps, statut
):
    reponse = _poster(client, jeton, "Observation", corps)
    assert reponse.status_code == statut
    assert reponse.json()["resourceType"] == "OperationOutcome"
    assert not Mesure.objects.exists()


def test_a_document_goes_through_the_upload_checks_and_its_file_streams_back(
    client, patient, jeton
):
    contenu = pdf()
    corps = {
        "resourceType": "DocumentReference",
        "status": "current",
        "description": "Bilan",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "data": base64.b64encode(contenu).decode(),
                }
            }
        ],
    }
    reponse = _poster(client, jeton, "DocumentReference", corps)
    assert reponse.status_code == 201, reponse.content
    document = Document.objects.get(profil=patient.profil)
    assert document.auteur_libelle == "Balance connectée (service connecté)"
    url = reponse.json()["content"][0]["attachment"]["url"]
    fichier = fhir(client, jeton, url.removeprefix(settings.SITE_URL))
    assert fichier.status_code == 200 and fichier.streaming
    assert b"".join(fichier.streaming_content) == stocke(contenu)
    # Not a PDF: refused by the same checks as the person's uploads.
    corps["content"][0]["attachment"]["data"] = base64.b64encode(b"MZ\x90\x00 binaire").decode()
    assert _poster(client, jeton, "DocumentReference", corps).status_code == 422
    assert Document.objects.count() == 1


def test_everything_returns_each_consented_type_and_the_history_names_the_service(
    client, patient, jeton
):
    acteur = acteur_de(patient, patient.profil)
    _poids(acteur, "70", 1)
    _poids(acteur, "71", 2)
    InformationFactory(profil=patient.profil)
    reponse = fhir(client, jeton, f"/fhir/Patient/{patient.profil.public_id}/$everything")
    assert reponse.status_code == 200
    types = [e["resource"]["resourceType"] for e in reponse.json()["entry"]]
    assert types.count("Patient") == 1 and types.count("Observation") == 2
    assert types.count("AllergyIntolerance") == 1
    connecter(client, patient)
    historique = client.get("/dossier/historique/").text
    assert "Balance connectée" in historique
    assert "2 mesures" in historique and "Observation" not in historique


def test_errors_are_operation_outcomes_401_403_404(client, patient, app):
    sans = client.get("/fhir/Observation")
    assert sans.status_code == 401 and sans.json()["resourceType"] == "OperationOutcome"
    assert "Bearer" in sans["WWW-Authenticate"]
    assert fhir(client, "faux", "/fhir/Observation").status_code == 401
    connecter(client, patient)
    jeton = lancer(
        client,
        app[1],
        scope="launch/patient patient/Observation.rs",
        cocher=["patient/Observation.rs"],
    )["access_token"]
    refuse = fhir(client, jeton, "/fhir/Condition")
    assert refuse.status_code == 403 and refuse.json()["issue"][0]["code"] == "forbidden"
    assert _poster(client, jeton, "Observation", _observation(70)).status_code == 403
    absent = fhir(client, jeton, "/fhir/Observation/00000000-0000-4000-8000-000000000000")
    assert absent.status_code == 404 and absent.json()["issue"][0]["code"] == "not-found"


def test_withdrawing_a_scope_is_refused_from_the_very_next_request(client, patient, jeton):
    assert fhir(client, jeton, "/fhir/Condition").status_code == 200
    connecter(client, patient)
    connexion = Connexion.objects.get()
    client.post(
        f"/catalogue/mes-services/{connexion.public_id}/retirer/",
        {"portee": "patient/Condition.rs"},
    )
    assert fhir(client, jeton, "/fhir/Condition").status_code == 403
    assert fhir(client, jeton, "/fhir/Observation").status_code == 200
    client.post(f"/catalogue/mes-services/{connexion.public_id}/deconnecter/")
    assert fhir(client, jeton, "/fhir/Observation").status_code == 401


def test_one_patients_token_gets_404_on_another_patients_resources(client, patient, parent, app):
    autre = acteur_de(parent, parent.profil)
    mesure = _poids(autre, "80", 1)
    connecter(client, patient)
    jeton = lancer(client, app[1], scope=LECTURES, cocher=TOUT)["access_token"]
    assert fhir(client, jeton, f"/fhir/Observation/{mesure.public_id}").status_code == 404
    assert fhir(client, jeton, f"/fhir/Patient/{parent.profil.public_id}").status_code == 404
    everything = f"/fhir/Patient/{parent.profil.public_id}/$everything"
    assert fhir(client, jeton, everything).status_code == 404
    cherche = fhir(
        client, jeton, "/fhir/Observation", data={"patient": str(parent.profil.public_id)}
    ).json()
    assert cherche["total"] == 0


def test_a_parent_connects_a_service_for_the_minor_who_keeps_confidential_items(
    client, parent, mineur, app
):
    enfant = acteur_de(parent, mineur)
    visible = dossier_services.mesure_ajouter(acteur=enfant, type_mesure="poids", valeur="30")
    secret = dossier_services.mesure_ajouter(acteur=enfant, type_mesure="poids", valeur="31")
    Mesure.objects.filter(pk=secret.pk).update(confidentiel=True)
    InformationFactory(profil=mineur, confidentiel=True, libelle="Secret")
    connecter(client, parent)
    jeton = lancer(client, app[1], scope=LECTURES, cocher=TOUT, profil=mineur)
    assert jeton["patient"] == str(mineur.public_id)
    jeton = jeton["access_token"]
    ids = [e["resource"]["id"] for e in fhir(client, jeton, "/fhir/Observation").json()["entry"]]
    assert ids == [str(visible.public_id)]
    assert fhir(client, jeton, f"/fhir/Observation/{secret.public_id}").status_code == 404
    tout = fhir(client, jeton, f"/fhir/Patient/{mineur.public_id}/$everything").json()
    assert str(secret.public_id) not in json.dumps(tout) and "Secret" not in json.dumps(tout)


def test_rate_limit_per_client_answers_429(client, jeton, settings):
    settings.API_REQUETES_PAR_MINUTE = 3
    statuts = [fhir(client, jeton, "/fhir/Observation").status_code for _ in range(5)]
    assert statuts[:3] == [200, 200, 200] and statuts[3:] == [429, 429]


def test_everything_pages_across_types_and_each_page_is_one_history_line(client, patient, jeton):
    acteur = acteur_de(patient, patient.profil)
    for jours in range(4):
        _poids(acteur, f"7{jours}", jours + 1)
    InformationFactory(profil=patient.profil)
    url = f"/fhir/Patient/{patient.profil.public_id}/$everything"
    vus, suivant, pages = [], f"{url}?_count=2", 0
    while suivant:
        page = fhir(client, jeton, suivant.removeprefix("http://testserver")).json()
        assert page["total"] == 6 and len(page["entry"]) <= 2
        vus += [(e["resource"]["resourceType"], e["resource"]["id"]) for e in page["entry"]]
        suivant = next((x["url"] for x in page["link"] if x["relation"] == "next"), None)
        pages += 1
    assert pages == 3 and len(set(vus)) == 6
    assert [t for t, _ in vus] == ["Patient"] + ["Observation"] * 4 + ["AllergyIntolerance"]
    connecter(client, patient)
    historique = html.unescape(client.get("/dossier/historique/").text)
    assert historique.count("1 fiche d'identité") == 1 and "1 allergie" in historique


def test_a_page_of_the_api_costs_the_same_queries_whatever_the_records_size(
    client, patient, professionnel, jeton, django_assert_max_num_queries
):
    from tests.dossier.factories import DocumentFactory

    for _ in range(30):
        DocumentFactory.par(professionnel.professionnel, profil=patient.profil)
        _poids(acteur_de(patient, patient.profil), "70", 1)
    url = f"/fhir/Patient/{patient.profil.public_id}/$everything"
    with django_assert_max_num_queries(40):
        assert len(fhir(client, jeton, url).json()["entry"]) == 50
    with django_assert_max_num_queries(30):
        assert len(fhir(client, jeton, "/fhir/DocumentReference").json()["entry"]) == 30
