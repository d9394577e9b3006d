"""CORS for browser apps: the token, revocation and discovery endpoints and the FHIR API
answer cross-origin requests from the origins a public client registered (admin,
``Client.origines``), and only those: ``Access-Control-Allow-Origin`` names the origin,
never ``*``, and no cookie is ever allowed (the API authenticates by its bearer token).
A preflight (OPTIONS) from a registered origin is answered 204 here, before the portal's
login and CSRF checks; from another origin it gets no CORS header, so the browser refuses.
"""

from __future__ import annotations

from django.http import HttpResponse

from catalogue.enums import StatutService
from catalogue.models import Client

CHEMINS = ("/fhir/", "/oauth/jeton/", "/oauth/revoquer/", "/.well-known/smart-configuration")
EN_TETES = "Authorization, Content-Type, Accept, Prefer, If-None-Match, If-Modified-Since"
EXPOSES = "Location, ETag, Last-Modified, Content-Location, Retry-After, WWW-Authenticate"


def origine_permise(origine: str) -> bool:
    """A public client of a referenced service registered this exact origin."""
    if not origine or len(origine) > 200:
        return False
    clients = Client.objects.filter(
        service__statut=StatutService.REFERENCE,
        application__client_type="public",
        origines__contains=origine,
    ).values_list("origines", flat=True)
    return any(origine in o.split() for o in clients)


def _entetes(reponse, origine: str) -> None:
    reponse["Access-Control-Allow-Origin"] = origine
    reponse["Access-Control-Expose-Headers"] = EXPOSES
    vary = reponse.get("Vary")
    reponse["Vary"] = f"{vary}, Origin" if vary else "Origin"


class CorsApiMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        origine = request.headers.get("Origin", "")
        concerne = request.path.startswith(CHEMINS) and origine
        permise = concerne and origine_permise(origine)
        if permise and request.method == "OPTIONS":
            reponse = HttpResponse(status=204)
            reponse["Access-Control-Allow-Methods"] = "GET, POST"
            reponse["Access-Control-Allow-Headers"] = EN_TETES
            reponse["Access-Control-Max-Age"] = "600"
            _entetes(reponse, origine)
            return reponse
        reponse = self.get_response(request)
        if permise:
            _entetes(reponse, origine)
        return reponse
