"""The catalogue journey in Chromium, with axe on every page: a visitor browses the
catalogue, the patient connects a service scope by scope from the service's own launch
(PKCE), the service reads with its real token over HTTP, the person sees it listed and its
reads in the history, and revokes it: the next read is refused."""

from urllib.parse import parse_qs, urlparse

import pytest
import requests

from tests.catalogue.factories import REDIRECTION, pkce, service_et_client, url_autorisation
from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def test_browse_connect_scope_by_scope_see_the_reads_and_revoke(page, patient, live_server):
    service, application = service_et_client(
        nom="Tensio",
        editeur="Tensio SAS",
        categorie="mesures",
        portees=["patient/Observation.rs", "patient/Observation.c", "patient/Condition.rs"],
    )
    # A visitor browses the catalogue, the publishers' guide and the service's page.
    page.aller("/catalogue/developpeurs/")
    page.verifier_largeur()
    page.aller("/catalogue/")
    page.page.get_by_label("Rechercher un service").fill("Tensio")
    page.cliquer("Rechercher")
    page.cliquer("Tensio", role="link")
    assert "Lire vos mesures" in page.page.content()

    # The service sends the person to the authorization page; they log in first.
    verifier, challenge = pkce()
    autoriser = url_autorisation(
        application,
        challenge=challenge,
        scope="launch/patient patient/*.read patient/Observation.c",
        aud=f"{live_server.url}/fhir",
    )
    page.aller(autoriser)
    se_connecter(page, patient)
    page.aller(autoriser)
    assert page.page.get_by_label("Lire vos antécédents", exact=False).is_checked() is False
    page.page.locator("label", has_text="Lire vos mesures").click()  # DSFR: the label is on top
    assert page.page.get_by_label("Lire vos mesures", exact=False).is_checked()
    # Back to the service's own address (another origin, allowed by this page's CSP): the
    # browser's request carries the code; the service is not running, the page stays.
    with page.page.expect_request(lambda r: r.url.startswith(REDIRECTION)) as retour:
        page.page.get_by_role("button", name="Autoriser ce qui est coché").click()
    code = parse_qs(urlparse(retour.value.url).query)["code"][0]

    # The service, over plain HTTP with its token.
    base = live_server.url
    jeton = requests.post(
        f"{base}/oauth/jeton/",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": REDIRECTION,
            "client_id": application.client_id,
            "code_verifier": verifier,
        },
        timeout=10,
    ).json()
    en_tetes = {"Authorization": f"Bearer {jeton['access_token']}"}
    assert requests.get(f"{base}/fhir/Observation", headers=en_tetes, timeout=10).status_code == 200
    assert requests.get(f"{base}/fhir/Condition", headers=en_tetes, timeout=10).status_code == 403

    # The person sees it listed, with what it may do, and its reads in the history.
    page.aller("/catalogue/mes-services/")
    section = page.page.locator("section", has_text="Tensio")
    assert "Lire vos mesures" in section.inner_text()
    assert "Lire vos antécédents" not in section.inner_text()
    page.aller("/dossier/historique/")
    assert "Tensio" in page.page.content() and "0 mesure" in page.page.content()

    # Revoking: the next read is refused.
    page.aller("/catalogue/mes-services/")
    page.cliquer("Déconnecter Tensio")
    assert "Déconnecté" in page.page.content()
    assert requests.get(f"{base}/fhir/Observation", headers=en_tetes, timeout=10).status_code == 401


@pytest.mark.parametrize("taille", ["telephone"], indirect=True)
def test_the_public_catalogue_fits_a_phone(page):
    service, _ = service_et_client(
        nom="Tensio", editeur="Tensio SAS", categorie="mesures", portees=["patient/Observation.rs"]
    )
    for chemin in ["/catalogue/", "/catalogue/developpeurs/", f"/catalogue/{service.slug}/"]:
        page.aller(chemin)
        page.verifier_largeur()
    assert "Tensio" in page.page.locator("h1").inner_text()
