"""The prevention calendar: the table in the repository with its sources, computed for the
person's age and sex, vaccinations of the record counting as done, the person's choices,
the opt-out as a consent decision, and prevention reminders through the same rows."""

from datetime import date, datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import prevention, services
from agenda.enums import StatutRappel
from agenda.heures import PARIS
from agenda.models import Rappel, SuiviPrevention
from consentement.enums import TypeDecision
from consentement.models import Decision
from dossier.enums import Rubrique
from espace_sante.notifications.models import Notification
from tests.agenda.outils import acteur_patient
from tests.conftest import connecter
from tests.dossier.factories import InformationFactory
from tests.horloge import figer_un_matin

pytestmark = pytest.mark.django_db


def test_every_row_of_the_table_has_a_reason_and_an_official_source():
    etapes = prevention.etapes()
    assert len(etapes) >= 40
    familles = {e.famille for e in etapes}
    assert familles == {"vaccination", "examen_enfant", "bucco_dentaire", "depistage"}
    for etape in etapes:
        assert etape.raison and etape.source.startswith("https://"), etape.code
    # The 20 compulsory child check-ups up to 16.
    assert len([e for e in etapes if e.famille == "examen_enfant"]) == 20


def _codes(naissance, sexe):
    return {o.code for o in prevention.occurrences_de(naissance, sexe)}


def test_screenings_follow_age_and_sex():
    femme, homme = _codes(date(1970, 6, 1), "F"), _codes(date(1970, 6, 1), "M")
    assert "dep-sein@50a" in femme and "dep-sein@74a" in femme and "dep-sein@50a" not in homme
    assert "dep-colorectal@50a" in femme and "dep-colorectal@50a" in homme
    assert "dep-col-hpv@30a" in femme and not any(c.startswith("dep-col-") for c in homme)
    enfant = _codes(date(2020, 1, 10), "M")
    assert {"mtdents@3a", "mtdents@23a", "exam-20@15a"} <= enfant


def test_a_vaccination_in_the_record_counts_as_done(client, patient):
    profil = patient.profil
    profil.date_naissance = timezone.localdate() - timedelta(days=66 * 365)
    profil.save()
    connecter(client, patient)
    page = client.get(reverse("agenda:prevention")).content.decode()
    assert "Vaccin contre le zona" in page or "zona" in page.lower()
    InformationFactory(
        profil=profil,
        rubrique=Rubrique.VACCINATION,
        libelle="Shingrix (zona)",
        date=timezone.localdate(),
        auteur=patient,
    )
    page = client.get(reverse("agenda:prevention")).content.decode()
    assert "une vaccination du profil médical y correspond" in page


def test_mark_done_dismiss_restore(client, patient):
    profil = patient.profil
    profil.date_naissance, profil.sexe = timezone.localdate() - timedelta(days=51 * 365), "F"
    profil.save()
    connecter(client, patient)
    code = next(
        o.code
        for o in prevention.occurrences_de(profil.date_naissance, "F")
        if o.code.startswith("dep-sein")
    )
    url = reverse("agenda:prevention_etape", args=[code])
    reponse = client.post(url, {"action": "fait"}, follow=True)
    assert "marquée comme faite" in reponse.content.decode()
    assert SuiviPrevention.objects.get(profil=profil, etape=code).etat == "fait"
    client.post(url, {"action": "ecarter"})
    assert SuiviPrevention.objects.get(profil=profil, etape=code).etat == "ecarte"
    client.post(url, {"action": "retablir"})
    assert not SuiviPrevention.objects.filter(profil=profil).exists()
    assert client.post(url, {"action": "supprimer"}).status_code == 404
    assert (
        client.post(
            reverse("agenda:prevention_etape", args=["pas-une-etape@1a"]), {"action": "fait"}
        ).status_code
        == 404
    )


def test_turning_prevention_messages_off_is_a_consent_decision(client, patient):
    connecter(client, patient)
    client.post(reverse("agenda:prevention_messages"), {"actifs": "0"})
    decision = Decision.objects.get(profil=patient.profil)
    assert decision.type == TypeDecision.PREVENTION_REFUS
    from espace_sante.journal.models import Entree

    entree = Entree.objects.get(profil=patient.profil, action="decision")
    assert entree.details["type"] == TypeDecision.PREVENTION_REFUS
    assert "prévention" in client.get(reverse("consentement:mes_choix")).content.decode()
    client.post(reverse("agenda:prevention_messages"), {"actifs": "0"})  # already off
    assert Decision.objects.filter(profil=patient.profil).count() == 1
    client.post(reverse("agenda:prevention_messages"), {"actifs": "1"})
    assert Decision.objects.filter(profil=patient.profil).count() == 2


def _cinquante_ans_dans_trois_jours(profil, time_machine):
    """Stop the clock on a Paris morning (the sweep and the planning see the same day), three
    days before the person's 50th birthday (never a 29 February: no such birthday 50 years
    back)."""
    figer_un_matin(time_machine, dans_jours=3)
    jour = timezone.localdate() + timedelta(days=3)
    profil.date_naissance, profil.sexe = jour.replace(year=jour.year - 50), "F"
    profil.save()
    return jour


def test_prevention_reminders_are_rows_of_the_same_table_planned_once(patient, time_machine):
    profil = patient.profil
    jour = _cinquante_ans_dans_trois_jours(profil, time_machine)
    services.prevention_planifier()
    rappels = Rappel.objects.filter(profil=profil)
    nombre = rappels.count()
    assert nombre >= 2  # breast and colorectal screening at 50
    services.prevention_planifier()
    assert rappels.count() == nombre  # keyed rows: nothing twice
    assert {r.etape for r in rappels} >= {"dep-sein@50a", "dep-colorectal@50a"}
    for rappel in rappels:
        assert rappel.cle.startswith(f"rappel:prevention-{profil.public_id}-")
        assert rappel.echeance == datetime.combine(jour, time(10), tzinfo=PARIS)  # 10:00 in Paris

    bilan = services.rappels_balayer(maintenant=timezone.now() + timedelta(days=4))
    assert bilan.envoyes == rappels.count()
    for notif in Notification.objects.filter(motif="rappel"):
        assert "sein" not in notif.corps.lower() and "colorectal" not in notif.corps.lower()


def test_no_prevention_reminder_after_opt_out_or_once_the_step_is_done(patient, time_machine):
    profil = patient.profil
    _cinquante_ans_dans_trois_jours(profil, time_machine)
    services.prevention_planifier()
    acteur = acteur_patient(patient)
    occurrence = next(
        o for o in prevention.occurrences_de(profil.date_naissance, "F") if o.code == "dep-sein@50a"
    )
    services.etape_suivre(acteur=acteur, occurrence=occurrence, etat="fait")
    bilan = services.rappels_balayer(maintenant=timezone.now() + timedelta(days=4))
    assert Rappel.objects.get(etape="dep-sein@50a").statut == StatutRappel.ANNULE
    assert bilan.envoyes >= 1  # the colorectal one still leaves

    services.prevention_messages_regler(acteur=acteur, actifs=False)
    Rappel.objects.update(statut=StatutRappel.A_ENVOYER)
    assert services.rappels_balayer(maintenant=timezone.now() + timedelta(days=4)).envoyes == 0


def test_a_parent_sees_the_childs_calendar(client, parent, mineur):
    from consentement.acces.selectors import SESSION_PROFIL_ACTIF

    connecter(client, parent)
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()
    page = client.get(reverse("agenda:prevention")).content.decode()
    assert "Yanis" in page and "Examens obligatoires" in page or "examen" in page.lower()
