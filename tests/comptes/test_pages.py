"""Information pages and French error pages (issue 11, points 1 and 3)."""

import pytest
from django.test import Client, RequestFactory
from django.urls import reverse
from django.views.defaults import bad_request, server_error

from tests.conftest import connecter


@pytest.mark.django_db
def test_the_home_and_footer_link_to_activation_opposition_and_the_legal_pages(client):
    page = client.get("/").content.decode()
    for nom in [
        "consentement:activation",
        "consentement:opposition",
        "account_login",
        "pages:accessibilite",
        "pages:mentions_legales",
        "pages:donnees_personnelles",
        "pages:aide",
    ]:
        assert f'href="{reverse(nom)}"' in page, nom


@pytest.mark.django_db
def test_the_personal_data_page_says_purposes_legal_bases_retention_rights_and_contact(client):
    page = client.get(reverse("pages:donnees_personnelles")).content.decode()
    for mot in ["Pourquoi", "base légale", "Combien de temps", "Vos droits", "dpo@", "CNIL"]:
        assert mot in page, mot


@pytest.mark.django_db
def test_an_unknown_url_gets_the_french_404_page(client, patient):
    connecter(client, patient)
    reponse = client.get("/nulle-part/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.content.decode()
    assert "Not Found" not in reponse.content.decode()


@pytest.mark.django_db
def test_a_refused_csrf_token_gets_a_french_403(patient):
    client = Client(enforce_csrf_checks=True)
    connecter(client, patient)
    reponse = client.post(reverse("consentement:changer_profil"), {"profil": "x"})
    assert reponse.status_code == 403
    assert "Formulaire expiré" in reponse.content.decode()


def test_the_500_page_renders_without_a_database():
    """No ``db`` fixture: any database access here raises."""
    reponse = server_error(RequestFactory().get("/"))
    assert reponse.status_code == 500
    assert "Erreur du service" in reponse.content.decode()


@pytest.mark.django_db
def test_the_400_page_is_french():
    reponse = bad_request(RequestFactory().get("/"), exception=ValueError())
    assert reponse.status_code == 400 and "Requête incorrecte" in reponse.content.decode()
