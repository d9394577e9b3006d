"""The prevention calendar: steps for the person's age and sex, with why and the source;
mark one done, dismiss it, put it back; turn prevention messages off or on (the ledger)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from agenda import prevention, selectors, services
from consentement import acces
from consentement.acces.decorateurs import espace_patient, exige
from consentement.acces.textes import texte_de
from consentement.enums import TypeDecision
from dossier import public as dossier
from dossier.public import Rubrique

gere = exige(acces.peut_gerer_agenda)
ACTIONS = {"fait": "fait", "ecarter": "ecarte", "retablir": None}
SECTIONS = [
    ("en_cours", "À faire maintenant"),
    ("en_retard", "En retard"),
    ("a_venir", "À venir"),
    ("fait", "Faites"),
    ("ecarte", "Écartées"),
]


@require_GET
@espace_patient
@gere
def prevention_page(request):
    acteur = request.acteur
    vaccinations = dossier.informations_visibles(acteur=acteur).filter(
        rubrique=Rubrique.VACCINATION
    )
    occurrences = selectors.calendrier_prevention(acteur=acteur, vaccinations=vaccinations)
    refusee = selectors.prevention_refusee(acteur.profil)
    sections = [(cle, titre, [o for o in occurrences if o.etat == cle]) for cle, titre in SECTIONS]
    return render(
        request,
        "agenda/prevention.html",
        {
            "sections": sections,
            "refusee": refusee,
            "texte": texte_de(
                TypeDecision.PREVENTION_ACCORD if refusee else TypeDecision.PREVENTION_REFUS
            ),
            "familles": prevention.FAMILLES,
            "sans_naissance": acteur.profil.date_naissance is None,
        },
    )


@require_POST
@espace_patient
@gere
def etape(request, code):
    action = request.POST.get("action")
    if action not in ACTIONS:
        raise Http404
    occurrence = selectors.occurrence_de(acteur=request.acteur, code=code)
    services.etape_suivre(acteur=request.acteur, occurrence=occurrence, etat=ACTIONS[action])
    textes = {"fait": "marquée comme faite", "ecarter": "écartée", "retablir": "rétablie"}
    messages.success(request, f"Étape « {occurrence.etape.intitule} » {textes[action]}.")
    return redirect("agenda:prevention")


@require_POST
@espace_patient
@gere
def messages_prevention(request):
    actifs = request.POST.get("actifs") == "1"
    services.prevention_messages_regler(acteur=request.acteur, actifs=actifs)
    messages.success(
        request,
        "Les messages de prévention sont réactivés."
        if actifs
        else "Vous ne recevrez plus de messages de prévention. Ce choix figure dans Mes choix.",
    )
    return redirect("agenda:prevention")
