"""OAuth clients of a service: made with the service in admin, or registered by its
publisher with the service's registration token (RFC 7591 dynamic client registration).

A client's redirect URIs must each be one of its service's, which the admin declared: a
publisher cannot add an address nobody checked. Authorization code only (with PKCE);
public clients (``none``) or confidential ones (``client_secret_basic``, the secret
shown once and stored hashed).
"""

from __future__ import annotations

import json
import secrets

from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from catalogue import journal
from catalogue.models import Client, Service
from espace_sante.lib import crypto

USAGE_JETON = "catalogue-enregistrement"
METHODES = ("none", "client_secret_basic")


class EnregistrementRefuse(ValueError):
    """RFC 7591 ``invalid_client_metadata`` / ``invalid_redirect_uri``: code and message."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code


def jeton_enregistrement_renouveler(*, service: Service) -> str:
    """A new registration token for the publisher (shown once, stored as a keyed hash)."""
    jeton = secrets.token_urlsafe(32)
    service.jeton_enregistrement = crypto.keyed_hash(USAGE_JETON, jeton)
    service.save(update_fields=["jeton_enregistrement"])
    return jeton


def service_du_jeton(jeton: str) -> Service | None:
    if not jeton:
        return None
    empreinte = crypto.keyed_hash(USAGE_JETON, jeton)
    return Service.objects.references().filter(jeton_enregistrement=empreinte).first()


@transaction.atomic
def client_creer(*, service: Service, nom: str, redirections: list[str],
                 confidentiel: bool = False) -> tuple[Client, str | None]:  # fmt: skip
    inconnues = [uri for uri in redirections if uri not in service.redirections]
    if not redirections or inconnues:
        raise EnregistrementRefuse(
            "invalid_redirect_uri",
            "Chaque adresse de retour doit être l'une de celles déclarées pour le service : "
            + ", ".join(inconnues or ["aucune adresse"]),
        )
    modele = get_application_model()
    secret = secrets.token_urlsafe(48) if confidentiel else None
    application = modele(
        name=nom[:255] or service.nom,
        client_type=modele.CLIENT_CONFIDENTIAL if confidentiel else modele.CLIENT_PUBLIC,
        authorization_grant_type=modele.GRANT_AUTHORIZATION_CODE,
        redirect_uris=" ".join(redirections),
        skip_authorization=False,
        algorithm=modele.NO_ALGORITHM,
    )
    if secret:
        application.client_secret = secret
    application.full_clean(exclude=["user", "client_secret"])
    application.save()
    client = Client.objects.create(service=service, application=application)
    journal.client_enregistre(service, client_id=application.client_id)
    return client, secret


def _metadonnees(corps: bytes) -> tuple[str, list[str], bool]:
    try:
        donnees = json.loads(corps or b"{}")
    except ValueError:
        raise EnregistrementRefuse("invalid_client_metadata", "JSON attendu.") from None
    if not isinstance(donnees, dict):
        raise EnregistrementRefuse("invalid_client_metadata", "Un objet JSON est attendu.")
    redirections = donnees.get("redirect_uris")
    if not isinstance(redirections, list) or not all(isinstance(u, str) for u in redirections):
        raise EnregistrementRefuse("invalid_redirect_uri", "redirect_uris : une liste d'adresses.")
    methode = donnees.get("token_endpoint_auth_method", "none")
    if methode not in METHODES:
        raise EnregistrementRefuse("invalid_client_metadata", f"Méthodes acceptées : {METHODES}.")
    if not set(donnees.get("grant_types", ["authorization_code"])) <= {
        "authorization_code", "refresh_token"
    }:  # fmt: skip
        raise EnregistrementRefuse("invalid_client_metadata", "Code d'autorisation seulement.")
    if set(donnees.get("response_types", ["code"])) != {"code"}:
        raise EnregistrementRefuse("invalid_client_metadata", "response_types : code seulement.")
    return str(donnees.get("client_name", "")), redirections, methode == "client_secret_basic"


@csrf_exempt
@login_not_required
@require_POST
def enregistrement(request):
    """RFC 7591: ``Authorization: Bearer <registration token of the service>``."""
    entete = request.headers.get("Authorization", "")
    service = service_du_jeton(entete.removeprefix("Bearer ").strip())
    if not entete.startswith("Bearer ") or service is None:
        reponse = JsonResponse({"error": "invalid_token",
                                "error_description": "Jeton d'enregistrement invalide."},
                               status=401)  # fmt: skip
        reponse["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return reponse
    try:
        nom, redirections, confidentiel = _metadonnees(request.body)
        client, secret = client_creer(service=service, nom=nom, redirections=redirections,
                                      confidentiel=confidentiel)  # fmt: skip
    except EnregistrementRefuse as erreur:
        return JsonResponse({"error": erreur.code, "error_description": str(erreur)}, status=400)
    application = client.application
    corps = {
        "client_id": application.client_id,
        "client_id_issued_at": int(client.cree_le.timestamp()),
        "client_name": application.name,
        "redirect_uris": redirections,
        "grant_types": ["authorization_code", "refresh_token"],
        "response_types": ["code"],
        "token_endpoint_auth_method": "client_secret_basic" if secret else "none",
        "scope": " ".join(sorted(service.portees.values_list("portee", flat=True))),
    }
    if secret:
        corps.update(client_secret=secret, client_secret_expires_at=0)
    return JsonResponse(corps, status=201)
