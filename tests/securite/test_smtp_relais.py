"""Refused recipients through the operator's relays (issue 18, point 5): all mail comes
through a few relay addresses, so a count per address let a few careless senders stop the
gateway for every professional, and shared the portal's NIR look-up count. Failures count
per authenticated sender, in the gateway's own scope."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from espace_sante.comptes.enums import Profession
from messagerie import adresses
from messagerie.models import Conversation
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import connecter
from tests.messagerie.outils import courriel, envoyer, passerelle_lancee

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def relais():
    """The gateway; every test client here connects from 127.0.0.1, one of its relays."""
    with passerelle_lancee() as serveur:
        yield serveur


def _refuses(relais, pro_user, patient, n: int) -> None:
    """``n`` mails of ``pro_user`` to patients who do not exist: each refused at RCPT."""
    for i in range(n):
        inconnu = f"2999999999{pro_user.pk % 1000:03d}{i:02d}@{adresses.domaine_patients()}"
        code, _ = envoyer(relais, courriel(pro_user, patient.profil), destinataire=inconnu)
        assert code == 550


def _medecins(n: int):
    return [ProfessionnelFactory(user__nom=f"Distrait {i}").user for i in range(n)]


def _recherche_nir(client, pro_user, profil, *, date_naissance=None):
    connecter(client, pro_user)
    date_naissance = date_naissance or profil.date_naissance
    return client.post(
        reverse("dossier:pro_accueil"),
        {"nir": profil.nir, "date_naissance": date_naissance.isoformat()},
    )


def test_careless_senders_through_the_relay_never_block_another_professional(relais, patient):
    # Enough refusals, all from the relay's one address, to pass the per-address threshold.
    distraits = _medecins(settings.LOCKOUT_IP_MAX_FAILURES // settings.LOCKOUT_MAX_FAILURES)
    for pro_user in distraits:
        _refuses(relais, pro_user, patient, settings.LOCKOUT_MAX_FAILURES)
    pharmacien = ProfessionnelFactory(profession=Profession.PHARMACIEN, user__nom="Sans faute")

    assert envoyer(relais, courriel(pharmacien.user, patient.profil)) is None
    assert Conversation.objects.filter(professionnel=pharmacien, profil=patient.profil).exists()
    # Each careless sender is stopped by his own failures, for a valid patient too.
    for pro_user in distraits:
        code, texte = envoyer(relais, courriel(pro_user, patient.profil))
        assert (code, texte[:5]) == (450, "4.7.1")


def test_the_gateways_failures_never_block_the_portals_nir_look_up(client, relais, patient):
    distraits = _medecins(settings.LOCKOUT_IP_MAX_FAILURES // settings.LOCKOUT_MAX_FAILURES)
    for pro_user in distraits:
        _refuses(relais, pro_user, patient, settings.LOCKOUT_MAX_FAILURES)

    # The same professionals, from the same address, still open a record in the portal.
    reponse = _recherche_nir(client, distraits[0], patient.profil)
    assert reponse.status_code == 302


def test_the_portals_nir_failures_never_block_the_gateway(client, relais, patient):
    distraits = _medecins(settings.LOCKOUT_IP_MAX_FAILURES // settings.LOCKOUT_MAX_FAILURES)
    for pro_user in distraits:
        for _ in range(settings.LOCKOUT_MAX_FAILURES):
            faux = patient.profil.date_naissance.replace(year=1950)
            reponse = _recherche_nir(client, pro_user, patient.profil, date_naissance=faux)
            assert reponse.status_code == 400  # a wrong birth date, counted
    # The portal now refuses look-ups from this address ...
    refus = _recherche_nir(client, distraits[0], patient.profil)
    assert "Trop de recherches" in refus.content.decode()

    # ... but mail through the relay, from the same professionals, still reaches the patient.
    assert envoyer(relais, courriel(distraits[0], patient.profil)) is None
