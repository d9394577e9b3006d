"""Operational logs: each line with the request's id, as text or JSON lines, never with
health data.

- Every request gets an id (``X-Request-ID`` in the response; taken from the request only
  when our own proxies set it, ``TRUSTED_PROXY_COUNT``), carried by every line logged
  while it runs, and one closing line: method, route (the URL pattern, never the path
  with its ids), status, duration. No query string, no body, no user, no address: who
  did what is the journal's, not the logs'.
- An exception is logged as its type and its frames (file, line, function); its message
  is left out, because messages quote values (a database constraint names the key, a
  parser the text it refused), unless the exception is a connection failure (Redis,
  PostgreSQL unreachable), whose message says where and why.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import traceback
import uuid
from datetime import UTC, datetime

import redis
from django.conf import settings
from django.db import InterfaceError, OperationalError

_requete = contextvars.ContextVar("requete", default="")
_ID_VALIDE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
# Exceptions whose message names a server and a cause, never a person's data.
_MESSAGE_SUR = (
    OSError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    OperationalError,
    InterfaceError,
)

logger = logging.getLogger("espace_sante.requetes")


def id_requete() -> str:
    return _requete.get()


class FiltreRequete(logging.Filter):
    """Adds the request's id; takes the exception's text out of Celery's task failure lines
    ("Task … raised unexpected: <exc>"), which would otherwise quote it."""

    def filter(self, record):
        record.request_id = _requete.get()
        if record.name.startswith("celery.app.trace") and isinstance(record.args, dict):
            if "exc" in record.args:
                type_ = record.exc_info[0].__name__ if record.exc_info else "exception"
                record.args = {**record.args, "exc": f"{type_} (message omis)"}
        return True


def exception_decrite(exc_info) -> dict:
    """Type, message if safe to log, frames of an exception (no local values)."""
    type_, valeur, pile = exc_info
    description = {"type": f"{type_.__module__}.{type_.__qualname__}"}
    if isinstance(valeur, _MESSAGE_SUR):
        description["message"] = str(valeur)[:500]
    description["frames"] = [
        f"{cadre.filename}:{cadre.lineno} in {cadre.name}" for cadre in traceback.extract_tb(pile)
    ]
    return description


class FormatTexte(logging.Formatter):
    def __init__(self):
        super().__init__("%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s")

    def formatException(self, ei):
        d = exception_decrite(ei)
        lignes = ["Traceback (message omis) :", *(f"  {f}" for f in d["frames"])]
        return "\n".join([*lignes, d["type"] + (f": {d['message']}" if "message" in d else "")])

    def format(self, record):
        record.request_id = getattr(record, "request_id", "") or "-"
        return super().format(record)


class FormatJson(logging.Formatter):
    """One JSON object per line."""

    CHAMPS = ("method", "route", "status", "duration_ms")

    def format(self, record):
        donnees = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", "") or None,
        }
        for champ in self.CHAMPS:
            if hasattr(record, champ):
                donnees[champ] = getattr(record, champ)
        if record.exc_info and record.exc_info[0] is not None:
            donnees["exception"] = exception_decrite(record.exc_info)
        return json.dumps(donnees, ensure_ascii=False)


def _id_entrant(request) -> str:
    if settings.TRUSTED_PROXY_COUNT <= 0:
        return ""
    valeur = request.META.get("HTTP_X_REQUEST_ID", "")
    return valeur if _ID_VALIDE.match(valeur) else ""


class TraceRequeteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        ident = _id_entrant(request) or uuid.uuid4().hex
        jeton = _requete.set(ident)
        debut = time.monotonic()
        try:
            reponse = self.get_response(request)
            reponse["X-Request-ID"] = ident
            match = getattr(request, "resolver_match", None)
            route = match.route if match else ""
            logger.info(
                "%s %s %s",
                request.method,
                route or "?",
                reponse.status_code,
                extra={
                    "method": request.method,
                    "route": route,
                    "status": reponse.status_code,
                    "duration_ms": round((time.monotonic() - debut) * 1000, 1),
                },
            )
            return reponse
        finally:
            _requete.reset(jeton)
