"""The demo (`make run`): Camille and Nadia (for Yanis) each find a conversation, and the
README's way of writing to Camille from any SMTP client works against the gateway."""

from __future__ import annotations

import io
import smtplib
from email.message import EmailMessage

import pytest
from django.core.management import call_command
from django.urls import reverse

from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from espace_sante.comptes.models import User
from messagerie.models import Conversation
from tests.conftest import connecter
from tests.messagerie.outils import passerelle_lancee

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_demo_patient_and_parent_find_a_conversation_and_the_readme_recipe_works(client):
    call_command("demo", stdout=io.StringIO())
    call_command("demo", stdout=io.StringIO())  # idempotent
    assert Conversation.objects.count() == 2
    patient = User.objects.get(email="patient@demo.espace-sante.fr")
    connecter(client, patient)
    boite = client.get(reverse("messagerie:accueil")).content.decode()
    assert "Résultats de votre bilan lipidique" in boite

    # The README: swaks / smtplib from the GP's address to Camille's INS address.
    m = EmailMessage()
    m["From"] = "medecin@demo.espace-sante.fr"
    m["To"] = "285057505604816@patient.espace-sante.localhost"
    m["Subject"] = "Résultats de votre prise de sang"
    m.set_content("Bonjour, vos résultats sont normaux.")
    with passerelle_lancee() as serveur, smtplib.SMTP(serveur.hostname, serveur.port) as s:
        s.send_message(m)
    boite = client.get(reverse("messagerie:accueil")).content.decode()
    assert "Résultats de votre prise de sang" in boite

    parent = User.objects.get(email="parent@demo.espace-sante.fr")
    connecter(client, parent)
    yanis = next(c for c in Conversation.objects.all() if "Yanis" in c.sujet).profil
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(yanis.public_id)
    session.save()
    boite = client.get(reverse("messagerie:accueil")).content.decode()
    assert "Rappel de vaccination de Yanis" in boite and "Terminée" in boite
