"""Issue 19, point 7: the health endpoints for a load balancer, an operator and a scraper.

/sante/vivant answers without touching anything; /sante/pret says each dependency's status
(200 while the database answers, even with Redis down: the pages still work); the metrics
are Prometheus text, only for the allowed networks or the bearer token, with counts and
ages and nothing about anyone."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from agenda.models import Rappel
from tests.agenda.outils import rdv_de
from tests.conftest import connecter

pytestmark = pytest.mark.django_db


def test_alive_answers_without_the_database_or_a_session(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        reponse = client.get("/sante/vivant")
    assert reponse.status_code == 200


def test_ready_reports_each_dependency_and_ok_when_all_answer(client):
    reponse = client.get("/sante/pret")
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["statut"] == "ok", corps
    controles = corps["controles"]
    assert {"base", "redis", "file", "journal", "notifications", "rappels"} <= set(controles)
    assert controles["base"]["base_disponible"] == 1
    assert controles["redis"]["redis_disponible"] == 1
    assert controles["file"]["taches_en_file"] >= 0


def test_a_late_reminder_makes_ready_say_degraded_with_its_lateness(client, patient):
    rdv_de(patient, debut=timezone.now() + timedelta(hours=3))
    Rappel.objects.update(echeance=timezone.now() - timedelta(minutes=20))
    corps = client.get("/sante/pret").json()
    assert corps["statut"] == "degrade"
    rappels = corps["controles"]["rappels"]
    assert rappels["statut"] == "degrade"
    assert rappels["rappels_dus"] == Rappel.objects.count()
    assert 20 * 60 <= rappels["rappel_retard_secondes"] < 25 * 60


def test_redis_down_is_degraded_but_ready_still_answers_200(client, settings):
    settings.REDIS_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    settings.CELERY_BROKER_URL = settings.REDIS_URL
    reponse = client.get("/sante/pret")
    assert reponse.status_code == 200
    corps = reponse.json()
    assert corps["statut"] == "degrade"
    assert corps["controles"]["redis"]["statut"] == "degrade"
    assert corps["controles"]["base"]["statut"] == "ok"


LIGNE = re.compile(r'^espace_sante_[a-z_]+(\{controle="[a-z]+"\})? -?[0-9.]+(e[-+]?[0-9]+)?$')


def test_metrics_are_prometheus_text_with_counts_and_ages_and_nothing_personal(client, patient):
    rdv_de(patient, debut=timezone.now() + timedelta(hours=3))
    reponse = client.get("/sante/metriques")
    assert reponse.status_code == 200
    assert reponse["Content-Type"].startswith("text/plain; version=0.0.4")
    texte = reponse.content.decode()
    for ligne in texte.splitlines():
        assert ligne.startswith(("# HELP ", "# TYPE ")) or LIGNE.match(ligne), ligne
    for attendu in [
        "espace_sante_pret 1",
        "espace_sante_base_disponible 1",
        "espace_sante_redis_disponible 1",
        "espace_sante_rappels_dus 0",
        'espace_sante_controle_ok{controle="base"} 1',
        "espace_sante_taches_en_file ",
    ]:
        assert attendu in texte
    profil = patient.profil
    for personnel in [
        patient.email,
        patient.prenom,
        patient.nom,
        str(profil.public_id),
        str(patient.public_id),
    ]:
        assert personnel not in texte


def test_metrics_do_not_exist_for_another_network_without_the_token(client, settings):
    settings.METRIQUES_JETON = "jeton-de-supervision-" + "x" * 20
    assert client.get("/sante/metriques", REMOTE_ADDR="203.0.113.9").status_code == 404
    faux = client.get(
        "/sante/metriques", REMOTE_ADDR="203.0.113.9", HTTP_AUTHORIZATION="Bearer mauvais"
    )
    assert faux.status_code == 404
    bon = client.get(
        "/sante/metriques",
        REMOTE_ADDR="203.0.113.9",
        HTTP_AUTHORIZATION=f"Bearer {settings.METRIQUES_JETON}",
    )
    assert bon.status_code == 200 and "espace_sante_pret 1" in bon.content.decode()


def test_metrics_refuse_a_signed_in_patient_from_outside(client, patient):
    connecter(client, patient)
    assert client.get("/sante/metriques", REMOTE_ADDR="198.51.100.7").status_code == 404
