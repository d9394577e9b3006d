"""The public pages lead somewhere (issue 21, point 17): the catalogue is linked, the
activation page is titled as its link says, the help page has a phone number and finds a
France services desk by town or postcode over an open list with its source, and the
password-reset page gives a real contact."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from espace_sante.lib import france_services

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_the_public_home_and_every_footer_link_to_the_catalogue(client):
    catalogue = f'href="{reverse("catalogue:accueil")}"'
    assert catalogue in _texte(client.get("/"))
    assert catalogue in _texte(client.get(reverse("pages:mentions_legales")))


def test_activer_mon_espace_leads_to_a_page_titled_so(client):
    page = _texte(client.get(reverse("consentement:activation")))
    assert "<title>Activer mon espace" in page and "<h1>Activer mon espace</h1>" in page
    assert "profil</title>" not in page


def test_the_help_page_gives_a_phone_number(client):
    page = _texte(client.get(reverse("pages:aide")))
    assert 'href="tel:3422"' in page


@pytest.mark.parametrize("ou", ["Saint-Etienne", "saint-étienne", "42000", "42"])
def test_the_help_page_finds_a_france_services_desk_by_town_or_postcode(client, ou):
    page = _texte(client.get(reverse("pages:aide"), {"ou": ou}))
    assert "France services de démonstration (Saint-Étienne)" in page
    assert "Lyon 3e" not in page
    assert france_services.SOURCE in page and "exemple de démonstration" in page


def test_the_help_search_says_when_nothing_is_found_and_bounds_the_input(client):
    page = _texte(client.get(reverse("pages:aide"), {"ou": "Trifouilly"}))
    assert "Aucune France services trouvée pour « Trifouilly »" in page
    trop_long = client.get(reverse("pages:aide"), {"ou": "x" * 500})
    assert trop_long.status_code == 200 and "Aucune France services" not in _texte(trop_long)


def test_the_official_list_is_loaded_by_a_command_and_then_used(client, settings, tmp_path):
    from django.core.management import call_command

    officiel = tmp_path / "officiel.csv"
    officiel.write_text(
        "lib_fs;adresse;cp;commune;telephone;mail\n"
        "France services de Bellac;1 place de la République;87300;Bellac;05 55 00 00 00;\n"
        ";sans nom;87000;Limoges;;\n",
        encoding="utf-8",
    )
    settings.FRANCE_SERVICES_FICHIER = str(tmp_path / "france_services.csv")
    call_command("france_services_charger", str(officiel))
    page = _texte(client.get(reverse("pages:aide"), {"ou": "87300"}))
    assert "France services de Bellac" in page and "05 55 00 00 00" in page
    assert "exemple de démonstration" not in page


def test_the_password_reset_page_gives_a_real_contact(client):
    page = _texte(client.get(reverse("account_reset_password")))
    assert 'href="tel:3422"' in page and "mailto:" in page
    assert "contactez-nous" not in page.lower() and "nous contacter" not in page.lower()
