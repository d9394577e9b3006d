"""Secure messaging: who reads, writes, closes a conversation, saves an attachment.

A conversation links one professional and one patient's profile. The person's side (the
titulaire, or a legal representative for a minor, never for what the minor made
confidential) reads and replies but never starts one; the professional starts, writes and
closes, while the profile is open to professionals and they are not blocked (a blocked
professional sees none of their conversations with that patient, as of the record).
Mediators, admins and anyone else: nothing. ``peut_voir_conversation`` decides one
conversation and ``q_conversations`` is the same rule as a filter on Conversation.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q

from consentement.acces.acteur import Acteur
from consentement.acces.agenda import peut_proposer_rdv
from consentement.acces.confidentialite import (
    peut_declarer_confidentiel,
    peut_voir_confidentiel,
    q_confidentialite,
    q_non_confidentiel,
)
from consentement.acces.dossier import est_bloque
from consentement.acces.profils import STATUTS_UTILISABLES, profil_ouvert_aux_pros
from consentement.models import Blocage
from espace_sante.comptes.enums import Role


def _cote_patient(acteur: Acteur, conversation) -> bool:
    if not acteur.cote_patient or acteur.profil is None:
        return False
    if conversation.profil_id != acteur.profil.pk:
        return False
    return peut_voir_confidentiel(acteur, conversation)


def _cote_pro(acteur: Acteur, conversation) -> bool:
    pro = acteur.professionnel
    if acteur.cote_patient or pro is None or conversation.professionnel_id != pro.pk:
        return False
    return profil_ouvert_aux_pros(conversation.profil) and not est_bloque(pro, conversation.profil)


def peut_voir_conversation(acteur: Acteur, conversation) -> bool:
    return _cote_patient(acteur, conversation) or _cote_pro(acteur, conversation)


def q_conversations(acteur: Acteur) -> Q:
    """``peut_voir_conversation`` as a filter on Conversation."""
    if acteur.cote_patient and acteur.profil is not None:
        return Q(profil_id=acteur.profil.pk) & q_confidentialite(acteur)
    pro = acteur.professionnel
    if pro is None or acteur.role in (Role.MEDIATEUR, Role.ADMIN):
        return Q(pk__in=[])
    bloque = Blocage.objects.actifs().filter(profil=OuterRef("profil"), professionnel=pro)
    return Q(professionnel_id=pro.pk, profil__statut__in=STATUTS_UTILISABLES) & ~Q(Exists(bloque))


def q_conversations_des_profils(acteur: Acteur) -> Q:
    """Every conversation the user reads on the person's side, across the profiles of the
    switcher (the unread count in the header): their own, and each minor's but the
    confidential ones."""
    if acteur.user is None or not acteur.profils:
        return Q(pk__in=[])
    propres = [p.pk for p in acteur.profils if p.titulaire_id == acteur.user.pk]
    representes = [p.pk for p in acteur.profils if p.titulaire_id != acteur.user.pk]
    return Q(profil_id__in=propres) | (Q(profil_id__in=representes) & q_non_confidentiel())


def peut_ecrire_a(acteur: Acteur, profil) -> bool:
    """A professional starts a conversation: the profile is open to professionals and has
    not blocked them (the refusal looks like an unknown patient's)."""
    pro = acteur.professionnel
    if acteur.cote_patient or pro is None or not pro.actif or profil is None:
        return False
    return profil_ouvert_aux_pros(profil) and not est_bloque(pro, profil)


def peut_repondre(acteur: Acteur, conversation) -> bool:
    """Both sides write in an open conversation; nobody in a closed one."""
    return conversation.fermee_le is None and peut_voir_conversation(acteur, conversation)


def peut_fermer(acteur: Acteur, conversation) -> bool:
    """Only the professional closes (from the page, or a "[FIN]" subject)."""
    return (
        conversation.fermee_le is None
        and acteur.professionnel is not None
        and _cote_pro(acteur, conversation)
    )


def peut_declarer_conversation_confidentielle(acteur: Acteur, profil) -> bool:
    """A professional records a minor's request that their parents not see the exchange
    (the one rule of ``confidentialite``, for the gateway's actor too)."""
    return peut_declarer_confidentiel(acteur, profil)


def peut_proposer_rdv_depuis(acteur_dossier: Acteur | None, conversation) -> bool:
    """From a conversation, the professional may propose an appointment while the patient's
    record is open to them (``acteur_dossier``: their actor on that record, from
    ``sur_dossier``, None if refused) — never from a confidential one: a minor's confidential
    exchange must not lead to an appointment in the parents' agenda."""
    return (
        acteur_dossier is not None
        and not acteur_dossier.cote_patient
        and not conversation.confidentiel
        and acteur_dossier.profil is not None
        and acteur_dossier.profil.pk == conversation.profil_id
        and peut_proposer_rdv(acteur_dossier)
    )


def peut_enregistrer_piece(acteur: Acteur, conversation) -> bool:
    """The person's side files an attachment into the record."""
    return _cote_patient(acteur, conversation)


__all__ = [
    "peut_declarer_conversation_confidentielle",
    "peut_ecrire_a",
    "peut_enregistrer_piece",
    "peut_fermer",
    "peut_proposer_rdv_depuis",
    "peut_repondre",
    "peut_voir_conversation",
    "q_conversations",
    "q_conversations_des_profils",
]
