"""A professional's document is marked new until the person opens it, and the person is
told, within their preferences (issue 21, point 2)."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from dossier.models import Document
from espace_sante.notifications.models import Notification
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db


def depose_par_le_pro(client, professionnel, patient, **champs) -> Document:
    ouvrir_acces(professionnel, patient.profil)
    connecter(client, professionnel)
    reponse = televerser(client, patient.profil, pdf(), **champs)
    assert reponse.status_code == 302
    client.logout()
    return Document.objects.get()


def test_a_professionals_document_is_new_for_the_patient_until_they_open_it(
    client, patient, professionnel
):
    document = depose_par_le_pro(client, professionnel, patient)
    assert document.nouveau
    # The professional reading it again does not clear the mark.
    connecter(client, professionnel)
    assert client.get(reverse("dossier:document", args=[document.public_id])).status_code == 200
    document.refresh_from_db()
    assert document.nouveau
    client.logout()
    connecter(client, patient)
    liste = html.unescape(client.get(reverse("dossier:accueil")).content.decode())
    assert "Nouveau" in liste
    assert client.get(reverse("dossier:document", args=[document.public_id])).status_code == 200
    document.refresh_from_db()
    assert not document.nouveau
    liste = html.unescape(client.get(reverse("dossier:accueil")).content.decode())
    assert ">Nouveau<" not in liste


def test_the_patients_own_document_is_never_new(client, patient):
    connecter(client, patient)
    televerser(client, patient.profil, pdf())
    assert not Document.objects.get().nouveau
    assert not Notification.objects.filter(motif="document_ajoute").exists()


def test_the_patient_is_told_of_a_professionals_document_without_its_title(
    client, patient, professionnel
):
    document = depose_par_le_pro(client, professionnel, patient, titre="Biopsie hépatique")
    (avis,) = Notification.objects.filter(motif="document_ajoute")
    assert avis.profil_id == patient.profil.pk
    assert avis.destinataire == patient.email
    assert "a ajouté un document" in avis.corps
    assert document.titre not in avis.corps and document.titre not in avis.sujet
    assert str(professionnel.professionnel) not in avis.corps


def test_no_notice_when_the_patient_turned_document_notices_off(client, patient, professionnel):
    patient.profil.notifier_nouveau_document = False
    patient.profil.save(update_fields=["notifier_nouveau_document"])
    document = depose_par_le_pro(client, professionnel, patient)
    assert document.nouveau  # still marked new on the page
    assert not Notification.objects.filter(motif="document_ajoute").exists()


def test_the_preference_is_on_the_contact_details_page(client, patient):
    connecter(client, patient)
    page = html.unescape(client.get(reverse("consentement:coordonnees")).content.decode())
    assert "Être prévenu de chaque document qu'un professionnel ajoute à mon dossier" in page


def test_a_result_held_for_an_announcement_is_not_announced_before_it(
    client, patient, professionnel
):
    document = depose_par_le_pro(client, professionnel, patient, annonce_requise="on")
    assert document.annonce_requise and document.nouveau
    assert not Notification.objects.filter(motif="document_ajoute").exists()
