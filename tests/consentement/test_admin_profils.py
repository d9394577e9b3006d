"""In admin, a profile's status changes only through the lifecycle (issue 10, point 5).

Before: the profile form had an editable status; "Annoncé → Créé" saved with no decision
(the 6-week opposition window cut short) and "Activé" answered a 500.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from consentement.enums import Canal, TypeDecision
from consentement.models import Decision
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil
from tests.comptes.factories import ProfilFactory
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def _formulaire(profil, **champs) -> dict:
    return {
        "nom_naissance": profil.nom_naissance,
        "nom_usage": profil.nom_usage,
        "prenoms": profil.prenoms,
        "date_naissance": profil.date_naissance.isoformat(),
        "sexe": profil.sexe,
        "code_lieu_naissance": profil.code_lieu_naissance,
        "nir_saisi": "",
        **champs,
    }


@pytest.mark.parametrize("statut", [StatutProfil.CREE, StatutProfil.ACTIVE, StatutProfil.OPPOSE])
def test_the_status_cannot_be_set_by_the_profile_form(client, admin_user, statut):
    profil = ProfilFactory()  # announced
    connecter(client, admin_user)
    url = reverse("admin:comptes_profil_change", args=[profil.pk])
    page = client.get(url)
    assert page.status_code == 200 and 'name="statut"' not in page.text
    reponse = client.post(url, _formulaire(profil, statut=statut))
    assert reponse.status_code == 302  # saved, the identity only
    assert Profil.objects.get(pk=profil.pk).statut == StatutProfil.ANNONCE
    assert not Decision.objects.filter(profil=profil).exists()


def _action(client, action: str, profils) -> object:
    return client.post(
        reverse("admin:comptes_profil_changelist"),
        {"action": action, "_selected_action": [p.pk for p in profils]},
        follow=True,
    )


def test_an_opposition_received_by_post_goes_through_the_lifecycle(client, admin_user):
    profil = ProfilFactory()
    connecter(client, admin_user)
    page = _action(client, "opposer_courrier", [profil])
    assert page.status_code == 200 and "Opposition reçue par courrier : 1 profil(s)" in page.text
    profil.refresh_from_db()
    assert profil.statut == StatutProfil.OPPOSE and profil.nom_naissance == ""
    decision = Decision.objects.get(profil=profil)
    assert (decision.type, decision.canal, decision.acteur) == (
        TypeDecision.OPPOSITION,
        Canal.COURRIER,
        admin_user,
    )


def test_closing_and_reopening_by_post_and_refusals_said_in_french(client, admin_user):
    active = ProfilFactory(active=True)
    annonce = ProfilFactory()
    connecter(client, admin_user)
    page = _action(client, "cloturer_archive", [active, annonce])
    assert "1 profil(s)" in page.text
    assert "Seul un profil créé ou activé peut être clôturé." in page.text
    active.refresh_from_db()
    assert active.statut == StatutProfil.CLOTURE
    _action(client, "rouvrir_courrier", [active])
    active.refresh_from_db()
    assert active.statut == StatutProfil.ACTIVE
    types = list(Decision.objects.filter(profil=active).values_list("type", flat=True))
    assert sorted(types) == sorted([TypeDecision.CLOTURE, TypeDecision.REOUVERTURE])
