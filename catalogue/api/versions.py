"""Versions on reads: ``ETag`` (weak, the versionId), ``Last-Modified`` (lastUpdated), and
304 Not Modified for ``If-None-Match`` / ``If-Modified-Since`` (RFC 9110: If-None-Match
wins when both are sent)."""

from __future__ import annotations

from datetime import datetime

from django.http import HttpResponse
from django.utils.http import http_date, parse_http_date_safe

from catalogue.api.erreurs import reponse_fhir


def etag(version_id: str) -> str:
    return f'W/"{version_id}"'


def _etiquettes(valeur: str) -> set[str]:
    return {e.strip().removeprefix("W/") for e in valeur.split(",") if e.strip()}


def reponse_lue(request, donnees: dict) -> HttpResponse:
    meta = donnees.get("meta", {})
    en_tetes = {"ETag": etag(meta["versionId"])}
    modifie = None
    if "lastUpdated" in meta:
        modifie = int(datetime.fromisoformat(meta["lastUpdated"]).timestamp())
        en_tetes["Last-Modified"] = http_date(modifie)
    si_aucune = request.headers.get("If-None-Match")
    if si_aucune is not None:
        inchange = "*" in _etiquettes(si_aucune) or (
            f'"{meta["versionId"]}"' in _etiquettes(si_aucune)
        )
    else:
        depuis = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        inchange = depuis is not None and modifie is not None and modifie <= depuis
    if inchange:
        reponse = HttpResponse(status=304)
        for nom, valeur in en_tetes.items():
            reponse[nom] = valeur
        return reponse
    return reponse_fhir(donnees, **en_tetes)
