"""The inboxes take the same number of queries with 10 or 1,000 conversations (issue 12,
point 3), and so does any page's header with its unread count."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.conftest import connecter
from tests.messagerie.outils import conversations_en_masse

pytestmark = pytest.mark.django_db
PLAFOND = 10


def _compter(client, url, **requete) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url, requete)
    assert reponse.status_code == 200, url
    return len(requetes), reponse.content.decode()


@pytest.mark.parametrize(
    ("qui", "nom", "requete"),
    [("patient", "messagerie:accueil", {}), ("patient", "messagerie:accueil", {"page": "3"}),
     ("patient", "messagerie:accueil", {"q": "compte"}),
     ("professionnel", "messagerie:pro_boite", {}), ("patient", "dossier:accueil", {})],
)  # fmt: skip
def test_inbox_queries_do_not_grow_with_the_conversations(
    client, patient, professionnel, qui, nom, requete
):
    pro = professionnel.professionnel
    connecter(client, patient if qui == "patient" else professionnel)
    conversations_en_masse(patient.profil, pro, 10, avec_reponse=False)
    client.get(reverse(nom))  # the session's first request loads what later ones cache
    petit, page = _compter(client, reverse(nom), **requete)
    conversations_en_masse(patient.profil, pro, 990)
    grand, page = _compter(client, reverse(nom), **requete)
    assert grand == petit <= PLAFOND, (petit, grand)
    if qui == "patient":  # the header counts every unread one
        assert '1000<span class="fr-sr-only"> conversations non lues' in page
    if nom != "dossier:accueil":
        assert page.count("Compte rendu n°") >= 10
