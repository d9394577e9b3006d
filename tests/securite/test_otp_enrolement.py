"""Planting a second factor from an open session; reading backup codes from the
database (issue 9, item 12)."""

import importlib
import re

import pytest
from django.apps import apps
from django.db import connection
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from espace_sante.comptes.models import CarnetSecours, CodeSecours
from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

REAUTH = reverse("account_reauthenticate")


def codes_affiches(page) -> list[str]:
    return re.findall(r"<li>([a-z2-7]{8})</li>", page.text)


@pytest.mark.parametrize(
    ("methode", "nom"),
    [
        ("post", "comptes:totp_demarrer"),
        ("post", "comptes:codes_secours"),
        ("get", "comptes:totp_ajout"),
        ("post", "comptes:totp_ajout"),
    ],
)
def test_adding_a_factor_asks_for_the_password_again(client, patient, methode, nom):
    connecter(client, patient)
    reponse = getattr(client, methode)(reverse(nom), {"code": "123456"})
    assert reponse.status_code == 302 and reponse.url.startswith(REAUTH)
    assert not TOTPDevice.objects.filter(user=patient).exists()
    assert not CarnetSecours.objects.filter(user=patient).exists()


def test_after_the_password_the_suspended_request_completes(client, patient):
    connecter(client, patient)
    question = client.post(reverse("comptes:codes_secours"))
    # The page asking for the password posts back to itself, ?next= included.
    page = client.post(question.url, {"password": MOT_DE_PASSE})
    assert len(codes_affiches(page)) == 10
    page = client.post(reverse("comptes:totp_demarrer"))  # within the 5 minutes: no question
    assert page.status_code == 200 and "<svg" in page.text


def test_a_wrong_password_plants_nothing(client, patient):
    connecter(client, patient)
    client.post(reverse("comptes:totp_demarrer"))
    page = client.post(REAUTH, {"password": "pas-le-bon"})
    assert page.status_code == 200
    assert not TOTPDevice.objects.filter(user=patient).exists()


def _texte_de_la_base() -> str:
    """Every row of every table, as text."""
    morceaux = []
    with connection.cursor() as curseur:
        for table in connection.introspection.table_names():
            curseur.execute(f'SELECT t::text FROM "{table}" t')
            morceaux.extend(ligne[0] for ligne in curseur.fetchall())
    return "\n".join(morceaux).lower()


def test_the_database_never_holds_a_backup_code_in_clear(client, patient):
    connecter(client, patient)
    client.post(REAUTH, {"password": MOT_DE_PASSE})
    codes = codes_affiches(client.post(reverse("comptes:codes_secours")))
    assert len(codes) == 10 and CodeSecours.objects.filter(carnet__user=patient).count() == 10
    base = _texte_de_la_base()
    assert not [code for code in codes if code in base]


def test_a_backup_code_is_spent_once_used(client, patient):
    connecter(client, patient)
    client.post(REAUTH, {"password": MOT_DE_PASSE})
    codes = codes_affiches(client.post(reverse("comptes:codes_secours")))
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE})
    # Typed in capitals with a space: still the same code.
    saisie = f"{codes[0][:4].upper()} {codes[0][4:]}"
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": saisie})
    assert reponse.status_code == 302 and reponse.url == "/dossier/"
    assert CodeSecours.objects.filter(carnet__user=patient).count() == 9
    client.post(reverse("account_logout"))
    client.post(reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE})
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": codes[0]})
    assert reponse.status_code == 200 and "Code incorrect" in reponse.text
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": codes[1]})
    assert reponse.status_code == 302


def test_the_migration_hashes_existing_clear_codes(client, patient):
    device = StaticDevice.objects.create(user=patient, name="Codes de secours", confirmed=True)
    StaticToken.objects.create(device=device, token="abcd2345")
    migration = importlib.import_module(
        "espace_sante.comptes.migrations.0004_codes_secours_depuis_statictoken"
    )
    migration.hacher_codes(apps, None)
    assert not StaticToken.objects.exists() and "abcd2345" not in _texte_de_la_base()
    client.post(reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE})
    reponse = client.post(reverse("comptes:otp"), {"methode": "secours", "code": "abcd2345"})
    assert reponse.status_code == 302 and reponse.url == "/dossier/"
