"""JSON bodies of the wrong shape (issue 18, items 3 and 8): nested 5,000 deep on
``POST /fhir/Observation`` and on client registration (a RecursionError, a 500), fields of
the wrong type at registration (``grant_types: 5``, ``response_types: null``, a dict as
``client_name`` stored as text). One JSON reader (``lib.requetes.lire_json``, bounded in
size and depth) and a type and length per registration field: a 4xx that says what is
wrong, never a 500, and nothing stored."""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from oauth2_provider.models import get_application_model

from catalogue.oauth import clients
from dossier.models import Mesure
from tests.catalogue.factories import REDIRECTION, ServiceFactory, lancer, service_et_client
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

HYPOTHESE = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PROFOND = ("[" * 5000 + "]" * 5000, '{"a":' * 5000 + "1" + "}" * 5000, "[" * 100_000)


@pytest.fixture
def jeton(client, patient, settings):
    settings.API_REQUETES_PAR_MINUTE = 10_000
    _, application = service_et_client(nom="Balance connectée", slug="balance")
    connecter(client, patient)
    return lancer(
        client,
        application,
        scope="launch/patient patient/Observation.c",
        cocher=["patient/Observation.c"],
    )["access_token"]


@pytest.fixture
def enregistrer(client):
    service = ServiceFactory()
    jeton = clients.jeton_enregistrement_renouveler(service=service)

    def _poster(corps: str | bytes):
        return client.post(
            "/oauth/enregistrement/",
            corps,
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {jeton}",
        )

    _poster.service = service
    return _poster


def _profond_dans_une_observation(profond: str) -> str:
    return (
        '{"resourceType": "Observation", "status": "final", "code": {"text": "poids"}, '
        f'"extension": [{{"url": "https://x.fr", "valueString": "a"}}], "note": {profond}}}'
    )


@pytest.mark.parametrize("profond", PROFOND, ids=["listes", "objets", "ouvert"])
def test_json_nested_5000_deep_is_a_400_outcome_on_the_fhir_api(client, patient, jeton, profond):
    for corps in (profond, _profond_dans_une_observation(profond)):
        reponse = client.post(
            "/fhir/Observation",
            corps,
            content_type="application/fhir+json",
            HTTP_AUTHORIZATION=f"Bearer {jeton}",
        )
        assert reponse.status_code == 400, reponse.content[:200]
        issue = reponse.json()["issue"][0]
        assert reponse.json()["resourceType"] == "OperationOutcome"
        assert "JSON" in issue["diagnostics"]
    assert not Mesure.objects.exists()


def test_a_body_larger_than_the_bound_is_a_413_outcome(client, jeton, settings):
    settings.TELEVERSEMENT_TAILLE_MAX = 1024
    reponse = client.post(
        "/fhir/Observation",
        json.dumps({"a": "x" * 5000}),
        content_type="application/fhir+json",
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )
    assert reponse.status_code == 413 and reponse.json()["resourceType"] == "OperationOutcome"


@pytest.mark.parametrize("profond", PROFOND, ids=["listes", "objets", "ouvert"])
def test_json_nested_5000_deep_is_a_400_at_client_registration(enregistrer, profond):
    for corps in (profond, f'{{"redirect_uris": ["{REDIRECTION}"], "contacts": {profond}}}'):
        reponse = enregistrer(corps)
        assert reponse.status_code == 400
        assert reponse.json()["error"] == "invalid_client_metadata"
    assert not get_application_model().objects.exists()


@pytest.mark.parametrize(
    "champs",
    [
        {"grant_types": 5},
        {"response_types": None},
        {"grant_types": None},
        {"client_name": {"nom": "Mon appli"}},
        {"client_name": ["a"]},
        {"client_name": 12},
        {"client_name": "x" * 5000},
        {"client_name": "Appli\u202eexe"},
        {"token_endpoint_auth_method": ["none"]},
        {"redirect_uris": REDIRECTION},
        {"redirect_uris": [REDIRECTION, {"a": 1}]},
        {"redirect_uris": [REDIRECTION] * 50},
        {"scope": {"a": 1}},
        {"contacts": "a@b.fr"},
        {"logo_uri": 10**400},
    ],
)
def test_a_registration_field_of_the_wrong_type_or_size_is_refused_never_stored(
    enregistrer, champs
):
    reponse = enregistrer(json.dumps({"redirect_uris": [REDIRECTION], **champs}))
    assert reponse.status_code == 400, reponse.content
    corps = reponse.json()
    assert corps["error"] in ("invalid_client_metadata", "invalid_redirect_uri")
    assert next(iter(champs)) in corps["error_description"]
    assert not get_application_model().objects.exists()


def test_a_well_formed_registration_still_works(enregistrer):
    reponse = enregistrer(
        json.dumps(
            {
                "redirect_uris": [REDIRECTION],
                "client_name": "Appli",
                "grant_types": ["authorization_code"],
                "response_types": ["code"],
                "inconnu": {"a": 1},
            }
        )
    )
    assert reponse.status_code == 201, reponse.content
    assert get_application_model().objects.get().name == "Appli"


# RFC 7591's fields, as a client may send them (each read by the server is typed there).
NOMS = [
    "client_name",
    "redirect_uris",
    "token_endpoint_auth_method",
    "grant_types",
    "response_types",
    "scope",
    "contacts",
    "client_uri",
    "logo_uri",
    "tos_uri",
    "policy_uri",
    "software_id",
    "software_version",
    "jwks",
    "jwks_uri",
]
FORMES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(10**20), 10**20)
    | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda enfants: (
        st.lists(enfants, max_size=4) | st.dictionaries(st.text(max_size=8), enfants, max_size=4)
    ),
    max_leaves=20,
)
CHAMPS = st.fixed_dictionaries({}, optional={nom: FORMES | st.just([REDIRECTION]) for nom in NOMS})


@given(champs=CHAMPS)
@HYPOTHESE
def test_no_registration_shape_answers_500_nor_stores_anything_but_text(
    enregistrer, settings, champs
):
    settings.CATALOGUE_ENREGISTREMENTS_PAR_JOUR = 10_000  # shapes here, the rate elsewhere
    settings.CATALOGUE_ENREGISTREMENTS_PAR_HEURE_ET_ADRESSE = 10_000
    reponse = enregistrer(json.dumps(champs))
    assert reponse.status_code in (201, 400), reponse.content[:300]
    if reponse.status_code == 400:
        assert reponse.json()["error_description"]
    for application in get_application_model().objects.all():
        nom = champs.get("client_name")
        assert application.name in (
            nom.strip() if isinstance(nom, str) else "",
            enregistrer.service.nom,
        )
