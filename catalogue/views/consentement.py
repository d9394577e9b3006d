"""The authorization endpoint of the SMART standalone launch: the service sends the
person here (behind the portal's login and second factor); they see what the service
asks, why and until when, tick scope by scope, choose the profile (a parent and each
child), and the code goes back to the service's exact redirect URI.

Errors about the client itself (unknown, not labelled, redirect URI not registered) are
shown here and never redirected; the others go back to the service as OAuth errors.
A PKCE challenge is required, S256 only.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.csp import CSP
from django.views.decorators.http import require_http_methods
from oauth2_provider.exceptions import FatalClientError, OAuthToolkitError
from oauth2_provider.http import OAuth2ResponseRedirect
from oauth2_provider.oauth2_backends import get_oauthlib_core
from oauth2_provider.settings import oauth2_settings
from oauthlib.oauth2.rfc6749 import errors

from catalogue import forms, portees, selectors, services
from catalogue.oauth.validateur import claims_de, offertes
from consentement import acces
from consentement.acces import textes
from consentement.enums import TypeDecision
from espace_sante.lib.refus import SaisieInvalide
from espace_sante.lib.texte import duree_lue


def contexte_consentement(*, service, form, acteur, action: str) -> dict:
    pourquoi = dict(service.portees.values_list("portee", "pourquoi"))
    fin = services.duree_autorisation()
    return {
        "service": service,
        "form": form,
        "action": action,
        "pourquoi": pourquoi,
        "duree": duree_lue(fin.days),
        "acteur": acteur,
        "oauth": False,
        "texte": textes.texte_de(TypeDecision.SERVICE_AUTORISATION),
    }


def _refus(request, message: str, statut: int = 400) -> HttpResponse:
    corps = render_to_string(
        "catalogue/autorisation_impossible.html", {"message": message}, request=request
    )
    return HttpResponse(corps, status=statut)


def _vers_le_service(erreur) -> HttpResponse:
    """An OAuth error back to the service (oauthlib raises these only once the redirect URI
    has been checked against the client's)."""
    oauthlib_erreur = erreur.oauthlib_error
    uri = oauthlib_erreur.redirect_uri or ""
    separateur = "&" if "?" in uri else "?"
    return OAuth2ResponseRedirect(
        uri + separateur + oauthlib_erreur.urlencoded, oauth2_settings.ALLOWED_REDIRECT_URI_SCHEMES
    )


def _valider(request):
    core = get_oauthlib_core()
    scopes, credentials = core.validate_authorization_request(request)
    application = credentials["request"].client
    aud = request.GET.get("aud", "")  # required (SMART): the token is for this FHIR base
    if aud.rstrip("/") != request.build_absolute_uri("/fhir").rstrip("/"):
        raise _requete_invalide(
            "aud : l'adresse de l'API FHIR de ce serveur est attendue.", credentials
        )
    if credentials.get("code_challenge_method") != "S256" or not credentials.get("code_challenge"):
        raise _requete_invalide(
            "PKCE requis : code_challenge avec code_challenge_method=S256.", credentials
        )
    return core, scopes, credentials, application


def _requete_invalide(description: str, credentials) -> OAuthToolkitError:
    erreur = errors.InvalidRequestError(description=description, state=credentials.get("state"))
    return OAuthToolkitError(error=erreur, redirect_uri=credentials["redirect_uri"])


@require_http_methods(["GET", "POST"])
def autoriser(request):
    try:
        core, scopes, credentials, application = _valider(request)
    except FatalClientError:
        return _refus(
            request,
            "Ce service n'est pas reconnu, n'est plus référencé, ou l'adresse "
            "de retour qu'il indique n'est pas celle qu'il a déclarée.",
        )
    except OAuthToolkitError as erreur:
        if not erreur.oauthlib_error.redirect_uri:
            return _refus(request, "Cette demande de connexion est incomplète ou invalide.")
        return _vers_le_service(erreur)
    service = selectors.service_du_client(application)
    profils = list(request.acteur.profils)
    if not profils:
        return _refus(
            request,
            "Seul un patient (ou son représentant légal) peut connecter un "
            "service à son espace santé.",
            statut=403,
        )
    demandees = portees.trier(offertes(application, scopes) - {portees.LANCEMENT})
    form = forms.ConsentementForm(request.POST or None, offertes=demandees, profils=profils)
    if request.method == "POST":
        if "refuser" in request.POST:
            return _repondre(request, core, credentials, application, [], allow=False)
        if form.is_valid():
            profil = next(p for p in profils if str(p.public_id) == form.cleaned_data["profil"])
            acteur = acces.en_patient_de(request.acteur, profil)
            try:
                connexion = services.connexion_autoriser(
                    acteur=acteur, service=service, choisies=form.cleaned_data["portees"]
                )
            except SaisieInvalide as erreur:
                form.add_error("portees", str(erreur))
            else:
                credentials["claims"] = claims_de(connexion)
                accordees = list(form.cleaned_data["portees"])
                if portees.LANCEMENT in scopes:
                    accordees.append(portees.LANCEMENT)
                return _repondre(request, core, credentials, application, accordees, allow=True)
    contexte = contexte_consentement(
        service=service, form=form, acteur=request.acteur, action=request.get_full_path()
    )
    reponse = render(request, "catalogue/consentement.html", {**contexte, "oauth": True})
    return _autoriser_le_retour(reponse, credentials["redirect_uri"])


def _autoriser_le_retour(reponse, redirect_uri: str):
    """The form posts here and is answered by a redirect to the service: browsers apply
    ``form-action`` to that redirect too, so the page allows the (already checked) origin
    of this client's redirect URI, and nothing else."""
    adresse = urlsplit(redirect_uri)
    origine = f"{adresse.scheme}://{adresse.netloc}" if adresse.netloc else f"{adresse.scheme}:"
    politique = dict(settings.SECURE_CSP)
    politique["form-action"] = [*politique.get("form-action", [CSP.SELF]), origine]
    reponse._csp_config = politique
    return reponse


def _repondre(request, core, credentials, application, accordees, *, allow: bool):
    credentials = {k: v for k, v in credentials.items() if k != "request"}
    try:
        uri, _, _, _ = core.create_authorization_response(
            request=request, scopes=accordees, credentials=credentials, allow=allow
        )
    except OAuthToolkitError as erreur:
        return _vers_le_service(erreur)
    return OAuth2ResponseRedirect(uri, application.get_allowed_schemes())
