"""Gender and number follow the person (issue 21, point 11): a patient's or a parent's from
their INS sex trait (else the NIR's first digit), a professional's from the directory's
civility; unknown → the neutral wording."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from espace_sante.comptes.enums import Civilite, Profession, Sexe
from espace_sante.lib import nir as nir_lib
from tests.comptes.factories import ProfessionnelFactory, ProfilFactory
from tests.conftest import connecter


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


@pytest.mark.parametrize(
    ("premier", "genre"),
    [("1", "M"), ("7", "M"), ("2", "F"), ("8", "F"), ("3", ""), ("4", ""), ("", "")],
)
def test_the_nir_first_digit_gives_the_registered_sex(premier, genre):
    assert nir_lib.genre(f"{premier}850575123456" if premier else "") == genre


@pytest.mark.django_db
def test_a_profile_without_sex_trait_takes_the_nir_digit_and_a_blank_one_stays_neutral():
    homme = ProfilFactory(sexe="", nir="185057512345678")
    assert homme.genre == "M"
    assert ProfilFactory(sexe=Sexe.INDETERMINE, nir="").genre == ""
    assert ProfilFactory(sexe=Sexe.FEMININ).genre == "F"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("civilite", "titre"),
    [
        (Civilite.MONSIEUR, "Paul Moreau, pharmacien"),
        (Civilite.MADAME, "Paul Moreau, pharmacienne"),
        ("", "Paul Moreau, pharmacien ou pharmacienne"),
    ],
)
def test_a_professional_is_titled_with_the_profession_in_their_gender(civilite, titre):
    pro = ProfessionnelFactory(
        user__prenom="Paul", user__nom="Moreau", profession=Profession.PHARMACIEN, civilite=civilite
    )
    assert str(pro) == titre


def _bloquer(client, patient, pro):
    connecter(client, patient)
    return client.post(reverse("dossier:blocage_ajouter"), {"blocage-rpps": pro.rpps}, follow=True)


def test_blocking_a_woman_doctor_says_she_is_blocked(client, patient):
    garnier = ProfessionnelFactory(user__prenom="Inès", user__nom="Garnier")  # Madame
    page = texte(_bloquer(client, patient, garnier))
    assert "Dr Inès Garnier est bloquée : elle ne peut plus rien consulter ni ajouter." in page
    assert "Dr Inès Garnier, médecin (RPPS" in page and "bloquée le" in page


def test_blocking_a_man_says_he_is_blocked_and_unknown_stays_neutral(client, patient):
    moreau = ProfessionnelFactory(
        user__prenom="Paul",
        user__nom="Moreau",
        profession=Profession.PHARMACIEN,
        civilite=Civilite.MONSIEUR,
    )
    page = texte(_bloquer(client, patient, moreau))
    assert "Paul Moreau est bloqué : il ne peut plus" in page and "bloqué le" in page
    inconnu = ProfessionnelFactory(user__prenom="Sacha", user__nom="Petit", civilite="")
    page = texte(_bloquer(client, patient, inconnu))
    assert "Blocage enregistré : Dr Sacha Petit ne peut plus" in page
    assert "bloquée" not in page


def test_the_declared_doctor_is_said_to_access_in_her_gender(client, patient):
    lefevre = ProfessionnelFactory()  # Dr Jeanne Lefèvre, Madame
    connecter(client, patient)
    client.post(reverse("dossier:medecin_traitant_declarer"), {"mt-rpps": lefevre.rpps})
    page = texte(client.get(reverse("dossier:parametres")))
    assert "Elle accède à votre dossier sans nouvelle identification" in page
    assert "qui accède" not in page


def test_a_mother_reads_that_she_is_the_legal_representative(client, parent, mineur):
    connecter(client, parent)  # Nadia: her profile's sex trait is F
    client.post(reverse("consentement:changer_profil"), {"profil": str(mineur.public_id)})
    page = texte(client.get(reverse("dossier:accueil")))
    assert "en tant que représentante légale." in page
