"""A child's pages (issue 21, point 13): the child's decisions are named for the child, the
record offers no advance directives nor organ donation under 18, and the prevention
calendar offers "C'est fait" only for a step that is open and never calls a recurring
step late once this year's has opened."""

from __future__ import annotations

import html
from datetime import date

import pytest
from django.urls import reverse

from agenda import prevention
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def _pour_lenfant(client, parent, mineur):
    connecter(client, parent)
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_the_childs_decisions_are_named_for_the_child(client, parent, mineur):
    _pour_lenfant(client, parent, mineur)
    page = _texte(client.get(reverse("consentement:mes_choix")))
    assert f"<h1>Les choix pour {mineur.nom_affiche}</h1>" in page
    assert "Mes choix" not in page and "modifier mes coordonnées" not in page
    assert f"modifier les coordonnées et les préférences de {mineur.nom_affiche}" in page


def test_a_child_is_not_offered_advance_directives_nor_organ_donation(client, parent, mineur):
    assert mineur.est_mineur()
    _pour_lenfant(client, parent, mineur)
    page = _texte(client.get(reverse("dossier:profil_medical")))
    assert "Allergie" in page
    assert "Directives anticipées" not in page and "don d'organes" not in page
    for rubrique in ("directives_anticipees", "don_organes"):
        url = reverse("dossier:information_ajouter", args=[mineur.public_id, rubrique])
        assert client.get(url).status_code == 404


def test_an_adult_is_still_offered_them(client, patient):
    connecter(client, patient)
    page = _texte(client.get(reverse("dossier:profil_medical")))
    assert "Directives anticipées" in page and "Position sur le don d'organes" in page


def test_last_years_dental_check_is_not_late_once_this_years_is_open():
    occurrences = prevention.calendrier(
        naissance=date(2014, 3, 1),
        sexe="M",
        aujourdhui=date(2026, 12, 8),
        vaccinations=[],
        suivis={},
    )
    dents = {o.code: o.etat for o in occurrences if o.etape.code == "mtdents"}
    assert dents.get("mtdents@12a") == "en_cours"
    assert "en_retard" not in dents.values(), dents


def test_a_step_years_ahead_has_no_cest_fait_button(client, parent, mineur):
    _pour_lenfant(client, parent, mineur)
    page = _texte(client.get(reverse("agenda:prevention")))
    for bloc in page.split('<li class="fr-mb-3w">')[1:]:
        if "Vous pourrez l'indiquer comme faite" in bloc:
            assert "C'est fait" not in bloc
    assert "Vous pourrez l'indiquer comme faite" in page
