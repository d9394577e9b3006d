"""A hostile professional writing outside their profession, and the patient's answer.

Issue 9, item 3: a professional writes only in the categories their profession may read;
the person's own wishes (advance directives, organ donation, people to contact) are
written only by the person or their legal representative; the patient masks any entry a
professional added and signals an error to its author (journaled, the author is told).
"""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from consentement.enums import TypeDecision
from consentement.models import Decision
from dossier.models import Document, InformationMedicale, Signalement
from espace_sante.comptes.enums import Profession
from espace_sante.journal.models import Entree
from espace_sante.notifications.services import notification_envoyer as envoyer
from tests.actions import Action
from tests.comptes.factories import ProfessionnelFactory
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces, televerser, texte
from tests.lib.corpus import pdf

pytestmark = pytest.mark.django_db


@pytest.fixture
def pharmacien(db):
    return ProfessionnelFactory(profession=Profession.PHARMACIEN).user


def _ajouter(client, profil, rubrique, libelle):
    url = reverse("dossier:information_ajouter", args=[profil.public_id, rubrique])
    return client.post(url, {"libelle": libelle, "details": "", "date": ""})


@pytest.mark.parametrize(
    ("rubrique", "libelle"),
    [
        ("directives_anticipees", "Ne pas réanimer"),
        ("don_organes", "refus"),
        ("personne_a_prevenir", "Un inconnu"),
        ("antecedent_medical", "Diabète"),
    ],
)
def test_pharmacist_cannot_write_the_persons_wishes_nor_outside_their_profession(
    client, patient, pharmacien, rubrique, libelle
):
    profil = patient.profil
    ouvrir_acces(pharmacien, profil)
    connecter(client, pharmacien)
    assert _ajouter(client, profil, rubrique, libelle).status_code == 404
    url = reverse("dossier:information_ajouter", args=[profil.public_id, rubrique])
    assert client.get(url).status_code == 404
    assert not InformationMedicale.objects.exists()
    page = texte(client.get(reverse("dossier:pro_dossier", args=[profil.public_id])))
    assert url not in page


def test_even_a_doctor_cannot_write_advance_directives_for_the_patient(
    client, patient, professionnel
):
    profil = patient.profil
    ouvrir_acces(professionnel, profil)
    connecter(client, professionnel)
    assert _ajouter(client, profil, "directives_anticipees", "Ne pas réanimer").status_code == 404
    reponse = televerser(client, profil, pdf(), categorie="directives")
    assert reponse.status_code == 400
    assert not Document.objects.exists() and not InformationMedicale.objects.exists()


def test_pharmacist_cannot_upload_a_document_in_a_category_they_cannot_read(
    client, patient, pharmacien
):
    profil = patient.profil
    ouvrir_acces(pharmacien, profil)
    connecter(client, pharmacien)
    formulaire = texte(client.get(reverse("dossier:document_ajouter", args=[profil.public_id])))
    assert "Imagerie" not in formulaire and "Ordonnance" in formulaire
    assert televerser(client, profil, pdf(), categorie="imagerie").status_code == 400
    assert not Document.objects.exists()


def test_pharmacist_still_writes_an_allergy_and_the_patient_masks_and_signals_it(
    client, patient, pharmacien, professionnel
):
    profil = patient.profil
    ouvrir_acces(pharmacien, profil)
    connecter(client, pharmacien)
    assert _ajouter(client, profil, "allergie", "Pénicilline").status_code == 302
    info = InformationMedicale.objects.get()
    connecter(client, patient)
    page = texte(client.get(reverse("dossier:profil_medical")))
    assert "Masquer aux professionnels" in page and "Signaler une erreur" in page
    masquer = reverse("dossier:element_masquer", args=["information", info.public_id])
    assert client.post(masquer, {"masque": "1"}).status_code == 302
    assert Decision.objects.filter(profil=profil, type=TypeDecision.MASQUAGE).exists()
    # Another doctor no longer sees it; its author still does.
    ouvrir_acces(professionnel, profil)
    autre = texte(
        connecter(client, professionnel).get(
            reverse("dossier:pro_dossier", args=[profil.public_id])
        )
    )
    assert "Pénicilline" not in autre
    auteur = texte(
        connecter(client, pharmacien).get(reverse("dossier:pro_dossier", args=[profil.public_id]))
    )
    assert "Pénicilline" in auteur


def test_patient_signals_an_error_the_author_is_emailed_and_reads_it(client, patient, pharmacien):
    profil = patient.profil
    ouvrir_acces(pharmacien, profil)
    connecter(client, pharmacien)
    _ajouter(client, profil, "allergie", "Pénicilline")
    info = InformationMedicale.objects.get()
    connecter(client, patient)
    url = reverse("dossier:element_signaler", args=["information", info.public_id])
    assert client.post(url, {"message": ""}).status_code == 400
    assert client.post(url, {"message": "Je ne suis pas allergique."}).status_code == 302
    signalement = Signalement.objects.get()
    assert Entree.objects.filter(profil=profil, action=Action.ERREUR_SIGNALEE).exists()
    mail.outbox.clear()
    from espace_sante.notifications.models import Notification

    for n in Notification.objects.all():
        envoyer(n.pk)
    courriel = next(m for m in mail.outbox if pharmacien.email in m.to)
    assert "pas allergique" not in courriel.body  # the message stays in the portal
    page = texte(connecter(client, pharmacien).get(reverse("dossier:pro_accueil")))
    assert "Je ne suis pas allergique." in page
    traiter = reverse("dossier:signalement_traiter", args=[signalement.public_id])
    assert client.post(traiter).status_code == 302
    assert Entree.objects.filter(profil=profil, action=Action.SIGNALEMENT_TRAITE).exists()
    assert "Je ne suis pas allergique." not in texte(client.get(reverse("dossier:pro_accueil")))


def test_only_the_author_sees_and_handles_a_report(client, patient, pharmacien, professionnel):
    profil = patient.profil
    ouvrir_acces(pharmacien, profil)
    connecter(client, pharmacien)
    _ajouter(client, profil, "allergie", "Pénicilline")
    info = InformationMedicale.objects.get()
    connecter(client, patient)
    url = reverse("dossier:element_signaler", args=["information", info.public_id])
    client.post(url, {"message": "Erreur"})
    signalement = Signalement.objects.get()
    connecter(client, professionnel)
    assert "Erreur" not in texte(client.get(reverse("dossier:pro_accueil")))
    traiter = reverse("dossier:signalement_traiter", args=[signalement.public_id])
    assert client.post(traiter).status_code == 404
    # The patient's own entries cannot be "signalled": there is no author to tell.
    connecter(client, patient)
    _ajouter(client, profil, "allergie", "Arachide")
    propre = InformationMedicale.objects.get(auteur=patient)
    url = reverse("dossier:element_signaler", args=["information", propre.public_id])
    assert client.get(url).status_code == 404
