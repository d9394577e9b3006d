"""Public pages: the catalogue (no login), a service's page, its logo, the publishers'
documentation and the OpenAPI description."""

from __future__ import annotations

from pathlib import Path

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from catalogue import forms, portees, selectors, services
from catalogue.enums import CategorieService
from catalogue.models import Service
from consentement import acces
from espace_sante.lib.texte import duree_lue

OPENAPI = Path(__file__).resolve().parent.parent / "openapi.yaml"
PAR_PAGE = 12


def _familles(service: Service) -> list[str]:
    types = {portees.type_de(p.portee) for p in service.portees.all()}
    return [nom for type_, nom in portees.FAMILLES.items() if type_ in types]


@require_GET
@login_not_required
def catalogue(request):
    form = forms.RechercheForm(request.GET or None)
    filtres = form.cleaned_data if form.is_valid() else {}
    services = selectors.catalogue(
        recherche=filtres.get("q", ""),
        categorie=filtres.get("categorie", ""),
        donnee=filtres.get("donnee", ""),
    )
    page = Paginator(services, PAR_PAGE).get_page(request.GET.get("page"))
    for service in page.object_list:
        service.familles = _familles(service)
        service.categorie_libelle = CategorieService(service.categorie).label
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(
        request,
        "catalogue/catalogue.html",
        {
            "form": form,
            "page": page,
            "requete": requete.urlencode(),
            "total": page.paginator.count,
            # The link to « Mes services connectés », for whom that page exists (the policy's).
            "mes_services": acces.en_patient(request.acteur) is not None,
        },
    )


@require_GET
@login_not_required
def service(request, slug):
    service = selectors.service_public(slug=slug)
    lignes = [
        {
            "libelle": portees.libelle(p.portee),
            "pourquoi": p.pourquoi,
            "ecriture": portees.mode_de(p.portee) == "c",
            "portee": p.portee,
        }
        for p in sorted(service.portees.all(), key=lambda p: portees.trier([p.portee]))
    ]
    patient = acces.en_patient(request.acteur) if request.user.is_authenticated else None
    connexion = (
        selectors.connexion_active(service=service, profil=patient.profil) if patient else None
    )
    return render(
        request,
        "catalogue/service.html",
        {
            "service": service,
            "lectures": [x for x in lignes if not x["ecriture"]],
            "ecritures": [x for x in lignes if x["ecriture"]],
            "patient": patient,
            "connexion": connexion,
            "categorie": CategorieService(service.categorie).label,
            "duree": duree_lue(services.duree_autorisation().days),
        },
    )


@require_GET
@login_not_required
def logo(request, public_id):
    service = Service.objects.filter(public_id=public_id).exclude(logo=None).first()
    if service is None:
        raise Http404
    reponse = HttpResponse(bytes(service.logo), content_type=service.logo_type)
    reponse["Cache-Control"] = "public, max-age=86400"
    reponse["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return reponse


@require_GET
@login_not_required
def developpeurs(request):
    return render(
        request,
        "catalogue/developpeurs.html",
        {
            "portees": [(p, portees.libelle(p)) for p in portees.DONNEES],
            "base": request.build_absolute_uri("/").rstrip("/"),
        },
    )


@require_GET
@login_not_required
def openapi(request):
    reponse = HttpResponse(OPENAPI.read_bytes(), content_type="application/yaml; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="openapi.yaml"'
    return reponse
