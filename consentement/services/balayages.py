"""The periodic sweeps of the lifecycle (Celery beat): deadlines and majority."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from consentement import journal
from consentement.acces import date_majorite
from consentement.enums import MotifAvis
from consentement.services import avis
from espace_sante.comptes.enums import StatutProfil
from espace_sante.comptes.models import Profil, Representation


def annonces_echoir() -> int:
    """Announced profiles whose opposition window has ended become created."""
    with transaction.atomic():
        n = Profil.objects.filter(
            statut=StatutProfil.ANNONCE, date_limite_opposition__lt=timezone.localdate()
        ).update(statut=StatutProfil.CREE)
        if n:
            journal.annonces_echues(n)
    return n


def majorites_traiter() -> int:
    """End the representations of minors who turned 18; send them their own notice."""
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
            journal.representation_fin(jeune, motif="majorité")
            if jeune.statut in (StatutProfil.ANNONCE, StatutProfil.CREE):
                avis.avis_emettre(profil=jeune, motif=MotifAvis.MAJORITE)
            n += 1
    return n
