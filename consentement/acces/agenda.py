"""The agenda: who sees, adds, proposes, answers or cancels an appointment, who manages the
prevention calendar and the calendar feeds.

The person's side (titulaire, or a legal representative acting for a minor) sees every
appointment of the profile, but a representative never one the minor made confidential
(``confidentialite``: the same rule as documents and conversations). A professional sees
only the appointments they proposed, and only while the patient's profile is open to
professionals and has not blocked them (the same rules as the record's,
``profils.profil_ouvert_aux_pros`` and the block). Each predicate has its queryset twin
where a list exists; pages answer 404 when refused.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from consentement.acces.acteur import Acteur
from consentement.acces.confidentialite import peut_voir_confidentiel, q_confidentialite
from consentement.acces.profils import STATUTS_UTILISABLES, profil_ouvert_aux_pros
from consentement.models import Blocage
from espace_sante.comptes.enums import Role

# Statuses an appointment can still be cancelled or answered from.
_EN_COURS = ("propose", "confirme")


def peut_gerer_agenda(acteur: Acteur) -> bool:
    """Add appointments, subscriptions, prevention choices: the person's side only."""
    return acteur.cote_patient and acteur.profil is not None


def _pro_sur_patient(acteur: Acteur, rdv) -> bool:
    return (
        acteur.role == Role.PROFESSIONNEL
        and acteur.professionnel is not None
        and rdv.propose_par_id == acteur.professionnel.pk
    )


def peut_voir_rdv(acteur: Acteur, rdv) -> bool:
    if acteur.cote_patient:
        return (
            acteur.profil is not None
            and rdv.profil_id == acteur.profil.pk
            and peut_voir_confidentiel(acteur, rdv)
        )
    if not _pro_sur_patient(acteur, rdv):
        return False
    profil = rdv.profil
    bloque = Blocage.objects.actifs().filter(profil=profil, professionnel=acteur.professionnel)
    return profil_ouvert_aux_pros(profil) and not bloque.exists()


def q_rdv_visibles(acteur: Acteur) -> Q:
    """``peut_voir_rdv`` as a filter on RendezVous."""
    if acteur.cote_patient:
        if acteur.profil is None:
            return Q(pk__in=[])
        return Q(profil_id=acteur.profil.pk) & q_confidentialite(acteur)
    if acteur.role != Role.PROFESSIONNEL or acteur.professionnel is None:
        return Q(pk__in=[])
    bloque = Blocage.objects.actifs().filter(
        profil=OuterRef("profil"), professionnel=acteur.professionnel
    )
    return Q(propose_par=acteur.professionnel, profil__statut__in=STATUTS_UTILISABLES) & ~Exists(
        bloque
    )


def peut_proposer_rdv(acteur: Acteur) -> bool:
    """A professional on a patient's record they may open now (``sur_dossier``)."""
    return (
        acteur.role == Role.PROFESSIONNEL
        and acteur.professionnel is not None
        and acteur.profil is not None
        and profil_ouvert_aux_pros(acteur.profil)
    )


def peut_modifier_rdv(acteur: Acteur, rdv) -> bool:
    """The person moves or edits what their side added, while it is still to come."""
    return (
        peut_gerer_agenda(acteur)
        and peut_voir_rdv(acteur, rdv)
        and rdv.propose_par_id is None
        and rdv.statut == "confirme"
        and rdv.debut > timezone.now()
    )


def peut_repondre_rdv(acteur: Acteur, rdv) -> bool:
    """Accept or decline a professional's proposal, before it starts."""
    return (
        peut_gerer_agenda(acteur)
        and peut_voir_rdv(acteur, rdv)
        and rdv.statut == "propose"
        and rdv.debut > timezone.now()
    )


def peut_annuler_rdv(acteur: Acteur, rdv) -> bool:
    """Either side cancels an appointment still to come (with a reason the other sees)."""
    return peut_voir_rdv(acteur, rdv) and rdv.statut in _EN_COURS and rdv.debut > timezone.now()


def q_rdv_annulables(acteur: Acteur) -> Q:
    """``peut_annuler_rdv`` as a filter on RendezVous (a list's "Annuler" links)."""
    return q_rdv_visibles(acteur) & Q(statut__in=_EN_COURS, debut__gt=timezone.now())


def peut_voir_abonnement(acteur: Acteur, abonnement) -> bool:
    return peut_gerer_agenda(acteur) and abonnement.profil_id == acteur.profil.pk


def q_abonnements(acteur: Acteur) -> Q:
    if not peut_gerer_agenda(acteur):
        return Q(pk__in=[])
    return Q(profil_id=acteur.profil.pk)


def flux_servi(abonnement, profils_du_createur) -> bool:
    """A feed is served while it is not revoked, the profile is usable, and whoever created
    it still acts on that profile (a parent's link ends at the child's 18th birthday)."""
    profil = abonnement.profil
    return (
        abonnement.revoque_le is None
        and profil.statut in STATUTS_UTILISABLES
        and profil.pk in {p.pk for p in profils_du_createur}
    )
