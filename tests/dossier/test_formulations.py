"""Wording follows whose record it is and who reads it (issue 11, point 7)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from tests.conftest import connecter
from tests.dossier.factories import InformationFactory
from tests.dossier.test_vues import ouvrir_acces

pytestmark = pytest.mark.django_db

PAGES = ["dossier:accueil", "dossier:parametres", "dossier:historique"]


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_a_parent_reads_the_childs_name_never_my_record(client, parent, mineur):
    connecter(client, parent)
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()
    nom = mineur.nom_affiche
    textes = {page: _texte(client.get(reverse(page))) for page in PAGES}
    assert f"Télécharger le dossier de {nom}" in textes["dossier:accueil"]
    assert f"Confidentialité et accès au dossier de {nom}" in textes["dossier:parametres"]
    assert f"Refuser l'accès au dossier de {nom} en urgence" in textes["dossier:parametres"]
    assert f"Historique d'activité du dossier de {nom}" in textes["dossier:historique"]
    for page, texte in textes.items():
        for premiere_personne in ("mon dossier", "votre dossier", "Mon médecin traitant"):
            assert premiere_personne not in texte, (page, premiere_personne)


def test_the_titulaire_reads_their_own_record_in_the_second_person(client, patient):
    connecter(client, patient)
    assert "Télécharger votre dossier" in _texte(client.get(reverse("dossier:accueil")))
    parametres = _texte(client.get(reverse("dossier:parametres")))
    assert "Je refuse l'accès à mon dossier en urgence" in parametres


def test_organ_donation_reads_in_the_first_person_only_for_the_person(
    client, patient, professionnel
):
    profil = patient.profil
    InformationFactory(
        profil=profil,
        rubrique="don_organes",
        libelle="donneur",
        auteur=patient,
        auteur_libelle="Camille Martin",
    )
    connecter(client, patient)
    propre = _texte(client.get(reverse("dossier:profil_medical")))
    assert "Je suis favorable au don de mes organes et tissus" in propre
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    lu = _texte(client.get(reverse("dossier:pro_dossier", args=[profil.public_id])))
    assert "Favorable au don de ses organes et tissus" in lu
    assert "Je suis favorable" not in lu
