"""The public catalogue (search, filters, cards, pagination), a service's page, connecting
from it scope by scope, and the admin that makes a service (logo checked like an upload)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from catalogue.enums import StatutService
from catalogue.models import Autorisation, Critere, Service
from consentement.models import Decision
from tests.catalogue.factories import ServiceFactory
from tests.conftest import connecter
from tests.lib.corpus import image, pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def catalogue():
    for n in range(14):
        ServiceFactory(
            nom=f"Appli {n:02d}",
            categorie="mesures",
            portees=["patient/Observation.rs", "patient/Observation.c"],
        )
    ServiceFactory(
        nom="Carnet Vaccins",
        editeur="Vaccinum",
        categorie="vaccination",
        portees=["patient/Immunization.rs"],
    )
    ServiceFactory(nom="Suspendu Santé", statut=StatutService.SUSPENDU)
    ServiceFactory(nom="Retiré Santé", statut=StatutService.RETIRE)


def test_a_visitor_browses_twelve_cards_a_page_without_suspended_or_withdrawn_services(
    client, catalogue, django_assert_max_num_queries
):
    with django_assert_max_num_queries(6):
        page = client.get("/catalogue/")
    assert page.status_code == 200
    assert "15 services référencés" in page.text
    assert page.text.count('class="fr-card fr-enlarge-link"') == 12
    assert "Suspendu Santé" not in page.text and "Retiré Santé" not in page.text
    suite = client.get("/catalogue/?page=2").text
    assert suite.count('class="fr-card fr-enlarge-link"') == 3 and "Carnet Vaccins" in suite
    assert "(page 2)" in suite  # the title says where you are


@pytest.mark.parametrize(
    ("params", "attendus"),
    [
        ({"q": "vaccinum"}, ["Carnet Vaccins"]),
        ({"categorie": "vaccination"}, ["Carnet Vaccins"]),
        ({"donnee": "Immunization"}, ["Carnet Vaccins"]),
        ({"q": "Suspendu"}, []),
        ({"q": "appli 03", "categorie": "mesures"}, ["Appli 03"]),
    ],
)
def test_search_and_filters(client, catalogue, params, attendus):
    texte = client.get("/catalogue/", params).text
    noms = [s.nom for s in Service.objects.all() if f">{s.nom}</a>" in texte]
    assert sorted(noms) == attendus
    if not attendus:
        assert "Aucun service ne correspond" in texte


def test_the_filters_keep_their_values_across_pages(client, catalogue):
    texte = client.get("/catalogue/", {"categorie": "mesures"}).text
    assert "categorie=mesures&amp;page=2" in texte or "page=2&amp;categorie=mesures" in texte


def test_a_services_page_says_what_it_would_read_or_write_and_why_and_its_criteria(client):
    service = ServiceFactory(
        nom="Tensio", portees=["patient/Observation.rs", "patient/Observation.c"]
    )
    service.criteres.add(Critere.objects.create(code="hds", intitule="Hébergeur certifié HDS"))
    texte = client.get(f"/catalogue/{service.slug}/").text
    assert "Lire vos mesures" in texte and "Ajouter des mesures" in texte
    assert "Pour patient/Observation.rs." in texte
    assert "Hébergeur certifié HDS" in texte
    assert "Se connecter" in texte
    suspendu = ServiceFactory(statut=StatutService.SUSPENDU)
    assert client.get(f"/catalogue/{suspendu.slug}/").status_code == 404


def test_the_person_connects_from_the_services_page_scope_by_scope(client, patient):
    service = ServiceFactory(
        nom="Tensio", portees=["patient/Observation.rs", "patient/Condition.rs"]
    )
    connecter(client, patient)
    assert "Choisir ce que je partage" in client.get(f"/catalogue/{service.slug}/").text
    page = client.get(f"/catalogue/{service.slug}/connecter/")
    assert "Lire vos antécédents" in page.text and "checked" not in page.text
    reponse = client.post(
        f"/catalogue/{service.slug}/connecter/",
        {
            "portees": ["patient/Observation.rs"],
            "profil": str(patient.profil.public_id),
        },
        follow=True,
    )
    assert "Tensio est connecté" in reponse.text
    autorisation = Autorisation.objects.get()
    assert autorisation.portee == "patient/Observation.rs"
    assert Decision.objects.get().pk == autorisation.decision_id
    assert "Lire vos mesures" in reponse.text and "Lire vos antécédents" not in reponse.text
    assert "connecté au profil" in client.get(f"/catalogue/{service.slug}/").text


def test_mes_services_lists_nothing_for_a_new_person(client, patient):
    connecter(client, patient)
    assert "Aucun service n'est connecté" in client.get("/catalogue/mes-services/").text


def _ajout(admin, logo):
    return admin.post(
        "/admin/catalogue/service/add/",
        {
            "nom": "Podo",
            "slug": "podo",
            "editeur": "Podo SAS",
            "description": "Des pas.",
            "categorie": "prevention",
            "site_web": "https://podo.example/",
            "redirect_uris": "https://podo.example/retour",
            "url_suppression": "https://podo.example/s",
            "logo_fichier": logo,
            "portees-TOTAL_FORMS": "1",
            "portees-INITIAL_FORMS": "0",
            "portees-0-portee": "patient/Observation.c",
            "portees-0-pourquoi": "Vos pas.",
        },
    )


def test_the_admin_makes_a_service_with_its_logo_checked_like_an_upload(client_de):
    admin = client_de("admin_user")
    refuse = _ajout(admin, SimpleUploadedFile("logo.png", pdf(), content_type="image/png"))
    assert refuse.status_code == 200 and not Service.objects.exists()
    assert "Le logo doit être une image" in refuse.text
    reponse = _ajout(admin, SimpleUploadedFile("logo.png", image("PNG"), content_type="image/png"))
    assert reponse.status_code == 302, reponse.text[:2000]
    service = Service.objects.get()
    assert service.logo_type == "image/png" and service.clients.count() == 1
    logo = admin.get(f"/catalogue/logo/{service.public_id}/")
    assert logo.status_code == 200 and logo.content.startswith(b"\x89PNG")
    assert "sandbox" in logo["Content-Security-Policy"]
