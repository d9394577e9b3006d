"""The lifecycle in Chromium: opposition, activation with a second factor, closure,
and a mediator's accompagnement; axe runs on every page visited."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from consentement.models import Accompagnement, Decision, EnvoiAvis
from consentement.services import cycle
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil
from tests.comptes.factories import ProfilFactory
from tests.conftest import courriels
from tests.e2e.test_connexion import reauthentifier, se_connecter
from tests.pannes.processus import attendre

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def annonce():
    profil = ProfilFactory(
        prenoms="Inès Marie",
        email_contact="ines@exemple.fr",
        date_limite_opposition=timezone.localdate() + timedelta(weeks=6),
    )
    profil.code_clair = cycle.formater_code(cycle.code_renouveler(profil=profil))
    return profil


def saisir_identite(page, profil, code=True):
    page.page.get_by_label("Numéro de sécurité sociale").fill(
        " ".join(re.findall(".{1,3}", profil.nir))
    )
    page.page.get_by_label("Date de naissance").fill(profil.date_naissance.isoformat())
    if code:
        page.page.get_by_label("Code personnel").fill(profil.code_clair)


def confirmer(page):
    page.page.get_by_text("J'ai lu ce texte et je confirme ma décision.").click()


def telecharger_pdf(page, nom):
    with page.page.expect_download() as telechargement:
        page.page.get_by_role("link", name=nom).click()
    chemin = telechargement.value.path()
    with open(chemin, "rb") as f:
        assert f.read(5) == b"%PDF-"
    return telechargement.value.suggested_filename


def test_opposition_with_receipt(page, annonce):
    page.aller("/opposition/")
    saisir_identite(page, annonce)
    page.cliquer("Continuer")
    assert "Inès" in page.page.locator("main").inner_text()
    page.cliquer("Je m'oppose à la création du profil")  # without the box: an error
    assert "Cochez la case" in page.page.locator("main").inner_text()
    confirmer(page)
    page.cliquer("Je m'oppose à la création du profil")
    assert page.page.locator("h1").inner_text() == "Votre opposition est enregistrée"
    decision = Decision.objects.get()
    assert (
        telecharger_pdf(page, "Télécharger l'accusé de réception (PDF)")
        == f"recu-{decision.reference}.pdf"
    )
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.OPPOSE


def test_activation_with_second_factor_lands_in_the_space(page, annonce):
    page.aller("/activation/")
    saisir_identite(page, annonce)
    page.cliquer("Continuer")
    page.page.get_by_label("Adresse électronique").fill("ines.martin@exemple.fr")
    page.page.locator("#id_mot_de_passe").fill("Ines-Martin-Solide-2026")
    page.page.get_by_label("Confirmez le mot de passe").fill("Ines-Martin-Solide-2026")
    page.cliquer("Continuer")
    assert "/compte/verification/" in page.page.url
    assert mail.outbox[-1].to == ["ines.martin@exemple.fr"]
    code = re.search(r"\b(\d{6})\b", mail.outbox[-1].body).group(1)
    page.page.get_by_label("Code de vérification").fill(code)
    page.cliquer("Valider le code")
    assert "/activation/terminer/" in page.page.url  # the last step is a button (a POST)
    page.cliquer("Activer mon profil")
    assert page.page.url.endswith("/bienvenue/")
    assert "Votre profil est activé" in page.page.locator("main").inner_text()
    page.cliquer("Passer et aller à mon dossier", role="link")
    assert page.page.url.endswith("/dossier/")
    assert Profil.objects.get(pk=annonce.pk).statut == StatutProfil.ACTIVE


def test_closure_after_reauthentication_with_receipt(page, patient):
    se_connecter(page, patient)
    page.aller("/mes-choix/")
    page.cliquer("Clôturer le profil", role="link")
    reauthentifier(page, patient)
    page.page.locator("label[for=id_mode_0]").click()
    confirmer(page)
    page.cliquer("Clôturer le profil")
    assert page.page.locator("h1").inner_text() == "Le profil est clôturé"
    telecharger_pdf(page, "Télécharger l'accusé de réception (PDF)")
    assert Profil.objects.get(titulaire=patient).statut == StatutProfil.CLOTURE
    # At the next visit the closed profile offers reopening, again behind the password.
    page.aller("/")
    assert "Votre profil est clôturé" in page.page.locator("h1").inner_text()
    page.page.context.clear_cookies()
    se_connecter(page, patient)
    page.cliquer("Rouvrir mon profil", role="link")
    reauthentifier(page, patient)
    confirmer(page)
    page.cliquer("Rouvrir mon profil")
    assert page.page.url.endswith("/mes-choix/")
    assert Profil.objects.get(titulaire=patient).statut == StatutProfil.ACTIVE


def test_new_code_page(page, annonce):
    page.aller("/activation/nouveau-code/")
    saisir_identite(page, annonce, code=False)
    page.cliquer("Recevoir un nouveau code")
    assert "un nouveau code vient d'être envoyé" in page.page.locator("main").inner_text()
    envoi = EnvoiAvis.objects.get()  # a worker sends it; the row is the promise
    assert (envoi.motif, envoi.nb_emails) == ("renouvellement", 1)


def test_mediator_accompagnement(page, mediateur, annonce):
    Profil.objects.filter(pk=annonce.pk).update(statut=StatutProfil.CREE)
    se_connecter(page, mediateur)
    saisir_identite(page, annonce, code=False)
    page.cliquer("Rechercher le profil")
    page.cliquer(re.compile("Envoyer un code à"))
    # The send is queued by the request and run by the worker's step (``courriels``): wait,
    # bounded, for it rather than read the outbox once while a loaded machine is still busy.
    attendre(lambda: "accompagne :" in courriels()[-1].body, delai=30, message="code envoyé")
    code = re.search(r"accompagne : (\d{6})", courriels()[-1].body).group(1)
    page.page.get_by_label("Code donné par la personne").fill(code)
    page.cliquer("Ouvrir l'accompagnement")
    assert (
        "Vous agissez pour Inès"
        in page.page.get_by_role("region", name="Accompagnement en cours").inner_text()
    )
    page.cliquer("Aider à activer le profil", role="link")
    page.aller("/france-services/accompagnement/cloture/")
    assert "Clôture du profil" in page.page.locator("h1").inner_text()
    page.cliquer("Annuler", role="link")
    page.cliquer("Coordonnées et notifications", role="link")
    page.page.get_by_label("Téléphone").fill("06 98 76 54 32")
    page.cliquer("Enregistrer")
    assert "Coordonnées et préférences enregistrées" in page.page.locator("main").inner_text()
    assert Profil.objects.get(pk=annonce.pk).telephone == "06 98 76 54 32"
    page.cliquer("Terminer l'accompagnement")
    assert page.page.get_by_role("region", name="Accompagnement en cours").count() == 0
    assert Accompagnement.objects.get().statut == "ferme"
