"""Errors of the FHIR API as ``OperationOutcome`` resources, in French."""

from __future__ import annotations

import json

from django.http import HttpResponse

TYPE_FHIR = "application/fhir+json; charset=utf-8"

CODES = {  # HTTP status → OperationOutcome issue code
    400: "invalid",
    401: "login",
    403: "forbidden",
    404: "not-found",
    405: "not-supported",
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
