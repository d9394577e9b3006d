"""Issue 19, point 7: the logs of a request that carries health content, and fails.

Every line is JSON (LOG_FORMAT=json) and carries the request's id, which the response
gives back (X-Request-ID) so a person's report can be matched with the logs; what the
person typed appears nowhere, even when an exception quotes it (as a database constraint
quotes the key it refused)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys

import pytest
from celery import shared_task
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.test import Client
from django.urls import path
from django.views.decorators.csrf import csrf_exempt

from espace_sante import urls as racine
from espace_sante.lib.traces import FiltreRequete, FormatJson, FormatTexte
from tests.conftest import connecter

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.securite.test_traces")]

SANTE = "séropositivité VIH découverte en mars"


@csrf_exempt
@login_not_required
def _vue_qui_echoue(request):
    raise ValueError(f"valeur refusée : {request.POST.get('texte')}")


urlpatterns = [*racine.urlpatterns, path("test-echec/", _vue_qui_echoue)]
handler500 = racine.handler500


@pytest.fixture
def traces(request):
    """Everything logged during the test, through the formatter named by the test's param."""
    flux = io.StringIO()
    gestionnaire = logging.StreamHandler(flux)
    gestionnaire.addFilter(FiltreRequete())
    gestionnaire.setFormatter(request.param())
    racine_log = logging.getLogger()
    racine_log.addHandler(gestionnaire)
    yield flux
    racine_log.removeHandler(gestionnaire)


def _echouer(patient):
    client = connecter(Client(raise_request_exception=False), patient)
    reponse = client.post(f"/test-echec/?q={SANTE}", {"texte": SANTE}, HTTP_X_NOTE=SANTE)
    assert reponse.status_code == 500
    return reponse


@pytest.mark.parametrize("traces", [FormatJson], indirect=True)
def test_json_logs_carry_the_request_id_and_never_the_health_content(traces, patient):
    reponse = _echouer(patient)
    identifiant = reponse["X-Request-ID"]
    lignes = [json.loads(ligne) for ligne in traces.getvalue().splitlines()]
    de_la_requete = [ligne for ligne in lignes if ligne["request_id"] == identifiant]
    erreur = next(ligne for ligne in de_la_requete if ligne["logger"] == "django.request")
    assert erreur["level"] == "ERROR"
    assert erreur["exception"]["type"] == "builtins.ValueError"
    assert any("_vue_qui_echoue" in cadre for cadre in erreur["exception"]["frames"])
    fin = next(ligne for ligne in de_la_requete if ligne["logger"] == "espace_sante.requetes")
    assert (fin["method"], fin["route"], fin["status"]) == ("POST", "test-echec/", 500)
    assert "séropositivité" not in traces.getvalue() and "VIH" not in traces.getvalue()


@pytest.mark.parametrize("traces", [FormatTexte], indirect=True)
def test_text_logs_leave_out_the_exception_message_too(traces, patient):
    reponse = _echouer(patient)
    texte = traces.getvalue()
    assert f"[{reponse['X-Request-ID']}]" in texte and "builtins.ValueError" in texte
    assert "VIH" not in texte


@shared_task(name="tests.securite.test_traces.echouer")
def _tache_qui_echoue(texte):
    raise ValueError(f"valeur refusée : {texte}")


@pytest.mark.parametrize("traces", [FormatJson], indirect=True)
def test_a_failing_task_is_logged_without_its_exception_message(traces):
    _tache_qui_echoue.apply(args=["identifiant-sans-valeur"], kwargs={}, throw=False)
    _tache_qui_echoue.apply(args=[1], kwargs={}, throw=False)  # the args are ids in real tasks
    lignes = [json.loads(ligne) for ligne in traces.getvalue().splitlines()]
    echec = next(ligne for ligne in lignes if ligne["logger"].startswith("celery.app.trace"))
    assert "ValueError (message omis)" in echec["message"]
    assert "valeur refusée" not in traces.getvalue()


def test_log_format_json_makes_every_line_of_a_process_a_json_object():
    """What a collector reads from a web or worker process started with LOG_FORMAT=json."""
    programme = (
        "import django, logging; django.setup(); "
        "logging.getLogger('espace_sante.essai').warning('bonjour %s', 'exploitant')"
    )
    sortie = subprocess.run(
        [sys.executable, "-c", programme],
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "LOG_FORMAT": "json"},
    )
    assert sortie.returncode == 0, sortie.stderr
    ligne = json.loads(sortie.stderr.strip().splitlines()[-1])
    assert ligne["message"] == "bonjour exploitant" and ligne["level"] == "WARNING"
    assert ligne["logger"] == "espace_sante.essai" and ligne["request_id"] is None
