import re

import pytest
from django.core import mail

from tests.comptes.factories import MOT_DE_PASSE

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

ACCUEILS = {
    "patient": ("/dossier/", "Dossier médical de"),
    "parent": ("/dossier/", "Dossier médical de"),
    "professionnel": ("/pro/", "Espace professionnel de santé"),
    "mediateur": ("/france-services/", "Espace France services"),
    "admin_user": ("/admin/", "Administration"),
}


def se_connecter(page, user):
    page.aller("/compte/connexion/")
    page.page.get_by_label("Courriel").fill(user.email)
    page.page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.cliquer("Se connecter")
    assert "/compte/verification/" in page.page.url
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.page.get_by_label("Code de vérification").fill(code)
    page.cliquer("Valider le code")


def reauthentifier(page, user):
    """Closing, reopening and adding a second factor ask for the password again, even
    right after the login."""
    assert "/compte/reauthentification/" in page.page.url
    page.page.get_by_label("Votre mot de passe").fill(MOT_DE_PASSE)
    page.cliquer("Confirmer")


@pytest.mark.parametrize("persona", list(ACCUEILS))
def test_each_persona_logs_in_with_the_emailed_code_and_lands_home(page, persona, request):
    user = request.getfixturevalue(persona)
    se_connecter(page, user)
    chemin, titre = ACCUEILS[persona]
    assert page.page.url.endswith(chemin)
    assert titre in page.page.locator("h1").first.inner_text()


def test_patient_visits_every_page_of_the_space(page, patient):
    se_connecter(page, patient)
    for chemin in ["/messagerie/", "/agenda/", "/catalogue/", "/mes-choix/", "/compte/securite/"]:
        page.aller(chemin)
        assert page.page.locator("h1").count() == 1
    page.cliquer("Configurer une application")
    reauthentifier(page, patient)  # adding a factor asks for the password again
    assert page.page.locator(".es-qr svg").count() == 1
    page.aller("/compte/securite/")
    page.cliquer("Générer des codes de secours")
    assert page.page.locator(".es-codes li").count() == 10


def test_parent_switches_to_the_child_profile_with_the_keyboard(page, parent, mineur):
    se_connecter(page, parent)
    selecteur = page.page.get_by_label("Profil affiché", exact=True)
    selecteur.select_option(str(mineur.public_id))
    page.page.get_by_role("button", name="Afficher ce profil").focus()
    with page.page.expect_navigation():
        page.page.keyboard.press("Enter")
    page.verifier_accessibilite()
    assert mineur.nom_affiche in page.page.locator("h1").inner_text()


def test_wrong_code_shows_a_french_error_accessibly(page, patient):
    page.aller("/compte/connexion/")
    page.page.get_by_label("Courriel").fill(patient.email)
    page.page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.cliquer("Se connecter")
    page.page.get_by_label("Code de vérification").fill("000000")
    page.cliquer("Valider le code")
    assert "Code incorrect ou expiré" in page.page.content()


def test_public_home_and_wrong_password(page, patient):
    page.aller("/")
    page.aller("/compte/connexion/")
    page.page.get_by_label("Courriel").fill(patient.email)
    page.page.get_by_label("Mot de passe").fill("pas-le-bon")
    page.cliquer("Se connecter")
    assert "/compte/connexion/" in page.page.url
    assert "incorrect" in page.page.content().lower()


def test_account_pages_are_accessible_without_and_with_a_session(page, inconnu):
    for chemin in ["/compte/mot-de-passe/oublie/", "/compte/inscription/", "/compte/inactif/"]:
        page.aller(chemin)
    se_connecter(page, inconnu)
    assert page.page.url.endswith("/compte/sans-espace/")
    for chemin in [
        "/compte/securite/application/",
        "/compte/mot-de-passe/modifier/",
        "/compte/adresse-electronique/",
        "/compte/deconnexion/",
    ]:
        page.aller(chemin)
    with page.page.expect_navigation():
        page.page.locator("#contenu").get_by_role("button", name="Se déconnecter").click()
    page.verifier_accessibilite()
    assert "/compte/connexion/" in page.page.url
