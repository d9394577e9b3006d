"""One way to refuse: services and selectors raise the kernel's family (``lib.refus``),
never HTTP; each channel answers each refusal in one place — a page (404 page, 400 with
the message, 403 page), the FHIR API (OperationOutcome 404 / 422 / 403), the SMTP gateway
(550 5.1.1 / 550 5.7.1) and Celery (logged, ended, never retried)."""

from __future__ import annotations

import ast
import logging
from pathlib import Path

import pytest
from django.conf import settings

from catalogue.journal import Action
from espace_sante.journal.models import Entree
from espace_sante.lib import taches
from messagerie import passerelle
from tests.agenda.outils import rdv_de
from tests.catalogue.factories import fhir, lancer, service_et_client
from tests.conftest import connecter
from tests.messagerie.outils import courriel, envoyer, passerelle_lancee
from tests.refus_urls import refus_de

RACINE = Path(settings.BASE_DIR)
INTERDITS = {"Http404", "get_object_or_404"}


def modules_de_service() -> list[Path]:
    """Every services/selectors module of the project, packages ``services/`` included,
    and the record's exports (run by the same services outside any request)."""
    modules = []
    for chemin in sorted(RACINE.rglob("*.py")):
        relatif = chemin.relative_to(RACINE)
        if relatif.parts[0] in {".venv", "tests", "var", "bench", "node_modules"}:
            continue
        if (
            chemin.stem in {"services", "selectors"}
            or "services" in relatif.parts[:-1]
            or "selectors" in relatif.parts[:-1]
            or relatif == Path("dossier/exports.py")
        ):
            modules.append(chemin)
    return modules


def http_dans(chemin: Path) -> list[str]:
    trouves = []
    for noeud in ast.walk(ast.parse(chemin.read_text(), str(chemin))):
        if isinstance(noeud, ast.ImportFrom) and (noeud.module or "").startswith("django.http"):
            trouves.append(f"{chemin.relative_to(RACINE)}:{noeud.lineno} import django.http")
        elif isinstance(noeud, ast.Import) and any(
            a.name.startswith("django.http") for a in noeud.names
        ):
            trouves.append(f"{chemin.relative_to(RACINE)}:{noeud.lineno} import django.http")
        elif isinstance(noeud, ast.Name | ast.Attribute | ast.alias):
            nom = getattr(noeud, "id", None) or getattr(noeud, "attr", None) or noeud.name
            if nom in INTERDITS:
                trouves.append(f"{chemin.relative_to(RACINE)}:{noeud.lineno} {nom}")
    return trouves


def test_no_service_or_selector_speaks_http():
    modules = modules_de_service()
    noms = {str(m.relative_to(RACINE)) for m in modules}
    # The walk finds the packages as well as the flat modules.
    assert {"agenda/services/flux.py", "dossier/selectors.py", "messagerie/services.py"} <= noms
    fautes = [faute for module in modules for faute in http_dans(module)]
    assert not fautes, "HTTP dans un service ou un sélecteur : " + "; ".join(fautes)


# --- Pages ---------------------------------------------------------------------------


@pytest.mark.urls("tests.refus_urls")
def test_a_page_answers_not_found_with_the_sites_404_page(client, patient):
    connecter(client, patient)
    reponse = client.get("/essai-refus/introuvable/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.text
    assert "autre personne" not in reponse.text  # says nothing of what exists


@pytest.mark.urls("tests.refus_urls")
def test_a_page_shows_an_invalid_requests_message_with_400(client, patient):
    connecter(client, patient)
    reponse = client.get("/essai-refus/invalide/")
    assert reponse.status_code == 400
    assert "Indiquez le motif de l&#x27;annulation." in reponse.text


@pytest.mark.urls("tests.refus_urls")
def test_a_page_answers_any_other_refusal_with_the_403_page(client, patient):
    connecter(client, patient)
    reponse = client.get("/essai-refus/refuse/")
    assert reponse.status_code == 403
    assert "Accès refusé" in reponse.text


def test_a_selector_refusal_on_a_real_page_is_the_404_page(client, patient, parent):
    """Another person's appointment: the selector's Introuvable, answered by the page."""
    autre = rdv_de(parent)
    connecter(client, patient)
    reponse = client.get(f"/agenda/rendez-vous/{autre.public_id}/")
    assert reponse.status_code == 404
    assert "Page introuvable" in reponse.text


# --- FHIR API ------------------------------------------------------------------------


@pytest.fixture
def jeton(client, patient):
    _, application = service_et_client(nom="Balance connectée", slug="balance")
    connecter(client, patient)
    reponse = lancer(
        client, application, scope="launch/patient patient/*.read", cocher=["patient/Patient.rs"]
    )
    client.logout()
    return reponse["access_token"]


@pytest.mark.urls("tests.refus_urls")
@pytest.mark.parametrize(
    ("genre", "statut", "code", "diagnostic"),
    [
        ("introuvable", 404, "not-found", "Ressource introuvable."),
        ("invalide", 422, "processing", "Indiquez le motif de l'annulation."),
        ("refuse", 403, "forbidden", "Ce profil ne peut pas faire cela."),
    ],
)
def test_the_api_answers_each_refusal_with_its_operation_outcome(
    client, patient, jeton, genre, statut, code, diagnostic
):
    reponse = fhir(client, jeton, f"/fhir/essai-refus/{genre}")
    assert reponse.status_code == statut
    (probleme,) = reponse.json()["issue"]
    assert reponse.json()["resourceType"] == "OperationOutcome"
    assert (probleme["code"], probleme["diagnostics"]) == (code, diagnostic)
    refus_journalises = Entree.objects.filter(profil=patient.profil, action=Action.API_REFUS)
    # A call the policy refused (403, 404) is a line of the person's history.
    assert refus_journalises.exists() == (statut in (403, 404))


# --- SMTP gateway --------------------------------------------------------------------


def test_the_gateway_answers_each_refusal_with_a_permanent_smtp_status():
    assert str(passerelle.reponse_refus(refus_de("introuvable"))) == str(passerelle.INCONNU)
    assert str(passerelle.reponse_refus(refus_de("introuvable"))).startswith("550 5.1.1 ")
    assert str(passerelle.reponse_refus(refus_de("invalide"))) == (
        "550 5.7.1 Indiquez le motif de l'annulation."
    )
    assert str(passerelle.reponse_refus(refus_de("refuse"))).startswith("550 5.7.1 ")


@pytest.mark.django_db(transaction=True)
def test_a_mail_a_service_refuses_gets_550_5_7_1_with_the_reason(patient, professionnel):
    with passerelle_lancee() as serveur:
        code, texte = envoyer(serveur, courriel(professionnel, patient.profil, corps=" "))
    assert (code, texte) == (
        550,
        "5.7.1 Le message est vide : ecrivez un texte ou joignez un fichier.",
    )


# --- Celery tasks --------------------------------------------------------------------

APPELS: list[str] = []


@taches.tache_reprise
def tache_refusee(genre: str) -> str:
    APPELS.append(genre)
    raise refus_de(genre)


@pytest.mark.parametrize("genre", ["introuvable", "invalide", "refuse"])
def test_a_refused_task_is_logged_and_ends_without_retry(genre, caplog):
    APPELS.clear()
    with caplog.at_level(logging.WARNING, logger="espace_sante.balayeur"):
        resultat = tache_refusee.apply(args=(genre,))
    assert resultat.successful() and resultat.result is None
    assert APPELS == [genre]  # ran once: not retried
    assert f"tache_refusee refusée ({type(refus_de(genre)).__name__})" in caplog.text
    assert refus_de(genre).message in caplog.text
