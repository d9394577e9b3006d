"""Appointments: the person adds, moves and cancels theirs; a professional proposes one and
the person accepts or declines; either side cancels with a reason the other sees.

Each service takes the actor (as the policy narrowed it) and answers 404 for what the
policy refuses; it writes the row, its reminders (``rappels.rappels_synchroniser``), the
journal entry and the notice to the other side in one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agenda import journal
from agenda.enums import DELAIS_PAR_DEFAUT, StatutRdv
from agenda.heures import quand_fr
from agenda.models import RendezVous
from agenda.services.rappels import destinations_du_profil, prenom_pour, rappels_synchroniser
from consentement import acces
from consentement.acces import Acteur
from consentement.acces import choix as consentement
from espace_sante.comptes.models import Professionnel
from espace_sante.lib.refus import SaisieInvalide, exiger
from espace_sante.lib.texte import nom_affichable
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import Destination, notifier


@dataclass(frozen=True)
class Saisie:
    """What a form gives an appointment: times already in UTC (``agenda.heures``)."""

    titre: str
    debut: datetime
    fin: datetime
    lieu: str = ""
    notes: str = ""
    professionnel: Professionnel | None = None
    professionnel_texte: str = ""
    delais: tuple[int, ...] = tuple(DELAIS_PAR_DEFAUT)
    confidentiel: bool = False  # a professional records a minor's request (a proposal only)


def _verifier(saisie: Saisie, *, a_venir: bool) -> None:
    """A person may note an appointment that took place; a proposal or a move is ahead."""
    if saisie.fin <= saisie.debut:
        raise SaisieInvalide("L'heure de fin doit être après l'heure de début.")
    if a_venir and saisie.debut <= timezone.now():
        raise SaisieInvalide("Ce moment est déjà passé : choisissez une date à venir.")


def _verifier_confidentialite(acteur: Acteur, saisie: Saisie) -> None:
    if saisie.confidentiel and not acces.peut_declarer_confidentiel(acteur):
        raise SaisieInvalide("Seul un professionnel peut rendre confidentiel l'acte d'un mineur.")


def _remplir(rdv: RendezVous, saisie: Saisie) -> None:
    rdv.titre, rdv.debut, rdv.fin = nom_affichable(saisie.titre), saisie.debut, saisie.fin
    rdv.lieu = saisie.lieu.strip() or None
    rdv.notes = saisie.notes.strip() or None
    rdv.professionnel = saisie.professionnel
    rdv.professionnel_texte = (
        (saisie.professionnel_texte.strip() or None) if not (saisie.professionnel) else None
    )
    rdv.delais = sorted(set(saisie.delais), reverse=True)


@transaction.atomic
def rdv_ajouter(*, acteur: Acteur, saisie: Saisie) -> RendezVous:
    """The person (or a parent for a child) adds an appointment to the agenda."""
    exiger(acces.peut_gerer_agenda(acteur))
    _verifier(saisie, a_venir=False)
    _verifier_confidentialite(acteur, saisie)
    rdv = RendezVous(
        profil=acteur.profil,
        statut=StatutRdv.CONFIRME,
        cree_par=acteur.user,
        cree_par_libelle=acteur.libelle,
        cree_par_role=acteur.role,
    )
    _remplir(rdv, saisie)
    rdv.save()
    rappels_synchroniser(rdv=rdv)
    journal.rdv_cree(acteur, rdv)
    return rdv


@transaction.atomic
def rdv_proposer(*, acteur: Acteur, saisie: Saisie) -> RendezVous:
    """A professional proposes an appointment to the patient of ``acteur.profil`` (narrowed by
    ``acces.sur_dossier``): from the patient's page, or later from a conversation."""
    exiger(acces.peut_proposer_rdv(acteur))
    _verifier(saisie, a_venir=True)
    _verifier_confidentialite(acteur, saisie)
    pro = acteur.professionnel
    rdv = RendezVous(
        profil=acteur.profil,
        statut=StatutRdv.PROPOSE,
        propose_par=pro,
        cree_par=acteur.user,
        cree_par_libelle=acteur.libelle,
        cree_par_role=acteur.role,
        confidentiel=saisie.confidentiel,
    )
    _remplir(rdv, Saisie(**{**saisie.__dict__, "professionnel": pro}))
    rdv.save()
    if rdv.confidentiel:  # the minor's request is a decision of the ledger, like a document's
        consentement.confidentialite_enregistrer(acteur=acteur, element=rdv)
    journal.rdv_cree(acteur, rdv)
    _prevenir_patient(rdv, gabarit="agenda/notifications/rdv_propose", motif="rdv_propose")
    return rdv


def rdv_verrouille(rdv: RendezVous) -> RendezVous:
    return RendezVous.objects.select_for_update().select_related("profil").get(pk=rdv.pk)


@transaction.atomic
def rdv_modifier(*, acteur: Acteur, rdv: RendezVous, saisie: Saisie) -> RendezVous:
    """The person moves or edits their appointment; its reminders move with it."""
    rdv = rdv_verrouille(rdv)
    exiger(acces.peut_modifier_rdv(acteur, rdv))
    _verifier(saisie, a_venir=True)
    avant = rdv.debut
    _remplir(rdv, saisie)
    rdv.version += 1
    rdv.modifie_le = timezone.now()
    rdv.save()
    rappels_synchroniser(rdv=rdv)
    journal.rdv_modifie(acteur, rdv, avant=avant)
    return rdv


@transaction.atomic
def rdv_repondre(*, acteur: Acteur, rdv: RendezVous, accepte: bool, motif: str = "") -> RendezVous:
    """The person accepts a professional's proposal (reminders start) or declines it."""
    rdv = rdv_verrouille(rdv)
    exiger(acces.peut_repondre_rdv(acteur, rdv))
    maintenant = timezone.now()
    rdv.repondu_le = rdv.modifie_le = maintenant
    rdv.version += 1
    if accepte:
        rdv.statut = StatutRdv.CONFIRME
        rdv.delais = list(DELAIS_PAR_DEFAUT)
    else:
        rdv.statut, rdv.annule_le, rdv.motif = StatutRdv.REFUSE, maintenant, motif.strip() or None
        rdv.annule_par_libelle, rdv.annule_par_role = acteur.libelle, acteur.role
    rdv.save()
    rappels_synchroniser(rdv=rdv)
    journal.rdv_repondu(acteur, rdv, accepte=accepte)
    _prevenir_professionnel(rdv, "accepte" if accepte else "refuse")
    return rdv


def motif_lu_par_autrui(*, acteur: Acteur, rdv: RendezVous) -> bool:
    """Whether someone else reads the reason of a cancellation: the patient when a
    professional cancels, the proposing professional when the patient cancels; nobody when
    the person cancels an appointment they added themselves (then no reason is asked)."""
    return not acteur.cote_patient or rdv.propose_par_id is not None


@transaction.atomic
def rdv_annuler(*, acteur: Acteur, rdv: RendezVous, motif: str = "") -> RendezVous:
    """Either side cancels, with a reason the other side reads; reminders are removed."""
    rdv = rdv_verrouille(rdv)
    exiger(acces.peut_annuler_rdv(acteur, rdv))
    if motif_lu_par_autrui(acteur=acteur, rdv=rdv) and not motif.strip():
        raise SaisieInvalide("Indiquez le motif de l'annulation : l'autre partie le lira.")
    maintenant = timezone.now()
    rdv.statut, rdv.annule_le, rdv.modifie_le = StatutRdv.ANNULE, maintenant, maintenant
    rdv.motif = motif.strip()
    rdv.annule_par_libelle, rdv.annule_par_role = acteur.libelle, acteur.role
    rdv.version += 1
    rdv.save()
    rappels_synchroniser(rdv=rdv)
    journal.rdv_annule(acteur, rdv)
    if acteur.cote_patient:
        _prevenir_professionnel(rdv, "annule")
    else:
        _prevenir_patient(rdv, gabarit="agenda/notifications/rdv_annule", motif="rdv_annule")
    return rdv


def _prevenir_patient(rdv: RendezVous, *, gabarit: str, motif: str) -> None:
    """The person, or a child's representatives, by their preferences (no health content);
    a minor's confidential appointment, the minor's own account only."""
    notifier(
        profil=rdv.profil,
        motif=motif,
        cle=f"{motif}:{rdv.public_id}:{rdv.version}",
        gabarit=gabarit,
        a=destinations_du_profil(rdv.profil, rdv=rdv),
        contexte={
            "quand": quand_fr(rdv.debut),
            "pour": prenom_pour(rdv.profil, rdv),
            "lien": settings.SITE_URL + reverse("agenda:accueil"),
        },
    )


def _prevenir_professionnel(rdv: RendezVous, reponse: str) -> None:
    pro = rdv.propose_par
    if pro is None or not pro.user.email:
        return
    notifier(
        motif="rdv_reponse",
        cle=f"rdv_reponse:{rdv.public_id}:{rdv.version}",
        gabarit="agenda/notifications/rdv_reponse",
        a=[Destination(Canal.EMAIL, pro.user.email, None)],
        contexte={
            "quand": quand_fr(rdv.debut),
            "patient": rdv.profil.nom_affiche,
            "reponse": reponse,
            "lien": settings.SITE_URL + reverse("agenda:pro_rendez_vous"),
        },
    )
