"""Issue 21, points 6–18, in Chromium at a phone's and a desktop's size, axe on every page:
the pages this round added or changed (welcome, confirm-then-delete, correct in place, the
appointment form's directory search, cancelling one's own appointment, the help page's
France services search, the professional's error-report inbox)."""

from datetime import date

import pytest

from dossier import services
from tests.agenda.outils import rdv_de
from tests.conftest import acteur_de
from tests.dossier.factories import InformationFactory
from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]
TAILLES = ["telephone", "bureau"]


def _sur_telephone(page) -> bool:
    return page.page.viewport_size["width"] < 500


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_welcome_correct_and_confirm_before_deleting(page, patient):
    info = services.information_ajouter(
        acteur=acteur_de(patient, patient.profil),
        rubrique="allergie",
        libelle="Penicline",
        date=date(2020, 3, 1),
    )
    se_connecter(page, patient)
    page.aller("/bienvenue/")
    assert page.page.get_by_text("Passer").first.is_visible()
    page.aller(f"/dossier/profil-medical/information/{info.public_id}/corriger/")
    page.page.get_by_label("Allergie (substance)").fill("Pénicilline")
    page.cliquer("Enregistrer la correction")
    assert page.page.url.endswith(f"#element-{info.public_id}")
    assert page.page.get_by_text("Pénicilline").first.is_visible()
    page.aller(f"/dossier/profil-medical/information/{info.public_id}/supprimer/")
    assert page.page.get_by_role("button", name="Supprimer définitivement").is_visible()
    page.cliquer("Supprimer définitivement")
    assert page.page.url.endswith("#rubrique-allergie")
    assert not page.page.get_by_text("Pénicilline").count()
    if _sur_telephone(page):
        page.verifier_largeur()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_searching_the_directory_keeps_the_appointment_being_typed(page, patient, professionnel):
    se_connecter(page, patient)
    page.aller("/agenda/ajouter/")
    page.page.get_by_label("Intitulé").fill("Contrôle tension")
    page.page.get_by_label("Lieu").fill("Cabinet du Parc")
    nom = professionnel.nom
    page.page.get_by_label("Nom du professionnel").fill(nom)
    page.cliquer("Chercher")
    assert page.page.get_by_label("Intitulé").input_value() == "Contrôle tension"
    assert page.page.get_by_label("Lieu").input_value() == "Cabinet du Parc"
    assert page.page.locator("input[type=radio]:checked").count() == 1  # the one result
    if _sur_telephone(page):
        page.verifier_largeur()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_cancelling_ones_own_appointment_asks_no_reason(page, patient):
    rdv = rdv_de(patient)
    se_connecter(page, patient)
    page.aller(f"/agenda/rendez-vous/{rdv.public_id}/annuler/")
    assert page.page.get_by_role("button", name="Confirmer l'annulation").is_visible()
    assert not page.page.get_by_label("Motif").count()
    page.cliquer("Confirmer l'annulation")
    rdv.refresh_from_db()
    assert rdv.statut == "annule"


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_the_help_page_finds_a_desk_by_postcode(page):
    page.aller("/aide/?ou=42000")
    assert page.page.get_by_text("France services de démonstration (Saint-Étienne)").is_visible()
    assert page.page.locator('a[href="tel:3422"]').first.is_visible()
    if _sur_telephone(page):
        page.verifier_largeur()


@pytest.mark.parametrize("taille", TAILLES, indirect=True)
def test_the_reports_inbox_links_to_the_item(page, patient, professionnel):
    pro = professionnel.professionnel
    info = InformationFactory(
        profil=patient.profil,
        auteur=professionnel,
        auteur_role="professionnel",
        auteur_professionnel=pro,
        auteur_libelle=str(pro),
        libelle="Amoxiciline",
    )
    services.erreur_signaler(
        acteur=acteur_de(patient, patient.profil), element=info, message="Jamais allergique"
    )
    se_connecter(page, professionnel)
    page.aller("/pro/")
    lien = page.page.get_by_role("link", name="Allergie : « Amoxiciline »")
    assert lien.is_visible()
    with page.page.expect_navigation():
        lien.click()
    page.verifier_accessibilite()
    assert page.page.url.endswith(f"#element-{info.public_id}")
