"""Reads of secure messaging, always through the reader's scope (``consentement.acces``)."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    When,
)

from consentement import acces
from consentement.acces import Acteur
from espace_sante.comptes.enums import Role
from espace_sante.lib.refus import Introuvable
from messagerie import adresses
from messagerie.models import Conversation, Message, PieceJointe, Suivi


def _cote_pro(acteur: Acteur) -> bool:
    return not acteur.cote_patient and acteur.professionnel is not None


def _avec_suivi(conversations: QuerySet, acteur: Acteur, *, pro: bool) -> QuerySet:
    """Each conversation with this reader's state: unread (the other side wrote since they
    last read), archived (archived since the last message)."""
    suivi = Suivi.objects.filter(conversation=OuterRef("pk"), user_id=acteur.user_id)
    autre = "dernier_patient_le" if pro else "dernier_pro_le"
    return conversations.annotate(
        lu_le=Subquery(suivi.values("lu_le")[:1]),
        archivee_le=Subquery(suivi.values("archivee_le")[:1]),
    ).annotate(
        non_lu=Case(
            When(
                Q(**{f"{autre}__isnull": False}) & (Q(lu_le__isnull=True) | Q(lu_le__lt=F(autre))),
                then=True,
            ),
            default=False,
            output_field=BooleanField(),
        ),
        archivee=Case(
            When(archivee_le__isnull=False, archivee_le__gte=F("dernier_message_le"), then=True),
            default=False,
            output_field=BooleanField(),
        ),
    )


def _recherche(conversations: QuerySet, texte: str, *, pro: bool) -> QuerySet:
    """Whole words of the subject (through its blind index), or the correspondent's name."""
    texte = texte.strip()
    if not texte:
        return conversations
    q = Q()
    empreintes = [adresses.empreinte_mot(m) for m in adresses.mots(texte)]
    if empreintes:
        q |= Q(sujet_index__contains=empreintes)
    for mot in texte.split()[:5]:
        if pro:
            nom = Q(profil__nom_usage__icontains=mot) | Q(profil__nom_naissance__icontains=mot)
            nom |= Q(profil__prenoms__icontains=mot)
        else:
            nom = Q(professionnel__user__nom__icontains=mot)
            nom |= Q(professionnel__user__prenom__icontains=mot)
        q |= nom
    return conversations.filter(q)


def boite(*, acteur: Acteur, recherche: str = "", archives: bool = False) -> QuerySet:
    """The reader's inbox (the active profile's on the person's side, every patient's for a
    professional), newest first; archived conversations on their own."""
    pro = _cote_pro(acteur)
    conversations = _avec_suivi(
        Conversation.objects.filter(acces.q_conversations(acteur)), acteur, pro=pro
    ).filter(archivee=archives)
    conversations = _recherche(conversations, recherche, pro=pro)
    return conversations.select_related("professionnel__user", "profil").order_by(
        "-dernier_message_le", "-pk"
    )


def non_lus(acteur: Acteur) -> dict[int | None, int]:
    """Unread conversations, in one query: by profile on the person's side (every profile of
    the switcher), under None for a professional."""
    if acteur.user is None:
        return {}
    if acteur.profils:
        q, pro = acces.q_conversations_des_profils(acteur), False
    elif acteur.professionnel is not None:
        q, pro = acces.q_conversations(acteur), True
    else:
        return {}
    autre = "dernier_patient_le" if pro else "dernier_pro_le"
    suivi = Suivi.objects.filter(conversation=OuterRef("pk"), user_id=acteur.user_id)
    lu = suivi.filter(lu_le__gte=OuterRef(autre))
    archivee = suivi.filter(archivee_le__gte=OuterRef("dernier_message_le"))
    lignes = (
        Conversation.objects.filter(q, **{f"{autre}__isnull": False})
        .exclude(Exists(lu))
        .exclude(Exists(archivee))
        .values("profil_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if pro:
        return {None: sum(ligne["n"] for ligne in lignes)}
    return {ligne["profil_id"]: ligne["n"] for ligne in lignes}


def _sur(acteur: Acteur, conversation: Conversation) -> Acteur:
    """The actor narrowed to this conversation's profile; 404 if the policy refuses."""
    sur = acces.en_patient_de(acteur, conversation.profil)
    if sur is None and acteur.professionnel is not None:
        sur = acteur.sur(
            conversation.profil, role=Role.PROFESSIONNEL, libelle=str(acteur.professionnel)
        )
    if sur is None or not acces.peut_voir_conversation(sur, conversation):
        raise Introuvable
    return sur


def conversation_visible(*, acteur: Acteur, public_id) -> tuple[Acteur, Conversation]:
    conversation = (
        Conversation.objects.select_related("profil", "professionnel__user")
        .filter(public_id=public_id)
        .first()
    )
    if conversation is None:
        raise Introuvable
    return _sur(acteur, conversation), conversation


def messages_de(conversation: Conversation) -> list[Message]:
    return list(conversation.messages.prefetch_related("pieces").order_by("envoye_le", "pk"))


def piece_visible(*, acteur: Acteur, public_id) -> tuple[Acteur, PieceJointe]:
    piece = (
        PieceJointe.objects.select_related(
            "message__conversation__profil", "message__conversation__professionnel__user"
        )
        .filter(public_id=public_id)
        .first()
    )
    if piece is None:
        raise Introuvable
    return _sur(acteur, piece.message.conversation), piece


# --- The header's unread count, cached per user -------------------------------------------
# Every page shows it: counted once, then read from the cache until a message, a read or an
# archive of this user's conversations forgets it (``non_lus_oublier``), or at most
# NON_LUS_DUREE seconds (what moves without a message: a block, a closure, a minor's
# coming of age). Keyed by the user's public id. Redis down: counted from PostgreSQL.

NON_LUS_DUREE = 60


def _cle_non_lus(user_public_id) -> str:
    return f"messagerie:non_lus:{user_public_id}"


def non_lus_total(acteur: Acteur) -> int:
    """The header's number: unread conversations across the user's profiles (or inbox)."""
    if acteur.user is None:
        return 0
    cle = _cle_non_lus(acteur.user.public_id)
    # Redis down or frozen: a miss (espace_sante.lib.cache), the count comes from PostgreSQL.
    total = cache.get(cle)
    if total is None:
        total = sum(non_lus(acteur).values())
        cache.set(cle, total, NON_LUS_DUREE)
    return total


def participants(conversation: Conversation) -> list:
    """Public ids of the users whose count a change of this conversation moves: the
    professional, the titulaire, a minor's representatives (one query)."""
    from espace_sante.comptes.models import User

    return list(
        User.objects.filter(
            Q(professionnel__pk=conversation.professionnel_id)
            | Q(profil__pk=conversation.profil_id)
            | Q(profil__representations_exercees__mineur_id=conversation.profil_id)
        )
        .values_list("public_id", flat=True)
        .distinct()
    )


def non_lus_oublier(user_public_ids) -> None:
    """Forget the cached counts now and again once the transaction commits (a page counting
    in between saw the old rows); the next page counts again."""
    cles = [_cle_non_lus(u) for u in user_public_ids]

    def oublier():
        cache.delete_many(cles)  # Redis unreachable: a stale count lasts NON_LUS_DUREE at most

    oublier()
    transaction.on_commit(oublier)
