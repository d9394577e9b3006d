"""Conversations through the services: who writes, who reads, encryption, closing, limits."""

from __future__ import annotations

import pytest
from django.db import connection

from consentement import acces
from consentement.acces import choix
from espace_sante.journal.models import Entree
from espace_sante.lib.refus import Introuvable, SaisieInvalide
from messagerie import selectors, services
from messagerie.models import Conversation, Message, PieceJointe
from tests.comptes.factories import ProfilFactory
from tests.conftest import acteur_de
from tests.messagerie.outils import ecrire, piece, repondre

pytestmark = pytest.mark.django_db


def test_professional_writes_with_an_attachment_and_the_patient_replies(patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, pieces=[piece()])
    repondre(patient, conversation, corps="Merci, à bientôt.")
    messages = list(conversation.messages.order_by("envoye_le", "pk"))
    assert [m.cote for m in messages] == ["professionnel", "patient"]
    assert messages[1].corps == "Merci, à bientôt."
    assert messages[0].pieces.get().type_mime == "application/pdf"
    actions = list(Entree.objects.filter(profil=patient.profil).values_list("action", flat=True))
    assert actions.count("message_envoye") == 2


def test_bodies_subjects_and_attachment_names_are_encrypted_at_rest(patient, professionnel):
    conversation = ecrire(
        professionnel,
        patient.profil,
        sujet="Sérologie VIH",
        corps="Résultat négatif.",
        pieces=[piece("serologie-vih.pdf")],
    )
    with connection.cursor() as cur:
        cur.execute("SELECT sujet FROM messagerie_conversation WHERE id = %s", [conversation.pk])
        (sujet,) = cur.fetchone()
        cur.execute("SELECT corps FROM messagerie_message")
        (corps,) = cur.fetchone()
        cur.execute("SELECT nom FROM messagerie_piecejointe")
        (nom,) = cur.fetchone()
    assert b"VIH" not in bytes(sujet) and "négatif".encode() not in bytes(corps)
    assert b"serologie" not in bytes(nom)
    stockee = PieceJointe.objects.get()
    with stockee.fichier.storage.open_raw(stockee.fichier.name) as brut:
        assert not brut.read().startswith(b"%PDF")
    with stockee.fichier.open("rb") as clair:
        assert clair.read().startswith(b"%PDF")
    assert Conversation.objects.get().sujet == "Sérologie VIH"


def test_a_patient_cannot_start_a_conversation(patient, professionnel):
    with pytest.raises(SaisieInvalide):
        services.conversation_demarrer(
            acteur=acteur_de(patient, patient.profil), profil=patient.profil, sujet="x", corps="y"
        )


def test_blocked_professional_gets_the_refusal_of_an_unknown_patient(patient, professionnel):
    choix.professionnel_bloquer(
        acteur=acteur_de(patient, patient.profil), professionnel=professionnel.professionnel
    )
    with pytest.raises(SaisieInvalide) as bloque:
        ecrire(professionnel, patient.profil)
    with pytest.raises(SaisieInvalide) as inconnu:
        ecrire(professionnel, ProfilFactory())  # announced: not open to professionals
    assert str(bloque.value) == str(inconnu.value) == services.AUCUN_PATIENT
    assert not Conversation.objects.exists()


def test_nobody_replies_in_a_closed_conversation_which_stays_readable(patient, professionnel):
    conversation = ecrire(professionnel, patient.profil)
    services.conversation_fermer(acteur=acteur_de(professionnel), conversation=conversation)
    with pytest.raises(SaisieInvalide, match="close"):
        repondre(patient, conversation)
    lecteur = acteur_de(patient, patient.profil)
    assert acces.peut_voir_conversation(lecteur, conversation)
    assert not acces.peut_repondre(lecteur, conversation)
    assert Entree.objects.filter(action="conversation_fermee").count() == 1


def test_a_fin_subject_closes_the_conversation_at_once(patient, professionnel):
    conversation = ecrire(professionnel, patient.profil, sujet="[FIN] Pas de suite à donner")
    conversation.refresh_from_db()
    assert conversation.fermee_le is not None
    assert services.est_fin("Re: RE:  [fin] merci") and not services.est_fin("Fin du traitement")


def test_only_the_professional_closes(patient, professionnel):
    conversation = ecrire(professionnel, patient.profil)
    assert not acces.peut_fermer(acteur_de(patient, patient.profil), conversation)
    with pytest.raises(Introuvable):
        services.conversation_fermer(
            acteur=acteur_de(patient, patient.profil), conversation=conversation
        )


def test_confidential_conversation_is_hidden_from_the_parent_with_its_history(
    parent, mineur, professionnel
):
    confidentielle = ecrire(professionnel, mineur, sujet="Contraception", confidentiel=True)
    ordinaire = ecrire(professionnel, mineur, sujet="Vaccins")
    representant = acces.en_patient_de(acteur_de(parent), mineur)
    visibles = set(selectors.boite(acteur=representant).values_list("pk", flat=True))
    assert visibles == {ordinaire.pk}
    assert not acces.peut_voir_conversation(representant, confidentielle)
    historique = Entree.objects.filter(acces.q_historique(representant))
    assert str(confidentielle.public_id) not in set(historique.values_list("objet_id", flat=True))
    assert str(ordinaire.public_id) in set(historique.values_list("objet_id", flat=True))


def test_an_adult_conversation_cannot_be_confidential(patient, professionnel):
    with pytest.raises(SaisieInvalide):
        ecrire(professionnel, patient.profil, confidentiel=True)


def test_mediator_and_stranger_see_no_conversation(patient, professionnel, mediateur, inconnu):
    conversation = ecrire(professionnel, patient.profil)
    for user in (mediateur, inconnu):
        acteur = acteur_de(user)
        assert not acces.peut_voir_conversation(acteur, conversation)
        assert not Conversation.objects.filter(acces.q_conversations(acteur)).exists()


@pytest.mark.parametrize("bloque", [False, True])
def test_predicate_and_filter_agree(patient, professionnel, parent, mineur, bloque):
    conversations = [
        ecrire(professionnel, patient.profil),
        ecrire(professionnel, mineur),
        ecrire(professionnel, mineur, confidentiel=True),
    ]
    if bloque:
        choix.professionnel_bloquer(
            acteur=acteur_de(patient, patient.profil), professionnel=professionnel.professionnel
        )
    lecteurs = [
        acteur_de(patient, patient.profil),
        acces.en_patient_de(acteur_de(parent), mineur),
        acteur_de(professionnel),
    ]
    for lecteur in lecteurs:
        filtre = set(
            Conversation.objects.filter(acces.q_conversations(lecteur)).values_list("pk", flat=True)
        )
        predicat = {c.pk for c in conversations if acces.peut_voir_conversation(lecteur, c)}
        assert filtre == predicat, lecteur.role


def test_messages_per_hour_are_limited_and_counted_in_postgresql(settings, patient, professionnel):
    settings.MESSAGERIE_MESSAGES_PAR_HEURE = 2
    conversation = ecrire(professionnel, patient.profil)
    repondre(professionnel, conversation, corps="Précision.")
    with pytest.raises(SaisieInvalide, match="attendez"):
        repondre(professionnel, conversation, corps="Encore.")
    assert Message.objects.count() == 2


def test_a_refused_message_stores_neither_rows_nor_files(patient, professionnel, settings):
    settings.MESSAGERIE_MESSAGES_PAR_HEURE = 0
    with pytest.raises(SaisieInvalide):
        ecrire(professionnel, patient.profil, pieces=[piece()])
    assert not PieceJointe.objects.exists() and not Conversation.objects.exists()


def test_search_finds_whole_words_of_the_encrypted_subject_and_the_correspondent(
    patient, professionnel
):
    ecrire(professionnel, patient.profil, sujet="Résultats de l'échographie")
    ecrire(professionnel, patient.profil, sujet="Ordonnance")
    lecteur = acteur_de(patient, patient.profil)

    def sujets(texte):
        return {c.sujet for c in selectors.boite(acteur=lecteur, recherche=texte)}

    assert sujets("echographie") == {"Résultats de l'échographie"}
    assert sujets("Lefèvre") == {"Résultats de l'échographie", "Ordonnance"}
    assert sujets("ordo") == set()  # whole words only: the subject is never stored in clear


def test_read_state_is_per_participant_and_archive_is_undone_by_a_new_message(
    patient, professionnel
):
    conversation = ecrire(professionnel, patient.profil)
    lecteur = acteur_de(patient, patient.profil)
    assert selectors.non_lus(lecteur) == {patient.profil.pk: 1}
    assert selectors.non_lus(acteur_de(professionnel)) == {None: 0}
    services.conversation_lire(acteur=lecteur, conversation=conversation)
    assert selectors.non_lus(lecteur) == {}
    services.conversation_archiver(acteur=lecteur, conversation=conversation, archivee=True)
    assert not selectors.boite(acteur=lecteur).exists()
    assert selectors.boite(acteur=lecteur, archives=True).get() == conversation
    repondre(professionnel, conversation, corps="Une précision.")
    assert selectors.boite(acteur=lecteur).get() == conversation
    assert selectors.non_lus(lecteur) == {patient.profil.pk: 1}
