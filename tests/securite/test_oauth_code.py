"""The OAuth provider against a hostile or careless client (issue 18, item 8): an
authorization code presented twice revokes every token already issued from it, the
refreshed ones included (RFC 6749 §4.1.2: the code may have been stolen); client
registration is rate-limited in PostgreSQL (100 clients in 31 s before), and fails closed."""

from __future__ import annotations

import json

import pytest
from oauth2_provider.models import get_application_model

from catalogue.oauth import clients
from tests.catalogue.factories import (
    REDIRECTION,
    ServiceFactory,
    code_de,
    consentir,
    echanger,
    fhir,
    pkce,
    service_et_client,
    url_autorisation,
)
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

SCOPE = "launch/patient patient/Observation.rs offline_access"
COCHER = ["patient/Observation.rs", "offline_access"]


def _rafraichir(client, application, refresh_token):
    return client.post(
        "/oauth/jeton/",
        {
            "grant_type": "refresh_token",
            "refresh_token": refresh_token,
            "client_id": application.client_id,
        },
    )


def _code(client, application):
    verifier, challenge = pkce()
    location = consentir(
        client, url_autorisation(application, scope=SCOPE, challenge=challenge), cocher=COCHER
    )
    return code_de(location), verifier


def test_a_replayed_code_revokes_the_tokens_it_gave_and_their_refreshed_heirs(client, patient):
    _, application = service_et_client()
    connecter(client, patient)
    code, verifier = _code(client, application)
    premier = echanger(client, application, code, verifier).json()
    heritier = _rafraichir(client, application, premier["refresh_token"]).json()
    assert fhir(client, heritier["access_token"], "/fhir/Observation").status_code == 200

    rejoue = echanger(client, application, code, verifier)
    assert rejoue.status_code == 400 and rejoue.json()["error"] == "invalid_grant"
    assert fhir(client, heritier["access_token"], "/fhir/Observation").status_code == 401
    assert _rafraichir(client, application, heritier["refresh_token"]).status_code == 400


def test_a_replayed_code_leaves_the_tokens_of_other_codes_alone(client, patient):
    _, application = service_et_client()
    connecter(client, patient)
    code, verifier = _code(client, application)
    echanger(client, application, code, verifier)
    autre_code, autre_verifier = _code(client, application)
    autre = echanger(client, application, autre_code, autre_verifier).json()
    assert echanger(client, application, code, verifier).status_code == 400
    assert fhir(client, autre["access_token"], "/fhir/Observation").status_code == 200
    assert _rafraichir(client, application, autre["refresh_token"]).status_code == 200


def _enregistrer(client, jeton, adresse="203.0.113.7"):
    return client.post(
        "/oauth/enregistrement/",
        json.dumps({"redirect_uris": [REDIRECTION], "client_name": "Appli"}),
        content_type="application/json",
        REMOTE_ADDR=adresse,
        HTTP_AUTHORIZATION=f"Bearer {jeton}",
    )


def test_client_registration_is_rate_limited_per_service_and_per_address(client, settings):
    settings.CATALOGUE_ENREGISTREMENTS_PAR_JOUR = 10
    settings.CATALOGUE_ENREGISTREMENTS_PAR_HEURE_ET_ADRESSE = 20
    service = ServiceFactory()
    jeton = clients.jeton_enregistrement_renouveler(service=service)
    statuts = [_enregistrer(client, jeton).status_code for _ in range(12)]
    assert statuts == [201] * 10 + [429] * 2
    refus = _enregistrer(client, jeton, adresse="198.51.100.9")  # another address: same service
    assert refus.status_code == 429 and refus.json()["error_description"]
    assert get_application_model().objects.count() == 10

    # One address registering for many services is stopped too.
    autres = [clients.jeton_enregistrement_renouveler(service=ServiceFactory()) for _ in range(11)]
    statuts = [_enregistrer(client, j, adresse="192.0.2.1").status_code for j in autres * 2]
    assert statuts.count(201) == 20 and statuts[-1] == 429
