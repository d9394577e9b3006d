"""Resolve who acts, once per request: ``request.acteur`` (consentement.acces.Acteur).

Lazy, so a page that never asks (a static page, a redirect) costs nothing; after the
second factor only (before it, every page but the code page is refused anyway).
"""

from django.utils.functional import SimpleLazyObject

from consentement import acces
from consentement.acces.selectors import SESSION_PROFIL_ACTIF


def _verifie(user) -> bool:
    return bool(user.is_authenticated and getattr(user, "is_verified", lambda: False)())


def _resoudre(request) -> acces.Acteur:
    user = request.user
    if not _verifie(user):
        return acces.acteur_anonyme()
    return acces.acteur_de_connexion(user, profil_choisi=request.session.get(SESSION_PROFIL_ACTIF))


class ActeurMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.acteur = SimpleLazyObject(lambda: _resoudre(request))
        return self.get_response(request)
