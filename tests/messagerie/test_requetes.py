"""The inboxes take the same number of queries with 10 or 1,000 conversations (issue 12,
point 3), and so does any page's header with its unread count — measured with the count not
cached (its worst case); once cached, the header costs no query at all."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from messagerie import selectors
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
    [
        ("patient", "messagerie:accueil", {}),
        ("patient", "messagerie:accueil", {"page": "3"}),
        ("patient", "messagerie:accueil", {"q": "compte"}),
        ("professionnel", "messagerie:pro_boite", {}),
        ("patient", "dossier:accueil", {}),
    ],
)
def test_inbox_queries_do_not_grow_with_the_conversations(
    client, patient, professionnel, qui, nom, requete
):
    pro = professionnel.professionnel
    connecter(client, patient if qui == "patient" else professionnel)
    conversations_en_masse(patient.profil, pro, 10, avec_reponse=False)
    client.get(reverse(nom))  # the session's first request loads what later ones cache
    selectors.non_lus_oublier([patient.public_id, professionnel.public_id])  # worst case:
    petit, page = _compter(client, reverse(nom), **requete)
    conversations_en_masse(patient.profil, pro, 990)
    selectors.non_lus_oublier([patient.public_id, professionnel.public_id])  # written in bulk
    grand, page = _compter(client, reverse(nom), **requete)
    assert grand == petit <= PLAFOND, (petit, grand)
    if qui == "patient":  # the header counts every unread one
        assert '1000<span class="fr-sr-only"> conversations non lues' in page
    if nom != "dossier:accueil":
        assert page.count("Compte rendu n°") >= 10


def test_the_header_count_is_cached_and_forgotten_when_a_message_or_a_read_moves_it(
    client, patient, professionnel
):
    from tests.messagerie.outils import ecrire

    premiere = ecrire(professionnel, patient.profil, sujet="Un")
    connecter(client, patient)
    url = reverse("consentement:mes_choix")
    assert ">1<span" in client.get(url).content.decode()
    avec, _ = _compter(client, url)
    ecrire(professionnel, patient.profil, sujet="Deux")  # forgets the patient's count
    sans, page = _compter(client, url)
    assert sans == avec + 1 and ">2<span" in page  # counted again, once
    client.get(reverse("messagerie:conversation", args=[premiere.public_id]))
    assert ">1<span" in client.get(url).content.decode()
