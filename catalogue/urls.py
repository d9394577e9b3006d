from django.urls import path, re_path
from oauth2_provider.views import RevokeTokenView, TokenView

from catalogue.api import erreurs, metadata, vues
from catalogue.oauth import clients
from catalogue.views import connexions, consentement, pages

app_name = "catalogue"

# FHIR resource types served (the views answer 404 OperationOutcome for any other).
TYPE = r"(?P<type_ressource>Patient|DocumentReference|Observation|AllergyIntolerance|Immunization|Condition|MedicationStatement)"
ID = r"(?P<identifiant>[A-Za-z0-9\-\.]{1,64})"
VERSION = r"(?P<version>[A-Za-z0-9\-\.]{1,64})"

urlpatterns = [
    # The public catalogue and the person's connections.
    path("catalogue/", pages.catalogue, name="accueil"),
    path("catalogue/mes-services/", connexions.mes_services, name="mes_services"),
    path(
        "catalogue/mes-services/<uuid:public_id>/retirer/",
        connexions.portee_retirer,
        name="portee_retirer",
    ),
    path(
        "catalogue/mes-services/<uuid:public_id>/deconnecter/",
        connexions.deconnecter,
        name="deconnecter",
    ),
    path("catalogue/developpeurs/", pages.developpeurs, name="developpeurs"),
    path("catalogue/developpeurs/openapi.yaml", pages.openapi, name="openapi"),
    path("catalogue/logo/<uuid:public_id>/", pages.logo, name="logo"),
    path("catalogue/<slug:slug>/", pages.service, name="service"),
    path("catalogue/<slug:slug>/connecter/", connexions.connecter, name="connecter"),
    # OAuth 2 / SMART App Launch.
    path(
        ".well-known/smart-configuration", metadata.smart_configuration, name="smart_configuration"
    ),
    path("oauth/autoriser/", consentement.autoriser, name="autoriser"),
    path("oauth/jeton/", TokenView.as_view(), name="jeton"),
    path("oauth/revoquer/", RevokeTokenView.as_view(), name="revoquer"),
    path("oauth/enregistrement/", clients.enregistrement, name="enregistrement"),
    # FHIR R4.
    # SMART clients look for discovery at the FHIR base first: the same document.
    path(
        "fhir/.well-known/smart-configuration",
        metadata.smart_configuration,
        name="fhir_smart_configuration",
    ),
    path("fhir/metadata", metadata.metadata, name="fhir_metadata"),
    re_path(rf"^fhir/Patient/{ID}/\$everything$", vues.tout, name="fhir_everything"),
    re_path(rf"^fhir/Binary/{ID}$", vues.binaire, name="fhir_binaire"),
    re_path(rf"^fhir/{TYPE}$", vues.type_ressource, name="fhir_type"),
    re_path(rf"^fhir/{TYPE}/_search$", vues.recherche_post, name="fhir_recherche"),
    re_path(rf"^fhir/{TYPE}/{ID}$", vues.ressource, name="fhir_ressource"),
    re_path(rf"^fhir/{TYPE}/{ID}/_history/{VERSION}$", vues.ressource, name="fhir_version"),
    # Anything else under the FHIR base: an OperationOutcome, never the portal's 404 page.
    re_path(r"^fhir/(?P<reste>[\s\S]*)$", erreurs.hors_api, name="api_inconnue"),
]
