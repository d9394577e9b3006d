"""The record as a file: FHIR R4 (streamed, documents included) and a readable PDF."""

from __future__ import annotations

from django.http import HttpResponse, StreamingHttpResponse
from django.views.decorators.http import require_GET

from consentement.acces.decorateurs import espace_patient
from dossier import exports


@require_GET
@espace_patient
def export_fhir(request):
    flux = exports.fhir_exporter(acteur=request.acteur)
    reponse = StreamingHttpResponse(flux, content_type="application/fhir+json; charset=utf-8")
    reponse["Content-Disposition"] = 'attachment; filename="dossier-fhir.json"'
    return reponse


@require_GET
@espace_patient
def export_pdf(request):
    contenu = exports.pdf_exporter(acteur=request.acteur)
    reponse = HttpResponse(contenu, content_type="application/pdf")
    reponse["Content-Disposition"] = 'attachment; filename="synthese-dossier.pdf"'
    return reponse
