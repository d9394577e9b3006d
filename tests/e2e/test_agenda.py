"""The agenda in Chromium, axe on every page: add an appointment with a reminder, see it in
the list and the month, download its .ics, subscribe (the address shown once); a
professional proposes an appointment and the patient accepts it."""

from datetime import timedelta
from pathlib import Path

import pytest
import vobject
from django.utils import timezone
from icalendar import Calendar

from agenda.enums import StatutRdv
from agenda.heures import MOIS
from agenda.models import Rappel, RendezVous
from tests.e2e.test_connexion import se_connecter
from tests.e2e.test_dossier import deconnecter, ouvrir_acces

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def remplir_rdv(page, titre, jour, debut="09:30", fin="10:00"):
    page.page.get_by_label("Intitulé").fill(titre)
    page.page.locator("#id_jour").fill(jour.isoformat())
    page.page.get_by_label("Heure de début").fill(debut)
    page.page.get_by_label("Heure de fin").fill(fin)
    page.page.get_by_label("Lieu").fill("Cabinet médical des Lilas")


def test_patient_adds_an_appointment_sees_it_downloads_the_ics_and_subscribes(page, patient):
    se_connecter(page, patient)
    page.aller("/agenda/")
    page.cliquer("Ajouter un rendez-vous", role="link")
    jour = timezone.localdate() + timedelta(days=12)
    remplir_rdv(page, "Consultation dermatologie", jour)
    page.page.get_by_text("1 heure avant", exact=True).click()  # DSFR: the label takes the click
    page.cliquer("Enregistrer le rendez-vous")
    main = page.page.locator("main").inner_text()
    assert page.page.locator("h1").inner_text() == "Consultation dermatologie"
    assert "de 09:30 à 10:00 (heure de Paris)" in main
    rdv = RendezVous.objects.get()
    assert sorted(Rappel.objects.filter(rendez_vous=rdv).values_list("delai", flat=True)) == [
        60,
        120,
        1440,
    ]
    assert main.count("Courriel le") == 3  # the reminders are listed on the page

    with page.page.expect_download() as telechargement:
        page.page.get_by_role("link", name="Fichier de calendrier, intitulé").click()
    contenu = Path(telechargement.value.path()).read_bytes()
    (evenement,) = Calendar.from_ical(contenu).walk("VEVENT")
    assert str(evenement["summary"]) == "Rendez-vous médical"
    assert vobject.readOne(contenu.decode()).vevent.dtstart.value == rdv.debut

    with page.page.expect_navigation():  # back through the breadcrumb
        page.page.get_by_label("vous êtes ici :").get_by_role("link", name="Agenda").click()
    page.verifier_accessibilite()
    assert "Consultation dermatologie" in page.page.locator("main").inner_text()
    page.cliquer("Vue du mois", role="link")
    if jour.month != timezone.localdate().month:
        page.cliquer(f"Mois suivant : {MOIS[jour.month - 1]} {jour.year}", role="link")
    assert "09:30 Consultation dermatologie" in page.page.locator("table").inner_text()

    page.cliquer("Abonnement de calendrier", role="link")
    page.page.get_by_label("Nom de l'abonnement").fill("Téléphone")
    page.cliquer("Créer l'adresse")
    adresse = page.page.locator(".es-url code").inner_text()
    assert "/agenda/flux/" in adresse and adresse.endswith(".ics")
    flux = page.page.request.get(adresse)
    assert flux.status == 200
    assert vobject.readOne(flux.text()).vevent.summary.value == "Rendez-vous médical"
    page.aller("/agenda/abonnements/")
    assert adresse not in page.page.content()  # shown once
    page.cliquer("Révoquer l'abonnement « Téléphone »")
    assert page.page.request.get(adresse).status == 404


def test_professional_proposes_and_the_patient_accepts(page, patient, professionnel):
    ouvrir_acces(professionnel, patient.profil)
    se_connecter(page, professionnel)
    page.aller(f"/pro/patients/{patient.profil.public_id}/")
    page.cliquer("Proposer un rendez-vous", role="link")
    jour = timezone.localdate() + timedelta(days=6)
    page.page.get_by_label("Intitulé").fill("Consultation de suivi")
    page.page.locator("#id_jour").fill(jour.isoformat())
    page.page.get_by_label("Heure de début").fill("14:00")
    page.page.get_by_label("Heure de fin").fill("14:20")
    page.cliquer("Proposer ce rendez-vous")
    assert "Proposition envoyée" in page.page.locator("main").inner_text()
    deconnecter(page)

    se_connecter(page, patient)
    page.aller("/agenda/")
    assert "Propositions à examiner" in page.page.locator("main").inner_text()
    page.cliquer("Consultation de suivi", role="link")
    page.cliquer("Accepter ce rendez-vous")
    assert "Rendez-vous accepté" in page.page.locator("main").inner_text()
    rdv = RendezVous.objects.get()
    assert rdv.statut == StatutRdv.CONFIRME and Rappel.objects.filter(rendez_vous=rdv).exists()
    deconnecter(page)

    se_connecter(page, professionnel)
    page.aller("/pro/rendez-vous/")
    assert "Confirmé" in page.page.locator("main").inner_text()


@pytest.mark.parametrize("taille", ["telephone"], indirect=True)
def test_agenda_pages_fit_a_phone(page, patient):
    from tests.agenda.outils import rdv_de

    rdv = rdv_de(patient, titre="Consultation de suivi en cardiologie interventionnelle")
    se_connecter(page, patient)
    for chemin in [
        "/agenda/",
        "/agenda/mois/",
        "/agenda/ajouter/",
        "/agenda/prevention/",
        "/agenda/abonnements/",
        f"/agenda/rendez-vous/{rdv.public_id}/",
    ]:
        page.aller(chemin)
        page.verifier_largeur()
    assert "cardiologie" in page.page.locator("main").inner_text()
