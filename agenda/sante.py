"""The agenda's health check (``SANTE_CONTROLES``): reminders due and not yet handed over,
and how late the oldest one is (the sweep runs every minute)."""

from __future__ import annotations

from django.conf import settings
from django.db.models import Min
from django.utils import timezone

from agenda.enums import StatutRappel
from agenda.models import Rappel
from espace_sante.sante.controles import DEGRADE, OK, Controle, age


def rappels() -> Controle:
    dus = Rappel.objects.filter(statut=StatutRappel.A_ENVOYER, echeance__lte=timezone.now())
    retard = age(dus.aggregate(m=Min("echeance"))["m"])
    statut = OK if retard <= settings.SANTE_RETARD_MAX_SECONDES else DEGRADE
    return Controle(
        "rappels",
        statut,
        {
            "rappels_dus": (dus.count(), "rappels échus pas encore confiés aux notifications"),
            "rappel_retard_secondes": (round(retard), "retard du plus ancien rappel échu"),
        },
    )
