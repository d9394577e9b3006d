"""Reminders: rows in PostgreSQL first, kept in step with their appointment, claimed by the
beat's sweep with ``SELECT … FOR UPDATE SKIP LOCKED`` and handed to ``notifier``.

Why nothing is lost nor sent twice: a reminder is due when its row says so, whatever Redis
did; the sweep marks a row handed over in the same transaction as ``notifier`` writes the
notification rows (each with a unique key), so a worker killed before the commit leaves
the reminder due, and one killed after leaves a pending notification that the kernel's
sweep sends (``notifications_relancer``). A late reminder is sent when service returns,
unless its appointment has begun: then it is marked, not sent.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agenda.enums import CanalRappel, StatutRappel, StatutRdv
from agenda.heures import quand_fr
from agenda.models import Rappel, RendezVous, SuiviPrevention
from agenda.selectors import prevention_refusee
from consentement import acces
from espace_sante.comptes.models import Profil
from espace_sante.notifications.services import Destination, notifier

LOT = 200  # rows claimed per transaction
REPORT = timedelta(minutes=5)  # a reminder whose hand-over failed is tried again this much later
logger = logging.getLogger(__name__)


def destinations_du_profil(profil: Profil, *, rdv: RendezVous | None = None) -> list[Destination]:
    """Where this person's agenda messages go: their preferences, and for a minor each legal
    representative's; about a minor's confidential appointment, the minor's own account only
    (the policy's one rule, ``acces.destinataires``)."""
    return acces.destinataires(profil, confidentiel=rdv is not None and rdv.confidentiel)


def cle_rappel(reference: str, delai: int, canal: str) -> str:
    return f"rappel:{reference}:{delai}:{canal}"


def rappels_synchroniser(*, rdv: RendezVous) -> None:
    """Make the reminder rows match the appointment: one per chosen offset and channel while
    it is confirmed and the reminder still ahead; moved rows get a new version (a new
    message), pending rows no longer wanted are removed. Sent rows stay as they are."""
    maintenant = timezone.now()
    existants = {(r.delai, r.canal): r for r in rdv.rappels.select_for_update()}
    voulus = {}
    if rdv.statut == StatutRdv.CONFIRME:
        canaux = {d.canal for d in destinations_du_profil(rdv.profil, rdv=rdv)}
        for delai in rdv.delais:
            echeance = rdv.debut - timedelta(minutes=delai)
            if echeance > maintenant:
                voulus.update({(delai, canal): echeance for canal in canaux})
    a_supprimer = [
        r.pk for k, r in existants.items() if k not in voulus and r.statut == StatutRappel.A_ENVOYER
    ]
    Rappel.objects.filter(pk__in=a_supprimer).delete()
    for (delai, canal), echeance in voulus.items():
        rappel = existants.get((delai, canal))
        if rappel is None:
            Rappel.objects.create(
                cle=cle_rappel(str(rdv.public_id), delai, canal),
                profil=rdv.profil,
                rendez_vous=rdv,
                delai=delai,
                canal=canal,
                echeance=echeance,
            )
        elif rappel.echeance != echeance or rappel.statut != StatutRappel.A_ENVOYER:
            rappel.echeance, rappel.statut, rappel.traite_le = (
                echeance,
                StatutRappel.A_ENVOYER,
                None,
            )
            rappel.version += 1
            rappel.save(update_fields=["echeance", "statut", "traite_le", "version"])


@dataclass
class Bilan:
    envoyes: int = 0
    perimes: int = 0
    annules: int = 0
    reportes: int = 0
    ids: list[int] = field(default_factory=list)

    def __iadd__(self, autre: Bilan) -> Bilan:
        self.envoyes += autre.envoyes
        self.perimes += autre.perimes
        self.annules += autre.annules
        self.reportes += autre.reportes
        return self


def rappels_balayer(*, maintenant=None, lot: int = LOT) -> Bilan:
    """The beat's sweep: every due reminder, a batch per transaction, until none is left
    (rows another worker holds are skipped, not waited for)."""
    total = Bilan()
    while True:
        bilan = _balayer_un_lot(maintenant or timezone.now(), lot)
        total += bilan
        if len(bilan.ids) < lot:
            return total


def _a_traiter(maintenant, lot: int):
    return list(
        Rappel.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(statut=StatutRappel.A_ENVOYER, echeance__lte=maintenant)
        .select_related("rendez_vous", "profil__titulaire")
        .order_by("echeance")[:lot]
    )


@transaction.atomic
def _balayer_un_lot(maintenant, lot: int) -> Bilan:
    bilan, statuts = Bilan(), {}
    rappels = _a_traiter(maintenant, lot)
    bilan.ids = [r.pk for r in rappels]
    for rappel in rappels:
        rdv = rappel.rendez_vous
        if rdv is not None and rdv.debut <= timezone.now():
            statut = StatutRappel.PERIME
        elif rdv is not None and rdv.statut != StatutRdv.CONFIRME:
            statut = StatutRappel.ANNULE
        elif rdv is None and not _prevention_utile(rappel):
            statut = StatutRappel.ANNULE
        else:
            statut = _remettre_ou_reporter(rappel)
        statuts.setdefault(statut, []).append(rappel.pk)
    reportes = statuts.pop(None, [])
    for statut, ids in statuts.items():
        Rappel.objects.filter(pk__in=ids).update(statut=statut, traite_le=timezone.now())
    # One reminder that cannot be handed over (a template or address error) must not hold
    # back the others, nor come back first at every sweep: it waits a little, stays due, and
    # is marked, not sent, once its appointment has begun.
    Rappel.objects.filter(pk__in=reportes).update(echeance=timezone.now() + REPORT)
    bilan.reportes = len(reportes)
    bilan.envoyes = len(statuts.get(StatutRappel.ENVOYE, []))
    bilan.perimes = len(statuts.get(StatutRappel.PERIME, []))
    bilan.annules = len(statuts.get(StatutRappel.ANNULE, []))
    return bilan


def _prevention_utile(rappel: Rappel) -> bool:
    """A prevention reminder still makes sense: messages not turned off, step neither done
    nor dismissed."""
    if prevention_refusee(rappel.profil):
        return False
    return not SuiviPrevention.objects.filter(profil=rappel.profil, etape=rappel.etape).exists()


def _remettre_ou_reporter(rappel: Rappel) -> str | None:
    """``_remettre`` in a savepoint: None when it failed (the row is put off, not lost)."""
    try:
        with transaction.atomic():
            return _remettre(rappel)
    except Exception:
        logger.exception(
            "Rappel %s non remis à notifier : nouvel essai dans 5 minutes.", rappel.cle
        )
        return None


def _remettre(rappel: Rappel) -> str:
    """Hand one reminder to ``notifier`` on its channel, to whoever wants that channel now."""
    rdv = rappel.rendez_vous
    cibles = [d for d in destinations_du_profil(rappel.profil, rdv=rdv) if d.canal == rappel.canal]
    if not cibles:
        return StatutRappel.ANNULE  # the person no longer wants this channel
    lien = settings.SITE_URL + reverse("agenda:accueil")
    if rappel.rendez_vous is not None:
        gabarit, contexte = (
            "agenda/notifications/rappel_rdv",
            {"quand": quand_fr(rappel.rendez_vous.debut)},
        )
    else:
        gabarit, contexte = "agenda/notifications/rappel_prevention", {}
    prenom = prenom_pour(rappel.profil, rdv)
    notifier(
        profil=rappel.profil,
        motif="rappel",
        cle=f"{rappel.cle}:v{rappel.version}",
        gabarit=gabarit,
        a=cibles,
        contexte={**contexte, "pour": prenom, "lien": lien},
    )
    return StatutRappel.ENVOYE


def prenom_pour(profil: Profil, rdv: RendezVous | None) -> str:
    """A child's first name, in a message to the parents (a confidential appointment's goes
    to the minor: "vous")."""
    if not profil.est_mineur() or (rdv is not None and rdv.confidentiel):
        return ""
    return profil.prenoms.split()[0]


def canaux_de(profil: Profil) -> set[str]:
    return {d.canal for d in destinations_du_profil(profil) if d.canal in CanalRappel.values}
