"""Errors of the FHIR API as ``OperationOutcome`` resources, in French."""

from __future__ import annotations

import json
from functools import wraps

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.views.decorators.csrf import csrf_exempt

TYPE_FHIR = "application/fhir+json; charset=utf-8"

CODES = {  # HTTP status → OperationOutcome issue code
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
    406: "not-supported",
    413: "too-costly",
    415: "not-supported",
    422: "processing",
    429: "throttled",
    503: "transient",
}


class ErreurApi(Exception):
    def __init__(self, statut: int, message: str):
        super().__init__(message)
        self.statut, self.message = statut, message


# What a client may ask for under the FHIR base: JSON (FHIR's or plain), or anything.
ACCEPTES = {"application/fhir+json", "application/json", "application/*", "*/*", "json"}


def format_refuse(request) -> bool:
    """True when the client asks only for a format this server does not speak (XML, RDF):
    406, rather than JSON the client would not expect. ``_format`` wins over ``Accept``."""
    demande = request.GET.get("_format") or request.headers.get("Accept", "")
    types = {morceau.split(";")[0].strip().lower() for morceau in demande.split(",")} - {""}
    return bool(types) and not types & ACCEPTES


def refus_de_format() -> HttpResponse:
    return operation_outcome(406, "Ce serveur ne parle que JSON FHIR (application/fhir+json).")


def methode_refusee(request, permises) -> HttpResponse:
    reponse = operation_outcome(405, f"Méthode {request.method} non prise en charge.")
    reponse["Allow"] = ", ".join(permises)
    return reponse


def lecture_publique(vue):
    """A public, read-only FHIR-base view: GET only and JSON only, refused as an
    OperationOutcome like every error under the FHIR base."""

    @csrf_exempt  # read-only and public: another method gets 405, not the portal's CSRF page
    @login_not_required
    @wraps(vue)
    def wrapper(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD"):
            return methode_refusee(request, ("GET",))
        if format_refuse(request):
            return refus_de_format()
        return vue(request, *args, **kwargs)

    return wrapper


@lecture_publique
def hors_api(request, reste: str):
    """Anything under the FHIR base that no route serves: an unsupported type or
    interaction, answered as FHIR, never as the portal's HTML page."""
    return operation_outcome(404, f"Type ou interaction non pris en charge : {reste[:80]}.")


def reponse_fhir(donnees, statut: int = 200, **en_tetes) -> HttpResponse:
    reponse = HttpResponse(
        json.dumps(donnees, ensure_ascii=False, default=str), status=statut, content_type=TYPE_FHIR
    )
    for nom, valeur in en_tetes.items():
        reponse[nom.replace("_", "-")] = valeur
    return reponse


def operation_outcome(statut: int, message: str) -> HttpResponse:
    corps = {
        "resourceType": "OperationOutcome",
        "issue": [
            {"severity": "error", "code": CODES.get(statut, "exception"), "diagnostics": message}
        ],
    }
    reponse = reponse_fhir(corps, statut)
    if statut == 401:
        reponse["WWW-Authenticate"] = 'Bearer realm="espace-sante", error="invalid_token"'
    if statut == 429:
        reponse["Retry-After"] = "60"
    return reponse
