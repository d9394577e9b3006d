"""Messaging pages through the real views: inbox, conversation, reply, attachments, saving
into the record, IDOR for every persona on every GET and POST, the unread count."""

from __future__ import annotations

import html

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consentement.acces.selectors import SESSION_PROFIL_ACTIF
from dossier.models import Document
from espace_sante.journal.models import Entree
from espace_sante.notifications.models import Notification
from messagerie.models import Conversation, Message, PieceJointe
from tests.actions import Action
from tests.comptes.factories import ProfessionnelFactory, ProfilFactory
from tests.conftest import PERSONAS, connecter, courriels
from tests.dossier.test_vues import ouvrir_acces
from tests.lib.corpus import pdf
from tests.messagerie.outils import ecrire, pdf_hostile, piece

pytestmark = pytest.mark.django_db


def texte(reponse) -> str:
    return html.unescape(reponse.content.decode())


def fichier(nom="resultat.pdf", contenu=None):
    return SimpleUploadedFile(nom, contenu or pdf(), content_type="application/pdf")


def test_patient_reads_replies_with_an_attachment_and_the_pro_is_told(
    client, patient, professionnel
):
    conversation = ecrire(professionnel, patient.profil, sujet="Vos résultats")
    connecter(client, patient)
    boite = texte(client.get(reverse("messagerie:accueil")))
    assert "Vos résultats" in boite and "Non lu" in boite
    assert "conversations non lues</span>" in boite or "conversation non lue" in boite
    page = client.get(reverse("messagerie:conversation", args=[conversation.public_id]))
    assert page.status_code == 200 and "Bonjour, tout va bien." in texte(page)
    assert "Non lu" not in texte(client.get(reverse("messagerie:accueil")))
    reponse = client.post(
        reverse("messagerie:repondre", args=[conversation.public_id]),
        {"corps": "Merci docteur, voici ma prise de sang.", "pieces": [fichier()]},
    )
    assert reponse.status_code == 302
    message = Message.objects.latest("envoye_le")
    assert message.cote == "patient" and message.pieces.count() == 1
    (avis,) = Notification.objects.filter(motif="reponse_patient")
    assert avis.destinataire == professionnel.email and "prise de sang" not in avis.corps
    # The titulaire's own reads are not journaled; her message is.
    assert not Entree.objects.filter(action=Action.CONVERSATION_LUE).exists()


def test_a_hostile_attachment_keeps_the_text_and_stores_nothing(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil)
    connecter(client, patient)
    reponse = client.post(
        reverse("messagerie:repondre", args=[conversation.public_id]),
        {"corps": "Mon texte à ne pas perdre", "pieces": [fichier("piege.pdf", pdf_hostile())]},
    )
    assert reponse.status_code == 400
    page = texte(reponse)
    assert "« piege.pdf »" in page and "contenu actif" in page
    assert "Mon texte à ne pas perdre" in page  # nothing lost: the textarea keeps it
    assert Message.objects.count() == 1 and PieceJointe.objects.count() == 0


def test_an_empty_reply_is_refused_in_french(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil)
    connecter(client, patient)
    reponse = client.post(reverse("messagerie:repondre", args=[conversation.public_id]), {})
    assert reponse.status_code == 400 and "Le message est vide" in texte(reponse)


def test_patient_saves_an_attachment_into_the_record_once(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, pieces=[piece("bilan.pdf")])
    pj = PieceJointe.objects.get(message__conversation=conversation)
    connecter(client, patient)
    page = client.get(reverse("messagerie:piece", args=[pj.public_id]))
    assert page.status_code == 200 and 'value="bilan"' in page.content.decode()
    fichier_servi = client.get(reverse("messagerie:piece_fichier", args=[pj.public_id]))
    assert fichier_servi["X-Content-Type-Options"] == "nosniff"
    assert fichier_servi["Content-Security-Policy"].startswith("sandbox")
    url = reverse("messagerie:piece_enregistrer", args=[pj.public_id])
    assert client.post(url, {"titre": "Bilan", "categorie": "biologie"}).status_code == 302
    document = Document.objects.get(profil=patient.profil)
    assert document.categorie == "biologie" and "Dr Jeanne Lefèvre" in document.provenance
    assert "Provenance" in texte(client.get(reverse("dossier:document", args=[document.public_id])))
    assert Entree.objects.filter(action=Action.PIECE_ENREGISTREE).count() == 1
    again = client.post(url, {"titre": "Bilan", "categorie": "biologie"})
    assert again.status_code == 400 and "déjà enregistrée" in texte(again)
    assert Document.objects.count() == 1


def test_professional_writes_by_nir_and_a_wrong_or_blocked_patient_looks_the_same(
    client, patient, professionnel
):
    connecter(client, professionnel)
    profil = patient.profil
    donnees = {
        "nir": profil.nir,
        "date_naissance": "1985-05-14",
        "sujet": "Rendez-vous",
        "corps": "Venez me voir.",
        "pieces": [fichier()],
    }
    reponse = client.post(reverse("messagerie:pro_ecrire"), donnees)
    assert reponse.status_code == 302
    conversation = Conversation.objects.get()
    assert conversation.messages.get().pieces.count() == 1
    donnees.update(pieces=[fichier()], date_naissance="1990-01-01")
    mauvais = client.post(reverse("messagerie:pro_ecrire"), donnees)
    assert mauvais.status_code == 400
    assert "Aucun patient joignable" in texte(mauvais)
    assert Conversation.objects.count() == 1


def test_professional_writes_from_the_patients_page_while_access_runs(
    client, patient, professionnel
):
    url = reverse("messagerie:pro_ecrire_patient", args=[patient.profil.public_id])
    connecter(client, professionnel)
    assert client.get(url).status_code == 404  # no access yet
    ouvrir_acces(professionnel, patient.profil)
    assert client.get(url).status_code == 200
    reponse = client.post(url, {"sujet": "Suivi", "corps": "Comment allez-vous ?"})
    assert reponse.status_code == 302
    assert Conversation.objects.get().profil == patient.profil


def test_professional_proposes_an_appointment_from_the_conversation_while_access_runs(
    client, patient, professionnel
):
    conversation = ecrire(professionnel, patient.profil)
    page = reverse("messagerie:conversation", args=[conversation.public_id])
    proposer = reverse("agenda:pro_proposer", args=[patient.profil.public_id])
    connecter(client, professionnel)
    assert proposer not in texte(client.get(page))  # no access to the record: no link
    ouvrir_acces(professionnel, patient.profil)
    assert proposer in texte(client.get(page))
    assert client.get(proposer).status_code == 200
    connecter(client, patient)
    assert proposer not in texte(client.get(page))


def test_professional_closes_from_the_page_and_the_patient_can_no_longer_reply(
    client, patient, professionnel
):
    conversation = ecrire(professionnel, patient.profil)
    connecter(client, professionnel)
    assert (
        client.post(reverse("messagerie:fermer", args=[conversation.public_id])).status_code == 302
    )
    connecter(client, patient)
    page = texte(client.get(reverse("messagerie:conversation", args=[conversation.public_id])))
    assert "Conversation terminée" in page and "Répondre" not in page
    reponse = client.post(
        reverse("messagerie:repondre", args=[conversation.public_id]), {"corps": "Et pourtant ?"}
    )
    assert reponse.status_code == 400 and "close" in texte(reponse)


def test_the_parent_reads_the_childs_conversation_and_the_read_is_journaled(
    client, parent, mineur, professionnel
):
    conversation = ecrire(professionnel, mineur, sujet="Vaccins de Yanis")
    confidentielle = ecrire(professionnel, mineur, sujet="Secret", confidentiel=True)
    connecter(client, parent)
    boite = texte(client.get(reverse("messagerie:accueil")))
    assert "Yanis" in boite and "1 conversation non lue" in boite  # on his own profile
    session = client.session
    session[SESSION_PROFIL_ACTIF] = str(mineur.public_id)
    session.save()
    boite = texte(client.get(reverse("messagerie:accueil")))
    assert "Vaccins de Yanis" in boite and "Secret" not in boite
    assert (
        client.get(reverse("messagerie:conversation", args=[conversation.public_id])).status_code
        == 200
    )
    assert (
        client.get(reverse("messagerie:conversation", args=[confidentielle.public_id])).status_code
        == 404
    )
    lue = Entree.objects.get(action=Action.CONVERSATION_LUE)
    assert lue.role == "representant" and lue.profil == mineur
    historique = texte(client.get(reverse("dossier:historique"), {"moi": "on"}))
    assert "Conversation lue : échange avec Dr Jeanne Lefèvre" in historique
    assert "Message envoyé" in historique


def test_the_unread_count_shows_in_the_header_of_every_page(client, patient, professionnel):
    ecrire(professionnel, patient.profil)
    ecrire(professionnel, patient.profil, sujet="Autre")
    connecter(client, patient)
    for nom in ["dossier:accueil", "consentement:mes_choix"]:
        assert (
            '2<span class="fr-sr-only"> conversations non lues'
            in client.get(reverse(nom)).content.decode()
        )


def test_the_patient_turns_new_message_notices_off(client, patient, professionnel):
    ecrire(professionnel, patient.profil, sujet="Premier")
    assert [m.subject for m in courriels()] == ["Vous avez un nouveau message sur espace-santé"]
    assert "Premier" not in courriels()[0].body and "tout va bien" not in courriels()[0].body
    connecter(client, patient)
    client.post(reverse("consentement:coordonnees"), {"notifier_par_email": "on"})
    patient.profil.refresh_from_db()
    assert patient.profil.notifier_nouveau_message is False
    ecrire(professionnel, patient.profil, sujet="Second")
    assert [m.subject for m in courriels()].count(
        "Vous avez un nouveau message sur espace-santé"
    ) == 1


def test_archive_and_search_in_the_inbox(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, sujet="Échographie abdominale")
    ecrire(professionnel, patient.profil, sujet="Ordonnance")
    connecter(client, patient)
    trouve = texte(client.get(reverse("messagerie:accueil"), {"q": "echographie"}))
    assert "Échographie abdominale" in trouve and "Ordonnance" not in trouve
    client.post(reverse("messagerie:archiver", args=[conversation.public_id]))
    assert "Échographie" not in texte(client.get(reverse("messagerie:accueil")))
    assert "Échographie" in texte(client.get(reverse("messagerie:accueil"), {"archives": "1"}))


# --- IDOR: another patient's conversation and attachment answer 404 to everyone -----------

GETS = ["messagerie:conversation", "messagerie:piece", "messagerie:piece_fichier"]
POSTS = [
    "messagerie:repondre",
    "messagerie:fermer",
    "messagerie:archiver",
    "messagerie:piece_enregistrer",
]


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "anonyme"])
def test_another_patients_conversation_is_404_for_every_persona(client_de, persona):
    autre = ProfilFactory(active=True)
    conversation = ecrire(ProfessionnelFactory().user, autre, pieces=[piece()])
    pj = PieceJointe.objects.get()
    client = client_de(persona)
    for nom in GETS + POSTS:
        cible = pj if nom.startswith("messagerie:piece") else conversation
        url = reverse(nom, args=[cible.public_id])
        if nom in GETS:
            assert client.get(url).status_code == 404, nom
        else:
            donnees = {"corps": "intrus", "titre": "x", "categorie": "biologie", "archivee": "1"}
            assert client.post(url, donnees).status_code == 404, nom
    ecrire_url = reverse("messagerie:pro_ecrire_patient", args=[autre.public_id])
    assert client.get(ecrire_url).status_code == 404
    assert client.post(ecrire_url, {"sujet": "x", "corps": "y"}).status_code == 404
    assert Message.objects.count() == 1 and not Document.objects.exists()
    assert Conversation.objects.get().fermee_le is None


def test_blocked_professional_loses_their_conversations(client, patient, professionnel):
    from consentement.acces import choix
    from tests.conftest import acteur_de

    conversation = ecrire(professionnel, patient.profil)
    choix.professionnel_bloquer(
        acteur=acteur_de(patient, patient.profil), professionnel=professionnel.professionnel
    )
    connecter(client, professionnel)
    assert (
        client.get(reverse("messagerie:conversation", args=[conversation.public_id])).status_code
        == 404
    )
    assert "Vos résultats" not in texte(client.get(reverse("messagerie:pro_boite")))


def test_an_sms_only_patient_is_told_by_sms_without_health_content(professionnel):
    from espace_sante.notifications import sms

    sms.boite.clear()
    profil = ProfilFactory(par_sms=True)
    ecrire(professionnel, profil, sujet="Résultat de biopsie", corps="Rien d'inquiétant.")
    assert courriels() == []
    ((numero, texte),) = sms.boite
    assert numero == "+33612345678" and "nouveau message" in texte
    assert "biopsie" not in texte and "inquiétant" not in texte


def test_a_confidential_conversation_tells_the_minor_not_the_parents(
    parent, mineur, professionnel, compte_du_mineur
):
    ecrire(professionnel, mineur, sujet="Contraception", confidentiel=True)
    (avis,) = courriels()
    assert avis.to == [compte_du_mineur.email]  # the minor is told, at their own account
    assert "Contraception" not in avis.subject + avis.body
    # An ordinary conversation with the same minor is told to the parent: the silence above
    # is the confidentiality's, not an absent parent address.
    ecrire(professionnel, mineur, sujet="Vaccin")
    assert parent.email in [adresse for m in courriels() for adresse in m.to]


def test_a_parent_cannot_steer_a_confidential_notice_to_themselves(
    client, parent, mineur, professionnel
):
    """The minor's contact details are the parents' to edit: a confidential exchange is
    told only to the minor's own account, never to the profile's address."""
    mineur.email_contact, mineur.notifier_par_email = parent.email, True
    mineur.save(update_fields=["email_contact", "notifier_par_email"])
    conversation = ecrire(professionnel, mineur, sujet="Contraception", confidentiel=True)
    assert parent.email not in [adresse for m in courriels() for adresse in m.to]
    # Nor through the agenda: no appointment is proposed from a confidential conversation.
    ouvrir_acces(professionnel, mineur)
    connecter(client, professionnel)
    page = texte(client.get(reverse("messagerie:conversation", args=[conversation.public_id])))
    assert reverse("agenda:pro_proposer", args=[mineur.public_id]) not in page


def test_the_professionals_read_is_in_the_patients_history(client, patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, sujet="Suivi tension")
    connecter(client, professionnel)
    assert "Suivi tension" in texte(client.get(reverse("messagerie:pro_boite")))
    assert (
        client.get(reverse("messagerie:conversation", args=[conversation.public_id])).status_code
        == 200
    )
    lue = Entree.objects.get(action=Action.CONVERSATION_LUE)
    assert lue.role == "professionnel" and lue.profil == patient.profil
    connecter(client, patient)
    historique = texte(client.get(reverse("dossier:historique")))
    assert "Conversation lue" in historique and "Dr Jeanne Lefèvre" in historique


def test_staff_never_read_a_patients_reply_waiting_to_go_back_by_smtp(
    client, patient, professionnel, admin_user
):
    from messagerie.enums import CanalMessage
    from tests.messagerie.outils import repondre

    conversation = ecrire(
        professionnel,
        patient.profil,
        sujet="Sérologie VIH",
        canal=CanalMessage.SMTP,
        adresse_professionnel=professionnel.email,
    )
    repondre(patient, conversation, corps="Je suis inquiète du résultat.")
    ligne = Notification.objects.get(motif="reponse_patient_smtp")
    connecter(client, admin_user)
    for url in [
        "/admin/notifications/notification/",
        f"/admin/notifications/notification/{ligne.pk}/change/",
    ]:
        page = texte(client.get(url))
        assert "Sérologie" not in page and "inquiète" not in page, url
        assert professionnel.email in page
