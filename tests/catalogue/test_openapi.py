"""The OpenAPI description kept in the repo: served by the app, its paths and methods are
exactly the API's routes, and the API holds up against it (schemathesis: generated
requests, with a real token, never get a server error)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import schemathesis
import yaml
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.urls import URLPattern
from hypothesis import HealthCheck, settings

from catalogue import urls as catalogue_urls
from tests.catalogue.factories import fhir, lancer, service_et_client
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

FICHIER = Path(catalogue_urls.__file__).parent / "openapi.yaml"
DESCRIPTION = yaml.safe_load(FICHIER.read_text())
API = {"smart_configuration", "autoriser", "jeton", "revoquer", "enregistrement"}
UUID = "00000000-0000-4000-8000-000000000000"
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
    "offline_access",
]


def _chemins_des_routes() -> set[str]:
    """The API's routes as OpenAPI paths: the type alternatives expanded, ids as {id}."""
    chemins = set()
    for motif in catalogue_urls.urlpatterns:
        assert isinstance(motif, URLPattern)
        if not (motif.name in API or motif.name.startswith("fhir_")):
            continue
        brut = str(motif.pattern).removeprefix("^").removesuffix("$")
        brut = re.sub(r"\(\?P<identifiant>[^)]*\)", "{id}", brut).replace(r"\$", "$")
        brut = re.sub(r"\(\?P<version>[^)]*\)", "{vid}", brut)
        types = re.search(r"\(\?P<type_ressource>([^)]*)\)", brut)
        for type_ in types[1].split("|") if types else [None]:
            chemin = brut if type_ is None else brut.replace(types[0], type_)
            chemins.add("/" + chemin)
    return chemins


def test_the_description_is_served_as_kept_in_the_repo(client):
    reponse = client.get("/catalogue/developpeurs/openapi.yaml")
    assert reponse.status_code == 200
    assert reponse.content == FICHIER.read_bytes()


def test_its_paths_are_exactly_the_apis_routes():
    assert set(DESCRIPTION["paths"]) == _chemins_des_routes()


@pytest.fixture
def jeton(client, patient):
    _, application = service_et_client()
    connecter(client, patient)
    reponse = lancer(
        client, application, scope="launch/patient patient/*.* offline_access", cocher=TOUT
    )
    client.logout()
    return reponse


def test_each_declared_method_is_served_and_the_others_are_405(client, jeton, patient):
    connecter(client, patient)  # the consent page is behind the portal's login
    for chemin, operations in DESCRIPTION["paths"].items():
        url = chemin.replace("{id}", UUID).replace("{vid}", "1")
        for methode in ("get", "post", "put", "delete"):
            appel = getattr(client, methode)
            reponse = (
                fhir(client, jeton["access_token"], url)
                if methode == "get"
                else appel(url, HTTP_AUTHORIZATION=f"Bearer {jeton['access_token']}")
            )
            if methode in operations:
                assert reponse.status_code != 405, (methode, chemin)
            else:
                assert reponse.status_code == 405, (methode, chemin, reponse.status_code)


schema = schemathesis.openapi.from_path(FICHIER)
schema.app = WSGIHandler()


@pytest.fixture
def en_tetes(jeton, settings):
    settings.API_REQUETES_PAR_MINUTE = 100_000
    # As Django's test client does: the test's transaction must outlive each request.
    for signal in (request_started, request_finished):
        signal.disconnect(close_old_connections)
    yield {"Authorization": f"Bearer {jeton['access_token']}"}
    for signal in (request_started, request_finished):
        signal.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_generated_requests_never_get_a_server_error(case, en_tetes):
    publics = ("/fhir/metadata", "/fhir/.well-known/smart-configuration")
    if case.operation.path.startswith("/fhir/") and case.operation.path not in publics:
        case.headers = {**(case.headers or {}), **en_tetes}
    reponse = case.call()
    assert reponse.status_code < 500, (case.operation.label, reponse.status_code, reponse.text)
    # What the API answers under the FHIR base is FHIR JSON, errors included; only a 400 of
    # the kernel's NUL-byte filter comes before it, in HTML.
    fhir_json = reponse.status_code in (200, 201, 401, 403, 404, 405, 406, 415, 422, 429)
    if (
        case.operation.path.startswith("/fhir/")
        and "Binary" not in case.operation.path
        and ".well-known" not in case.operation.path
        and fhir_json
    ):
        type_ = {k.lower(): v for k, v in reponse.headers.items()}["content-type"]
        type_ = type_[0] if isinstance(type_, list) else type_
        assert type_.startswith("application/fhir+json"), (reponse.status_code, reponse.text[:300])
