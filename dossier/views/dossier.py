"""The patient's record: documents, medical profile, all the measures of one kind."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_GET

from consentement.acces.decorateurs import espace_patient
from dossier import presentation, selectors, services
from dossier.enums import TypeMesure

DOCUMENTS_PAR_PAGE = 20


def page_documents(request, acteur):
    """The record's documents, newest act first, 20 a page (the same on the pro's page)."""
    liste = selectors.documents_visibles(acteur=acteur)
    return Paginator(liste, DOCUMENTS_PAR_PAGE).get_page(request.GET.get("page"))


@require_GET
@espace_patient
def accueil(request):
    acteur = request.acteur
    services.dossier_consulter(acteur=acteur, page="documents")
    page = page_documents(request, acteur)
    return render(
        request,
        "dossier/accueil.html",
        {
            "acteur": acteur,
            "page": page,
            "documents": page.object_list,
            "requete": "",
            "en_attente": list(selectors.documents_en_attente_annonce(acteur=acteur)),
        },
    )


@require_GET
@espace_patient
def profil_medical(request):
    acteur = request.acteur
    services.dossier_consulter(acteur=acteur, page="profil médical")
    return render(
        request,
        "dossier/profil_medical.html",
        {"acteur": acteur, **presentation.profil_medical(acteur)},
    )


@require_GET
@espace_patient
def mesures(request, type_mesure):
    """Every measure of one kind, newest first, 50 a page (the profile shows the last 10)."""
    try:
        type_mesure = TypeMesure(type_mesure)
    except ValueError:
        raise Http404 from None
    acteur = request.acteur
    liste = selectors.mesures_visibles(acteur=acteur).filter(type=type_mesure).order_by("-date")
    page = Paginator(liste, 50).get_page(request.GET.get("page"))
    # The chart draws this page's measures (at most 50, oldest first), as the table lists them.
    mesures = list(reversed(page.object_list))
    courbe = presentation.dessins(type_mesure, mesures) if mesures else None
    return render(
        request,
        "dossier/mesures.html",
        {"acteur": acteur, "type": type_mesure, "page": page, "requete": "", "courbe": courbe},
    )
