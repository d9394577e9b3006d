"""Writes of secure messaging. Each checks the policy (``consentement.acces``), journals the
act (``messagerie.journal``) and tells the other side (``messagerie.avis``), in the
transaction of the write. A failed send stores nothing: the attachments' ciphertexts are
written before the rows and deleted if anything fails up to the commit."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from dossier import public as dossier
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Profil
from espace_sante.lib.fichiers import FichierVerifie
from espace_sante.lib.refus import SaisieInvalide, exiger
from espace_sante.lib.texte import nom_affichable
from messagerie import adresses, avis, journal, selectors
from messagerie.enums import CanalMessage, Cote
from messagerie.models import Conversation, Message, PieceJointe, Suivi

AUCUN_PATIENT = "Aucun patient joignable ne correspond à ce NIR et cette date de naissance."
PIECES_MAX = 5
SUJET_MAX = 200
CORPS_MAX = 20_000


@dataclass(frozen=True)
class PieceRecue:
    """An attachment already through ``lib.fichiers.verifier``, with the name it was sent under."""

    nom: str
    fichier: FichierVerifie


_PREFIXES = re.compile(r"^(?:\s*(?:re|tr|fw|fwd|réf)\s*:\s*)*", re.IGNORECASE)


def est_fin(sujet: str) -> bool:
    """A subject that closes the conversation: "[FIN]" first, after any "Re:" a mail
    client put in front of it."""
    return _PREFIXES.sub("", sujet or "").upper().startswith("[FIN]")


def _auteur(acteur: Acteur) -> dict:
    cote = Cote.PROFESSIONNEL if acteur.professionnel and not acteur.cote_patient else Cote.PATIENT
    return {"cote": cote, "auteur": acteur.user, "auteur_libelle": acces.libelle_auteur(acteur)}


def _limite_horaire(acteur: Acteur) -> None:
    """Messages per author per hour, counted on the rows (PostgreSQL: holds without Redis)."""
    depuis = timezone.now() - timedelta(hours=1)
    recents = Message.objects.filter(auteur=acteur.user, envoye_le__gte=depuis).count()
    if recents >= settings.MESSAGERIE_MESSAGES_PAR_HEURE:
        raise SaisieInvalide(
            f"Vous avez envoyé {recents} messages en moins d'une heure : par sécurité, "
            "attendez un peu avant d'en envoyer d'autres."
        )


def _verifier_saisie(corps: str, pieces: list[PieceRecue]) -> None:
    if not corps.strip() and not pieces:
        raise SaisieInvalide("Le message est vide : écrivez un texte ou joignez un fichier.")
    if len(corps) > CORPS_MAX:
        raise SaisieInvalide(f"Le message dépasse {CORPS_MAX} caractères : raccourcissez-le.")
    if len(pieces) > PIECES_MAX:
        raise SaisieInvalide(f"{PIECES_MAX} pièces jointes au plus par message.")


def conversation_demarrer(
    *,
    acteur: Acteur,
    profil: Profil,
    sujet: str,
    corps: str,
    pieces: list[PieceRecue] = (),
    confidentiel: bool = False,
    canal: str = CanalMessage.WEB,
    adresse_professionnel: str = "",
    message_id: str = "",
) -> Conversation:
    """A professional writes to a patient. A blocked professional, an opposed or closed
    profile, and an unknown patient get the same refusal."""
    if not acces.peut_ecrire_a(acteur, profil):
        raise SaisieInvalide(AUCUN_PATIENT)
    if confidentiel and not acces.peut_declarer_conversation_confidentielle(acteur, profil):
        raise SaisieInvalide("Seule une conversation avec un mineur peut être confidentielle.")
    sujet = nom_affichable(sujet)[:SUJET_MAX] or "(sans objet)"
    fin = est_fin(sujet)
    _verifier_saisie(corps, pieces)
    _limite_horaire(acteur)
    conversation = Conversation(
        profil=profil,
        professionnel=acteur.professionnel,
        sujet=sujet,
        sujet_index=adresses.index_sujet(sujet),
        confidentiel=confidentiel,
        canal=canal,
        adresse_professionnel=adresse_professionnel,
    )
    acteur = acteur.sur(profil, role=Role.PROFESSIONNEL)
    _message_ajouter(
        acteur,
        conversation,
        corps=corps,
        pieces=pieces,
        canal=canal,
        message_id=message_id,
        fin=fin,
        nouvelle=True,
    )
    return conversation


def message_repondre(
    *,
    acteur: Acteur,
    conversation: Conversation,
    corps: str,
    pieces: list[PieceRecue] = (),
    canal: str = CanalMessage.WEB,
    message_id: str = "",
    fin: bool = False,
) -> Message:
    """Either side writes in an open conversation; ``fin`` (a professional's "[FIN]") closes it."""
    exiger(acces.peut_voir_conversation(acteur, conversation))
    if conversation.fermee_le is not None:
        raise SaisieInvalide(
            "Cette conversation a été close par le professionnel : elle reste lisible, mais "
            "on ne peut plus y répondre."
        )
    if fin and not acces.peut_fermer(acteur, conversation):
        raise SaisieInvalide("Seul le professionnel peut clore la conversation.")
    _verifier_saisie(corps, pieces)
    _limite_horaire(acteur)
    return _message_ajouter(
        acteur,
        conversation,
        corps=corps,
        pieces=pieces,
        canal=canal,
        message_id=message_id,
        fin=fin,
        nouvelle=False,
    )


def _pieces_ecrire(message: Message, pieces) -> list[PieceJointe]:
    """Each attachment's file; if one cannot be written (a full disk), those already
    written are deleted: no file is left without its row."""
    ecrites = []
    try:
        for piece in pieces:
            contenu = piece.fichier.contenu
            ligne = PieceJointe(
                message=message,
                profil=message.profil,
                nom=nom_affichable(piece.nom)[:200] or "fichier",
                type_mime=piece.fichier.type_mime,
                extension=piece.fichier.extension,
                taille=len(contenu),
                empreinte=hashlib.sha256(contenu).hexdigest(),
            )
            ligne.fichier.save("piece", ContentFile(contenu), save=False)
            ecrites.append(ligne)
    except BaseException:
        _pieces_effacer(ecrites)
        raise
    return ecrites


def _pieces_effacer(ecrites: list[PieceJointe]) -> None:
    for ligne in ecrites:
        ligne.fichier.storage.delete(ligne.fichier.name)


def _message_ajouter(acteur, conversation, *, corps, pieces, canal, message_id, fin, nouvelle):
    maintenant = timezone.now()
    message = Message(
        conversation=conversation,
        profil=conversation.profil,
        corps=corps.strip(),
        canal=canal,
        message_id=message_id or adresses.nouveau_message_id(),
        fin=fin,
        envoye_le=maintenant,
        **_auteur(acteur),
    )
    ecrites = _pieces_ecrire(message, pieces)
    try:
        with transaction.atomic():
            _conversation_avancer(conversation, message, nouvelle=nouvelle)
            message.save()
            for ligne in ecrites:
                ligne.message = message
            PieceJointe.objects.bulk_create(ecrites)
            Suivi.objects.update_or_create(
                conversation=conversation, user=acteur.user, defaults={"lu_le": maintenant}
            )
            journal.message_envoye(acteur, message, canal=canal, pieces=len(ecrites))
            if fin:
                journal.conversation_fermee(acteur, conversation, canal=canal)
            avis.message_annoncer(message, ecrites)
            selectors.non_lus_oublier(selectors.participants(conversation))
    except BaseException:
        _pieces_effacer(ecrites)
        raise
    return message


def _conversation_avancer(conversation: Conversation, message: Message, *, nouvelle: bool):
    """The conversation's dates (read state, order, retention) move with each message."""
    quand = message.envoye_le
    conversation.dernier_message_le = quand
    conversation.suppression_annoncee_le = None  # retention counts from the last message
    if message.cote == Cote.PROFESSIONNEL:
        conversation.dernier_pro_le = quand
    else:
        conversation.dernier_patient_le = quand
    if message.fin:
        conversation.fermee_le = quand
    if nouvelle:
        conversation.cree_le = quand
        conversation.save()
        return
    conversation.save(
        update_fields=[
            "dernier_message_le",
            "suppression_annoncee_le",
            "dernier_pro_le",
            "dernier_patient_le",
            "fermee_le",
        ]
    )


@transaction.atomic
def conversation_fermer(*, acteur: Acteur, conversation: Conversation, canal=CanalMessage.WEB):
    exiger(acces.peut_fermer(acteur, conversation))
    conversation.fermee_le = timezone.now()
    conversation.save(update_fields=["fermee_le"])
    journal.conversation_fermee(acteur, conversation, canal=canal)


def conversation_lire(*, acteur: Acteur, conversation: Conversation) -> None:
    """The reader has seen every message so far (journaled for anyone but the titulaire).

    Written on the GET that shows the conversation, as a mail client marks what it shows:
    a read state that needed a second click would be wrong every time it was forgotten."""
    exiger(acces.peut_voir_conversation(acteur, conversation))
    with transaction.atomic():
        Suivi.objects.update_or_create(
            conversation=conversation, user=acteur.user, defaults={"lu_le": timezone.now()}
        )
        journal.conversation_lue(acteur, conversation)
        selectors.non_lus_oublier([acteur.user.public_id])


def conversation_archiver(*, acteur: Acteur, conversation: Conversation, archivee: bool) -> None:
    """For this participant only; a later message from the other side brings it back."""
    exiger(acces.peut_voir_conversation(acteur, conversation))
    Suivi.objects.update_or_create(
        conversation=conversation,
        user=acteur.user,
        defaults={"archivee_le": timezone.now() if archivee else None},
    )
    selectors.non_lus_oublier([acteur.user.public_id])


def piece_ouvrir(*, acteur: Acteur, piece: PieceJointe, telechargement: bool):
    """The decrypting file handle; the journal says who opened it."""
    journal.piece_ouverte(acteur, piece, telechargement=telechargement)
    return piece.fichier.open("rb")


def piece_enregistrer(*, acteur: Acteur, piece: PieceJointe, categorie: str, titre: str):
    """The person's side files an attachment into the record, in one step: the document
    says it came from this message, and both acts are journaled."""
    conversation = piece.message.conversation
    exiger(acces.peut_enregistrer_piece(acteur, conversation))
    with transaction.atomic():
        piece = PieceJointe.objects.select_for_update().get(pk=piece.pk)
        if piece.document is not None:
            raise SaisieInvalide("Cette pièce jointe est déjà enregistrée dans le dossier.")
        with piece.fichier.open("rb") as flux:
            fichier = FichierVerifie(flux.read(), piece.type_mime, piece.extension)
        recu = timezone.localtime(piece.message.envoye_le)
        document = dossier.document_ajouter(
            acteur=acteur,
            fichier=fichier,
            titre=titre.strip()[:200] or piece.nom,
            categorie=categorie,
            date_acte=recu.date(),
            provenance=f"Pièce jointe d'un message de {piece.message.auteur_libelle}, "
            f"reçu le {recu:%d/%m/%Y à %H:%M}",
        )
        piece.document = document.public_id
        piece.save(update_fields=["document"])
        piece.message.conversation = conversation
        journal.piece_enregistree(acteur, piece, document)
    return document
