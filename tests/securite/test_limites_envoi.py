"""Flooding inboxes through the site (issue 9, item 11).

Every action that sends a message is limited per target and per source, in PostgreSQL,
with a French message that reads the same whether or not an account exists.
"""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_email.models import EmailDevice

from consentement.models import Accompagnement, EnvoiAvis
from consentement.services import accompagnement as accompagnement_lib
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.forms import MESSAGE_REINIT_ADRESSE, MESSAGE_REINIT_CONNEXION
from tests.comptes.factories import MOT_DE_PASSE, MediateurFactory, ProfilFactory
from tests.conftest import connecter, courriels
from tests.consentement.factories import AccompagnementFactory
from tests.horloge import figer

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return reponse.text.replace("&#x27;", "'")


def reinitialiser(client, email, ip="10.1.1.1"):
    return client.post(reverse("account_reset_password"), {"email": email}, REMOTE_ADDR=ip)


def test_password_reset_for_an_account_sends_three_emails_not_ten(client, patient):
    reponses = [reinitialiser(client, patient.email) for _ in range(10)]
    assert len(mail.outbox) == 3
    assert all(r.status_code == 302 for r in reponses[:3])
    assert MESSAGE_REINIT_ADRESSE in texte(reponses[-1])


def test_password_reset_for_unknown_addresses_is_limited_and_answers_alike(client, patient):
    reponses = [reinitialiser(client, "personne@inconnu.fr", ip="10.1.1.2") for _ in range(10)]
    assert len(mail.outbox) == 3  # "no account at this address" emails
    for _ in range(3):
        reinitialiser(client, patient.email, ip="10.1.1.3")
    connu = reinitialiser(client, patient.email, ip="10.1.1.3")
    # The same words for a known and an unknown address: nothing to enumerate.
    assert re.sub(r"\s+", " ", texte(connu)).count(MESSAGE_REINIT_ADRESSE) == 1
    assert MESSAGE_REINIT_ADRESSE in texte(reponses[-1])


def test_password_reset_is_limited_per_client_address(client):
    for n in range(12):
        reponse = reinitialiser(client, f"cible{n}@exemple.fr", ip="10.1.1.4")
    assert len(mail.outbox) == 10
    assert MESSAGE_REINIT_CONNEXION in texte(reponse)
    # Another client is not held back.
    assert reinitialiser(client, "autre@exemple.fr", ip="10.1.1.5").status_code == 302


@pytest.fixture
def presence(client, mediateur):
    personne = ProfilFactory(statut=StatutProfil.CREE, email_contact="lea@exemple.fr")
    connecter(client, mediateur)
    client.post(
        reverse("consentement:france_services"),
        {"nir": personne.nir, "date_naissance": personne.date_naissance.isoformat()},
    )
    acc = Accompagnement.objects.get()
    mail.outbox.clear()  # the mediator's own login code
    return reverse("consentement:accompagnement_presence", args=[acc.public_id])


def test_presence_code_has_a_one_minute_cool_down(client, presence, time_machine):
    figer(time_machine)  # four quick posts stay within the minute on a loaded machine too
    for _ in range(4):
        reponse = client.post(presence, {"envoyer": "1"}, follow=True)
    assert len(courriels()) == 1
    assert "attendez une minute" in texte(reponse)
    time_machine.shift(timedelta(seconds=55))
    client.post(presence, {"envoyer": "1"})
    assert len(courriels()) == 1  # not yet a minute
    time_machine.shift(timedelta(seconds=6))
    client.post(presence, {"envoyer": "1"})
    assert len(courriels()) == 2


def test_presence_codes_are_capped_at_five_an_hour_per_person(client, presence, time_machine):
    figer(time_machine)
    for _ in range(7):
        time_machine.shift(timedelta(seconds=61))  # past each cool-down, well within the hour
        reponse = client.post(presence, {"envoyer": "1"}, follow=True)
    assert len(courriels()) == 5
    assert "Cinq codes ont déjà été envoyés à cette personne" in texte(reponse)


def test_presence_codes_are_capped_per_mediator():
    mediateur = MediateurFactory()
    envois = []
    for _ in range(31):
        personne = ProfilFactory(statut=StatutProfil.CREE, email_contact="x@exemple.fr")
        acc = AccompagnementFactory(mediateur=mediateur, profil=personne)
        envois.append(accompagnement_lib.code_presence_envoyer(accompagnement=acc))
    assert envois[:30] == [None] * 30 and "trente codes" in envois[30]
    assert len(courriels()) == 30


def test_a_new_activation_code_is_sent_three_times_a_day_at_most(client):
    personne = ProfilFactory(email_contact="camille@exemple.fr")
    donnees = {"nir": personne.nir, "date_naissance": personne.date_naissance.isoformat()}
    for n in range(5):
        page = client.post(reverse("consentement:nouveau_code"), donnees, REMOTE_ADDR=f"10.2.0.{n}")
        assert "un nouveau code vient d'être envoyé" in texte(page)  # always the same answer
    assert EnvoiAvis.objects.count() == 3
    assert "Trois codes au plus sont envoyés par jour" in texte(page)


def test_new_code_requests_are_limited_per_client_address(client):
    for _ in range(11):
        inconnu = ProfilFactory.build()
        page = client.post(
            reverse("consentement:nouveau_code"),
            {"nir": inconnu.nir, "date_naissance": "1985-05-14"},
            REMOTE_ADDR="10.2.1.1",
        )
    assert "Trop de demandes de nouveau code depuis votre connexion" in texte(page)


def test_login_code_resend_is_limited_beyond_the_cool_down(client, patient):
    client.post(
        reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE}
    )  # first code
    for _ in range(6):
        # Each time, past django-otp's 30-second cool-down.
        EmailDevice.objects.filter(user=patient).update(
            last_generated_timestamp=timezone.now() - timedelta(minutes=1)
        )
        reponse = client.post(reverse("comptes:otp_renvoyer"), follow=True)
    assert len(courriels()) == 5
    assert "Cinq codes ont déjà été envoyés en un quart d'heure" in texte(reponse)
