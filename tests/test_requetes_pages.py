"""Pages fast enough for a nation (issue 10): at most 8 queries per signed-in page, and the
same number whatever the size of the record (50 or 500 documents, a week or a year of
measures, 10 or 1,000 history lines)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dossier import journal
from dossier.models import Mesure
from espace_sante.comptes.enums import Role
from tests.conftest import acteur_de, connecter
from tests.dossier.factories import DocumentFactory
from tests.dossier.test_vues import ouvrir_acces

pytestmark = pytest.mark.django_db
# 8, plus the session read from PostgreSQL on every request (issue 19: sessions are not
# cached in Redis, whose outage or freeze must neither sign anyone out nor revive a session).
PLAFOND = 8 + 1


def _remplir(profil, patient, pro, n: int) -> None:
    DocumentFactory.create_batch(n, profil=profil, auteur=patient)
    DocumentFactory.create_batch(
        n, profil=profil, auteur=pro.user, auteur_professionnel=pro, auteur_role=Role.PROFESSIONNEL
    )
    maintenant = timezone.now()
    Mesure.objects.bulk_create(
        Mesure(
            profil=profil,
            type=t,
            valeur=v,
            date=maintenant - timedelta(days=j),
            auteur=patient,
            auteur_role=Role.TITULAIRE,
            auteur_libelle="Camille",
        )
        for j in range(n * 7)
        for t, v in (("poids", "70"), ("tension", "120/80"))
    )
    acteur = acteur_de(pro.user, profil)
    for _ in range(n * 20):  # 100, then 1,000 history lines
        journal.dossier_consulte(acteur, page="test")


DERNIERES = []


def _compter(client, url) -> int:
    with CaptureQueriesContext(connection) as requetes:
        reponse = client.get(url)
        if reponse.streaming:
            b"".join(reponse.streaming_content)
    assert reponse.status_code == 200, url
    DERNIERES[:] = [q["sql"][:150] for q in requetes.captured_queries]
    return len(requetes)


PAGES_PATIENT = [
    "dossier:accueil",
    "dossier:profil_medical",
    "dossier:historique",
    "consentement:mes_choix",
    "dossier:parametres",
]


@pytest.mark.parametrize("nom", PAGES_PATIENT)
def test_patient_pages_take_few_queries_whatever_the_records_size(
    client, patient, professionnel, nom
):
    profil, pro = patient.profil, professionnel.professionnel
    ouvrir_acces(professionnel, profil)
    connecter(client, patient)
    url = reverse(nom)
    client.get(url)  # the session's first save and caches are not the page's cost
    _remplir(profil, patient, pro, 5)
    petit = _compter(client, url)
    _remplir(profil, patient, pro, 45)
    grand = _compter(client, url)
    assert grand == petit <= PLAFOND, "\n".join(DERNIERES)


def test_the_professionals_patient_page_takes_few_queries_whatever_the_size(
    client, patient, professionnel
):
    profil, pro = patient.profil, professionnel.professionnel
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    url = reverse("dossier:pro_dossier", args=[profil.public_id])
    client.get(url)
    _remplir(profil, patient, pro, 5)
    petit = _compter(client, url)
    _remplir(profil, patient, pro, 45)
    grand = _compter(client, url)
    assert grand == petit <= PLAFOND, "\n".join(DERNIERES)
