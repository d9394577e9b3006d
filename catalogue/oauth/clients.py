"""OAuth clients of a service: made with the service in admin, or registered by its
publisher with the service's registration token (RFC 7591 dynamic client registration).

A client's redirect URIs must each be one of its service's, which the admin declared: a
publisher cannot add an address nobody checked. Authorization code only (with PKCE);
public clients (``none``) or confidential ones (``client_secret_basic``, the secret
shown once and stored hashed).
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.db import transaction
from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from oauth2_provider.models import get_application_model

from catalogue import journal
from catalogue.models import Client, Service
from espace_sante.comptes import verrouillage
from espace_sante.comptes.enums import PorteeTentative
from espace_sante.lib import crypto
from espace_sante.lib.requetes import HorsBornes, lire_json

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
def client_creer(
    *, service: Service, nom: str, redirections: list[str], confidentiel: bool = False
) -> tuple[Client, str | None]:
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


# RFC 7591 metadata this server reads: each field's type and bound. A field not listed
# is ignored (the RFC asks it) and never stored; a listed one of the wrong type or size is
# refused, never turned into text.
TAILLE_CORPS_MAX = 16 * 1024
LISTES_MAX = 10
CHAMPS = {  # name → (type, maximum length of the text or of each item)
    "client_name": (str, 120),
    "redirect_uris": (list, 2000),
    "token_endpoint_auth_method": (str, 40),
    "grant_types": (list, 40),
    "response_types": (list, 40),
    "scope": (str, 2000),
    "contacts": (list, 200),
    "client_uri": (str, 2000),
    "logo_uri": (str, 2000),
    "tos_uri": (str, 2000),
    "policy_uri": (str, 2000),
    "software_id": (str, 200),
    "software_version": (str, 200),
}


def _champ(donnees: dict, nom: str, defaut):
    if nom not in donnees:
        return defaut
    type_, longueur = CHAMPS[nom]
    valeur = donnees[nom]
    refus = EnregistrementRefuse(
        "invalid_redirect_uri" if nom == "redirect_uris" else "invalid_client_metadata",
        f"{nom} : {'une liste de textes' if type_ is list else 'un texte'} "
        f"de {longueur} caractères au plus"
        + (f", {LISTES_MAX} éléments au plus." if type_ is list else "."),
    )
    elements = valeur if type_ is list and isinstance(valeur, list) else [valeur]
    if not isinstance(valeur, type_) or len(elements) > LISTES_MAX:
        raise refus
    if not all(isinstance(e, str) and len(e) <= longueur and e.isprintable() for e in elements):
        raise refus
    return valeur


def _metadonnees(corps) -> tuple[str, list[str], bool]:
    try:
        donnees = lire_json(corps, taille_max=TAILLE_CORPS_MAX)
    except HorsBornes as erreur:
        raise EnregistrementRefuse("invalid_client_metadata", str(erreur)) from None
    if not isinstance(donnees, dict):
        raise EnregistrementRefuse("invalid_client_metadata", "Un objet JSON est attendu.")
    for nom in CHAMPS.keys() & donnees.keys():
        _champ(donnees, nom, None)
    redirections = _champ(donnees, "redirect_uris", None)
    if not redirections:
        raise EnregistrementRefuse("invalid_redirect_uri", "redirect_uris : une liste d'adresses.")
    methode = _champ(donnees, "token_endpoint_auth_method", "none")
    if methode not in METHODES:
        raise EnregistrementRefuse("invalid_client_metadata", f"Méthodes acceptées : {METHODES}.")
    if not set(_champ(donnees, "grant_types", ["authorization_code"])) <= {
        "authorization_code",
        "refresh_token",
    }:
        raise EnregistrementRefuse("invalid_client_metadata", "Code d'autorisation seulement.")
    if set(_champ(donnees, "response_types", ["code"])) != {"code"}:
        raise EnregistrementRefuse("invalid_client_metadata", "response_types : code seulement.")
    nom = _champ(donnees, "client_name", "").strip()
    return nom, redirections, methode == "client_secret_basic"


def _trop_d_enregistrements(request, service: Service) -> bool:
    limites = [
        verrouillage.Limite(
            f"service:{service.pk}",
            settings.CATALOGUE_ENREGISTREMENTS_PAR_JOUR,
            timedelta(hours=24),
            "",
        ),
        verrouillage.Limite(
            f"ip:{verrouillage.ip_de(request)}",
            settings.CATALOGUE_ENREGISTREMENTS_PAR_HEURE_ET_ADRESSE,
            timedelta(hours=1),
            "",
        ),
    ]
    refus = verrouillage.limite_envoi(portee=PorteeTentative.ENREGISTREMENT_CLIENT, limites=limites)
    return refus is not None


@csrf_exempt
@login_not_required
@require_POST
def enregistrement(request):
    """RFC 7591: ``Authorization: Bearer <registration token of the service>``."""
    entete = request.headers.get("Authorization", "")
    service = service_du_jeton(entete.removeprefix("Bearer ").strip())
    if not entete.startswith("Bearer ") or service is None:
        reponse = JsonResponse(
            {"error": "invalid_token", "error_description": "Jeton d'enregistrement invalide."},
            status=401,
        )
        reponse["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return reponse
    if _trop_d_enregistrements(request, service):
        reponse = JsonResponse(
            {
                "error": "too_many_requests",
                "error_description": "Trop d'enregistrements de clients : réessayez plus tard.",
            },
            status=429,
        )
        reponse["Retry-After"] = "3600"
        return reponse
    try:
        nom, redirections, confidentiel = _metadonnees(request)
        client, secret = client_creer(
            service=service, nom=nom, redirections=redirections, confidentiel=confidentiel
        )
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
