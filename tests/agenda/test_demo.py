"""The demo agenda: Camille has past and upcoming appointments, a proposal to answer, a
reminder that leaves within minutes of ``make run``, a prevention calendar; Nadia sees her
son Yanis's agenda and calendar."""

import io
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from agenda import services
from agenda.enums import StatutRdv
from agenda.models import RendezVous
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from espace_sante.comptes.models import Representation, User
from espace_sante.notifications.models import Notification
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo():
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # idempotent


def _user(cle):
    return User.objects.get(email=f"{cle}@demo.espace-sante.fr")


def test_the_demo_patient_has_past_and_upcoming_appointments_and_a_reminder_within_minutes(
    client, demo
):
    camille = _user("patient")
    rdvs = RendezVous.objects.filter(profil=camille.profil)
    maintenant = timezone.now()
    assert rdvs.filter(debut__lt=maintenant).count() >= 3
    assert rdvs.filter(debut__gt=maintenant, statut=StatutRdv.CONFIRME).count() >= 3
    assert rdvs.filter(statut=StatutRdv.PROPOSE).count() == 1
    assert rdvs.count() == 7  # the second run added nothing

    # What the beat's sweep does ten minutes after start-up: a reminder goes to the console.
    assert services.rappels_balayer(maintenant=maintenant + timedelta(minutes=10)).envoyes == 1
    rappel = Notification.objects.get(motif="rappel")
    assert rappel.destinataire == camille.email and "kinésithérapie" not in rappel.corps

    connecter(client, camille)
    page = client.get(reverse("agenda:accueil")).content.decode()
    assert "Propositions à examiner" in page and "Échographie cardiaque" in page
    prevention = client.get(reverse("agenda:prevention")).content.decode()
    assert "Pourquoi :" in prevention and "Source :" in prevention


def test_the_demo_parent_sees_the_childs_agenda_and_prevention_calendar(client, demo):
    nadia = _user("parent")
    yanis = Representation.objects.actives().get(representant=nadia.profil).mineur
    connecter(client, nadia)
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(yanis.public_id)
    session.save()
    page = client.get(reverse("agenda:accueil")).content.decode()
    assert "Agenda de Yanis" in page and "Rappel de vaccin" in page
    assert "Consultation (confidentiel)" not in page  # his doctor's, at his request
    prevention = client.get(reverse("agenda:prevention")).content.decode()
    assert "Calendrier de prévention de Yanis" in prevention
