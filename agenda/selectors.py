"""Reads of the agenda, always through the actor's scope (``consentement.acces``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import QuerySet
from django.utils import timezone

from agenda import prevention
from agenda.enums import StatutRappel, StatutRdv
from agenda.heures import PARIS, debut_du_jour
from agenda.models import Abonnement, Rappel, RendezVous, SuiviPrevention
from consentement import acces
from consentement.acces import Acteur
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.comptes.models import Profil
from espace_sante.lib.refus import Introuvable

EN_COURS = (StatutRdv.PROPOSE, StatutRdv.CONFIRME)


def rdv_visibles(*, acteur: Acteur) -> QuerySet[RendezVous]:
    return RendezVous.objects.filter(acces.q_rdv_visibles(acteur)).select_related(
        "professionnel__user", "propose_par__user", "profil"
    )


def rdv_visible(*, acteur: Acteur, public_id) -> RendezVous:
    """One appointment the actor may see; 404 otherwise (missing or not theirs look alike)."""
    rdv = rdv_visibles(acteur=acteur).filter(public_id=public_id).first()
    if rdv is None:
        raise Introuvable
    return rdv


def a_venir(*, acteur: Acteur) -> QuerySet[RendezVous]:
    return (
        rdv_visibles(acteur=acteur)
        .filter(fin__gt=timezone.now(), statut__in=EN_COURS)
        .order_by("debut", "pk")
    )


def passes(*, acteur: Acteur) -> QuerySet[RendezVous]:
    """Appointments that took place, and every cancelled or declined one, newest first."""
    maintenant = timezone.now()
    return (
        rdv_visibles(acteur=acteur)
        .exclude(fin__gt=maintenant, statut__in=EN_COURS)
        .order_by("-debut", "-pk")
    )


def rappels_prevus(*, rdv: RendezVous) -> list[Rappel]:
    return list(rdv.rappels.filter(statut=StatutRappel.A_ENVOYER).order_by("echeance", "canal"))


@dataclass
class Jour:
    jour: date
    dans_le_mois: bool
    aujourdhui: bool
    rdv: list = field(default_factory=list)


def mois(*, acteur: Acteur, annee: int, numero: int) -> list[list[Jour]]:
    """The month as weeks of seven days (Monday first), each day with its appointments."""
    premier = date(annee, numero, 1)
    debut = premier - timedelta(days=premier.weekday())
    suivant = (premier + timedelta(days=32)).replace(day=1)
    fin = suivant + timedelta(days=(7 - suivant.weekday()) % 7)
    aujourdhui = timezone.localdate()
    jours = {
        debut + timedelta(days=n): Jour(
            debut + timedelta(days=n),
            (debut + timedelta(days=n)).month == numero,
            debut + timedelta(days=n) == aujourdhui,
        )
        for n in range((fin - debut).days)
    }
    rdvs = (
        rdv_visibles(acteur=acteur)
        .filter(debut__gte=debut_du_jour(debut), debut__lt=debut_du_jour(fin))
        .exclude(statut=StatutRdv.REFUSE)
        .order_by("debut", "pk")
    )
    for rdv in rdvs:
        jours[rdv.debut.astimezone(PARIS).date()].rdv.append(rdv)
    ordre = sorted(jours.values(), key=lambda j: j.jour)
    return [ordre[i : i + 7] for i in range(0, len(ordre), 7)]


def abonnements(*, acteur: Acteur) -> QuerySet[Abonnement]:
    return Abonnement.objects.filter(acces.q_abonnements(acteur)).order_by("-cree_le")


def abonnement_visible(*, acteur: Acteur, public_id) -> Abonnement:
    abonnement = abonnements(acteur=acteur).filter(public_id=public_id).first()
    if abonnement is None:
        raise Introuvable
    return abonnement


# --- Prevention ----------------------------------------------------------------------------

TYPES_PREVENTION = (TypeDecision.PREVENTION_REFUS, TypeDecision.PREVENTION_ACCORD)


def prevention_refusee(profil: Profil) -> bool:
    """The person turned prevention messages off (their latest decision on it says so)."""
    derniere = (
        Decision.objects.filter(profil=profil, type__in=TYPES_PREVENTION)
        .order_by("-horodatage", "-pk")
        .values_list("type", flat=True)
        .first()
    )
    return derniere == TypeDecision.PREVENTION_REFUS


def calendrier_prevention(*, acteur: Acteur, vaccinations) -> list[prevention.Occurrence]:
    """The person's prevention steps today. ``vaccinations``: the record's vaccination
    entries the actor may see (the caller reads them through the record's selectors)."""
    if not acces.peut_gerer_agenda(acteur):
        return []
    profil = acteur.profil
    suivis = dict(SuiviPrevention.objects.filter(profil=profil).values_list("etape", "etat"))
    return prevention.calendrier(
        naissance=profil.date_naissance,
        sexe=profil.sexe,
        aujourdhui=timezone.localdate(),
        vaccinations=[(v.libelle, v.date) for v in vaccinations],
        suivis=suivis,
    )


def occurrence_de(*, acteur: Acteur, code: str) -> prevention.Occurrence:
    """One step of the actor's calendar, by code; 404 for a code that is not theirs."""
    profil = acteur.profil
    if not acces.peut_gerer_agenda(acteur) or profil.date_naissance is None:
        raise Introuvable
    for occurrence in prevention.occurrences_de(profil.date_naissance, profil.sexe):
        if occurrence.code == code:
            return occurrence
    raise Introuvable
