"""The public entry in Chromium, at desktop and phone sizes (issue 11, points 1–3)."""

import pytest

from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
LES_DEUX = pytest.mark.parametrize("taille", ["bureau", "telephone"])


@LES_DEUX
def test_the_public_home_leads_to_activation_opposition_login_and_help(page, taille):
    page.aller("/")
    page.verifier_largeur()
    contenu = page.page.locator("#contenu")
    for nom in ["Activer mon espace", "Me connecter", "M'opposer à sa création"]:
        assert contenu.get_by_role("link", name=nom).is_visible()
    with page.page.expect_navigation():
        contenu.get_by_role("link", name="Activer mon espace").click()
    page.verifier_accessibilite()
    assert page.page.url.endswith("/activation/")
    for chemin in ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/aide/"]:
        page.aller(chemin)
        page.verifier_largeur()
        pied = page.page.locator("#pied-de-page")
        assert pied.get_by_role("link", name="Mentions légales").count() == 1


def test_on_a_phone_the_public_menu_opens_and_offers_login(page):
    page.page.set_viewport_size({"width": 390, "height": 844})
    page.aller("/aide/")
    page.page.get_by_role("button", name="Menu").click()
    menu = page.page.locator("#menu-principal-modale")
    menu.get_by_role("link", name="Activer mon espace").wait_for()
    assert menu.get_by_role("link", name="Se connecter").first.is_visible()
    page.verifier_accessibilite()


@LES_DEUX
def test_a_missing_page_is_a_french_404(page, taille):
    reponse = page.page.goto(page.base_url + "/nulle-part/")
    assert reponse.status == 404
    page.verifier_accessibilite()
    assert "Page introuvable" in page.page.locator("h1").inner_text()


@LES_DEUX
def test_reauthentication_and_email_pages_use_the_dsfr_forms(page, patient, taille):
    se_connecter(page, patient)
    page.aller("/compte/reauthentification/")
    page.verifier_largeur()
    mot_de_passe = page.page.get_by_label("Votre mot de passe")
    assert mot_de_passe.is_visible() and "fr-input" in mot_de_passe.get_attribute("class")
    boite = mot_de_passe.bounding_box()
    assert boite["height"] > 20 and boite["width"] > 150
    page.aller("/compte/adresse-electronique/")
    page.verifier_largeur()
    assert page.page.get_by_role("radio").count() == 0
    assert page.page.get_by_role("button", name="Enlever").count() == 0
    assert patient.email in page.page.locator("#contenu").inner_text()
