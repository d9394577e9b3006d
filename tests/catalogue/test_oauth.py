"""The SMART standalone launch: consent scope by scope, PKCE S256 only, exact redirect URI,
single-use codes, refresh tokens only with offline_access, revocation, SMART discovery."""

from __future__ import annotations

import pytest

from catalogue.models import Autorisation, Connexion
from consentement.enums import TypeDecision
from consentement.models import Decision
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
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

SCOPE = "launch/patient patient/Observation.rs patient/Patient.rs offline_access"


@pytest.fixture
def app():
    return service_et_client()


def test_consent_scope_by_scope_writes_one_ledger_row_each_and_the_token_says_patient(
    client, patient, app
):
    service, application = app
    connecter(client, patient)
    jeton = lancer(client, application, scope=SCOPE, cocher=["patient/Observation.rs"])
    assert jeton["patient"] == str(patient.profil.public_id)
    assert set(jeton["scope"].split()) == {"patient/Observation.rs", "launch/patient"}
    assert "refresh_token" not in jeton  # offline_access was asked, not ticked
    decisions = Decision.objects.filter(type=TypeDecision.SERVICE_AUTORISATION)
    assert [d.details["portee"] for d in decisions] == ["patient/Observation.rs"]
    autorisation = Autorisation.objects.get()
    assert autorisation.texte_version == decisions[0].texte_version
    assert autorisation.expire_le > autorisation.cree_le
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 200
    assert fhir(client, jeton["access_token"], "/fhir/Patient").status_code == 403


def test_unauthenticated_person_is_sent_to_the_portal_login_first(client, app):
    _, application = app
    _, challenge = pkce()
    reponse = client.get(url_autorisation(application, scope=SCOPE, challenge=challenge))
    assert reponse.status_code == 302 and reponse["Location"].startswith("/compte/connexion/")


def test_a_login_without_the_second_factor_does_not_reach_the_consent(client, patient, app):
    _, application = app
    connecter(client, patient, verifie=False)
    _, challenge = pkce()
    reponse = client.get(url_autorisation(application, scope=SCOPE, challenge=challenge))
    assert reponse.status_code == 302 and reponse["Location"].startswith("/compte/verification/")


@pytest.mark.parametrize("methode", ["plain", None])
def test_pkce_downgrade_is_refused_back_to_the_service(client, patient, app, methode):
    _, application = app
    connecter(client, patient)
    verifier, challenge = pkce()
    url = url_autorisation(application, scope=SCOPE, challenge=verifier, methode=methode)
    reponse = client.get(url)
    assert reponse.status_code == 302
    assert "error=invalid_request" in reponse["Location"] and "code=" not in reponse["Location"]


def test_a_wrong_verifier_gets_no_token(client, patient, app):
    _, application = app
    connecter(client, patient)
    verifier, challenge = pkce()
    location = consentir(
        client,
        url_autorisation(application, scope=SCOPE, challenge=challenge),
        cocher=["patient/Observation.rs"],
    )
    reponse = echanger(client, application, code_de(location), pkce()[0])
    assert reponse.status_code == 400 and reponse.json()["error"] == "invalid_grant"


@pytest.mark.parametrize(
    "redirection",
    [
        "https://appli.exemple.fr/retour/",
        "https://appli.exemple.fr/retour?x=1",
        "https://evil.example/retour",
        "http://appli.exemple.fr/retour",
    ],
)
def test_redirect_uri_mismatch_is_shown_here_never_redirected(client, patient, app, redirection):
    _, application = app
    connecter(client, patient)
    _, challenge = pkce()
    url = url_autorisation(application, scope=SCOPE, challenge=challenge, redirect_uri=redirection)
    reponse = client.get(url)
    assert reponse.status_code == 400
    assert "Connexion du service impossible" in reponse.text


def test_a_code_is_single_use(client, patient, app):
    _, application = app
    connecter(client, patient)
    verifier, challenge = pkce()
    location = consentir(
        client,
        url_autorisation(application, scope=SCOPE, challenge=challenge),
        cocher=["patient/Observation.rs"],
    )
    code = code_de(location)
    assert echanger(client, application, code, verifier).status_code == 200
    again = echanger(client, application, code, verifier)
    assert again.status_code == 400 and again.json()["error"] == "invalid_grant"


def test_scope_not_declared_by_the_service_is_refused(client, patient):
    _, application = service_et_client(portees=["patient/Observation.rs"])
    connecter(client, patient)
    _, challenge = pkce()
    reponse = client.get(
        url_autorisation(application, scope="patient/Condition.rs", challenge=challenge)
    )
    assert reponse.status_code == 302 and "error=invalid_scope" in reponse["Location"]


def test_v1_wildcard_asks_for_what_the_service_declared(client, patient):
    _, application = service_et_client(portees=["patient/Observation.rs", "patient/Patient.rs"])
    connecter(client, patient)
    _, challenge = pkce()
    page = client.get(url_autorisation(application, scope="patient/*.read", challenge=challenge))
    offertes = [v for v, _ in page.context["form"].fields["portees"].choices]
    assert offertes == ["patient/Patient.rs", "patient/Observation.rs"]


def test_refusing_sends_access_denied_and_writes_nothing(client, patient, app):
    _, application = app
    connecter(client, patient)
    _, challenge = pkce()
    url = url_autorisation(application, scope=SCOPE, challenge=challenge)
    reponse = client.post(url, {"refuser": "1", "profil": str(patient.profil.public_id)})
    assert reponse.status_code == 302 and "error=access_denied" in reponse["Location"]
    assert not Connexion.objects.exists() and not Decision.objects.exists()


def test_nothing_ticked_is_an_error_on_the_page(client, patient, app):
    _, application = app
    connecter(client, patient)
    _, challenge = pkce()
    url = url_autorisation(application, scope=SCOPE, challenge=challenge)
    reponse = client.post(
        url,
        {"autoriser": "1", "profil": str(patient.profil.public_id), "portees": ["offline_access"]},
    )
    assert reponse.status_code == 200 and "Cochez au moins une" in reponse.text


def test_refresh_only_with_offline_access_and_revocation_ends_it(client, patient, app):
    _, application = app
    connecter(client, patient)
    jeton = lancer(
        client, application, scope=SCOPE, cocher=["patient/Observation.rs", "offline_access"]
    )
    assert jeton["refresh_token"]
    rafraichi = client.post(
        "/oauth/jeton/",
        {
            "grant_type": "refresh_token",
            "refresh_token": jeton["refresh_token"],
            "client_id": application.client_id,
        },
    )
    assert rafraichi.status_code == 200, rafraichi.content
    nouveau = rafraichi.json()
    assert nouveau["patient"] == jeton["patient"]
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 401
    assert fhir(client, nouveau["access_token"], "/fhir/Observation").status_code == 200
    # Replaying the old refresh token revokes the whole family.
    rejoue = client.post(
        "/oauth/jeton/",
        {
            "grant_type": "refresh_token",
            "refresh_token": jeton["refresh_token"],
            "client_id": application.client_id,
        },
    )
    assert rejoue.status_code == 400
    assert fhir(client, nouveau["access_token"], "/fhir/Observation").status_code == 401


def test_the_client_revokes_its_token(client, patient, app):
    _, application = app
    connecter(client, patient)
    jeton = lancer(client, application, scope=SCOPE, cocher=["patient/Observation.rs"])
    reponse = client.post(
        "/oauth/revoquer/", {"token": jeton["access_token"], "client_id": application.client_id}
    )
    assert reponse.status_code == 200
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 401


def test_smart_configuration_tells_the_truth(client):
    config = client.get("/.well-known/smart-configuration").json()
    assert config["code_challenge_methods_supported"] == ["S256"]
    assert (
        client.get(config["authorization_endpoint"].removeprefix("http://testserver")).status_code
        == 302
    )
    for cle in ("token_endpoint", "revocation_endpoint", "registration_endpoint"):
        chemin = config[cle].removeprefix("http://testserver")
        assert client.post(chemin).status_code in (400, 401), cle
    assert "patient/Observation.rs" in config["scopes_supported"]
    assert "launch-standalone" in config["capabilities"]


def test_the_consent_page_lets_its_form_go_back_to_this_clients_origin_only(client, patient, app):
    _, application = app
    connecter(client, patient)
    _, challenge = pkce()
    page = client.get(url_autorisation(application, scope=SCOPE, challenge=challenge))
    politique = page["Content-Security-Policy"]
    assert "form-action 'self' https://appli.exemple.fr;" in politique + ";"
    assert (
        "form-action 'self';" in client.get("/catalogue/").headers["Content-Security-Policy"] + ";"
    )


def test_the_capability_statement_tells_the_truth(client, patient, app):
    """Every type and search parameter it lists is served, and an unlisted one is ignored
    (refused with Prefer: handling=strict)."""
    _, application = app
    declaration = client.get("/fhir/metadata").json()
    assert declaration["resourceType"] == "CapabilityStatement"
    ressources = {r["type"]: r for r in declaration["rest"][0]["resource"]}
    connecter(client, patient)
    jeton = lancer(
        client,
        application,
        scope="launch/patient patient/*.read",
        cocher=[p for p in ressources_lisibles()],
    )["access_token"]
    for type_, ressource in ressources.items():
        if type_ == "Binary":
            continue
        for parametre in ressource.get("searchParam", []):
            valeur = {"date": "ge2020-01-01", "_lastUpdated": "ge2020-01-01", "_id": AUTRE}.get(
                parametre["name"], "x"
            )
            reponse = fhir(client, jeton, f"/fhir/{type_}", data={parametre["name"]: valeur})
            assert reponse.status_code == 200, (type_, parametre["name"], reponse.content)
        strict = {"HTTP_PREFER": "handling=strict"}
        assert (
            fhir(client, jeton, f"/fhir/{type_}", data={"inconnu": "1"}, **strict).status_code
            == 400
        )
        assert fhir(client, jeton, f"/fhir/{type_}", data={"inconnu": "1"}).status_code == 200
        creation = {"code": "create"} in ressource["interaction"]
        assert creation == (type_ in ("Observation", "DocumentReference")), type_
    assert set(ressources) == {
        "Patient",
        "DocumentReference",
        "Observation",
        "Binary",
        "AllergyIntolerance",
        "Immunization",
        "Condition",
        "MedicationStatement",
    }


AUTRE = "00000000-0000-4000-8000-000000000000"


def ressources_lisibles():
    from catalogue import portees

    return [p for p in portees.DONNEES if p.endswith(".rs")]
