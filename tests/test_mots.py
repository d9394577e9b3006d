"""Plain words on the pages a patient reads (issue 21, point 11): no MIME type or binary
size, no day counts where years are meant, no text version, no "empreinte", no standards'
names; a finished conversation is "Terminée"; a past appointment is not "Confirmé"."""

from __future__ import annotations

import html
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda.models import RendezVous
from catalogue.models import Critere
from messagerie import services as messagerie
from tests.agenda.outils import rdv_de
from tests.catalogue.factories import ServiceFactory
from tests.conftest import acteur_de, connecter
from tests.messagerie.outils import ecrire, piece

pytestmark = pytest.mark.django_db


def _texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_an_attachment_says_pdf_and_kilobytes(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, pieces=[piece()])
    connecter(client, patient)
    page = _texte(client.get(reverse("messagerie:conversation", args=[conversation.public_id])))
    assert "(PDF, " in page and " Ko)" in page
    assert "(application/pdf" not in page and "Kio" not in page and "octets)" not in page


def test_a_closed_conversation_is_terminee(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil)
    messagerie.conversation_fermer(acteur=acteur_de(professionnel), conversation=conversation)
    connecter(client, patient)
    boite = _texte(client.get(reverse("messagerie:accueil")))
    assert "Terminée" in boite and ">Close<" not in boite


def test_a_services_page_says_years_and_no_standards_names(client, settings):
    settings.CATALOGUE_DUREE_AUTORISATION_JOURS = 730
    service = ServiceFactory(nom="Tensio", portees=["patient/Observation.rs"])
    service.criteres.set(Critere.objects.all())
    page = _texte(client.get(reverse("catalogue:service", args=[service.slug])))
    assert "730 jours" not in page and "jours au plus" not in page
    assert "pour 2 ans au plus" in page
    for technique in ("FHIR", "SMART", "LOINC", "jeton", "Version du texte"):
        assert technique not in page, technique
    guide = _texte(client.get(reverse("catalogue:developpeurs")))
    assert "FHIR" in guide and "SMART" in guide


def test_a_past_appointment_is_not_said_confirmed(client, patient):
    rdv = rdv_de(patient)
    RendezVous.objects.filter(pk=rdv.pk).update(
        debut=timezone.now() - timedelta(days=2), fin=timezone.now() - timedelta(days=2, hours=-1)
    )
    connecter(client, patient)
    page = _texte(client.get(reverse("agenda:rdv", args=[rdv.public_id])))
    assert "Passé" in page and "Confirmé" not in page


def test_the_subscription_page_never_says_empreinte(client, patient):
    connecter(client, patient)
    reponse = client.post(reverse("agenda:abonnements"), {"nom": "Téléphone"})
    assert "empreinte" not in _texte(reponse)
    assert "empreinte" not in _texte(client.get(reverse("pages:donnees_personnelles")))


def test_a_closed_conversation_says_how_to_reach_the_professional(client, patient, professionnel):
    """Issue 21, point 14: a way forward, and why one cannot write first."""
    conversation = ecrire(professionnel, patient.profil)
    messagerie.conversation_fermer(acteur=acteur_de(professionnel), conversation=conversation)
    connecter(client, patient)
    page = _texte(client.get(reverse("messagerie:conversation", args=[conversation.public_id])))
    pro = professionnel.professionnel
    assert f"Pour joindre {pro.nom_usage}" in page and pro.structure in page
    assert "Annuaire santé" in page and pro.rpps in page
    assert "Les patients ne peuvent pas commencer une conversation" in page
    assert reverse("agenda:ajouter") in page
    # The agenda takes no request from a patient (as in the real service): said, not implied.
    assert "L'agenda ne permet pas non plus de demander un rendez-vous en ligne" in page
    # Her profession in her gender (Dr Jeanne Lefèvre), not the directory's double label.
    assert "Médecin (médecine générale)" in page
