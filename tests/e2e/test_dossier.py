"""The record in Chromium, axe on every page: masking, announcement, emergency access,
a minor's confidentiality."""

from datetime import timedelta

import pytest
from django.utils import timezone

from consentement.acces import ouverture
from dossier.models import Document
from espace_sante.comptes.enums import Profession
from tests.comptes.factories import MOT_DE_PASSE, ProfessionnelFactory
from tests.conftest import acteur_de
from tests.e2e.test_connexion import se_connecter
from tests.lib.corpus import pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def ouvrir_acces(pro_user, profil):
    ouverture.acces_ouvrir(
        acteur=acteur_de(pro_user), nir=profil.nir, date_naissance=profil.date_naissance
    )


def deconnecter(page):
    page.page.context.clear_cookies()


def deposer(page, chemin_pdf, titre, categorie="Compte rendu", cocher=None):
    page.cliquer("Ajouter un document", role="link")
    page.page.get_by_label("Fichier").set_input_files(str(chemin_pdf))
    page.page.get_by_label("Titre").fill(titre)
    page.page.get_by_label("Catégorie").select_option(label=categorie)
    if cocher:
        page.page.get_by_text(cocher).click()
    page.cliquer("Ajouter le document")


@pytest.fixture
def fichier_pdf(tmp_path):
    chemin = tmp_path / "compte-rendu.pdf"
    chemin.write_bytes(pdf())
    return chemin


def test_patient_uploads_and_masks_a_document_and_the_professional_no_longer_sees_it(
    page, patient, professionnel, fichier_pdf
):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    se_connecter(page, patient)
    page.aller("/dossier/")
    deposer(page, fichier_pdf, "Bilan de kinésithérapie")
    assert page.page.locator("h1").inner_text() == "Bilan de kinésithérapie"
    page.cliquer("Masquer aux professionnels")
    assert "masqué aux professionnels" in page.page.locator("main").inner_text()
    fiche = page.page.url
    page.cliquer("Choisir qui peut le voir", role="link")
    page.page.get_by_label("Numéros RPPS").fill("12345678903")  # well formed, nobody's
    page.cliquer("Enregistrer")
    assert (
        "Aucun professionnel de santé n'a le numéro RPPS" in page.page.locator("main").inner_text()
    )
    autre = ProfessionnelFactory(user__prenom="Paul", user__nom="Martin")
    page.page.get_by_label("Numéros RPPS").fill(autre.rpps)
    page.cliquer("Enregistrer")
    assert "Réservé à : Dr Paul Martin" in page.page.locator("main").inner_text()
    page.cliquer("Supprimer", role="link")
    page.cliquer("Annuler", role="link")
    assert page.page.url == fiche
    page.aller("/dossier/profil-medical/")
    for valeur, jour in [("72,5", "2026-10-01"), ("71", "2026-11-01")]:
        page.cliquer("Ajouter une mesure", role="link")
        page.page.get_by_label("Valeur").fill(valeur)
        page.page.get_by_label("Date de la mesure").fill(jour)
        page.cliquer("Ajouter")
    assert page.page.locator(".es-courbe svg:visible").count() == 1  # drawn twice, one shown
    page.cliquer("Ajouter : allergie", role="link")
    page.page.get_by_label("Allergie (substance)").fill("Pénicilline")
    page.cliquer("Ajouter")
    assert "Pénicilline" in page.page.locator("main").inner_text()
    for chemin in ["/dossier/confidentialite/", "/dossier/historique/"]:
        page.aller(chemin)
    deconnecter(page)
    se_connecter(page, professionnel)
    page.aller(f"/pro/patients/{profil.public_id}/")
    assert "Bilan de kinésithérapie" not in page.page.locator("main").inner_text()
    document = Document.objects.get()
    reponse = page.page.goto(page.base_url + f"/dossier/documents/{document.public_id}/")
    assert reponse.status == 404


def test_professional_holds_a_result_and_the_patient_sees_the_notice(
    page, patient, professionnel, fichier_pdf
):
    profil = patient.profil
    se_connecter(page, professionnel)
    page.aller("/pro/")
    page.page.get_by_label("NIR du patient").fill(profil.nir)
    page.page.get_by_label("Date de naissance du patient").fill(profil.date_naissance.isoformat())
    page.cliquer("Ouvrir le dossier")
    assert page.page.locator("h1").inner_text().startswith("Dossier de")
    deposer(
        page,
        fichier_pdf,
        "Résultat de biopsie",
        categorie="Résultats de biologie",
        cocher="Réserver ce résultat à une consultation d'annonce",
    )
    Document.objects.update(ajoute_le=timezone.now() - timedelta(days=15))
    deconnecter(page)
    se_connecter(page, patient)
    page.aller("/dossier/")
    main = page.page.locator("main").inner_text()
    assert "Un document vous attend" in main and "biopsie" not in main


def test_emergency_access_appears_in_the_patients_history(page, patient):
    profil = patient.profil
    urgentiste = ProfessionnelFactory(profession=Profession.INFIRMIER, user__nom="Urgences").user
    se_connecter(page, urgentiste)
    page.cliquer("Accès en urgence (bris de glace)", role="link")
    page.page.get_by_label("Mot de passe").fill(MOT_DE_PASSE)
    page.cliquer("Confirmer")
    page.page.get_by_label("NIR du patient").fill(profil.nir)
    page.page.get_by_label("Date de naissance du patient").fill(profil.date_naissance.isoformat())
    page.page.get_by_label("Motif de l'accès en urgence").fill(
        "Patient inconscient aux urgences, recherche de traitements et d'allergies"
    )
    page.page.get_by_text("J'atteste que le patient ne peut pas donner son accord").click()
    page.cliquer("Ouvrir en urgence")
    assert "Accès en urgence en cours" in page.page.locator("main").inner_text()
    deconnecter(page)
    se_connecter(page, patient)
    page.aller("/dossier/historique/")
    main = page.page.locator("main").inner_text()
    assert "Accès en urgence (bris de glace)" in main and "Urgences" in main


def test_a_parent_does_not_see_a_minors_confidential_document(
    page, parent, mineur, professionnel, fichier_pdf
):
    ouvrir_acces(professionnel, mineur)
    se_connecter(page, professionnel)
    page.aller(f"/pro/patients/{mineur.public_id}/")
    deposer(
        page,
        fichier_pdf,
        "Consultation de contraception",
        cocher="Confidentiel : à la demande du mineur",
    )
    page.aller(f"/pro/patients/{mineur.public_id}/")
    deposer(page, fichier_pdf, "Certificat de sport", categorie="Certificat")
    deconnecter(page)
    se_connecter(page, parent)
    page.page.get_by_role("combobox", name="Profil affiché").select_option(
        label=f"{mineur.nom_affiche} (enfant mineur)"
    )
    page.cliquer("Afficher ce profil")
    page.aller("/dossier/")
    main = page.page.locator("main").inner_text()
    assert "Certificat de sport" in main and "contraception" not in main
    page.aller("/dossier/historique/")


def test_an_oversized_upload_gets_the_french_413_page(page, patient, tmp_path, settings):
    settings.TELEVERSEMENT_TAILLE_MAX = 1000
    gros = tmp_path / "gros.pdf"
    gros.write_bytes(pdf() + b"0" * 200_000)
    se_connecter(page, patient)
    page.aller("/dossier/")
    deposer(page, gros, "Scanner trop lourd")
    assert page.page.locator("h1").inner_text() == "Fichier trop volumineux"
    assert "Rien n'a été enregistré" in page.page.locator("main").inner_text()
    assert not Document.objects.exists()


@pytest.mark.parametrize("taille", ["telephone"], indirect=True)
def test_record_pages_with_tables_fit_a_phone_and_scroll_by_keyboard(page, patient):
    from dossier import services

    acteur = acteur_de(patient, patient.profil)
    for jours, valeur in [(3, "71,5"), (2, "71,2"), (1, "70,9")]:
        services.mesure_ajouter(
            acteur=acteur,
            type_mesure="poids",
            valeur=valeur,
            quand=timezone.now() - timedelta(days=jours),
        )
    se_connecter(page, patient)
    for chemin in ["/dossier/", "/dossier/profil-medical/", "/dossier/historique/", "/mes-choix/"]:
        page.aller(chemin)
        page.verifier_largeur()
