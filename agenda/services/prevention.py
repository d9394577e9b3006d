"""The person's prevention choices (a step done or dismissed, messages off or on again) and
the daily planning of prevention reminders (rows of the same reminder table)."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.utils import timezone

from agenda import prevention
from agenda.enums import EtatPrevention
from agenda.heures import PARIS
from agenda.models import Rappel, SuiviPrevention
from agenda.selectors import prevention_refusee
from agenda.services.rappels import canaux_de, cle_rappel
from consentement import acces
from consentement.acces import Acteur, registre
from consentement.enums import TypeDecision
from consentement.models import Decision
from espace_sante.comptes.models import Profil
from espace_sante.lib.refus import exiger

HEURE_RAPPEL = time(10, 0)  # prevention reminders leave at 10:00, Paris time
AVANCE = 7  # days ahead the daily planning looks


@transaction.atomic
def etape_suivre(*, acteur: Acteur, occurrence: prevention.Occurrence, etat: str | None) -> None:
    """Mark a step done or dismissed (``etat``), or put it back (None)."""
    exiger(acces.peut_gerer_agenda(acteur))
    profil = acteur.profil
    if etat is None:
        SuiviPrevention.objects.filter(profil=profil, etape=occurrence.code).delete()
        return
    SuiviPrevention.objects.update_or_create(
        profil=profil,
        etape=occurrence.code,
        defaults={"etat": EtatPrevention(etat), "le": timezone.now(), "par": acteur.user},
    )


@transaction.atomic
def prevention_messages_regler(*, acteur: Acteur, actifs: bool) -> Decision | None:
    """Turn prevention messages off (or on again): a decision in the consent ledger."""
    exiger(acces.peut_gerer_agenda(acteur))
    profil = Profil.objects.select_for_update().get(pk=acteur.profil.pk)
    if prevention_refusee(profil) == (not actifs):
        return None
    return registre.decision_enregistrer(
        profil=profil,
        type_decision=TypeDecision.PREVENTION_ACCORD if actifs else TypeDecision.PREVENTION_REFUS,
        acteur=acteur,
    )


def prevention_planifier(*, aujourdhui=None) -> int:
    """Daily: a reminder row for each step that opens within the next week, for the people
    born on the matching dates (looked up by birth date, never the whole table). Rows are
    keyed by person, step and channel: running it twice, or on overlapping weeks, adds
    nothing. Returns the number of rows offered (those already there are skipped)."""
    aujourdhui = aujourdhui or timezone.localdate()
    jours = [aujourdhui + timedelta(days=n) for n in range(AVANCE + 1)]
    naissances = prevention.naissances_ouvrant(jours)
    profils = Profil.objects.filter(
        date_naissance__in=sorted(naissances), statut__in=acces.STATUTS_UTILISABLES
    ).select_related("titulaire")
    lignes = []
    for profil in profils.iterator(chunk_size=500):
        ouvertes = [
            o
            for o in prevention.occurrences_de(profil.date_naissance, profil.sexe)
            if jours[0] <= o.du <= jours[-1]
        ]
        if not ouvertes or prevention_refusee(profil):
            continue
        for occurrence in ouvertes:
            echeance = max(
                datetime.combine(occurrence.du, HEURE_RAPPEL, tzinfo=PARIS), timezone.now()
            )
            for canal in canaux_de(profil):
                reference = f"prevention-{profil.public_id}-{occurrence.code}"
                lignes.append(
                    Rappel(
                        cle=cle_rappel(reference, 0, canal),
                        profil=profil,
                        etape=occurrence.code,
                        canal=canal,
                        echeance=echeance,
                    )
                )
    return len(Rappel.objects.bulk_create(lignes, ignore_conflicts=True, batch_size=1000))
