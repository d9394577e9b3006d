"""The client's address behind a proxy, and a forged X-Forwarded-For (issue 9, item 13)."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from espace_sante.journal.models import Entree
from espace_sante.lib.requetes import adresse_client
from tests.actions import Action
from tests.comptes.factories import MOT_DE_PASSE

pytestmark = pytest.mark.django_db

PROXY = "172.18.0.2"  # every request reaches gunicorn from the proxy's container


def connexion(client, email, mot_de_passe, xff):
    return client.post(
        reverse("account_login"),
        {"login": email, "password": mot_de_passe},
        REMOTE_ADDR=PROXY,
        HTTP_X_FORWARDED_FOR=xff,
    )


def test_behind_one_proxy_clients_are_told_apart(client, patient, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.LOCKOUT_IP_MAX_FAILURES = 3
    for n in range(3):  # one client sprays three accounts: its address is locked
        connexion(client, f"inconnu{n}@exemple.fr", "x", xff="203.0.113.5")
    refus = connexion(client, patient.email, MOT_DE_PASSE, xff="203.0.113.5")
    assert "Trop de tentatives" in refus.text
    # Its forged left-hand entries change nothing: the proxy's own entry counts.
    refus = connexion(client, patient.email, MOT_DE_PASSE, xff="198.51.100.9, 203.0.113.5")
    assert "Trop de tentatives" in refus.text
    # Another client behind the same proxy logs in.
    assert connexion(client, patient.email, MOT_DE_PASSE, xff="198.51.100.9").status_code == 302
    entree = Entree.objects.filter(acteur=patient, action=Action.CONNEXION).get()
    assert entree.details["ip"] == "198.51.100.9"


def test_without_a_trusted_proxy_the_header_is_ignored(client, patient, settings):
    settings.TRUSTED_PROXY_COUNT = 0
    settings.LOCKOUT_IP_MAX_FAILURES = 3
    for n in range(3):  # a new forged address each time does not reset the count
        connexion(client, f"inconnu{n}@exemple.fr", "x", xff=f"192.0.2.{n}")
    refus = connexion(client, patient.email, MOT_DE_PASSE, xff="198.51.100.77")
    assert "Trop de tentatives" in refus.text
    entree = Entree.objects.filter(action=Action.CONNEXION_ECHEC).first()
    assert entree.details["ip"] == PROXY


@pytest.mark.parametrize(
    ("proxies", "xff", "attendu"),
    [
        (0, "1.2.3.4", PROXY),
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "9.9.9.9, 1.2.3.4", "1.2.3.4"),
        (2, "9.9.9.9, 1.2.3.4, 10.0.0.1", "1.2.3.4"),
        (2, "10.0.0.1", PROXY),  # fewer entries than proxies: not through them all
        (1, "pas-une-adresse", PROXY),
        (1, "", PROXY),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_the_nth_address_from_the_right(settings, proxies, xff, attendu):
    settings.TRUSTED_PROXY_COUNT = proxies
    requete = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=xff)
    assert adresse_client(requete) == attendu
