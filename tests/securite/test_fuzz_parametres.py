"""Hostile parameters on every page (issue 9, item 10): never a 500, NUL is a 400, and a
``next`` only ever leads to a local path."""

import re
from urllib.parse import urlsplit

import pytest
from django.contrib import admin
from django.core import mail
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from espace_sante.lib.requetes import est_chemin_local
from tests.comptes.factories import MOT_DE_PASSE
from tests.conftest import PERSONAS, connecter
from tests.test_matrice import MATRICE

pytestmark = pytest.mark.django_db

NUL = "\x00"
VALEURS = [
    NUL,
    "nan",
    "account_logout",  # a URL name: redirect() would follow it
    "//evil.example/",
    "/\\evil.example",
    "/\t/evil.example",
    "javascript:alert(1)",
    "x" * 5000,
    "9" * 40,
    "é🩺\u202e\ufeff",
]
# Filters take no URL: the values that break a database look-up or a number.
VALEURS_ADMIN = [NUL, "nan", "9" * 40, "-1", "é🩺\u202e", "x" * 300]
PARAMETRES = ["next", "page", "p", "q", "o", "profil", "statut", "e", "mode", "rubrique"]


def client_de(persona, request):
    client = Client(raise_request_exception=False)
    if persona != "anonyme":
        connecter(client, request.getfixturevalue(persona))
    return client


def _persona_qui_entre(attendus: dict) -> str:
    """A persona for whom the view itself runs (200), else one it answers (not 302)."""
    for statut in (200, 404, 405):
        for persona in PERSONAS:
            if attendus[persona] == statut:
                return persona
    return "anonyme"


def _verifier(reponse, url, valeur):
    assert reponse.status_code != 500, f"{url} → 500"
    if NUL in valeur:
        assert reponse.status_code == 400, f"{url} → {reponse.status_code} (NUL)"
        if url.startswith("/fhir/"):  # the API's channel answers in its own format
            assert reponse.json()["resourceType"] == "OperationOutcome", url
        else:
            assert "Requête incorrecte" in reponse.text
    if reponse.status_code in (301, 302):
        assert est_chemin_local(reponse["Location"]), f"{url} → {reponse['Location']}"


@pytest.mark.parametrize("nom", sorted(MATRICE))
def test_no_get_url_of_the_matrix_answers_500(nom, request):
    kwargs, attendus = MATRICE[nom]
    client = client_de(_persona_qui_entre(attendus), request)
    url = reverse(nom, kwargs=kwargs)
    for valeur in VALEURS:
        reponse = client.get(url, {p: valeur for p in PARAMETRES})
        _verifier(reponse, url, valeur)


def _parametres_admin(model_admin) -> list[str]:
    noms = ["q", "o", "p"]
    for filtre in model_admin.list_filter:
        champ = filtre if isinstance(filtre, str) else getattr(filtre, "parameter_name", None)
        if champ:
            noms += [f"{champ}__exact", f"{champ}__isnull"]
    if model_admin.date_hierarchy:
        noms += [f"{model_admin.date_hierarchy}__{p}" for p in ("year", "month", "day")]
    return noms


def test_no_admin_changelist_answers_500(request):
    client = client_de("admin_user", request)
    for model, model_admin in admin.site._registry.items():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        assert client.get(url).status_code == 200, url
        for parametre in _parametres_admin(model_admin):
            for valeur in VALEURS_ADMIN:
                _verifier(client.get(url, {parametre: valeur}), f"{url}?{parametre}", valeur)


def test_nul_in_form_data_is_a_400_and_records_nothing(client, patient):
    reponse = client.post(
        reverse("account_login"), {"login": patient.email + NUL, "password": MOT_DE_PASSE}
    )
    assert reponse.status_code == 400
    assert "_auth_user_id" not in client.session
    reponse = client.post(reverse("consentement:opposition"), {"nir": NUL, "code": "x"})
    assert reponse.status_code == 400


def _code(email) -> str:
    message = [m for m in mail.outbox if email in m.to][-1]
    return re.search(r"\b(\d{6})\b", message.body).group(1)


@pytest.mark.parametrize("suite", ["nan", "account_logout", "//evil.example/", "/\\evil"])
def test_a_bad_next_after_the_right_code_goes_home_and_keeps_the_session(client, patient, suite):
    client.post(reverse("account_login"), {"login": patient.email, "password": MOT_DE_PASSE})
    reponse = client.post(
        f"{reverse('comptes:otp')}?next={suite}",
        {"methode": "email", "code": _code(patient.email), "next": suite},
    )
    assert reponse.status_code == 302 and reponse.url == "/dossier/"
    assert client.get("/dossier/").status_code == 200  # still logged in, verified


@pytest.mark.parametrize("suite", ["nan", "account_logout", "http://testserver/dossier/"])
def test_allauth_follows_only_a_local_next(client, patient, suite):
    reponse = client.post(
        f"{reverse('account_login')}?next={suite}",
        {"login": patient.email, "password": MOT_DE_PASSE, "next": suite},
    )
    assert reponse.status_code == 302 and reponse.url == reverse("comptes:accueil")


def test_allauth_keeps_a_local_next(client, patient):
    reponse = client.post(
        reverse("account_login"),
        {"login": patient.email, "password": MOT_DE_PASSE, "next": "/mes-choix/"},
    )
    assert reponse.url == "/mes-choix/"


@given(st.text(max_size=40))
def test_an_accepted_next_never_leaves_the_site(cible):
    if not est_chemin_local(cible):
        return
    # What a browser does before following it: drop tabs and newlines, "\" as "/".
    vu = re.sub(r"[\t\n\r]", "", cible).replace("\\", "/")
    morceaux = urlsplit(vu)
    assert not morceaux.scheme and not morceaux.netloc and vu.startswith("/")
