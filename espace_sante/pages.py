"""The site's information pages (public) and its French error pages.

Django's own handlers render ``templates/400.html``, ``403.html``, ``404.html`` and
``500.html`` (the last without a request or a database); a refused CSRF token gets its
own explanation instead of Django's English page. When the database cannot be reached
(stopped, restarting, out of connections), wherever in the request it was found out,
the person gets ``503.html`` with ``Retry-After`` instead of the 500 page: nothing they
did is wrong, and nothing is lost.

``RefusMiddleware`` is where a page answers the kernel's refusals (``lib.refus``): not found
or not yours, the 404 page; an invalid request a view did not re-show itself, 400 with its
message; any other refusal, the 403 page.
"""

import sys

from django import forms
from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.handlers.exception import response_for_exception
from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.template import loader
from django.urls import path
from django.views.decorators.http import require_GET

from espace_sante.lib import france_services
from espace_sante.lib.forms import FormulaireDsfr
from espace_sante.lib.refus import Introuvable, Refus, SaisieInvalide

PAGES = {
    "accessibilite": "pages/accessibilite.html",
    "mentions_legales": "pages/mentions_legales.html",
    "donnees_personnelles": "pages/donnees_personnelles.html",
}


class RechercheFranceServices(FormulaireDsfr):
    ou = forms.CharField(
        label="Ville ou code postal",
        max_length=100,
        error_messages={"required": "Saisissez une ville ou un code postal."},
    )


@login_not_required
@require_GET
def aide(request):
    """Help: whom to call, and the France services desks near a town or postcode."""
    form = RechercheFranceServices(request.GET or None)
    trouves = france_services.rechercher(form.cleaned_data["ou"]) if form.is_valid() else None
    return render(
        request,
        "pages/aide.html",
        {
            "form": form,
            "trouves": trouves,
            "exemple": france_services.est_exemple(),
            "source": france_services.SOURCE,
        },
    )


def _page(gabarit: str):
    @login_not_required
    @require_GET
    def vue(request):
        return render(request, gabarit)

    return vue


# SQLSTATE classes of a database that is not there for us: connection exception (08),
# insufficient resources (53: too many connections), operator intervention (57P01-03:
# shutdown, crash, starting up). psycopg gives no SQLSTATE when it cannot connect at all.
_ETATS_INDISPONIBLE = ("08", "53", "57P01", "57P02", "57P03")


def base_indisponible(erreur: BaseException | None) -> bool:
    """Is ``erreur`` the database being unreachable (not a deadlock or a bad query)?"""
    if isinstance(erreur, InterfaceError):
        return True
    if not isinstance(erreur, OperationalError):
        return False
    etat = getattr(erreur.__cause__, "sqlstate", None)
    return etat is None or etat.startswith(_ETATS_INDISPONIBLE)


def erreur_serveur(request):
    """handler500: 503 "momentanément indisponible" when the database is away."""
    if base_indisponible(sys.exc_info()[1]):
        reponse = HttpResponse(loader.get_template("503.html").render(), status=503)
        reponse["Retry-After"] = str(settings.INDISPONIBLE_REESSAYER_SECONDES)
        return reponse
    return HttpResponse(loader.get_template("500.html").render(), status=500)


class RefusMiddleware:
    """Pages: the one place a refusal a view let through becomes an answer."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, Introuvable):
            return response_for_exception(request, Http404(str(exception)))
        if isinstance(exception, SaisieInvalide):
            return render(request, "400_refus.html", {"message": exception.message}, status=400)
        if isinstance(exception, Refus):
            return response_for_exception(request, PermissionDenied(str(exception)))
        return None


def csrf_echec(request, reason=""):
    return render(request, "403_csrf.html", status=403)


app_name = "pages"
urlpatterns = [
    path("accessibilite/", _page(PAGES["accessibilite"]), name="accessibilite"),
    path("mentions-legales/", _page(PAGES["mentions_legales"]), name="mentions_legales"),
    path(
        "donnees-personnelles/", _page(PAGES["donnees_personnelles"]), name="donnees_personnelles"
    ),
    path("aide/", aide, name="aide"),
]
