"""Appointments and their reminders, through the services: who may do what, what is stored,
what the reminder rows become, what the sweep sends and what the journal says."""

from datetime import timedelta

import pytest
from django.utils import timezone

from agenda import services
from agenda.enums import StatutRappel, StatutRdv
from agenda.models import Rappel, RendezVous
from espace_sante.journal.models import Entree
from espace_sante.lib.refus import Introuvable, SaisieInvalide
from espace_sante.notifications import sms
from espace_sante.notifications.models import Notification
from tests.agenda.outils import acteur_patient, proposer, rdv_de, saisie
from tests.conftest import acteur_de
from tests.horloge import matin_a_paris

pytestmark = pytest.mark.django_db


def _cles(rdv):
    return sorted(Rappel.objects.filter(rendez_vous=rdv).values_list("cle", flat=True))


def test_adding_an_appointment_makes_one_reminder_row_per_default_offset_and_channel(patient):
    rdv = rdv_de(patient)
    assert rdv.statut == StatutRdv.CONFIRME and rdv.delais == [1440, 120]
    assert _cles(rdv) == [f"rappel:{rdv.public_id}:120:email", f"rappel:{rdv.public_id}:1440:email"]
    echeances = {r.delai: r.echeance for r in Rappel.objects.filter(rendez_vous=rdv)}
    assert echeances[1440] == rdv.debut - timedelta(days=1)
    assert echeances[120] == rdv.debut - timedelta(hours=2)


def test_sms_preference_adds_sms_reminders_and_offsets_are_the_persons_choice(patient):
    profil = patient.profil
    profil.telephone, profil.notifier_par_sms = "0612345678", True
    profil.save()
    rdv = services.rdv_ajouter(acteur=acteur_patient(patient), saisie=saisie(delais=(60,)))
    assert _cles(rdv) == [f"rappel:{rdv.public_id}:60:email", f"rappel:{rdv.public_id}:60:sms"]


def test_the_same_reminder_cannot_be_written_twice(patient):
    from django.db import IntegrityError, transaction

    rdv = rdv_de(patient)
    rappel = Rappel.objects.filter(rendez_vous=rdv).first()
    with pytest.raises(IntegrityError), transaction.atomic():
        Rappel.objects.create(
            cle=rappel.cle,
            profil=rappel.profil,
            rendez_vous=rdv,
            delai=rappel.delai,
            canal=rappel.canal,
            echeance=rappel.echeance,
        )


def test_a_past_appointment_may_be_noted_but_gets_no_reminder(patient):
    rdv = rdv_de(patient, debut=timezone.now() - timedelta(days=10))
    assert rdv.passe and _cles(rdv) == []


def test_moving_an_appointment_moves_its_reminders_and_cancelling_removes_them(patient):
    acteur = acteur_patient(patient)
    rdv = rdv_de(patient)
    nouveau = (timezone.now() + timedelta(days=5)).replace(second=0, microsecond=0)
    rdv = services.rdv_modifier(acteur=acteur, rdv=rdv, saisie=saisie(nouveau))
    rappels = {r.delai: r for r in Rappel.objects.filter(rendez_vous=rdv)}
    assert rappels[1440].echeance == nouveau - timedelta(days=1)
    assert rappels[120].echeance == nouveau - timedelta(hours=2)
    assert {r.version for r in rappels.values()} == {2}  # a moved reminder is a new message
    # Dropping an offset removes its row.
    services.rdv_modifier(acteur=acteur, rdv=rdv, saisie=saisie(nouveau, delais=(120,)))
    assert _cles(rdv) == [f"rappel:{rdv.public_id}:120:email"]

    services.rdv_annuler(acteur=acteur, rdv=rdv, motif="Je ne suis plus disponible")
    assert _cles(rdv) == []
    rdv.refresh_from_db()
    assert rdv.statut == StatutRdv.ANNULE and rdv.motif == "Je ne suis plus disponible"


def test_cancelling_a_proposed_appointment_needs_a_reason_the_professional_reads(
    patient, professionnel
):
    rdv = proposer(professionnel, patient.profil)
    with pytest.raises(SaisieInvalide, match="motif"):
        services.rdv_annuler(acteur=acteur_patient(patient), rdv=rdv, motif="  ")


def test_cancelling_ones_own_appointment_needs_no_reason(patient):
    """Issue 21, point 9: nobody else reads it, so no reason is asked."""
    rdv = services.rdv_annuler(acteur=acteur_patient(patient), rdv=rdv_de(patient))
    assert rdv.statut == StatutRdv.ANNULE and rdv.motif == ""


def test_moving_to_the_past_or_ending_before_start_is_refused_in_french(patient):
    acteur, rdv = acteur_patient(patient), rdv_de(patient)
    with pytest.raises(SaisieInvalide, match="déjà passé"):
        services.rdv_modifier(
            acteur=acteur, rdv=rdv, saisie=saisie(timezone.now() - timedelta(hours=1))
        )
    with pytest.raises(SaisieInvalide, match="après l'heure de début"):
        services.rdv_modifier(acteur=acteur, rdv=rdv, saisie=saisie(duree=-10))


def test_nobody_else_may_touch_someones_appointment(patient, inconnu, professionnel, parent):
    rdv = rdv_de(patient)
    autre = acteur_patient(parent)  # another person on their own profile
    for appel in (
        lambda: services.rdv_modifier(acteur=autre, rdv=rdv, saisie=saisie()),
        lambda: services.rdv_annuler(acteur=autre, rdv=rdv, motif="x"),
        lambda: services.rdv_repondre(acteur=autre, rdv=rdv, accepte=True),
        lambda: services.rdv_annuler(acteur=acteur_de(professionnel), rdv=rdv, motif="x"),
        lambda: services.rdv_ics(acteur=autre, rdv=rdv, details=False),
    ):
        with pytest.raises(Introuvable):
            appel()


def test_professional_proposes_patient_is_told_accepts_and_reminders_start(patient, professionnel):
    rdv = proposer(professionnel, patient.profil, titre="Contrôle tension")
    assert rdv.statut == StatutRdv.PROPOSE and _cles(rdv) == []
    avis = Notification.objects.get(motif="rdv_propose")
    assert avis.destinataire == patient.email and "Contrôle" not in avis.corps
    assert Entree.objects.filter(action="rdv_propose", profil=patient.profil).count() == 1

    services.rdv_repondre(acteur=acteur_patient(patient), rdv=rdv, accepte=True)
    rdv.refresh_from_db()
    assert rdv.statut == StatutRdv.CONFIRME
    assert len(_cles(rdv)) == 2
    reponse = Notification.objects.get(motif="rdv_reponse")
    assert reponse.destinataire == professionnel.email and "accept" in reponse.corps


def test_patient_declines_with_a_reason_the_professional_reads(client, patient, professionnel):
    from django.urls import reverse

    from tests.conftest import connecter

    rdv = proposer(professionnel, patient.profil)
    services.rdv_repondre(
        acteur=acteur_patient(patient), rdv=rdv, accepte=False, motif="Je serai en vacances"
    )
    connecter(client, professionnel)
    page = client.get(reverse("agenda:pro_rendez_vous")).content.decode()
    assert "Je serai en vacances" in page and "Refusé" in page


def test_professional_cancels_and_the_patient_reads_why(client, patient, professionnel):
    from django.urls import reverse

    from tests.conftest import connecter

    rdv = proposer(professionnel, patient.profil)
    services.rdv_repondre(acteur=acteur_patient(patient), rdv=rdv, accepte=True)
    services.rdv_annuler(acteur=acteur_de(professionnel), rdv=rdv, motif="Cabinet fermé ce jour")
    assert Rappel.objects.filter(rendez_vous=rdv).count() == 0
    assert Notification.objects.filter(motif="rdv_annule", destinataire=patient.email).exists()
    assert Entree.objects.filter(action="rdv_annule", profil=patient.profil).count() == 1
    connecter(client, patient)
    page = client.get(reverse("agenda:rdv", args=[rdv.public_id])).content.decode()
    assert "Cabinet fermé ce jour" in page


def test_a_blocked_professional_can_no_longer_see_nor_cancel_their_proposal(patient, professionnel):
    from consentement.acces import choix as consentement

    rdv = proposer(professionnel, patient.profil)
    consentement.professionnel_bloquer(
        acteur=acteur_patient(patient), professionnel=professionnel.professionnel
    )
    with pytest.raises(Introuvable):
        services.rdv_annuler(acteur=acteur_de(professionnel), rdv=rdv, motif="x")


def test_journal_records_what_others_do_not_what_the_titulaire_does(patient, parent, mineur):
    rdv = rdv_de(patient)
    services.rdv_annuler(acteur=acteur_patient(patient), rdv=rdv, motif="Empêchement")
    assert not Entree.objects.filter(profil=patient.profil, action__startswith="rdv_").exists()

    acteur = acteur_patient(parent, mineur)
    enfant = services.rdv_ajouter(acteur=acteur, saisie=saisie())
    services.rdv_modifier(
        acteur=acteur, rdv=enfant, saisie=saisie(timezone.now() + timedelta(days=9))
    )
    services.rdv_annuler(acteur=acteur, rdv=enfant, motif="Malade")
    actions = list(
        Entree.objects.filter(profil=mineur).order_by("rang").values_list("action", flat=True)
    )
    assert actions == ["rdv_cree", "rdv_modifie", "rdv_annule"]
    # No title, place nor reason in the journal.
    for entree in Entree.objects.filter(profil=mineur):
        assert "Consultation" not in str(entree.details) and "Malade" not in str(entree.details)


def test_a_childs_reminders_go_to_the_parent(parent, mineur):
    rdv = services.rdv_ajouter(acteur=acteur_patient(parent, mineur), saisie=saisie())
    services.rappels_balayer(maintenant=rdv.debut)
    destinataires = set(
        Notification.objects.filter(motif="rappel").values_list("destinataire", flat=True)
    )
    assert destinataires == {parent.email}
    corps = Notification.objects.filter(motif="rappel").first().corps
    assert "Yanis" in corps


# --- The sweep ------------------------------------------------------------------------------


def test_sweep_sends_due_reminders_once_with_no_health_content(patient, time_machine):
    time_machine.move_to(matin_a_paris(), tick=False)  # 9:00 in Paris: noon is still today
    debut = timezone.now() + timedelta(hours=3)
    rdv = rdv_de(patient, debut=debut, titre="Coloscopie de contrôle", lieu="Hôpital Saint-Louis")
    assert _cles(rdv) == [f"rappel:{rdv.public_id}:120:email"]  # 1 day before is already past
    assert services.rappels_balayer().envoyes == 0  # not due yet

    bilan = services.rappels_balayer(maintenant=debut - timedelta(minutes=90))
    assert bilan.envoyes == 1
    rappel = Rappel.objects.get(rendez_vous=rdv)
    assert rappel.statut == StatutRappel.ENVOYE and rappel.traite_le
    notif = Notification.objects.get(motif="rappel")
    assert notif.sujet.startswith("Rappel : rendez-vous aujourd'hui à 12 h")
    for texte in (notif.sujet, notif.corps):
        assert "Coloscopie" not in texte and "Saint-Louis" not in texte
    # Sweeping again sends nothing more.
    assert services.rappels_balayer(maintenant=debut - timedelta(minutes=30)).envoyes == 0
    assert Notification.objects.filter(motif="rappel").count() == 1


def test_the_message_says_tomorrow_at_9_30_in_paris_time(patient, time_machine):
    from datetime import datetime

    from agenda.heures import PARIS

    demain = timezone.localdate() + timedelta(days=2)
    debut = datetime(demain.year, demain.month, demain.day, 9, 30, tzinfo=PARIS)
    rdv_de(patient, debut=debut)
    # The day before at 9:30 in Paris, when the 24-hour reminder falls due: the sweep run
    # by the clock (no "maintenant" handed in) words it from there.
    time_machine.move_to(debut - timedelta(days=1), tick=False)
    services.rappels_balayer()
    notif = Notification.objects.get(motif="rappel")
    assert "demain à 9 h 30" in notif.corps


def test_a_late_reminder_is_sent_but_one_whose_appointment_began_is_marked_not_sent(patient):
    a_venir = rdv_de(patient, debut=timezone.now() + timedelta(hours=5))
    commence = rdv_de(patient, debut=timezone.now() + timedelta(hours=5))
    # Service was down: both reminders are overdue; the second appointment has begun since.
    Rappel.objects.update(echeance=timezone.now() - timedelta(hours=3))
    RendezVous.objects.filter(pk=commence.pk).update(
        debut=timezone.now() - timedelta(minutes=5), fin=timezone.now() + timedelta(minutes=25)
    )
    bilan = services.rappels_balayer()
    assert (bilan.envoyes, bilan.perimes) == (1, 1)
    assert Rappel.objects.get(rendez_vous=a_venir).statut == StatutRappel.ENVOYE
    assert Rappel.objects.get(rendez_vous=commence).statut == StatutRappel.PERIME
    assert Notification.objects.filter(motif="rappel").count() == 1


def test_sms_reminder_goes_through_the_sms_backend(patient, time_machine):
    from tests.conftest import courriels

    time_machine.move_to(matin_a_paris(), tick=False)  # "in 3 hours" is still today
    profil = patient.profil
    profil.telephone, profil.notifier_par_sms, profil.notifier_par_email = "0612345678", True, False
    profil.save()
    sms.boite.clear()
    rdv = rdv_de(patient, debut=timezone.now() + timedelta(hours=3))
    services.rappels_balayer(maintenant=rdv.debut - timedelta(hours=1))
    courriels()
    assert len(sms.boite) == 1
    numero, texte = sms.boite[0]
    assert numero == "0612345678" and texte.startswith(
        "espace-santé : rendez-vous aujourd'hui à 12 h"
    )


@pytest.mark.django_db(transaction=True)
def test_the_sweep_skips_rows_another_worker_holds(patient):
    """SKIP LOCKED: a row locked by a concurrent sweep is neither waited for nor sent here."""
    import threading

    from django.db import connections, transaction

    rdv = rdv_de(patient, debut=timezone.now() + timedelta(hours=3))
    rappel = Rappel.objects.get(rendez_vous=rdv)
    tenu, relache = threading.Event(), threading.Event()

    def autre_travailleur():
        with transaction.atomic():
            Rappel.objects.select_for_update().get(pk=rappel.pk)
            tenu.set()
            relache.wait(10)
        connections.close_all()

    fil = threading.Thread(target=autre_travailleur)
    fil.start()
    tenu.wait(10)
    try:
        assert services.rappels_balayer(maintenant=rdv.debut).envoyes == 0
    finally:
        relache.set()
        fil.join()
    assert services.rappels_balayer(maintenant=rdv.debut).envoyes == 1


def test_a_reminder_that_cannot_be_handed_over_does_not_hold_back_the_others(
    patient, parent, monkeypatch
):
    """One person's reminder fails (say their template context breaks): the others of the
    same batch still go, it stays due and is tried again later, never lost nor sent twice."""
    from agenda.services import rappels as module

    debut = timezone.now() + timedelta(hours=3)
    casse = rdv_de(patient, debut=debut)
    bons = [rdv_de(parent, debut=debut) for _ in range(3)]
    vrai_notifier = module.notifier

    def notifier(**kwargs):
        if kwargs["profil"] == patient.profil:
            raise RuntimeError("gabarit cassé")
        return vrai_notifier(**kwargs)

    monkeypatch.setattr(module, "notifier", notifier)
    bilan = services.rappels_balayer(maintenant=debut - timedelta(hours=1))
    assert (bilan.envoyes, bilan.reportes) == (3, 1)
    assert all(Rappel.objects.get(rendez_vous=r).statut == StatutRappel.ENVOYE for r in bons)
    rappel = Rappel.objects.get(rendez_vous=casse)
    assert rappel.statut == StatutRappel.A_ENVOYER and rappel.echeance > timezone.now()

    monkeypatch.setattr(module, "notifier", vrai_notifier)  # repaired
    bilan = services.rappels_balayer(maintenant=timezone.now() + timedelta(minutes=6))
    assert bilan.envoyes == 1
    assert Notification.objects.filter(motif="rappel").count() == 4
