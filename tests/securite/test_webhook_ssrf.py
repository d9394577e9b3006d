"""The deletion webhook as a way into our network (issue 18, item 7): the service form took
``http://127.0.0.1:…``, the worker posted the signed JSON to a loopback listener and to
the Redis port, and the admin list said ``ConnectionError`` or ``HTTP nnn`` (a port
oracle). Now: https to public addresses only, checked at save and again at send time on
the resolved address, no redirect followed, one generic word in the admin.

No traffic leaves the machine: the send-time check is tried with ``localhost`` (which
resolves to loopback) against a loopback listener that records every connection."""

from __future__ import annotations

import socket
import threading

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from catalogue import suppression, tasks
from catalogue.enums import EtatSuppression
from catalogue.models import Connexion, DemandeSuppression, Service
from espace_sante.lib import sortant
from tests.catalogue.factories import ServiceFactory, lancer, service_et_client
from tests.catalogue.recepteur import Recepteur, demarrer
from tests.conftest import connecter

pytestmark = pytest.mark.django_db

INTERNES = [
    "http://127.0.0.1:6379/",
    "https://127.0.0.1:6379/",
    "https://127.1/",
    "https://2130706433/",
    "https://localhost/s",
    "https://api.localhost/s",
    "https://[::1]/s",
    "https://[::ffff:127.0.0.1]/s",
    "https://[::ffff:7f00:1]/s",
    "https://[64:ff9b::7f00:1]/s",
    "https://[2002:7f00:1::]/s",
    "https://10.0.0.5/s",
    "https://172.16.0.1/s",
    "https://192.168.1.1/s",
    "https://169.254.169.254/latest/meta-data/",
    "https://[fe80::1]/s",
    "https://[fd00::1]/s",
    "https://224.0.0.1/s",
    "https://0.0.0.0/s",
    "https://100.64.0.1/s",
    "https://240.0.0.1/s",
    "https://redis/s",
    "https://db.internal/s",
    "https://user:pw@appli.exemple.fr/s",
    "ftp://appli.exemple.fr/s",
    "http://appli.exemple.fr/suppression",
]


class Ecoute:
    """A loopback TCP listener that records every connection made to it."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.2)
        self.port = self.socket.getsockname()[1]
        self.connexions = 0
        self.actif = True
        self.fil = threading.Thread(target=self._accepter, daemon=True)
        self.fil.start()

    def _accepter(self):
        while self.actif:
            try:
                conn, _ = self.socket.accept()
            except OSError:
                continue
            self.connexions += 1
            conn.close()

    def fermer(self):
        self.actif = False
        self.fil.join(timeout=5)
        self.socket.close()


@pytest.fixture
def ecoute():
    e = Ecoute()
    yield e
    e.fermer()


@pytest.mark.parametrize("url", INTERNES)
def test_the_admin_refuses_a_deletion_address_that_is_not_https_to_a_public_server(client_de, url):
    admin = client_de("admin_user")
    reponse = admin.post(
        "/admin/catalogue/service/add/",
        {
            "nom": "Podo",
            "slug": "podo",
            "editeur": "Podo SAS",
            "description": "Suivi.",
            "categorie": "mesures",
            "site_web": "https://podo.example/",
            "redirect_uris": "https://podo.example/retour",
            "url_suppression": url,
            "portees-TOTAL_FORMS": "0",
            "portees-INITIAL_FORMS": "0",
        },
    )
    assert reponse.status_code == 200, reponse.status_code
    erreurs = reponse.context["adminform"].form.errors["url_suppression"]
    # Ours, or (for a form no browser would send, such as 127.1) Django's own URL check.
    assert erreurs[0] in (sortant.MESSAGE, "Saisissez une URL valide.")
    assert not Service.objects.exists()


@pytest.mark.parametrize("url", INTERNES)
def test_the_model_refuses_it_too(url):
    service = ServiceFactory.build(url_suppression=url, portees=[])
    with pytest.raises(ValidationError) as erreur:
        service.full_clean(exclude=["logo", "criteres"])
    assert "url_suppression" in erreur.value.message_dict


def test_a_public_https_address_is_accepted():
    ServiceFactory.build(url_suppression="https://appli.exemple.fr:8443/s", portees=[]).full_clean(
        exclude=["logo", "criteres"]
    )


def _deconnecter(client, patient, url):
    service, application = service_et_client(
        nom="Suivi", url_suppression="https://appli.exemple.fr/s"
    )
    connecter(client, patient)
    lancer(
        client,
        application,
        scope="launch/patient patient/Observation.rs",
        cocher=["patient/Observation.rs"],
    )
    Service.objects.update(url_suppression=url)  # the name now points elsewhere (DNS rebinding)
    client.post(f"/catalogue/mes-services/{Connexion.objects.get().public_id}/deconnecter/")
    return DemandeSuppression.objects.get()


def test_at_send_time_a_name_resolving_to_loopback_gets_no_connection(client, patient, ecoute):
    _deconnecter(client, patient, f"https://localhost:{ecoute.port}/suppression")
    for _ in range(2):
        DemandeSuppression.objects.update(prochain_essai=timezone.now())
        tasks.suppressions_relancer()
    demande = DemandeSuppression.objects.get()
    assert ecoute.connexions == 0
    assert demande.etat == EtatSuppression.A_ENVOYER and demande.essais == 2
    assert demande.derniere_erreur == suppression.ADRESSE_REFUSEE
    with pytest.raises(sortant.AdresseRefusee):
        sortant.poster(f"https://localhost:{ecoute.port}/", contenu=b"{}", en_tetes={}, timeout=2)
    assert ecoute.connexions == 0


def test_the_admin_list_shows_no_port_oracle(client, patient, client_de, ecoute, settings):
    """An open port and a closed one read the same, and so do they for any service."""
    settings.SORTANT_RESEAUX_PERMIS = ["127.0.0.1/32"]  # let the sends reach loopback at all
    demande = _deconnecter(client, patient, f"https://127.0.0.1:{ecoute.port}/s")
    vus = []
    for url in (None, "https://127.0.0.1:9/s"):
        if url:
            Service.objects.update(url_suppression=url)
        DemandeSuppression.objects.update(prochain_essai=timezone.now())
        tasks.suppressions_relancer()
        demande.refresh_from_db()
        vus.append(demande.derniere_erreur)
    assert ecoute.connexions == 1  # the open port was reached (allowed in this test only)
    assert vus == [suppression.NON_RECUE, suppression.NON_RECUE]
    page = client_de("admin_user").get("/admin/catalogue/demandesuppression/").text
    assert suppression.NON_RECUE in page
    assert "ConnectionError" not in page and "SSLError" not in page and "HTTP 5" not in page


def test_a_redirect_is_never_followed(client, patient, tmp_path, settings, ecoute):
    serveur, url = demarrer(tmp_path, settings)
    try:
        Recepteur.reponses = [302]
        Recepteur.redirection = f"https://127.0.0.1:{ecoute.port}/ailleurs"
        demande = _deconnecter(client, patient, url)
        tasks.suppressions_relancer()
    finally:
        serveur.shutdown()
        serveur.server_close()
    demande.refresh_from_db()
    assert len(Recepteur.recus) == 1 and ecoute.connexions == 0
    assert demande.etat == EtatSuppression.A_ENVOYER
    assert demande.derniere_erreur == suppression.NON_RECUE


def test_the_worker_does_not_post_to_a_plain_http_loopback_port(client, patient, ecoute):
    """Exactly what was reported: http://127.0.0.1:<port> (a service saved before the fix)."""
    _deconnecter(client, patient, f"http://127.0.0.1:{ecoute.port}/")
    tasks.suppressions_relancer()
    assert ecoute.connexions == 0
    assert DemandeSuppression.objects.get().derniere_erreur == suppression.ADRESSE_REFUSEE
