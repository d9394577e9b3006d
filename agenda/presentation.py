"""How the history names the agenda's objects (registered with the journal's kernel): an
appointment by its date and time, a subscription by the name the person gave it — only
those the reader's policy shows."""

from __future__ import annotations

from django.utils import timezone

from agenda.models import Abonnement, RendezVous
from consentement import acces


def noms_rdv(acteur, ids) -> dict[str, str]:
    rdvs = RendezVous.objects.filter(acces.q_rdv_visibles(acteur), public_id__in=ids)
    return {
        str(r.public_id): f"le rendez-vous du {timezone.localtime(r.debut):%d/%m/%Y à %H:%M}"
        for r in rdvs.only("public_id", "debut")
    }


def noms_abonnements(acteur, ids) -> dict[str, str]:
    abonnements = Abonnement.objects.filter(acces.q_abonnements(acteur), public_id__in=ids)
    return {str(a.public_id): f"l'abonnement « {a.nom} »" for a in abonnements}
