"""Calendar files and private subscriptions.

One appointment as an ``.ics`` file, and a subscription URL carrying a 256-bit token of
which only a keyed hash is stored: shown once, revocable (the next fetch gets 404). The
feed is built with the ``icalendar`` library; times are UTC, each event keeps its UID and
a SEQUENCE that grows when it moves, so calendar applications update it in place.
Titles say "Rendez-vous médical" unless the person chose details for that subscription.
A feed carries what its creator sees: a parent's never holds a minor's confidential one.

Fetches are counted per subscription and per day in PostgreSQL (the limit holds when Redis
is down: a failure to count refuses), and the first fetch of each day is journaled.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from icalendar import Calendar, Event

from agenda import journal
from agenda.enums import StatutRdv
from agenda.models import Abonnement, CompteurFlux, RendezVous
from consentement import acces
from consentement.acces import Acteur
from espace_sante.lib.crypto import keyed_hash
from espace_sante.lib.refus import Introuvable, SaisieInvalide
from espace_sante.lib.texte import nom_affichable

TITRE_GENERIQUE = "Rendez-vous médical"
MAX_ABONNEMENTS = 5
HISTORIQUE_FLUX = timedelta(days=365)  # past appointments a feed still carries


def empreinte(jeton: str) -> str:
    return keyed_hash("flux-agenda", jeton)


def _evenement(rdv: RendezVous, *, details: bool, maintenant) -> Event:
    evenement = Event()
    evenement.add("uid", f"{rdv.public_id}@espace-sante")
    evenement.add("dtstamp", maintenant)
    evenement.add("dtstart", rdv.debut)
    evenement.add("dtend", rdv.fin)
    evenement.add("sequence", rdv.version)
    evenement.add("last-modified", rdv.modifie_le)
    evenement.add("summary", rdv.titre if details else TITRE_GENERIQUE)
    if details and rdv.lieu:
        evenement.add("location", rdv.lieu)
    if details and rdv.avec:
        evenement.add("description", f"Avec : {rdv.avec}")
    annule = rdv.statut in (StatutRdv.ANNULE, StatutRdv.REFUSE)
    provisoire = rdv.statut == StatutRdv.PROPOSE
    evenement.add("status", "CANCELLED" if annule else ("TENTATIVE" if provisoire else "CONFIRMED"))
    return evenement


def calendrier_ics(rdvs, *, details: bool, nom: str = "espace-santé") -> bytes:
    calendrier = Calendar()
    calendrier.add("prodid", "-//espace-santé//Agenda//FR")
    calendrier.add("version", "2.0")
    calendrier.add("calscale", "GREGORIAN")
    calendrier.add("x-wr-calname", nom)
    maintenant = timezone.now()
    for rdv in rdvs:
        calendrier.add_component(_evenement(rdv, details=details, maintenant=maintenant))
    return calendrier.to_ical()


def rdv_ics(*, acteur: Acteur, rdv: RendezVous, details: bool) -> bytes:
    if not acces.peut_voir_rdv(acteur, rdv):
        raise Introuvable
    return calendrier_ics([rdv], details=details)


@transaction.atomic
def abonnement_creer(*, acteur: Acteur, nom: str, details: bool) -> tuple[Abonnement, str]:
    """A new subscription; returns it and the token, which is never stored nor shown again."""
    if not acces.peut_gerer_agenda(acteur):
        raise Introuvable
    actifs = Abonnement.objects.actifs().filter(profil=acteur.profil)
    if actifs.count() >= MAX_ABONNEMENTS:
        raise SaisieInvalide(
            f"{MAX_ABONNEMENTS} abonnements sont déjà actifs : révoquez-en un avant d'en créer un autre."
        )
    jeton = secrets.token_urlsafe(32)
    abonnement = Abonnement.objects.create(
        profil=acteur.profil,
        nom=nom_affichable(nom),
        details=details,
        jeton_hash=empreinte(jeton),
        cree_par=acteur.user,
    )
    journal.flux_cree(acteur, abonnement)
    return abonnement, jeton


@transaction.atomic
def abonnement_revoquer(*, acteur: Acteur, abonnement: Abonnement) -> None:
    if not acces.peut_voir_abonnement(acteur, abonnement) or abonnement.revoque_le:
        raise Introuvable
    abonnement.revoque_le = timezone.now()
    abonnement.save(update_fields=["revoque_le"])
    journal.flux_revoque(acteur, abonnement)


class Limite(Exception):
    """Too many fetches today; the message is for the person, ``jusqua`` when it lifts."""


def _compter(cle: str) -> int:
    """Count one event for ``cle`` today (Paris); return today's count, this one included."""
    with connection.cursor() as curseur:
        curseur.execute(
            "INSERT INTO agenda_compteurflux (cle, jour, nombre) VALUES (%s, %s, 1) "
            "ON CONFLICT (cle, jour) DO UPDATE SET nombre = agenda_compteurflux.nombre + 1 "
            "RETURNING nombre",
            [cle, timezone.localdate()],
        )
        return curseur.fetchone()[0]


def _servi(jeton: str) -> Abonnement | None:
    abonnement = (
        Abonnement.objects.filter(jeton_hash=empreinte(jeton))
        .select_related("profil", "cree_par")
        .first()
    )
    if abonnement is None:
        return None
    profils = acces.profils_accessibles(abonnement.cree_par)
    return abonnement if acces.flux_servi(abonnement, profils) else None


def flux_lire(*, jeton: str, ip: str) -> bytes:
    """The feed of a subscription token; 404 for an unknown or revoked token, ``Limite``
    beyond the day's fetches (per subscription, and unknown tokens per address)."""
    abonnement = _servi(jeton) if 20 <= len(jeton) <= 100 else None
    if abonnement is None:
        # Counted in its own commit: the 404 that follows must not undo it.
        if _compter(f"ip:{keyed_hash('flux-ip', ip)[:40]}") > settings.AGENDA_FLUX_REFUS_PAR_JOUR:
            raise Limite("Trop d'adresses d'abonnement inconnues depuis cette adresse.")
        raise Introuvable
    with transaction.atomic():
        lectures = _compter(f"abonnement:{abonnement.pk}")
        if lectures > settings.AGENDA_FLUX_LECTURES_PAR_JOUR:
            raise Limite("Ce calendrier a été lu trop souvent aujourd'hui.")
        if lectures == 1:
            journal.flux_consulte(abonnement, ip=ip)
    # The feed shows what its creator sees of the profile: a parent's, never what the minor
    # made confidential (the agenda's own rule, read through the policy).
    lecteur = acces.acteur_personne(abonnement.cree_par, abonnement.profil)
    rdvs = (
        RendezVous.objects.filter(acces.q_rdv_visibles(lecteur))
        .filter(debut__gte=timezone.now() - HISTORIQUE_FLUX)
        .exclude(statut=StatutRdv.REFUSE)
        .select_related("professionnel__user")
        .order_by("debut")
    )
    nom = f"espace-santé — {abonnement.profil.prenoms.split()[0]}"
    return calendrier_ics(rdvs, details=abonnement.details, nom=nom)


def compteurs_purger() -> int:
    """Counters of past days: the limits count today only."""
    return CompteurFlux.objects.filter(jour__lt=timezone.localdate()).delete()[0]
