"""What the project trusts in an incoming request: the client's address, a `next`
target, and the characters of its parameters.

- The client's address is read from ``X-Forwarded-For`` only through the number of
  proxies we run ourselves (``TRUSTED_PROXY_COUNT``): each appends the address it saw,
  so the Nth entry from the right is the last one a proxy of ours wrote. Anything to
  its left came from the client and can be forged. With 0 (no proxy) the header is
  ignored. Lock-outs, send limits and the journal all read this one function.
- ``next`` may only name a local path ("/…", not "//host", no backslash, no control
  character): ``redirect()`` would treat a bare word as a URL name (a 500) and a
  scheme or a host as somewhere else.
- A NUL byte in a parameter is refused with a 400: PostgreSQL cannot store it, and a
  query with it fails deep in a view (a 500) instead of saying the request is wrong.

The bounds on what enters, one rule per kind, used by every channel (forms, the FHIR API
and its search parameters, client registration, batch files). Each raises ``HorsBornes``
(a ``ValueError`` whose message is French); each channel turns it into its own refusal
(a form error, an OperationOutcome, a rejected batch row):

- **dates and times**: a calendar date between ``DATE_MIN`` (1 January 1900) and today
  plus the horizon of its kind (``PASSE``: facts already happened — measures, acts, birth
  dates; ``AGENDA``: appointments and their reminders, 10 years ahead; ``RECHERCHE``:
  search bounds, 100 years ahead). A time must carry its UTC offset where the channel
  sends instants. Year 1 (a BC timestamp once shifted to UTC, unreadable back) and year
  9999 (an overflow the day after) never reach the database or date arithmetic.
- **JSON bodies**: one reader, ``lire_json``: at most ``taille_max`` bytes, at most
  ``JSON_PROFONDEUR_MAX`` levels of nesting (checked in linear time, before the
  recursive parser could exhaust the stack), no NaN/Infinity, numbers of sane length.
"""

from __future__ import annotations

import ipaddress
import json
import re
from collections.abc import Callable
from datetime import date, datetime, timedelta

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone


def _adresse_valide(valeur: str) -> str | None:
    try:
        return str(ipaddress.ip_address(valeur.strip()))
    except ValueError:
        return None


def adresse_client(request) -> str:
    """The client's IP address, or "" when there is no request."""
    if request is None:
        return ""
    directe = request.META.get("REMOTE_ADDR") or ""
    mandataires = settings.TRUSTED_PROXY_COUNT
    entete = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if mandataires <= 0 or not entete:
        return directe
    adresses = entete.split(",")
    if len(adresses) < mandataires:
        # The request did not come through all our proxies: only the peer is known.
        return directe
    return _adresse_valide(adresses[-mandataires]) or directe


def est_chemin_local(cible: str | None) -> bool:
    """A redirect target on this site: "/path?query", never another host or a URL name."""
    if not cible or not cible.startswith("/") or cible.startswith("//"):
        return False
    return "\\" not in cible and all(c.isprintable() for c in cible)


def _contient_nul(donnees) -> bool:
    return any(
        "\x00" in cle or any("\x00" in v for v in valeurs) for cle, valeurs in donnees.lists()
    )


# Channels that answer a refused request in their own format (the FHIR API answers an
# OperationOutcome), by path prefix: registered by the app that owns the channel.
_REFUS_PAR_CANAL: dict[str, Callable[[HttpRequest], HttpResponse]] = {}


def refus_enregistrer(prefixe: str, reponse: Callable[[HttpRequest], HttpResponse]) -> None:
    """Under ``prefixe``, a request refused here is answered by ``reponse(request)``."""
    _REFUS_PAR_CANAL[prefixe] = reponse


def _refus(request):
    for prefixe, reponse in _REFUS_PAR_CANAL.items():
        if request.path.startswith(prefixe):
            return reponse(request)
    return render(request, "400.html", status=400)


class OctetNulMiddleware:
    """400 for a NUL byte in the query string or the form data.

    The check runs in ``process_view``: after every middleware's ``__call__`` (so the
    upload cap has been checked before the body is read, and the user is known for the
    page's layout) and, placed early in MIDDLEWARE, before CSRF reads the form.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if _contient_nul(request.GET) or "\x00" in request.path:
            return _refus(request)
        if request.method == "POST" and _contient_nul(request.POST):
            return _refus(request)
        return None


# --- Bounds on outside input ------------------------------------------------------------


class HorsBornes(ValueError):
    """A value from outside that falls out of its kind's bound; the message is French."""


class CorpsTropGrand(HorsBornes):
    """A body larger than its channel takes (HTTP 413)."""


DATE_MIN = date(1900, 1, 1)
PASSE, AGENDA, RECHERCHE = 0, 10, 100  # years ahead of today each kind may reach


def date_max(horizon: int, *, aujourdhui: date | None = None) -> date:
    """The last plausible date of a kind: today (plus one day, for the timezones ahead of
    Paris) then ``horizon`` years on. ``aujourdhui``: today's date, when the caller already
    read it (a batch checks its rows against one date, not one clock read per row)."""
    demain = (aujourdhui or timezone.localdate()) + timedelta(days=1)
    return demain.replace(year=demain.year + horizon, day=min(demain.day, 28))


def _fr(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


def date_bornee(
    valeur, *, horizon: int = PASSE, instant: bool = False, aujourdhui: date | None = None
):
    """``valeur`` (a date, or an aware datetime when ``instant``) if its own calendar date
    lies between DATE_MIN and ``date_max(horizon)``; else HorsBornes.

    The date is read in the value's own offset, before any conversion: converting year 1
    at +14:00 to UTC is what overflows."""
    if instant:
        if not isinstance(valeur, datetime):
            raise HorsBornes("Indiquez une date et une heure complètes, avec le fuseau horaire.")
        if timezone.is_naive(valeur):
            raise HorsBornes("Indiquez le fuseau horaire de l'heure (par exemple +01:00).")
    elif not isinstance(valeur, date):
        raise HorsBornes("Date illisible : utilisez le format AAAA-MM-JJ.")
    jour = valeur.date() if isinstance(valeur, datetime) else valeur
    fin = date_max(horizon, aujourdhui=aujourdhui)
    if not DATE_MIN <= jour <= fin:
        raise HorsBornes(
            f"Date improbable : indiquez une date entre le {_fr(DATE_MIN)} et le {_fr(fin)}."
        )
    return valeur


JSON_PROFONDEUR_MAX = 40
_CHAINE_JSON = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')
_HORS_STRUCTURE = bytes(sorted(set(range(256)) - set(b"[]{}")))


def _profondeur_au_plus(corps: bytes, maximum: int) -> bool:
    """Whether the brackets outside strings nest at most ``maximum`` deep: strings
    removed, then every innermost pair removed per pass (each pass is a C-speed scan)."""
    squelette = _CHAINE_JSON.sub(b"", corps).translate(None, _HORS_STRUCTURE)
    for _ in range(maximum):
        if not squelette:
            return True
        reduit = squelette.replace(b"[]", b"").replace(b"{}", b"")
        if reduit == squelette:
            return False  # unbalanced: not JSON, and the parser would recurse on it
        squelette = reduit
    return not squelette


def _constante_refusee(nom: str):
    raise ValueError(f"{nom} n'est pas du JSON")


def lire_json(source, *, taille_max: int):
    """The one JSON reader of every channel: ``source`` is bytes or a request (its body is
    read, at most ``taille_max`` + 1 bytes). HorsBornes for too large (CorpsTropGrand), too
    deep or not JSON."""
    if isinstance(source, bytes | bytearray):
        corps = bytes(source)
    else:
        corps = source.read(taille_max + 1)
    if len(corps) > taille_max:
        raise CorpsTropGrand(f"Corps trop volumineux : {taille_max // 1024} Ko au plus.")
    if not _profondeur_au_plus(corps, JSON_PROFONDEUR_MAX):
        raise HorsBornes(
            f"JSON trop imbriqué ou mal formé : {JSON_PROFONDEUR_MAX} niveaux au plus."
        )
    try:
        return json.loads(corps or b"null", parse_constant=_constante_refusee)
    except (ValueError, UnicodeDecodeError, RecursionError):
        raise HorsBornes("Le corps n'est pas du JSON valide.") from None
