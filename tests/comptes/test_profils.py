from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from espace_sante.comptes.enums import Role
from espace_sante.journal.models import Entree
from tests.actions import Action
from tests.comptes.factories import ProfilFactory
from tests.horloge import figer_un_matin

pytestmark = pytest.mark.django_db


def test_parent_sees_a_switcher_with_own_and_child_profiles(client_de, parent, mineur):
    page = client_de("parent").get("/dossier/")
    assert "Profil affiché" in page.text
    assert "Yanis" in page.text and "(enfant mineur)" in page.text


def test_patient_without_children_has_no_switcher(client_de):
    assert "Profil affiché" not in client_de("patient").get("/dossier/").text


def test_switching_to_a_child_is_journaled_on_the_childs_chain(client_de, parent, mineur):
    client = client_de("parent")
    reponse = client.post(reverse("consentement:changer_profil"), {"profil": mineur.public_id})
    assert reponse.status_code == 302
    page = client.get("/dossier/")
    assert f"Dossier médical de {mineur.nom_affiche}" in page.text
    assert "représentante légale" in page.text  # Nadia
    entree = Entree.objects.get(action=Action.PROFIL_BASCULE)
    assert entree.profil == mineur and entree.acteur == parent
    assert entree.role == Role.REPRESENTANT and entree.pour_le_compte_de == mineur


def test_switching_to_someone_elses_profile_is_404(client_de, parent):
    autre = ProfilFactory(mineur=True)
    reponse = client_de("parent").post(
        reverse("consentement:changer_profil"), {"profil": autre.public_id}
    )
    assert reponse.status_code == 404
    assert not Entree.objects.filter(action=Action.PROFIL_BASCULE).exists()


def test_access_to_the_child_stops_on_the_request_after_the_18th_birthday(
    client_de, parent, mineur, time_machine
):
    figer_un_matin(time_machine)  # the request and the test see the same day
    client = client_de("parent")
    client.post(reverse("consentement:changer_profil"), {"profil": mineur.public_id})
    assert mineur.nom_affiche in client.get("/dossier/").text
    aujourdhui = timezone.localdate()  # the birthday in Paris, as the policy counts it
    mineur.date_naissance = aujourdhui.replace(year=aujourdhui.year - 18)
    mineur.save()
    page = client.get("/dossier/")
    assert page.status_code == 200
    assert f"Dossier médical de {parent.profil.nom_affiche}" in page.text
    assert "Profil affiché" not in page.text


def test_ended_representation_gives_no_access(client_de, representation, mineur):
    representation.date_fin = date(2020, 1, 1)
    representation.date_debut = date(2019, 1, 1)
    representation.save()
    reponse = client_de("parent").post(
        reverse("consentement:changer_profil"), {"profil": mineur.public_id}
    )
    assert reponse.status_code == 404


def test_nir_is_stored_encrypted_and_found_by_its_keyed_hash(db):
    from django.db import connection

    from espace_sante.comptes.models import Profil
    from espace_sante.lib import nir as nir_lib

    profil = ProfilFactory()
    with connection.cursor() as cur:
        cur.execute("SELECT nir, nir_hash FROM comptes_profil WHERE id = %s", [profil.pk])
        brut, empreinte = cur.fetchone()
    assert profil.nir.encode() not in bytes(brut)
    assert empreinte == nir_lib.hacher(profil.nir)
    assert Profil.objects.par_nir(profil.nir).get() == profil
    assert Profil.objects.get(pk=profil.pk).nir == profil.nir


def test_rpps_with_a_bad_key_is_refused_in_french(db):
    from django.core.exceptions import ValidationError

    from espace_sante.comptes.models import valider_rpps

    with pytest.raises(ValidationError, match="clé de contrôle"):
        valider_rpps("10000000010")
    with pytest.raises(ValidationError, match="11 chiffres"):
        valider_rpps("1234")
