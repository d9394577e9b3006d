"""The lifecycle of a profile: codes, decisions, opposition, activation, closure.

Every decision goes through ``decider``: one row in the ledger (Decision) and one
journal entry, in the same transaction as the change of status. Callers describe
who acts with an ``Acteur`` (the person on the web, a mediator at a desk, an agent
recording a letter, the system).
"""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.dispatch import Signal
from django.utils import timezone

from consentement import textes
from consentement.enums import Canal, ModeCloture, MotifAvis, TypeDecision
from consentement.models import Accompagnement, Decision
from espace_sante.comptes.enums import Role, StatutProfil
from espace_sante.comptes.models import Profil, Representation, User
from espace_sante.journal.enums import Action
from espace_sante.journal.services import journaliser_cycle
from espace_sante.lib.crypto import keyed_hasher

DELAI_OPPOSITION = timedelta(weeks=6)
VALIDITE_CODE = timedelta(weeks=6)
DUREE_ARCHIVE = timedelta(days=3653)  # 10 years
DELAI_SUPPRESSION = timedelta(days=30)  # "within 3 months": done after 30 days
ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I: read aloud at a desk
LONGUEUR_CODE = 12  # 60 bits

# Sent after a profile's data is erased, so each app deletes what it holds.
donnees_effacees = Signal()


class ActionImpossible(Exception):
    """The decision cannot be taken now; the message says why and what to do instead."""


@dataclass(frozen=True)
class Acteur:
    """Who takes a decision, in which capacity, through which channel."""

    role: Role
    canal: Canal
    libelle: str
    user: User | None = None
    accompagnement: Accompagnement | None = None

    @property
    def pour_autrui(self) -> bool:
        return self.role in (Role.REPRESENTANT, Role.MEDIATEUR, Role.ADMIN)


def acteur_web(user, profil: Profil | None = None) -> Acteur:
    """The person (or their legal representative) on the web site."""
    if user is None or not user.is_authenticated:
        return Acteur(Role.ANONYME, Canal.WEB, "La personne, sans compte (page publique)")
    role = Role.TITULAIRE
    if profil is not None and profil.titulaire_id != user.pk:
        role = Role.REPRESENTANT
    return Acteur(role, Canal.WEB, str(user), user)


def acteur_professionnel(professionnel) -> Acteur:
    return Acteur(Role.PROFESSIONNEL, Canal.WEB, str(professionnel), professionnel.user)


def acteur_representant_anonyme() -> Acteur:
    return Acteur(Role.REPRESENTANT, Canal.WEB, "Représentant légal, sans compte (page publique)")


def acteur_mediateur(accompagnement: Accompagnement) -> Acteur:
    mediateur = accompagnement.mediateur
    return Acteur(
        Role.MEDIATEUR,
        Canal.FRANCE_SERVICES,
        f"{mediateur.user.nom_complet}, médiateur France services ({mediateur.site_france_services})",
        mediateur.user,
        accompagnement,
    )


def acteur_agent(user, canal: Canal) -> Acteur:
    """An agent recording a decision received by post or telephone."""
    return Acteur(
        Role.ADMIN, canal, f"{user} (agent, décision reçue par {canal.label.lower()})", user
    )


ACTEUR_SYSTEME = Acteur(Role.SYSTEME, Canal.SYSTEME, "Traitement automatique")


# --- Activation codes --------------------------------------------------------------


# 256 is a multiple of 32: mapping each random byte to ALPHABET[byte % 32] is unbiased.
_TABLE_CODE = bytes(ALPHABET[i % 32].encode()[0] for i in range(256))


def generer_code() -> str:
    return os.urandom(LONGUEUR_CODE).translate(_TABLE_CODE).decode()


def formater_code(code: str) -> str:
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))


def normaliser_code(saisie: str) -> str:
    return "".join(c for c in (saisie or "").upper() if c.isalnum())


def hacheur_code():
    """Keyed HMAC of (profile, code): the only form in which a code is stored."""
    hacher = keyed_hasher("activation")
    return lambda public_id, code: hacher(f"{public_id}:{code}")


def code_valide(profil: Profil, saisie: str) -> bool:
    code = normaliser_code(saisie)
    if not profil.code_activation_hash or len(code) != LONGUEUR_CODE:
        return False
    attendu = hacheur_code()(profil.public_id, code)
    return secrets.compare_digest(attendu, profil.code_activation_hash)


def code_expire(profil: Profil) -> bool:
    return bool(
        profil.code_activation_expire_le and profil.code_activation_expire_le <= timezone.now()
    )


def nouveau_code(profil: Profil) -> str:
    """Give the profile a fresh code (the previous one stops working); return it in clear."""
    code = generer_code()
    profil.code_activation_hash = hacheur_code()(profil.public_id, code)
    profil.code_activation_expire_le = timezone.now() + VALIDITE_CODE
    profil.save(update_fields=["code_activation_hash", "code_activation_expire_le"])
    return code


# --- Decisions ----------------------------------------------------------------------


def decider(
    profil: Profil,
    type_decision: TypeDecision,
    acteur: Acteur,
    *,
    mode: str | None = None,
    details: dict | None = None,
) -> Decision:
    """One row in the ledger and one journal entry (call inside the act's transaction)."""
    texte = textes.texte_de(type_decision, mode)
    decision = Decision.objects.create(
        profil=profil,
        type=type_decision,
        canal=acteur.canal,
        acteur=acteur.user,
        acteur_libelle=acteur.libelle,
        role=acteur.role,
        accompagnement=acteur.accompagnement,
        texte_version=texte.version,
        texte_empreinte=texte.empreinte,
        details={**(details or {}), **({"mode": mode} if mode else {})},
    )
    journaliser_acte(
        profil,
        Action.DECISION,
        acteur,
        objet=decision,
        details={
            "decision": decision.reference,
            "type": type_decision,
            "canal": acteur.canal,
            **(details or {}),
        },
    )
    return decision


def journaliser_acte(profil: Profil, action: Action, acteur: Acteur, *, objet, details: dict):
    """Journal an act on a profile by this actor (on the person's behalf when it is not them)."""
    if acteur.accompagnement is not None:
        details = {**details, "accompagnement": str(acteur.accompagnement.public_id)}
    journaliser_cycle(
        action=action,
        role=acteur.role,
        acteur=acteur.user,
        acteur_libelle=acteur.libelle if acteur.role == Role.PROFESSIONNEL else "",
        profil=profil,
        pour_le_compte_de=profil if acteur.pour_autrui else None,
        objet=objet,
        details=details,
    )


def _verrouiller(profil: Profil) -> Profil:
    return Profil.objects.select_for_update().get(pk=profil.pk)


def opposition_possible(profil: Profil, le: date | None = None) -> bool:
    le = le or timezone.localdate()
    return profil.statut == StatutProfil.ANNONCE and (
        profil.date_limite_opposition is None or le <= profil.date_limite_opposition
    )


@transaction.atomic
def opposer(profil: Profil, acteur: Acteur) -> Decision:
    """Oppose during the window: the data is erased, the NIR hash and the decision remain."""
    profil = _verrouiller(profil)
    if profil.statut == StatutProfil.OPPOSE:
        raise ActionImpossible("L'opposition a déjà été enregistrée pour ce profil.")
    if not opposition_possible(profil):
        raise ActionImpossible(
            "Le délai d'opposition est dépassé : le profil a été créé. Vous pouvez le clôturer "
            "à tout moment depuis votre espace, ou en France services."
        )
    decision = decider(profil, TypeDecision.OPPOSITION, acteur)
    _effacer(profil, statut=StatutProfil.OPPOSE)
    return decision


@transaction.atomic
def activer(profil: Profil, user: User, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    if profil.statut not in (StatutProfil.ANNONCE, StatutProfil.CREE):
        raise ActionImpossible("Ce profil ne peut pas être activé.")
    profil.titulaire = user
    profil.statut = StatutProfil.ACTIVE
    profil.code_activation_hash = ""
    profil.code_activation_expire_le = None
    profil.save(
        update_fields=["titulaire", "statut", "code_activation_hash", "code_activation_expire_le"]
    )
    return decider(profil, TypeDecision.ACTIVATION, acteur)


@transaction.atomic
def cloturer(profil: Profil, mode: ModeCloture, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    if profil.statut not in (StatutProfil.CREE, StatutProfil.ACTIVE):
        raise ActionImpossible("Seul un profil créé ou activé peut être clôturé.")
    maintenant = timezone.now()
    profil.statut = StatutProfil.CLOTURE
    profil.cloture_le = maintenant
    delai = DUREE_ARCHIVE if mode == ModeCloture.ARCHIVE else DELAI_SUPPRESSION
    profil.suppression_prevue_le = maintenant + delai
    profil.save(update_fields=["statut", "cloture_le", "suppression_prevue_le"])
    return decider(profil, TypeDecision.CLOTURE, acteur, mode=mode)


def reouverture_possible(profil: Profil) -> bool:
    return profil.statut == StatutProfil.CLOTURE and profil.donnees_supprimees_le is None


@transaction.atomic
def rouvrir(profil: Profil, acteur: Acteur) -> Decision:
    profil = _verrouiller(profil)
    if not reouverture_possible(profil):
        raise ActionImpossible(
            "Ce profil ne peut plus être rouvert : ses données ont été supprimées."
        )
    profil.statut = StatutProfil.ACTIVE if profil.titulaire_id else StatutProfil.CREE
    profil.cloture_le = None
    profil.suppression_prevue_le = None
    profil.save(update_fields=["statut", "cloture_le", "suppression_prevue_le"])
    return decider(profil, TypeDecision.REOUVERTURE, acteur)


def derniere_cloture(profil: Profil) -> Decision | None:
    return profil.decisions.filter(type=TypeDecision.CLOTURE).first()


# --- Erasure ------------------------------------------------------------------------

_CHAMPS_EFFACES = {
    "nom_naissance": "",
    "nom_usage": "",
    "prenoms": "",
    "date_naissance": None,
    "sexe": "",
    "code_lieu_naissance": "",
    "nir": None,
    "email_contact": "",
    "telephone": "",
    "adresse": "",
    "code_postal": "",
    "commune": "",
    "code_activation_hash": "",
    "code_activation_expire_le": None,
    "titulaire": None,
}


def _effacer(profil: Profil, *, statut: StatutProfil) -> None:
    """Erase everything but the NIR hash (so no batch recreates the profile)."""
    aujourdhui = timezone.localdate()
    Representation.objects.filter(Q(mineur=profil) | Q(representant=profil)).filter(
        date_fin__isnull=True
    ).update(date_fin=aujourdhui, motif_fin="Données du profil supprimées")
    for champ, valeur in _CHAMPS_EFFACES.items():
        setattr(profil, champ, valeur)
    profil.statut = statut
    profil.donnees_supprimees_le = timezone.now()
    profil.save()
    donnees_effacees.send(sender=Profil, profil=profil)


def executer_suppressions(limite: int = 500) -> int:
    """Erase the data of closed profiles whose archive period or grace period is over."""
    faits = 0
    while True:
        with transaction.atomic():
            lot = list(
                Profil.objects.select_for_update(skip_locked=True)
                .filter(
                    statut=StatutProfil.CLOTURE,
                    donnees_supprimees_le__isnull=True,
                    suppression_prevue_le__lte=timezone.now(),
                )
                .order_by("pk")[:limite]
            )
            for profil in lot:
                _effacer(profil, statut=StatutProfil.CLOTURE)
                journaliser_cycle(
                    action=Action.DONNEES_SUPPRIMEES,
                    role=Role.SYSTEME,
                    profil=profil,
                    objet=profil,
                    details={"motif": "clôture : délai de conservation écoulé"},
                )
        faits += len(lot)
        if len(lot) < limite:
            return faits


def echoir_annonces() -> int:
    """Announced profiles whose opposition window has ended become created."""
    with transaction.atomic():
        n = Profil.objects.filter(
            statut=StatutProfil.ANNONCE, date_limite_opposition__lt=timezone.localdate()
        ).update(statut=StatutProfil.CREE)
        if n:
            journaliser_cycle(
                action=Action.ANNONCES_ECHUES,
                role=Role.SYSTEME,
                profil=None,
                details={"profils_crees": n},
            )
    return n


def date_majorite(le: date | None = None) -> date:
    """Born on or before this date means 18 or older on ``le``."""
    le = le or timezone.localdate()
    try:
        return le.replace(year=le.year - 18)
    except ValueError:  # 29 February
        return le.replace(year=le.year - 18, day=28)


def traiter_majorites() -> int:
    """End the representations of minors who turned 18; send them their own notice."""
    from consentement import avis

    aujourdhui = timezone.localdate()
    n = 0
    liens = Representation.objects.actives().filter(
        mineur__date_naissance__lte=date_majorite(aujourdhui)
    )
    for mineur_id in liens.values_list("mineur", flat=True).distinct().iterator():
        with transaction.atomic():
            jeune = Profil.objects.select_for_update().get(pk=mineur_id)
            fins = Representation.objects.actives().filter(mineur=jeune)
            if not fins.update(date_fin=aujourdhui, motif_fin="Majorité (18 ans)"):
                continue
            journaliser_cycle(
                action=Action.REPRESENTATION_FIN,
                role=Role.SYSTEME,
                profil=jeune,
                objet=jeune,
                details={"motif": "majorité"},
            )
            if jeune.statut in (StatutProfil.ANNONCE, StatutProfil.CREE):
                avis.avis_emettre(jeune, MotifAvis.MAJORITE)
            n += 1
    return n
