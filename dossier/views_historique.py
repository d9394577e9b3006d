"""The activity history's signed attestation: the head of the patient's chain, signed,
for them to keep outside espace-santé and have checked later (journal_verify)."""

from __future__ import annotations

import json

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_GET

from consentement import acces
from consentement import services as consentement
from consentement.decorators import espace_patient
from dossier import selectors
from espace_sante.journal.attestation import JournalAltere, attester
from espace_sante.journal.enums import Action


@require_GET
@espace_patient
def historique_attestation(request):
    lecteur = selectors.lecteur_ou_404(request.user, request.profil)
    if not acces.peut_attester_historique(lecteur):
        raise Http404
    # Journaled first, so the attestation covers the entry that records its own issue.
    consentement.journaliser(lecteur, Action.HISTORIQUE_EXPORTE, details={"format": "attestation"})
    try:
        attestation = attester(lecteur.profil)
    except JournalAltere as erreur:
        messages.error(
            request,
            f"Le journal de ce profil a été altéré ({erreur.rupture}) : aucune attestation ne "
            "peut être délivrée. Signalez-le au délégué à la protection des données.",
        )
        return redirect(reverse("dossier:historique") + "?verifier=1")
    contenu = json.dumps(attestation, ensure_ascii=False, indent=2) + "\n"
    reponse = HttpResponse(contenu, content_type="application/json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="attestation-historique.json"'
    return reponse
