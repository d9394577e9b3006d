"""Who calls the API: the bearer token, resolved into the application's actor, on every
request (a revoked scope, a withdrawn connection or a suspended service is refused from
the very next request), and the per-client rate limit.

The API authenticates by its token alone: no session, no CSRF cookie, no second factor
(the person passed both when they consented); ``point_api`` exempts its views from the
portal's login middleware and CSRF, never from this check.
"""

from __future__ import annotations

import logging
import time
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.cache import cache
from django.views.decorators.csrf import csrf_exempt
from oauth2_provider.oauth2_backends import get_oauthlib_core

from catalogue import selectors, services
from catalogue.api.erreurs import (
    ErreurApi,
    format_refuse,
    methode_refusee,
    operation_outcome,
    refus_de_format,
)
from consentement import acces
from espace_sante.lib.cache import CacheIndisponible
from espace_sante.lib.refus import Introuvable, Refus, SaisieInvalide

logger = logging.getLogger(__name__)


def _limiter(client_id: str) -> None:
    """At most API_REQUETES_PAR_MINUTE per client and minute; if Redis cannot count, the
    request is refused (503) rather than served unmetered."""
    cle = f"api:{client_id}:{int(time.time() // 60)}"
    try:
        if cache.add(cle, 1, timeout=120):
            nombre = 1
        else:
            nombre = cache.incr(cle)
    except (CacheIndisponible, ValueError) as erreur:  # Redis down or frozen: never unmetered
        logger.warning(
            "Limite de débit indisponible (%s) : requête refusée.", type(erreur).__name__
        )
        raise ErreurApi(503, "Service momentanément indisponible, réessayez plus tard.") from None
    if nombre > settings.API_REQUETES_PAR_MINUTE:
        raise ErreurApi(429, "Trop de requêtes pour ce client : réessayez dans une minute.")


def acteur_du_jeton(request):
    """The application's actor for this request's bearer token, or ErreurApi(401)."""
    valide, oauth = get_oauthlib_core().verify_request(request, scopes=[])
    if not valide:
        raise ErreurApi(401, "Jeton d'accès absent, invalide, expiré ou révoqué.")
    jeton = oauth.access_token
    connexion = selectors.connexion_de_jeton(jeton)
    if (
        connexion is None
        or connexion.revoquee_le is not None
        or not connexion.service.reference
        or not acces.connexion_utilisable(connexion.user, connexion.profil)
    ):
        raise ErreurApi(401, "Cette connexion n'est plus autorisée.")
    _limiter(jeton.application.client_id)
    portees = set(jeton.scope.split()) & selectors.portees_actives(connexion)
    acteur = acces.acteur_application(
        user=connexion.user,
        profil=connexion.profil,
        application=connexion.service,
        scopes=portees,
    )
    services.derniere_utilisation(connexion)
    return acteur


def erreur_de_refus(refus: Refus) -> ErreurApi:
    """The API's one answer to the kernel's refusals (``lib.refus``): not found or not
    yours, 404 (saying nothing more); invalid, 422 with the reason; any other, 403."""
    if isinstance(refus, Introuvable):
        return ErreurApi(404, "Ressource introuvable.")
    if isinstance(refus, SaisieInvalide):
        return ErreurApi(422, refus.message)
    return ErreurApi(403, refus.message)


def point_api(operation: str, methodes=("GET",), formats=True):
    """An API view: ``view(request, acteur, …)``; errors become OperationOutcome, and a call
    refused by the policy (403, 404) is journaled for the person too."""

    def decorateur(vue):
        @csrf_exempt
        @login_not_required
        @wraps(vue)
        def wrapper(request, *args, **kwargs):
            acteur = None
            if request.method not in methodes:
                return methode_refusee(request, methodes)
            if formats and format_refuse(request):
                return refus_de_format()
            try:
                acteur = acteur_du_jeton(request)
                return vue(request, acteur, *args, **kwargs)
            except Refus as refus:
                erreur = erreur_de_refus(refus)
            except ErreurApi as e:
                erreur = e
            if acteur is not None and erreur.statut in (403, 404):
                services.api_refus(
                    acteur=acteur,
                    operation=f"{operation} {request.path}",
                    statut=erreur.statut,
                    motif=erreur.message,
                )
            return operation_outcome(erreur.statut, erreur.message)

        return wrapper

    return decorateur
