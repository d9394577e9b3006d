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
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.shortcuts import render


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


def _refus(request):
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
