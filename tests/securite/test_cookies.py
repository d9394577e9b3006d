"""What the browser keeps: no person's name in a cookie (issue 9, item 16)."""

import pytest
from django.urls import reverse

from consentement.models import Accompagnement
from espace_sante.comptes.enums import StatutProfil
from tests.comptes.factories import ProfilFactory
from tests.conftest import connecter, courriels

pytestmark = pytest.mark.django_db


def test_a_flash_message_naming_the_person_never_travels_in_a_cookie(client, mediateur):
    personne = ProfilFactory(
        statut=StatutProfil.CREE, email_contact="lea@exemple.fr", prenoms="Léa", nom_usage="Roux"
    )
    connecter(client, mediateur)
    reponses = [
        client.post(
            reverse("consentement:france_services"),
            {"nir": personne.nir, "date_naissance": personne.date_naissance.isoformat()},
        )
    ]
    acc = Accompagnement.objects.get()
    url = reverse("consentement:accompagnement_presence", args=[acc.public_id])
    reponses.append(client.post(url, {"envoyer": "1"}))  # flashes the (masked) email
    code = courriels()[-1].body.split("accompagne : ")[1][:6]
    reponses.append(client.post(url, {"code": code}))
    # Closing flashes "Accompagnement de <name> terminé."
    reponses.append(client.post(reverse("consentement:accompagnement_fermer")))
    page = client.get(reponses[-1].url)
    assert f"Accompagnement de {personne.nom_affiche} terminé" in page.text
    reponses.append(page)
    for reponse in reponses:
        assert "messages" not in reponse.cookies, reponse.cookies.get("messages")
    assert "messages" not in client.cookies
