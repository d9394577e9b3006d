"""The API as a third-party SMART developer drives it (issue 23): discovery at the FHIR
base, errors as OperationOutcome, single-use codes, readable documents, versions, search as
the specification says, SMART v2 scopes, CORS, OpenID Connect and open terminologies."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_discovery_answers_at_the_fhir_base_with_the_site_root_document(client):
    a_la_racine = client.get("/.well-known/smart-configuration")
    a_la_base = client.get("/fhir/.well-known/smart-configuration")
    assert a_la_base.status_code == 200
    assert a_la_base.json() == a_la_racine.json()
    assert a_la_base.json()["code_challenge_methods_supported"] == ["S256"]
