"""Retention (issue 12, point 6): conversations are deleted by a daily task once their
period is over, journaled; the patient is told 30 days before, with a link to save the
attachments into the record; the period is configurable and stated on the inbox page."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse

from espace_sante.journal.models import Entree
from messagerie import tasks
from messagerie.models import Conversation, Message, PieceJointe
from tests.actions import Action
from tests.conftest import connecter, courriels
from tests.horloge import figer
from tests.messagerie.outils import ecrire, piece

pytestmark = pytest.mark.django_db


def test_the_daily_tasks_are_scheduled():
    taches = {e["task"] for e in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {
        "messagerie.tasks.conservation_appliquer",
        "messagerie.tasks.conservation_prevenir",
    } <= taches


def test_the_patient_is_told_30_days_before_then_the_conversation_is_deleted(
    client, settings, patient, professionnel, django_capture_on_commit_callbacks, time_machine
):
    settings.MESSAGERIE_CONSERVATION = timedelta(days=365)
    figer(time_machine)  # the days pass on the clock the tasks read, not on edited rows
    vieille = ecrire(professionnel, patient.profil, sujet="Ancien bilan", pieces=[piece()])
    fichier = Path(PieceJointe.objects.get().fichier.path)
    time_machine.shift(timedelta(days=334))  # 31 days before its end: too early to tell
    courriels().clear()
    assert tasks.conservation_prevenir.apply().get() == 0
    time_machine.shift(timedelta(days=6))  # deleted in 25 days
    recente = ecrire(professionnel, patient.profil, sujet="Récent")
    courriels().clear()

    assert tasks.conservation_prevenir.apply().get() == 1
    assert tasks.conservation_prevenir.apply().get() == 0  # told once
    (avis,) = courriels()
    assert avis.to == [patient.email]
    assert str(vieille.public_id) in avis.body and "enregistrez-les dans le dossier" in avis.body
    assert "Ancien bilan" not in avis.body  # no health content

    assert tasks.conservation_appliquer.apply().get() == 0  # not yet
    time_machine.shift(timedelta(days=24))  # a day before the end: still kept
    assert tasks.conservation_appliquer.apply().get() == 0
    time_machine.shift(timedelta(days=2))  # a day past it
    with django_capture_on_commit_callbacks(execute=True):  # files go once rows are gone
        assert tasks.conservation_appliquer.apply().get() == 1
    assert list(Conversation.objects.all()) == [recente]
    assert not Message.objects.filter(conversation_id=vieille.pk).exists()
    assert not PieceJointe.objects.exists() and not fichier.exists()
    entree = Entree.objects.get(action=Action.CONVERSATION_SUPPRIMEE)
    assert entree.profil == patient.profil

    connecter(client, patient)
    boite = client.get(reverse("messagerie:accueil")).content.decode()
    assert "Ancien bilan" not in boite and "Récent" in boite
    historique = client.get(reverse("dossier:historique")).content.decode()
    assert "Conversation supprimée" in historique


def test_the_inbox_states_the_configured_period(client, settings, patient):
    settings.MESSAGERIE_CONSERVATION_JOURS = 90
    connecter(client, patient)
    page = client.get(reverse("messagerie:accueil")).content.decode()
    assert "conservées 90 jours après leur dernier message" in page
