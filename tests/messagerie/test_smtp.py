"""The SMTP gateway, running (aiosmtpd on a free loopback port), spoken to by a real SMTP
client (smtplib): professionals write from their own mail software; everything else gets a
clear SMTP refusal, and a refused mail stores nothing, not even half."""

from __future__ import annotations

import smtplib
from pathlib import Path

import pytest
from django.conf import settings
from django.core import mail
from django.urls import reverse

from consentement.acces import choix
from espace_sante.journal.models import Entree
from espace_sante.notifications.models import Notification
from espace_sante.notifications.services import en_attente_envoyer
from messagerie import adresses
from messagerie.models import Conversation, Message, PieceJointe
from tests.actions import Action
from tests.comptes.factories import ProfilFactory
from tests.conftest import acteur_de
from tests.lib.corpus import pdf
from tests.messagerie.outils import courriel, envoyer, passerelle_lancee, pdf_hostile, repondre

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def passerelle(settings):
    settings.MESSAGERIE_SMTP_TAILLE_MAX = 400_000
    with passerelle_lancee() as serveur:
        yield serveur


def _fichiers(profil) -> set[Path]:
    """This patient's attachment files on disk (the media folder is shared by the tests
    running in parallel: only this patient's folder is this test's)."""
    racine = Path(settings.MEDIA_ROOT)
    return {p for p in racine.rglob(f"messagerie/{profil.public_id}/*") if p.is_file()}


def test_a_multipart_mail_with_an_attachment_starts_a_conversation_and_fin_closes_it(
    passerelle, patient, professionnel
):
    profil = patient.profil
    premier = courriel(professionnel, profil, pieces=[("bilan.pdf", pdf())])
    assert envoyer(passerelle, premier) is None
    conversation = Conversation.objects.get()
    assert (conversation.profil, conversation.sujet) == (profil, "Résultats")
    assert conversation.adresse_professionnel == professionnel.email
    message = conversation.messages.get()
    assert message.corps.strip() == "Bonjour, voici vos résultats."
    assert message.pieces.get().nom == "bilan.pdf" and message.canal == "smtp"
    assert Entree.objects.filter(action=Action.MESSAGE_ENVOYE, profil=profil).count() == 1
    en_attente_envoyer()
    assert [m.subject for m in mail.outbox] == ["Vous avez un nouveau message sur espace-santé"]
    assert "Résultats" not in mail.outbox[0].body  # no health content in the notice

    # The patient replies in the portal: the reply goes back to the pro's mail software,
    # threaded, with its attachment, once however often the outbox is drained.
    from tests.messagerie.outils import piece

    reponse = repondre(
        patient,
        conversation,
        corps="Merci, et ma prise de sang ?",
        pieces=[piece("prise-de-sang.pdf")],
    )
    en_attente_envoyer()
    en_attente_envoyer()
    (sortant,) = [m for m in mail.outbox if m.to == [professionnel.email]]
    assert sortant.extra_headers["In-Reply-To"] == message.message_id
    assert sortant.extra_headers["Message-ID"] == reponse.message_id
    assert adresses.adresse_patient(profil) in sortant.from_email
    assert "ma prise de sang" in sortant.body
    assert [nom for nom, _, _ in sortant.attachments] == ["prise-de-sang.pdf"]
    assert Notification.objects.get(motif="reponse_patient_smtp").envoye_le is not None

    # The professional answers from their mail software with "[FIN]": same conversation, closed.
    fin = courriel(
        professionnel,
        profil,
        sujet="[FIN] Re: Résultats",
        corps="Rien à refaire.",
        In_Reply_To=reponse.message_id,
        References=f"{message.message_id} {reponse.message_id}",
    )
    assert envoyer(passerelle, fin) is None
    conversation.refresh_from_db()
    assert Conversation.objects.count() == 1 and conversation.fermee_le is not None
    assert conversation.messages.count() == 3
    assert Entree.objects.filter(action=Action.CONVERSATION_FERMEE, profil=profil).exists()

    # A relay retrying the same mail stores no copy.
    assert envoyer(passerelle, fin) is None
    assert conversation.messages.count() == 3


def test_unknown_sender_is_refused_at_mail_from(passerelle, patient):
    message = courriel(patient, patient.profil)  # a patient is not in the directory
    code, texte = envoyer(passerelle, message, expediteur="inconnu@exemple.fr")
    assert code == 550 and "Expediteur inconnu" in texte
    assert not Conversation.objects.exists()


def test_unknown_patient_and_blocking_patient_get_the_same_refusal(
    passerelle, patient, professionnel
):
    inconnu = envoyer(
        passerelle,
        courriel(professionnel, patient.profil),
        destinataire=f"299999999999999@{adresses.domaine_patients()}",
    )
    ailleurs = envoyer(
        passerelle, courriel(professionnel, patient.profil), destinataire="camille@exemple.fr"
    )
    choix.professionnel_bloquer(
        acteur=acteur_de(patient, patient.profil), professionnel=professionnel.professionnel
    )
    bloque = envoyer(passerelle, courriel(professionnel, patient.profil))
    assert inconnu == ailleurs == bloque
    assert inconnu[0] == 550 and "Destinataire inconnu" in inconnu[1]
    assert not Conversation.objects.exists()
    assert Entree.objects.filter(action=Action.MESSAGE_REFUSE, profil=patient.profil).exists()


def test_an_oversized_mail_is_refused_whole(passerelle, patient, professionnel):
    avant = _fichiers(patient.profil)
    gros = courriel(professionnel, patient.profil, pieces=[("gros.pdf", pdf() + b"%" * 500_000)])
    code, _ = envoyer(passerelle, gros)
    assert code == 552
    assert not Conversation.objects.exists() and _fichiers(patient.profil) == avant


def test_a_malformed_mime_mail_is_refused(passerelle, patient, professionnel):
    brut = (
        f"From: {professionnel.email}\r\nTo: {adresses.adresse_patient(patient.profil)}\r\n"
        "Subject: Casse\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="XYZ"\r\n\r\n'
        "--XYZ\r\nContent-Type: text/plain\r\n\r\nTexte\r\n"
        "--XYZ\r\nContent-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        'Content-Disposition: attachment; filename="a.pdf"\r\n\r\nJVBER!!!i0xLj*\r\n'
    )  # no closing boundary, broken base64
    with smtplib.SMTP(passerelle.hostname, passerelle.port, timeout=30) as client:
        with pytest.raises(smtplib.SMTPDataError) as refus:
            client.sendmail(
                professionnel.email, [adresses.adresse_patient(patient.profil)], brut.encode()
            )
    assert refus.value.smtp_code == 550 and b"5.6.0" in refus.value.smtp_error
    assert not Conversation.objects.exists() and not Message.objects.exists()


def test_a_hostile_attachment_refuses_the_whole_mail(passerelle, patient, professionnel):
    avant = _fichiers(patient.profil)
    message = courriel(
        professionnel, patient.profil, pieces=[("ok.pdf", pdf()), ("piege.pdf", pdf_hostile())]
    )
    code, texte = envoyer(passerelle, message)
    assert code == 550 and "piege.pdf" in texte
    assert not Conversation.objects.exists() and not PieceJointe.objects.exists()
    assert _fichiers(patient.profil) == avant


def test_the_from_header_must_match_the_envelope(passerelle, patient, professionnel):
    autre = ProfilFactory(active=True)
    message = courriel(professionnel, patient.profil)
    message.replace_header("From", autre.titulaire.email)
    code, texte = envoyer(passerelle, message, expediteur=professionnel.email)
    assert code == 550 and "From" in texte
    assert not Conversation.objects.exists()


def test_only_the_operators_relays_may_hand_mail_over(passerelle, patient, professionnel, settings):
    """Connecting directly, nobody can claim a professional's address."""
    settings.MESSAGERIE_SMTP_RELAIS = ["10.20.0.0/16"]
    with pytest.raises(smtplib.SMTPConnectError) as refus:  # at connection, before any place
        envoyer(passerelle, courriel(professionnel, patient.profil))
    assert refus.value.smtp_code == 554 and b"relais" in refus.value.smtp_error
    assert not Conversation.objects.exists()
    settings.MESSAGERIE_SMTP_RELAIS = ["127.0.0.0/8"]
    assert envoyer(passerelle, courriel(professionnel, patient.profil)) is None


def test_refused_recipients_never_lock_the_professional_out_of_the_portal(
    client, passerelle, patient, professionnel
):
    from tests.conftest import connecter

    for n in range(settings.LOCKOUT_MAX_FAILURES + 1):
        envoyer(
            passerelle,
            courriel(professionnel, patient.profil),
            destinataire=f"29999999999999{n}@{adresses.domaine_patients()}",
        )
    connecter(client, professionnel)
    reponse = client.post(
        reverse("dossier:pro_accueil"),
        {"nir": patient.profil.nir, "date_naissance": patient.profil.date_naissance.isoformat()},
    )
    assert reponse.status_code == 302  # the record opens


def test_one_message_id_for_two_patients_reaches_both(passerelle, patient, professionnel):
    autre = ProfilFactory(active=True)
    identifiant = adresses.nouveau_message_id()
    for profil in (patient.profil, autre):
        message = courriel(professionnel, profil, message_id=identifiant)
        assert envoyer(passerelle, message) is None
    assert {c.profil for c in Conversation.objects.all()} == {patient.profil, autre}


def test_a_new_mail_to_a_minor_stays_confidential_after_a_confidential_exchange(
    passerelle, mineur, professionnel
):
    from tests.messagerie.outils import ecrire

    ecrire(professionnel, mineur, sujet="Contraception", confidentiel=True)
    assert envoyer(passerelle, courriel(professionnel, mineur, sujet="Suite")) is None
    assert Conversation.objects.get(canal="smtp").confidentiel


def test_too_many_attachments_are_refused_before_any_is_read(passerelle, patient, professionnel):
    from messagerie.services import PIECES_MAX

    pieces = [(f"piece-{n}.pdf", pdf()) for n in range(PIECES_MAX + 1)]
    code, texte = envoyer(passerelle, courriel(professionnel, patient.profil, pieces=pieces))
    assert code == 552 and "pieces jointes au plus" in texte
    assert not Conversation.objects.exists()


def test_an_html_mail_is_stored_as_its_readable_text(passerelle, patient, professionnel):
    message = courriel(professionnel, patient.profil)
    message.set_content(
        "<html><head><style>p { color: red }</style></head><body>"
        "<p>Bonjour&nbsp;Camille,</p><!-- signature --><p>vos <b>r&eacute;sultats</b>"
        " sont normaux (a &lt; b).<script>alert(1)</script></p></body></html>",
        subtype="html",
    )
    assert envoyer(passerelle, message) is None
    assert (
        Message.objects.get().corps == "Bonjour\xa0Camille,\n\nvos résultats sont normaux (a < b)."
    )
