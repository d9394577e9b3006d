"""The demo lists a few labelled services, one connected to Camille's record with one
read in her history, and the example client's service with its registration token."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command

from catalogue.demo import JETON_ENREGISTREMENT_DEMO, RETOUR_EXEMPLE
from catalogue.models import Connexion, Service
from espace_sante.comptes.models import User
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def test_the_demo_catalogue_and_camilles_connected_service(client):
    sortie = io.StringIO()
    call_command("demo", stdout=sortie)
    call_command("demo", stdout=io.StringIO())  # idempotent
    assert JETON_ENREGISTREMENT_DEMO in sortie.getvalue()
    assert Service.objects.count() == 4 and Connexion.objects.count() == 1
    assert "4 services référencés" in client.get("/catalogue/").text
    camille = User.objects.get(email="patient@demo.espace-sante.fr")
    connecter(client, camille)
    mes_services = client.get("/catalogue/mes-services/").text
    assert "Tensio" in mes_services and "Dernier accès : jamais" not in mes_services
    historique = client.get("/dossier/historique/").text
    assert "Tensio" in historique and " mesure" in historique
    # The example client registers with the printed token.
    reponse = client.post(
        "/oauth/enregistrement/",
        {"client_name": "Exemple", "redirect_uris": [RETOUR_EXEMPLE]},
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {JETON_ENREGISTREMENT_DEMO}",
    )
    assert reponse.status_code == 201 and reponse.json()["client_id"]
