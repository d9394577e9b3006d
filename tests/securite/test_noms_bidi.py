"""Names that lie about themselves (issue 18, point 9).

A right-to-left override makes "facture\\u202efdp.exe" read "factureexe.pdf". Before the
fix, document titles, conversation subjects, attachment names and appointment titles were
shown as sent, and an attachment's name went as sent into the mail a professional
receives. Now every name is cleaned where it enters (``lib.texte.nom_affichable``: no
control, bidi or invisible character) and every file name we send is cleaned again.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dossier.models import Document
from espace_sante.lib.telechargement import reponse_fichier
from espace_sante.lib.texte import nom_affichable
from espace_sante.notifications.models import Notification
from messagerie.enums import CanalMessage
from tests.agenda.outils import proposer
from tests.conftest import connecter, courriels
from tests.dossier.test_vues import televerser, texte
from tests.lib.corpus import pdf
from tests.messagerie.outils import ecrire, piece, repondre

pytestmark = pytest.mark.django_db

RLO = "\u202e"
MENTEUR = f"facture{RLO}fdp.exe"  # reads "factureexe.pdf"
VRAI = "facturefdp.exe"
# Every kind of character that reorders or hides text, and controls.
INVISIBLES = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c\u200b\ufeff\x00\x1b\x7f"


def _sans_invisibles(page: str) -> bool:
    return not any(c in page for c in INVISIBLES)


def test_every_reordering_or_control_character_is_removed_from_a_name():
    assert nom_affichable(MENTEUR) == VRAI
    assert nom_affichable(f"a{INVISIBLES}b") == "ab"
    assert nom_affichable(" Compte\nrendu\t2026 ") == "Compte rendu 2026"
    # Real text in any script is kept, joiners included (Persian, emoji sequences).
    for vrai in ("Résumé — Dr Lefèvre", "نامه\u200cها.pdf", "👩\u200d⚕️ ordonnance", "تقرير.pdf"):
        assert nom_affichable(vrai) == vrai


def test_a_document_title_is_shown_as_it_really_is(client, patient):
    connecter(client, patient)
    assert televerser(client, patient.profil, pdf(), titre=MENTEUR).status_code == 302
    document = Document.objects.get()
    for url in (
        reverse("dossier:accueil"),
        reverse("dossier:document", args=[document.public_id]),
    ):
        page = texte(client.get(url))
        assert VRAI in page and _sans_invisibles(page), url


def test_a_title_made_only_of_invisible_characters_is_refused(client, patient):
    connecter(client, patient)
    reponse = televerser(client, patient.profil, pdf(), titre=f"{RLO}\u2066\u200b")
    assert reponse.status_code == 400
    assert "Donnez un titre au document" in texte(reponse)


def test_a_conversation_subject_and_an_attachment_name_are_shown_as_they_really_are(
    client, patient, professionnel
):
    conversation = ecrire(
        professionnel,
        patient.profil,
        sujet=f"Résultats {MENTEUR}",
        pieces=[piece(nom=f"{MENTEUR}.pdf")],
    )
    connecter(client, patient)
    boite = texte(client.get(reverse("messagerie:accueil")))
    assert f"Résultats {VRAI}" in boite and _sans_invisibles(boite)
    page = texte(client.get(reverse("messagerie:conversation", args=[conversation.public_id])))
    assert f"{VRAI}.pdf" in page and _sans_invisibles(page)


def test_an_appointment_title_is_shown_as_it_really_is(client, patient, professionnel):
    proposer(professionnel, patient.profil, titre=f"Consultation {MENTEUR}")
    connecter(client, patient)
    page = texte(client.get(reverse("agenda:accueil")))
    assert f"Consultation {VRAI}" in page and _sans_invisibles(page)


def _reponse_par_mail(patient, professionnel, nom: str, *, ancienne: bool = False):
    """A patient's reply goes back to the professional's mail software with its
    attachments, whose names are the mail's Content-Disposition. ``ancienne``: the queued
    row still holds the name as sent (queued before names were cleaned at entry)."""
    conversation = ecrire(
        professionnel,
        patient.profil,
        sujet="Bilan",
        canal=CanalMessage.SMTP,
        adresse_professionnel=professionnel.email,
    )
    repondre(patient, conversation, pieces=[piece(nom=nom)])
    ligne = Notification.objects.get(motif="reponse_patient_smtp")
    if ancienne:
        ligne.pieces = [[ligne.pieces[0][0], nom, "application/pdf"]]
        ligne.save(update_fields=["pieces"])
    (mail,) = [m for m in courriels() if professionnel.email in m.to]
    ((nom_envoye, _, _),) = mail.attachments
    entete = str(mail.message().get_payload()[1]["Content-Disposition"])
    return nom_envoye, entete


@pytest.mark.parametrize("ancienne", [False, True])
def test_the_attachment_a_professional_receives_by_mail_has_a_clean_name(
    patient, professionnel, ancienne
):
    nom, entete = _reponse_par_mail(patient, professionnel, f"{MENTEUR}.pdf", ancienne=ancienne)
    assert nom == f"{VRAI}.pdf"
    assert RLO not in entete and "%E2%80%AE" not in entete.upper()


def test_a_download_never_carries_a_reordering_character_in_its_file_name(tmp_path):
    fichier = tmp_path / "f.pdf"
    fichier.write_bytes(pdf())
    with fichier.open("rb") as flux:
        reponse = reponse_fichier(
            flux, type_mime="application/pdf", taille=10, nom=f"{MENTEUR}.pdf", telechargement=True
        )
        entete = reponse["Content-Disposition"]
    assert "facturefdp.exe.pdf" in entete and "%E2%80%AE" not in entete.upper()
