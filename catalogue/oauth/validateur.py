"""django-oauth-toolkit, told about the catalogue.

- a client works only while its service is labelled (referenced);
- redirect URIs match exactly, character for character, one of the service's;
- scopes are SMART (v2, v1 aliases) and within what the service declared;
- each token knows its connection (``Jeton``); the token response carries ``patient``;
- a refresh token is issued only when ``offline_access`` was consented, and a refresh is
  refused once the connection or that consent ended; a refreshed token keeps only the
  scopes still consented;
- an authorization code presented with a wrong (or no) PKCE verifier is spent: a thief
  who guesses wrong once cannot try again, and neither can the client;
- an authorization code presented a second time revokes every access and refresh token
  issued from it, refreshed ones included (RFC 6749 §4.1.2): each token's ``Jeton`` keeps
  a keyed hash of its code.
"""

from __future__ import annotations

import logging

from oauth2_provider.models import (
    get_access_token_model,
    get_grant_model,
    get_refresh_token_model,
)
from oauth2_provider.oauth2_validators import OAuth2Validator
from oauth2_provider.scopes import BaseScopes
from oauthlib.oauth2.rfc6749.grant_types.authorization_code import code_challenge_method_s256

from catalogue import journal, portees, selectors
from catalogue.models import Connexion, Jeton
from consentement import acces
from espace_sante.lib.crypto import keyed_hash

logger = logging.getLogger(__name__)


class Portees(BaseScopes):
    def get_all_scopes(self):
        return dict(portees.LIBELLES)

    def get_available_scopes(self, application=None, request=None, *args, **kwargs):
        service = selectors.service_du_client(application)
        declarees = selectors.portees_declarees(service) if service else set()
        return sorted(declarees | set(portees.CONTEXTE))

    def get_default_scopes(self, application=None, request=None, *args, **kwargs):
        return []


def _connexion_du_code(request) -> Connexion | None:
    public_id = (getattr(request, "claims", None) or {}).get("connexion")
    if not public_id:
        return None
    return (
        Connexion.objects.actives()
        .select_related("service", "profil")
        .filter(public_id=public_id)
        .first()
    )


def empreinte_code(code: str) -> str:
    return keyed_hash("catalogue-code-autorisation", code)


def revoquer_issus_du_code(client, code: str) -> int:
    """Revoke every token issued from this code (and their refresh tokens' families)."""
    acces_ = get_access_token_model().objects.filter(
        application=client, catalogue__code=empreinte_code(code)
    )
    familles = set(
        get_refresh_token_model()
        .objects.filter(access_token__in=acces_)
        .values_list("token_family", flat=True)
    )
    for famille in familles:
        get_refresh_token_model().revoke_family(famille)
    return acces_.delete()[0] + len(familles)


def _verificateur_juste(client, code: str, request) -> bool:
    """The PKCE check (S256 only), done here rather than after: a failed one spends the
    code, where oauthlib would leave it usable for another try."""
    grant = get_grant_model().objects.filter(code=code, application=client).first()
    verificateur = request.code_verifier
    return (
        grant is not None
        and grant.code_challenge_method == "S256"
        and bool(verificateur)
        and code_challenge_method_s256(verificateur, grant.code_challenge)
    )


class Validateur(OAuth2Validator):
    def validate_client_id(self, client_id, request, *args, **kwargs):
        if not super().validate_client_id(client_id, request, *args, **kwargs):
            return False
        service = selectors.service_du_client(request.client)
        return service is not None and service.reference

    def authenticate_client_id(self, client_id, request, *args, **kwargs):
        if not super().authenticate_client_id(client_id, request, *args, **kwargs):
            return False
        service = selectors.service_du_client(request.client)
        return service is not None and service.reference

    def authenticate_client(self, request, *args, **kwargs):
        if not super().authenticate_client(request, *args, **kwargs):
            return False
        service = selectors.service_du_client(request.client)
        return service is not None and service.reference

    def validate_redirect_uri(self, client_id, redirect_uri, request, *args, **kwargs):
        """Exact match (no loopback port leniency): one of the client's registered URIs,
        each of which is one of its service's."""
        service = selectors.service_du_client(request.client)
        return (
            service is not None
            and redirect_uri in request.client.redirect_uris.split()
            and redirect_uri in service.redirections
        )

    def validate_scopes(self, client_id, scopes, client, request, *args, **kwargs):
        try:
            offertes(client, scopes)
        except portees.PorteeInconnue:
            return False
        return True

    def validate_code(self, client_id, code, client, request, *args, **kwargs):
        if not super().validate_code(client_id, code, client, request, *args, **kwargs):
            if revoquer_issus_du_code(client, code):
                logger.warning("Code d'autorisation rejoué : jetons qui en sont issus révoqués.")
            return False
        if not _verificateur_juste(client, code, request):
            get_grant_model().objects.filter(code=code, application=client).delete()
            logger.warning("Code d'autorisation présenté avec un mauvais vérificateur : épuisé.")
            return False
        request.catalogue_code = empreinte_code(code)
        connexion = _connexion_du_code(request)
        if connexion is None or not acces.connexion_utilisable(connexion.user, connexion.profil):
            return False
        request.catalogue_connexion = connexion
        return True

    def validate_refresh_token(self, refresh_token, client, request, *args, **kwargs):
        if not super().validate_refresh_token(refresh_token, client, request, *args, **kwargs):
            return False
        ancien = request.refresh_token_instance.access_token
        connexion = selectors.connexion_de_jeton(ancien) if ancien is not None else None
        if connexion is None or connexion.revoquee_le is not None:
            return False
        if portees.HORS_LIGNE not in selectors.portees_actives(connexion):
            return False
        if not acces.connexion_utilisable(connexion.user, connexion.profil):
            return False
        request.catalogue_connexion = connexion
        request.catalogue_code = ancien.catalogue.code
        return True

    def _create_access_token(self, expires, request, token, source_refresh_token=None):
        jeton = super()._create_access_token(expires, request, token, source_refresh_token)
        Jeton.objects.create(
            access_token=jeton,
            connexion=request.catalogue_connexion,
            code=getattr(request, "catalogue_code", ""),
        )
        return jeton

    def save_bearer_token(self, token, request, *args, **kwargs):
        connexion = request.catalogue_connexion
        actives = selectors.portees_actives(connexion)
        demandees = set(token.get("scope", "").split())
        accordees = portees.trier((demandees & actives) | ({portees.LANCEMENT} & demandees))
        token["scope"] = " ".join(accordees)
        if portees.HORS_LIGNE not in accordees:
            token.pop("refresh_token", None)
        super().save_bearer_token(token, request, *args, **kwargs)
        token["patient"] = str(connexion.profil.public_id)
        acteur = acces.acteur_application(
            user=connexion.user,
            profil=connexion.profil,
            application=connexion.service,
            scopes=accordees,
        )
        journal.jeton_delivre(
            acteur, portees=accordees, renouvellement=request.grant_type == "refresh_token"
        )

    def get_additional_claims(self, request):
        return {}


def offertes(client, scopes) -> set[str]:
    """The canonical scopes a request stands for, within what the client's service declared
    (SMART v2: the subset it may have is offered, and the token's ``scope`` says what was
    granted); a scope this server does not offer (``openid``, another resource type, a
    v2 scope with a query) is left out, never widened. PorteeInconnue only when no data
    scope remains."""
    permises = set(Portees().get_available_scopes(application=client))
    resultat: set[str] = set()
    for scope in scopes:
        try:
            resultat |= portees.normaliser(scope) & permises
        except portees.PorteeInconnue:
            continue
    if not resultat - set(portees.CONTEXTE):
        raise portees.PorteeInconnue("Aucune donnée demandée.")
    return resultat


def claims_de(connexion: Connexion) -> dict:
    """What the authorization code remembers of the consent (the grant's ``claims``)."""
    return {"connexion": str(connexion.public_id)}
