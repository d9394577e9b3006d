"""What the server says of itself, built from the same tables the code runs on, so it
cannot drift: ``/.well-known/smart-configuration`` and the ``CapabilityStatement``."""

from __future__ import annotations

from django.http import JsonResponse
from django.urls import reverse
from fhir.resources.R4B.capabilitystatement import CapabilityStatement

from catalogue import portees
from catalogue.api.ecriture import CREATEURS
from catalogue.api.erreurs import lecture_publique, reponse_fhir
from catalogue.api.recherche import PARAMETRES, RESULTAT, TOUT
from catalogue.api.ressources import FAMILLES

TYPES_PARAMETRES = {
    "date": "date",
    "category": "token",
    "code": "token",
    "patient": "reference",
    "subject": "reference",
    "_id": "token",
    "_lastUpdated": "date",
}


def _smart(request) -> dict:
    url = request.build_absolute_uri
    return {
        "issuer": url("/").rstrip("/"),
        "authorization_endpoint": url(reverse("catalogue:autoriser")),
        "token_endpoint": url(reverse("catalogue:jeton")),
        "revocation_endpoint": url(reverse("catalogue:revoquer")),
        "registration_endpoint": url(reverse("catalogue:enregistrement")),
        "token_endpoint_auth_methods_supported": ["none", "client_secret_basic"],
        "grant_types_supported": ["authorization_code", "refresh_token"],
        "response_types_supported": ["code"],
        "code_challenge_methods_supported": ["S256"],
        "scopes_supported": [*portees.DONNEES, *portees.CONTEXTE],
        "capabilities": [
            "launch-standalone",
            "context-standalone-patient",
            "client-public",
            "client-confidential-symmetric",
            "permission-patient",
            "permission-offline",
            "permission-v1",
            "permission-v2",
        ],
    }


@lecture_publique
def smart_configuration(request):
    return JsonResponse(_smart(request))


def _ressource(type_: str) -> dict:
    interactions = [{"code": "read"}, {"code": "vread"}, {"code": "search-type"}]
    if type_ in CREATEURS:
        interactions.append({"code": "create"})
    donnees = {
        "type": type_,
        "interaction": interactions,
        # Only the current version is kept: vread answers it, and 404 for an older one.
        "versioning": "versioned",
        "readHistory": False,
        "conditionalRead": "full-support",
        "searchParam": [
            {"name": nom, "type": TYPES_PARAMETRES[nom]}
            for nom in sorted(PARAMETRES[type_] - RESULTAT)
        ],
    }
    if type_ == "Patient":
        donnees["operation"] = [
            {
                "name": "everything",
                "definition": "http://hl7.org/fhir/OperationDefinition/Patient-everything",
                "documentation": "Paramètres : " + ", ".join(sorted(TOUT)) + ".",
            }
        ]
    return donnees


def capabilites(request) -> dict:
    smart = _smart(request)
    declaration = CapabilityStatement(
        status="active",
        date="2026-12-01",
        kind="instance",
        fhirVersion="4.0.1",
        format=["application/fhir+json"],
        software={"name": "espace-santé"},
        implementation={
            "description": "espace-santé — API SMART on FHIR des services connectés",
            "url": request.build_absolute_uri("/fhir"),
        },
        rest=[
            {
                "mode": "server",
                "documentation": (
                    "Paramètres de résultat de toute recherche (GET ou POST _search) : "
                    + ", ".join(sorted(RESULTAT - {"_format"}))
                    + " (_summary=count, _total, _sort sur date et _lastUpdated). Un paramètre "
                    "non pris en charge est ignoré et absent de Bundle.link[self] ; avec "
                    "Prefer: handling=strict, il est refusé (400)."
                ),
                "security": {
                    "cors": True,
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {
                            "url": "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris",
                            "extension": [
                                {"url": "authorize", "valueUri": smart["authorization_endpoint"]},
                                {"url": "token", "valueUri": smart["token_endpoint"]},
                                {"url": "revoke", "valueUri": smart["revocation_endpoint"]},
                                {"url": "register", "valueUri": smart["registration_endpoint"]},
                            ],
                        }
                    ],
                },
                "resource": [_ressource(t) for t in ("Patient", *FAMILLES)]
                + [{"type": "Binary", "interaction": [{"code": "read"}]}],
            }
        ],
    )
    return declaration.model_dump(mode="json", exclude_none=True)


@lecture_publique
def metadata(request):
    return reponse_fhir(capabilites(request))
