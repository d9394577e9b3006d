"""The authentication application (TOTP) on the security page: the key to type, its
status, and a way to replace or remove it, behind re-authentication (issue 21, point 5)."""

from __future__ import annotations

import html
import re

import pytest
from django.urls import reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from espace_sante.comptes import otp
from espace_sante.journal.models import Entree
from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def enregistrer_application(user) -> TOTPDevice:
    device = otp.totp_en_attente(user)
    assert otp.confirmer_totp(user, code=f"{totp(device.bin_key):06d}")
    device.refresh_from_db()
    return device


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def test_setup_shows_the_key_to_type_in_groups_of_four(client, patient):
    connecter(client, patient)
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    page = texte(client.post(reverse("comptes:totp_demarrer")))
    cle = re.search(r'<code class="es-codes">([A-Z2-7 ]+)</code>', page).group(1)
    assert all(len(groupe) == 4 for groupe in cle.split())
    device = TOTPDevice.objects.get(user=patient, confirmed=False)
    assert cle.replace(" ", "") == otp.secret_lisible(device).replace(" ", "")


def test_security_page_shows_the_applications_status_and_offers_replace_and_remove(client, patient):
    connecter(client, patient)
    page = texte(client.get(reverse("comptes:securite")))
    assert "Aucune application enregistrée" in page and "Retirer l'application" not in page
    enregistrer_application(patient)
    page = texte(client.get(reverse("comptes:securite")))
    assert "Application enregistrée" in page
    assert re.search(r"Enregistrée le \d+ \w+ \d{4}, dernière utilisation le", page)
    assert "Remplacer l'application" in page and "Retirer l'application" in page


def test_removing_the_application_asks_for_the_password_then_falls_back_to_email(client, patient):
    enregistrer_application(patient)
    connecter(client, patient)
    reponse = client.post(reverse("comptes:totp_retirer"))
    assert reponse.status_code == 302 and "/compte/reauthentification/" in reponse.url
    assert TOTPDevice.objects.filter(user=patient, confirmed=True).exists()
    client.post(reverse("account_reauthenticate"), {"password": MOT_DE_PASSE})
    reponse = client.post(reverse("comptes:totp_retirer"))
    assert reponse.status_code == 302 and reponse.url == reverse("comptes:securite")
    assert not TOTPDevice.objects.filter(user=patient).exists()
    assert otp.methodes(patient)[0] == otp.EMAIL
    assert Entree.objects.filter(acteur=patient, action="otp_appareil_retire").exists()
    page = texte(client.get(reverse("comptes:securite")))
    assert "Votre application d'authentification est retirée" in page
