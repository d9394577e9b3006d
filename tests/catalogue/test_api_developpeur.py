"""The API as a third-party SMART developer drives it (issue 23): discovery at the FHIR
base, errors as OperationOutcome, single-use codes, readable documents, versions, search as
the specification says, SMART v2 scopes, CORS, OpenID Connect and open terminologies."""

from __future__ import annotations

import base64
import json
from datetime import timedelta
from urllib.parse import parse_qs, urlencode, urlparse

import pytest
from django.utils import timezone

from catalogue.models import Client
from dossier import services as dossier_services
from dossier.models import Mesure
from tests.catalogue.factories import (
    code_de,
    consentir,
    echanger,
    fhir,
    lancer,
    pkce,
    service_et_client,
    url_autorisation,
)
from tests.catalogue.test_api import LECTURES, TOUT
from tests.conftest import acteur_de, connecter
from tests.lib.corpus import pdf, stocke

pytestmark = pytest.mark.django_db


def test_discovery_answers_at_the_fhir_base_with_the_site_root_document(client):
    a_la_racine = client.get("/.well-known/smart-configuration")
    a_la_base = client.get("/fhir/.well-known/smart-configuration")
    assert a_la_base.status_code == 200
    assert a_la_base.json() == a_la_racine.json()
    assert a_la_base.json()["code_challenge_methods_supported"] == ["S256"]


# 2. Every error under the FHIR base is an OperationOutcome.


def _outcome(reponse, statut):
    assert reponse.status_code == statut, (reponse.status_code, reponse.content[:300])
    assert reponse["Content-Type"].startswith("application/fhir+json"), reponse["Content-Type"]
    assert reponse.json()["resourceType"] == "OperationOutcome"


@pytest.fixture
def app():
    return service_et_client(nom="Balance connectée", slug="balance")


@pytest.fixture
def jeton(client, patient, app):
    connecter(client, patient)
    reponse = lancer(client, app[1], scope=LECTURES, cocher=TOUT)
    client.logout()  # the API works with the token alone
    return reponse["access_token"]


def _poster(client, jeton, chemin, corps, **kwargs):
    return client.post(
        chemin,
        json.dumps(corps),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
        **kwargs,
    )


@pytest.mark.parametrize(
    ("methode", "chemin", "statut"),
    [
        ("get", "/fhir/Encounter", 404),
        ("get", "/fhir/Observation/x/_history/1/autre", 404),
        ("post", "/fhir/metadata", 405),
        ("post", "/fhir/.well-known/smart-configuration", 405),
        ("delete", "/fhir/Observation", 405),
    ],
)
def test_errors_under_the_fhir_base_are_operation_outcomes(client, jeton, methode, chemin, statut):
    reponse = getattr(client, methode)(chemin, HTTP_AUTHORIZATION=f"Bearer {jeton}")
    _outcome(reponse, statut)


@pytest.mark.parametrize("chemin", ["/fhir/metadata", "/fhir/Observation", "/fhir/Patient"])
def test_asking_for_xml_gets_406_not_json(client, jeton, chemin):
    _outcome(fhir(client, jeton, chemin, HTTP_ACCEPT="application/fhir+xml"), 406)
    _outcome(fhir(client, jeton, chemin, data={"_format": "xml"}), 406)
    assert fhir(client, jeton, chemin, HTTP_ACCEPT="application/fhir+json").status_code == 200


def test_an_invalid_status_code_is_400_not_422(client, jeton):
    corps = {
        "resourceType": "Observation",
        "status": "bogus",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "valueQuantity": {"value": 70, "unit": "kg"},
    }
    _outcome(_poster(client, jeton, "/fhir/Observation", corps), 400)
    corps["status"] = "cancelled"  # a valid code the record does not take
    _outcome(_poster(client, jeton, "/fhir/Observation", corps), 422)


# 8. Tokens and codes.


def test_a_code_presented_with_a_wrong_verifier_is_spent(client, patient, app):
    _, application = app
    connecter(client, patient)
    verifier, challenge = pkce()
    location = consentir(
        client,
        url_autorisation(application, scope=LECTURES, challenge=challenge),
        cocher=["patient/Observation.rs"],
    )
    code = code_de(location)
    mauvais = echanger(client, application, code, pkce()[0])
    assert mauvais.status_code == 400 and mauvais.json()["error"] == "invalid_grant"
    bon = echanger(client, application, code, verifier)
    assert bon.status_code == 400 and bon.json()["error"] == "invalid_grant"


def test_reusing_a_code_revokes_the_tokens_it_issued(client, patient, app):
    _, application = app
    connecter(client, patient)
    verifier, challenge = pkce()
    location = consentir(
        client,
        url_autorisation(application, scope=LECTURES + " offline_access", challenge=challenge),
        cocher=["patient/Observation.rs", "offline_access"],
    )
    code = code_de(location)
    jetons = echanger(client, application, code, verifier).json()
    assert fhir(client, jetons["access_token"], "/fhir/Observation").status_code == 200
    assert echanger(client, application, code, verifier).status_code == 400
    assert fhir(client, jetons["access_token"], "/fhir/Observation").status_code == 401
    rafraichi = client.post(
        "/oauth/jeton/",
        {
            "grant_type": "refresh_token",
            "refresh_token": jetons["refresh_token"],
            "client_id": application.client_id,
        },
    )
    assert rafraichi.status_code == 400


# 9. Documents every client can read.


def test_a_created_document_keeps_its_title_links_absolutely_and_reads_as_fhir_binary(
    client, jeton
):
    contenu = pdf()
    corps = {
        "resourceType": "DocumentReference",
        "status": "current",
        "description": "Notes sur le bilan de septembre",
        "content": [
            {
                "attachment": {
                    "contentType": "application/pdf",
                    "title": "Bilan sanguin",
                    "data": base64.b64encode(contenu).decode(),
                }
            }
        ],
    }
    cree = _poster(client, jeton, "/fhir/DocumentReference", corps)
    assert cree.status_code == 201, cree.content
    piece = cree.json()["content"][0]["attachment"]
    assert piece["title"] == "Bilan sanguin"
    url = urlparse(piece["url"])
    assert url.scheme in ("http", "https") and url.netloc
    assert url.path.startswith("/fhir/Binary/")
    binaire = fhir(client, jeton, url.path, HTTP_ACCEPT="application/fhir+json")
    assert binaire.status_code == 200
    assert binaire["Content-Type"].startswith("application/fhir+json")
    ressource = binaire.json()
    assert ressource["resourceType"] == "Binary" and ressource["contentType"] == "application/pdf"
    assert base64.b64decode(ressource["data"]) == stocke(contenu)
    brut = fhir(client, jeton, url.path)  # without asking for FHIR: the bytes
    assert b"".join(brut.streaming_content) == stocke(contenu)


# 3. Versions.


def _poids_json(valeur=70):
    return {
        "resourceType": "Observation",
        "status": "final",
        "code": {"coding": [{"system": "http://loinc.org", "code": "29463-7"}]},
        "valueQuantity": {"value": valeur, "unit": "kg"},
    }


def test_versions_etag_location_vread_and_304(client, jeton):
    cree = _poster(client, jeton, "/fhir/Observation", _poids_json())
    assert cree.status_code == 201, cree.content
    meta = cree.json()["meta"]
    assert meta["versionId"] == "1" and meta["lastUpdated"]
    lieu = urlparse(cree["Location"]).path
    assert lieu.endswith(f"/_history/{meta['versionId']}")
    vread = fhir(client, jeton, lieu)
    assert vread.status_code == 200 and vread.json()["id"] == cree.json()["id"]
    _outcome(fhir(client, jeton, lieu.removesuffix("/1") + "/7"), 404)
    lecture = fhir(client, jeton, lieu.split("/_history/")[0])
    assert lecture["ETag"] == 'W/"1"' and lecture["Last-Modified"]
    assert fhir(client, jeton, lieu, HTTP_IF_NONE_MATCH='W/"1"').status_code == 304
    depuis = lecture["Last-Modified"]
    assert fhir(client, jeton, lieu, HTTP_IF_MODIFIED_SINCE=depuis).status_code == 304
    assert fhir(client, jeton, lieu, HTTP_IF_NONE_MATCH='W/"0"').status_code == 200
    # Every resource carries its version, Patient included.
    patient = fhir(client, jeton, "/fhir/Patient").json()["entry"][0]["resource"]
    assert patient["meta"]["versionId"]
    # A new save is a new version, and the old ETag no longer matches.
    mesure = Mesure.objects.get(public_id=cree.json()["id"])
    mesure.save()
    relue = fhir(client, jeton, lecture.wsgi_request.path, HTTP_IF_NONE_MATCH='W/"1"')
    assert relue.status_code == 200 and relue.json()["meta"]["versionId"] == "2"


# 4. Search as the specification says.


def _poids(patient, valeur, jours):
    return dossier_services.mesure_ajouter(
        acteur=acteur_de(patient, patient.profil),
        type_mesure="poids",
        valeur=valeur,
        quand=timezone.now() - timedelta(days=jours),
    )


def test_unknown_parameters_are_ignored_and_left_out_of_the_self_link(client, jeton, patient):
    _poids(patient, "70", 1)
    params = {"code": "29463-7", "_elements": "id", "subject.name": "x", "_count": "999"}
    reponse = fhir(client, jeton, "/fhir/Observation", data=params)
    assert reponse.status_code == 200, reponse.content
    soi = parse_qs(urlparse(reponse.json()["link"][0]["url"]).query)
    assert soi["code"] == ["29463-7"] and soi["_count"] == ["200"]  # capped, not refused
    assert "_elements" not in soi and "subject.name" not in soi
    strict = fhir(client, jeton, "/fhir/Observation", data=params, HTTP_PREFER="handling=strict")
    _outcome(strict, 400)


def test_post_search_summary_count_total_sort_and_last_updated(client, jeton, patient):
    for valeur, jours in (("70", 3), ("71", 1), ("72", 2)):
        _poids(patient, valeur, jours)
    poste = client.post(
        "/fhir/Observation/_search",
        urlencode({"code": "29463-7", "_sort": "date"}),
        content_type="application/x-www-form-urlencoded",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )
    assert poste.status_code == 200, poste.content
    valeurs = [e["resource"]["valueQuantity"]["value"] for e in poste.json()["entry"]]
    assert valeurs == [70, 72, 71]
    decroissant = fhir(client, jeton, "/fhir/Observation", data={"_sort": "-date"}).json()
    assert [e["resource"]["valueQuantity"]["value"] for e in decroissant["entry"]] == [71, 72, 70]
    compte = fhir(client, jeton, "/fhir/Observation", data={"_summary": "count"}).json()
    assert compte["total"] == 3 and compte["entry"] == []
    assert "total" not in fhir(client, jeton, "/fhir/Observation", data={"_total": "none"}).json()
    demain = (timezone.now() + timedelta(days=1)).date().isoformat()
    apres = fhir(client, jeton, "/fhir/Observation", data={"_lastUpdated": f"ge{demain}"})
    assert apres.json()["total"] == 0
    assert (
        fhir(client, jeton, "/fhir/Observation", data={"_lastUpdated": "ge2020"}).json()["total"]
        == 3
    )


def test_everything_takes_type_since_start_and_end(client, jeton, patient):
    _poids(patient, "70", 40)
    _poids(patient, "71", 1)
    url = f"/fhir/Patient/{patient.profil.public_id}/$everything"
    types = fhir(client, jeton, url, data={"_type": "Observation"}).json()
    assert {e["resource"]["resourceType"] for e in types["entry"]} == {"Observation"}
    il_y_a_10_jours = (timezone.now() - timedelta(days=10)).date().isoformat()
    recents = fhir(client, jeton, url, data={"_type": "Observation", "start": il_y_a_10_jours})
    assert [e["resource"]["valueQuantity"]["value"] for e in recents.json()["entry"]] == [71]
    anciens = fhir(client, jeton, url, data={"_type": "Observation", "end": il_y_a_10_jours})
    assert [e["resource"]["valueQuantity"]["value"] for e in anciens.json()["entry"]] == [70]
    demain = (timezone.now() + timedelta(days=1)).isoformat()
    depuis = fhir(client, jeton, url, data={"_type": "Observation", "_since": demain[:19] + "Z"})
    assert depuis.status_code == 200 and depuis.json()["entry"] == []


def test_the_capability_statement_lists_the_search_it_supports(client):
    declaration = client.get("/fhir/metadata").json()
    ressources = {r["type"]: r for r in declaration["rest"][0]["resource"]}
    noms = {p["name"] for p in ressources["Observation"]["searchParam"]}
    assert noms == {"_id", "_lastUpdated", "category", "code", "date", "patient", "subject"}
    assert {"code": "vread"} in ressources["Observation"]["interaction"]


# 5. Scopes the way SMART v2 says.


def test_undeclared_scopes_are_left_out_and_the_token_says_what_was_granted(client, patient):
    _, application = service_et_client(portees=["patient/Observation.rs"])
    connecter(client, patient)
    demande = (
        "launch/patient patient/Observation.rs patient/Condition.rs patient/Encounter.rs "
        "patient/Observation.rs?category=vital-signs"
    )
    verifier, challenge = pkce()
    url = url_autorisation(application, scope=demande, challenge=challenge)
    page = client.get(url)
    assert page.status_code == 200, page.content[:300]
    offertes = [v for v, _ in page.context["form"].fields["portees"].choices]
    assert offertes == ["patient/Observation.rs"]
    location = consentir(client, url, cocher=["patient/Observation.rs"])
    jeton = echanger(client, application, code_de(location), verifier).json()
    assert set(jeton["scope"].split()) == {"launch/patient", "patient/Observation.rs"}


@pytest.mark.parametrize("aud", [None, "https://ailleurs.example/fhir"])
def test_aud_is_required_and_must_be_this_fhir_base(client, patient, app, aud):
    _, application = app
    connecter(client, patient)
    _, challenge = pkce()
    url = url_autorisation(application, scope=LECTURES, challenge=challenge, aud=aud)
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert "error=invalid_request" in reponse["Location"] and "code=" not in reponse["Location"]


# 7. Browser apps: CORS for registered origins only.

ORIGINE = "https://appli.exemple.fr"


def test_cors_for_the_registered_origins_of_a_public_client_only(client, jeton, app):
    _, application = app
    Client.objects.filter(application=application).update(origines=ORIGINE)
    for chemin in ("/fhir/Observation", "/oauth/jeton/", "/fhir/.well-known/smart-configuration"):
        avant = client.options(
            chemin,
            HTTP_ORIGIN=ORIGINE,
            HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
            HTTP_ACCESS_CONTROL_REQUEST_HEADERS="authorization",
        )
        assert avant.status_code == 204, (chemin, avant.status_code)
        assert avant["Access-Control-Allow-Origin"] == ORIGINE
        assert "Authorization" in avant["Access-Control-Allow-Headers"]
        assert "Access-Control-Allow-Credentials" not in avant
        autre = client.options(chemin, HTTP_ORIGIN="https://evil.example")
        assert "Access-Control-Allow-Origin" not in autre
    lecture = fhir(client, jeton, "/fhir/Observation", HTTP_ORIGIN=ORIGINE)
    assert lecture.status_code == 200 and lecture["Access-Control-Allow-Origin"] == ORIGINE
    etrangere = fhir(client, jeton, "/fhir/Observation", HTTP_ORIGIN="https://evil.example")
    assert "Access-Control-Allow-Origin" not in etrangere
    declaration = client.get("/fhir/metadata").json()
    assert declaration["rest"][0]["security"]["cors"] is True
