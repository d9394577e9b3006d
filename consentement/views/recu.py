"""The receipt of a decision as a download: the one HTTP answer for the three places that
hand one out (the person's choices, the mediator's desk, the public opposition)."""

from __future__ import annotations

from django.http import HttpResponse

from consentement.models import Decision
from consentement.services.recus import recu_pdf


def reponse_recu(decision: Decision, identite: dict[str, str] | None = None) -> HttpResponse:
    """The receipt as a download (built from the ledger row, never stored)."""
    reponse = HttpResponse(recu_pdf(decision, identite), content_type="application/pdf")
    reponse["Content-Disposition"] = f'attachment; filename="recu-{decision.reference}.pdf"'
    return reponse
