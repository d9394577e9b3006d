"""Ending access: tokens revoked at once, a signed deletion request delivered to the
service's endpoint (a real HTTPS server here) through the outbox, retried with a growing
delay until it is received, its state shown in « Mes services connectés »; a suspended or
withdrawn service loses access at once and its users are told."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from catalogue import suppression, tasks
from catalogue.enums import EtatSuppression, StatutService
from catalogue.models import Connexion, DemandeSuppression, Service
from tests.catalogue.factories import fhir, lancer, service_et_client
from tests.catalogue.recepteur import Recepteur, demarrer
from tests.conftest import connecter, courriels
from tests.horloge import figer

pytestmark = pytest.mark.django_db

SCOPE = "launch/patient patient/Observation.rs patient/Condition.rs offline_access"
COCHER = ["patient/Observation.rs", "patient/Condition.rs", "offline_access"]


@pytest.fixture
def recepteur(tmp_path, settings):
    """The service's deletion endpoint, over TLS on a loopback port of ours."""
    serveur, url = demarrer(tmp_path, settings)
    yield url, Recepteur
    serveur.shutdown()
    serveur.server_close()


@pytest.fixture
def connecte(client, patient, recepteur):
    url, _ = recepteur
    service, application = service_et_client(nom="Suivi Tension", url_suppression=url)
    connecter(client, patient)
    jeton = lancer(client, application, scope=SCOPE, cocher=COCHER)
    return service, application, jeton


def test_disconnecting_revokes_every_token_and_the_signed_request_is_retried_until_received(
    client, patient, connecte, recepteur, time_machine
):
    figer(time_machine)  # the retry is planned a minute on from this instant, not "about"
    service, application, jeton = connecte
    _, serveur = recepteur
    serveur.reponses = [503]
    connexion = Connexion.objects.get()
    reponse = client.post(
        f"/catalogue/mes-services/{connexion.public_id}/deconnecter/", follow=True
    )
    assert "il lui est demandé de supprimer ce qu&#x27;il a copié" in reponse.text
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 401
    rafraichi = client.post(
        "/oauth/jeton/",
        {
            "grant_type": "refresh_token",
            "refresh_token": jeton["refresh_token"],
            "client_id": application.client_id,
        },
    )
    assert rafraichi.status_code == 400
    demande = DemandeSuppression.objects.get()
    assert demande.portees == ["patient/Condition.rs", "patient/Observation.rs"]

    # The sweep (beat, every minute): the service answers 503, a retry is planned.
    assert tasks.suppressions_relancer() == 0
    demande.refresh_from_db()
    assert demande.etat == EtatSuppression.A_ENVOYER and demande.essais == 1
    assert demande.derniere_erreur == suppression.NON_RECUE  # never the status (a port oracle)
    assert demande.prochain_essai == timezone.now() + timedelta(minutes=1)
    page = client.get("/catalogue/mes-services/").text
    assert "en cours d'envoi" in page and "1 essai" in page
    time_machine.shift(timedelta(seconds=59))
    assert tasks.suppressions_relancer() == 0 and len(serveur.recus) == 1  # not due yet

    time_machine.shift(timedelta(seconds=1))  # the minute is up
    assert tasks.suppressions_relancer() == 1
    demande.refresh_from_db()
    assert demande.etat == EtatSuppression.LIVREE and demande.essais == 2
    signature, corps = serveur.recus[-1]
    assert suppression.verifier_signature(service.secret_suppression, signature, corps)
    assert not suppression.verifier_signature("un autre secret", signature, corps)
    assert str(patient.profil.public_id).encode() in corps
    assert "reçue par le service" in client.get("/catalogue/mes-services/").text
    assert tasks.suppressions_relancer() == 0 and len(serveur.recus) == 2  # never twice


def test_the_retry_delay_grows_and_is_capped_at_a_day():
    assert [suppression.delai(n).total_seconds() / 60 for n in (1, 2, 3, 4)] == [1, 2, 4, 8]
    assert suppression.delai(40) == timedelta(days=1)


def test_an_unreachable_service_keeps_the_request_never_lost(client, patient, connecte):
    Service.objects.update(url_suppression="https://127.0.0.1:9/ferme")
    connexion = Connexion.objects.get()
    client.post(f"/catalogue/mes-services/{connexion.public_id}/deconnecter/")
    for _ in range(3):
        DemandeSuppression.objects.update(prochain_essai=timezone.now())
        tasks.suppressions_relancer()
    demande = DemandeSuppression.objects.get()
    assert demande.etat == EtatSuppression.A_ENVOYER and demande.essais == 3
    assert demande.derniere_erreur == suppression.NON_RECUE


def test_withdrawing_one_scope_asks_deletion_of_that_scope_and_keeps_the_rest(
    client, patient, connecte
):
    _, _, jeton = connecte
    connexion = Connexion.objects.get()
    client.post(
        f"/catalogue/mes-services/{connexion.public_id}/retirer/",
        {"portee": "patient/Condition.rs"},
    )
    assert DemandeSuppression.objects.get().portees == ["patient/Condition.rs"]
    assert fhir(client, jeton["access_token"], "/fhir/Condition").status_code == 403
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 200
    page = client.get("/catalogue/mes-services/").text
    assert "Autorisations terminées (1)" in page and "Lire vos mesures" in page


def test_withdrawing_the_last_data_scope_ends_the_connection(client, patient, connecte):
    _, _, jeton = connecte
    connexion = Connexion.objects.get()
    for portee in ("patient/Condition.rs", "patient/Observation.rs"):
        client.post(f"/catalogue/mes-services/{connexion.public_id}/retirer/", {"portee": portee})
    connexion.refresh_from_db()
    assert connexion.revoquee_le is not None
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 401
    assert "Déconnecté" in client.get("/catalogue/mes-services/").text


@pytest.mark.parametrize("action", ["suspendre", "retirer"])
def test_suspended_or_withdrawn_service_loses_access_at_once_and_users_are_told(
    client, client_de, patient, connecte, action, mailoutbox
):
    service, application, jeton = connecte
    admin = client_de("admin_user")
    reponse = admin.post(
        "/admin/catalogue/service/",
        {
            "action": action,
            "_selected_action": [service.pk],
            "statut": "suspendu" if action == "suspendre" else "retire",
            "motif": "Hébergement non certifié",
        },
    )
    assert reponse.status_code == 302, reponse.content[:400]
    service.refresh_from_db()
    attendu = StatutService.SUSPENDU if action == "suspendre" else StatutService.RETIRE
    assert service.statut == attendu
    assert fhir(client, jeton["access_token"], "/fhir/Observation").status_code == 401
    envois = [m for m in courriels() if "Suivi Tension" in m.body]
    assert [m.to for m in envois] == [[patient.email]]
    # Gone from the public catalogue; in « Mes services connectés » with why.
    assert client.get(f"/catalogue/{service.slug}/").status_code == 404
    connecter(client, patient)
    page = client.get("/catalogue/mes-services/").text
    if action == "suspendre":
        assert "Hébergement non certifié" in page
        assert not DemandeSuppression.objects.exists()
    else:
        assert "Déconnecté" in page and DemandeSuppression.objects.count() == 1
