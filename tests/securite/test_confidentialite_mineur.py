"""A minor's confidential appointment (issue 18, point 6).

A doctor proposes "Consultation contraception (confidentiel)" to Yanis, a minor, from
``/pro/patients/<minor>/rendez-vous/`` and ticks "Confidentiel". Before the fix the agenda
had no notion of it: the notice was emailed to his mother, and the appointment was in her
agenda, its .ics file and her calendar feed. Now the parent sees none of it, anywhere,
while the doctor and Yanis's own account do; the notice and the reminders go to Yanis only.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from agenda import services
from agenda.models import RendezVous
from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.journal.models import Entree
from espace_sante.notifications.models import Notification
from tests.agenda.outils import acteur_patient
from tests.conftest import connecter, courriels
from tests.dossier.test_vues import ouvrir_acces

pytestmark = pytest.mark.django_db

TITRE = "Consultation contraception (confidentiel)"


def _pour_le_mineur(client, parent, mineur):
    connecter(client, parent)
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()
    return client


def _proposer(client, professionnel, mineur, **champs) -> RendezVous:
    ouvrir_acces(professionnel, mineur)
    connecter(client, professionnel)
    url = reverse("agenda:pro_proposer", args=[mineur.public_id])
    jour = timezone.localdate() + timedelta(days=5)
    reponse = client.post(
        url,
        {
            "titre": TITRE,
            "jour": jour.isoformat(),
            "heure_debut": "16:00",
            "heure_fin": "16:30",
            "lieu": "Centre de santé",
            **champs,
        },
    )
    assert reponse.status_code == 302
    client.logout()
    return RendezVous.objects.get(profil=mineur)


def _avis(rdv):
    """The mails sent about the proposal (not the access opened before it)."""
    sujets = set(Notification.objects.filter(motif="rdv_propose").values_list("sujet", flat=True))
    return [m for m in courriels() if m.subject in sujets]


def _pages_du_parent(client, rdv) -> dict[str, object]:
    return {
        "agenda": client.get(reverse("agenda:accueil")),
        "mois": client.get(reverse("agenda:mois_de", args=[rdv.debut.year, rdv.debut.month])),
        "detail": client.get(reverse("agenda:rdv", args=[rdv.public_id])),
        "ics": client.get(reverse("agenda:rdv_ics", args=[rdv.public_id]) + "?details=1"),
        "historique": client.get(reverse("dossier:historique")),
    }


def test_a_doctors_confidential_proposal_stays_out_of_the_parents_agenda_feed_and_mail(
    client, parent, mineur, professionnel, compte_du_mineur
):
    # The mother subscribed her calendar to Yanis's agenda, with titles, before.
    _, jeton = services.abonnement_creer(
        acteur=acteur_patient(parent, mineur), nom="Yanis", details=True
    )
    rdv = _proposer(client, professionnel, mineur, confidentiel="on")

    envoyes = _avis(rdv)
    assert parent.email not in {a for m in envoyes for a in m.to}, "avis envoyé au parent"
    assert [m.to for m in envoyes] == [[compte_du_mineur.email]]
    assert "contraception" not in envoyes[0].body and "Yanis" not in envoyes[0].body

    _pour_le_mineur(client, parent, mineur)
    pages = _pages_du_parent(client, rdv)
    assert TITRE not in pages["agenda"].content.decode()
    assert TITRE not in pages["mois"].content.decode()
    assert pages["detail"].status_code == 404 and pages["ics"].status_code == 404
    lignes = pages["historique"].context["page"].object_list
    assert not [e for e in lignes if e.objet_id == str(rdv.public_id)]
    flux = client.get(reverse("agenda:flux", args=[jeton])).content.decode()
    assert str(rdv.public_id) not in flux and "contraception" not in flux
    # Nor the ledger's row of the minor's request.
    decision = Decision.objects.get(profil=mineur, type=TypeDecision.CONFIDENTIALITE)
    assert client.get(reverse("consentement:recu", args=[decision.public_id])).status_code == 404

    # The doctor (who has the box for a minor) and Yanis himself see it.
    connecter(client, professionnel)
    formulaire = reverse("agenda:pro_proposer", args=[mineur.public_id])
    assert 'name="confidentiel"' in client.get(formulaire).content.decode()
    assert TITRE in client.get(reverse("agenda:pro_rendez_vous")).content.decode()
    connecter(client, compte_du_mineur)
    assert TITRE in client.get(reverse("agenda:accueil")).content.decode()
    assert client.get(reverse("agenda:rdv", args=[rdv.public_id])).status_code == 200


def test_the_reminders_of_a_confidential_appointment_go_to_the_minor_only(
    client, parent, mineur, professionnel, compte_du_mineur
):
    parent.profil.notifier_par_sms, parent.profil.telephone = True, "+33612345678"
    parent.profil.save()
    rdv = _proposer(client, professionnel, mineur, confidentiel="on")
    services.rdv_repondre(acteur=acteur_patient(compte_du_mineur, mineur), rdv=rdv, accepte=True)
    services.rappels_balayer(maintenant=rdv.debut - timedelta(minutes=30))
    rappels = Notification.objects.filter(motif="rappel")
    assert rappels.exists()
    assert set(rappels.values_list("destinataire", flat=True)) == {compte_du_mineur.email}
    # The journal lines about it are marked: out of the parent's history.
    entrees = Entree.objects.filter(objet_id=str(rdv.public_id))
    assert entrees.exists() and all(e.details.get("confidentiel") for e in entrees)


def test_without_an_account_of_his_own_nobody_is_told_rather_than_the_parent(
    client, parent, mineur, professionnel
):
    rdv = _proposer(client, professionnel, mineur, confidentiel="on")
    assert _avis(rdv) == []


def test_an_ordinary_proposal_to_a_minor_still_reaches_the_parent(
    client, parent, mineur, professionnel
):
    rdv = _proposer(client, professionnel, mineur)
    assert not rdv.confidentiel
    assert [m.to for m in _avis(rdv)] == [[parent.email]]
    _pour_le_mineur(client, parent, mineur)
    assert client.get(reverse("agenda:rdv", args=[rdv.public_id])).status_code == 200


def test_only_a_professional_for_a_minor_may_make_an_appointment_confidential(
    client, patient, parent, mineur, professionnel
):
    from espace_sante.lib.refus import SaisieInvalide
    from tests.agenda.outils import saisie

    ouvrir_acces(professionnel, patient.profil)
    connecter(client, professionnel)
    url = reverse("agenda:pro_proposer", args=[patient.profil.public_id])
    assert 'name="confidentiel"' not in client.get(url).content.decode()  # an adult: no box
    for acteur in (acteur_patient(parent, mineur), acteur_patient(patient)):
        with pytest.raises(SaisieInvalide):
            services.rdv_ajouter(acteur=acteur, saisie=saisie(confidentiel=True))
