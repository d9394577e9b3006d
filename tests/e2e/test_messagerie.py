"""Secure messaging in Chromium, axe on every page (issue 12, point 8): the professional
writes with an attachment, the patient sees the unread count, reads, replies, saves the
attachment into the record; the professional closes with "[FIN]" from their mail software."""

from __future__ import annotations

import smtplib

import pytest
from django.core import mail

from dossier.models import Document
from messagerie import adresses
from messagerie.models import Conversation, Message
from tests.e2e.test_connexion import se_connecter
from tests.e2e.test_dossier import deconnecter
from tests.lib.corpus import pdf
from tests.messagerie.outils import passerelle_lancee
from tests.messagerie.test_smtp import courriel

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def passerelle():
    with passerelle_lancee() as serveur:
        yield serveur


def test_a_conversation_from_the_first_message_to_fin(
    page,
    passerelle,
    patient,
    professionnel,
    tmp_path,
):
    profil = patient.profil
    fichier = tmp_path / "bilan-sanguin.pdf"
    fichier.write_bytes(pdf())

    se_connecter(page, professionnel)
    page.aller("/pro/messagerie/ecrire/")
    page.page.get_by_label("NIR du patient").fill(profil.nir)
    page.page.get_by_label("Date de naissance du patient").fill(profil.date_naissance.isoformat())
    page.page.get_by_label("Objet").fill("Votre bilan sanguin")
    page.page.get_by_label("Message", exact=True).fill("Bonjour, voici le bilan. Tout est normal.")
    page.page.get_by_label("Pièces jointes").set_input_files(str(fichier))
    page.cliquer("Envoyer le message")
    assert page.page.locator("h1").inner_text() == "Votre bilan sanguin"
    assert "Votre message est envoyé" in page.page.locator("main").inner_text()

    deconnecter(page)
    mail.outbox.clear()
    se_connecter(page, patient)
    entete = page.page.get_by_role("link", name="Messagerie 1 conversation non lue")
    assert entete.count() >= 1  # the unread count in the header, read out to screen readers
    page.aller("/messagerie/")
    assert "non lu" in page.page.locator(".es-conversations").inner_text().lower()
    page.cliquer("Votre bilan sanguin", role="link")
    assert "Tout est normal." in page.page.locator("main").inner_text()
    assert page.page.get_by_role("link", name="Messagerie 1 conversation non lue").count() == 0

    page.page.get_by_label("Votre message").fill("Merci docteur, je le garde dans mon dossier.")
    page.cliquer("Envoyer")
    assert "Votre message est envoyé" in page.page.locator("main").inner_text()
    assert "je le garde dans mon dossier" in page.page.locator(".es-fil").inner_text()

    page.cliquer("bilan-sanguin.pdf", role="link")
    page.page.get_by_label("Catégorie").select_option(value="biologie")
    page.cliquer("Enregistrer dans le dossier")
    assert "enregistrée dans le dossier médical" in page.page.locator("main").inner_text()
    page.cliquer("Voir le document", role="link")
    assert "Provenance" in page.page.locator("main").inner_text()
    assert Document.objects.get(profil=profil).categorie == "biologie"

    # The professional answers "[FIN]" from their own mail software, threaded on the reply.
    conversation = Conversation.objects.get()
    reponse = Message.objects.get(cote="patient")
    fin = courriel(
        professionnel,
        profil,
        sujet="[FIN] Re: Votre bilan sanguin",
        corps="Parfait, bonne continuation.",
        In_Reply_To=reponse.message_id,
    )
    with smtplib.SMTP(passerelle.hostname, passerelle.port, timeout=30) as client:
        client.send_message(fin)
    page.aller(f"/messagerie/conversations/{conversation.public_id}/")
    texte = page.page.locator("main").inner_text()
    assert "Conversation terminée par le professionnel" in texte
    assert "bonne continuation" in texte
    assert page.page.get_by_role("button", name="Envoyer").count() == 0
    assert adresses.adresse_patient(profil)  # the patient's address the pro wrote to


@pytest.mark.parametrize("taille", ["telephone"], indirect=True)
def test_messaging_pages_fit_a_phone(page, parent, mineur, professionnel):
    from messagerie.models import PieceJointe
    from tests.messagerie.outils import ecrire, piece

    conversation = ecrire(
        professionnel,
        mineur,
        sujet="Rappel de vaccination contre la diphtérie, le tétanos et la poliomyélite",
        pieces=[piece()],
    )
    se_connecter(page, parent)
    page.aller("/messagerie/")
    page.verifier_largeur()
    assert "Yanis" in page.page.locator("main").inner_text()  # the child's unread notice
    for chemin, titre in [
        (f"/messagerie/conversations/{conversation.public_id}/", "Rappel de vaccination"),
        (f"/messagerie/pieces/{PieceJointe.objects.get().public_id}/", "compte-rendu.pdf"),
    ]:
        page.aller(chemin)
        page.verifier_largeur()
        assert titre in page.page.locator("h1").inner_text()
    deconnecter(page)
    se_connecter(page, professionnel)
    for chemin in ["/pro/messagerie/", "/pro/messagerie/ecrire/"]:
        page.aller(chemin)
        page.verifier_largeur()
