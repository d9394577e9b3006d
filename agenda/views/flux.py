"""Calendar subscriptions: create (the URL is shown once, in the answer to the POST, and
stored nowhere), revoke, and the public feed read by calendar applications."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from agenda import forms, selectors, services
from consentement import acces
from consentement.acces.decorateurs import espace_patient, exige
from espace_sante.comptes.verrouillage import ip_de
from espace_sante.lib.refus import SaisieInvalide

gere = exige(acces.peut_gerer_agenda)


def _page(request, form, *, url=None, status=200):
    return render(
        request,
        "agenda/abonnements.html",
        {
            "form": form,
            "abonnements": list(selectors.abonnements(acteur=request.acteur)),
            "url": url,
        },
        status=status,
    )


@require_http_methods(["GET", "POST"])
@espace_patient
@gere
def abonnements(request):
    if request.method == "GET":
        return _page(request, forms.AbonnementForm())
    form = forms.AbonnementForm(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    try:
        _, jeton = services.abonnement_creer(acteur=request.acteur, **form.cleaned_data)
    except SaisieInvalide as refus:
        form.add_error(None, str(refus))
        return _page(request, form, status=400)
    url = request.build_absolute_uri(reverse("agenda:flux", args=[jeton]))
    return _page(request, forms.AbonnementForm(), url=url)


@require_POST
@espace_patient
@gere
def revoquer(request, public_id):
    abonnement = selectors.abonnement_visible(acteur=request.acteur, public_id=public_id)
    services.abonnement_revoquer(acteur=request.acteur, abonnement=abonnement)
    messages.success(
        request,
        f"L'abonnement « {abonnement.nom} » est révoqué : son adresse ne "
        "donne plus rien, dès la prochaine lecture.",
    )
    return redirect("agenda:abonnements")


@login_not_required
@require_GET
def flux(request, jeton):
    try:
        contenu = services.flux_lire(jeton=jeton, ip=ip_de(request))
    except services.Limite as limite:
        reponse = HttpResponse(str(limite), status=429, content_type="text/plain; charset=utf-8")
        reponse["Retry-After"] = "3600"
        return reponse
    reponse = HttpResponse(contenu, content_type="text/calendar; charset=utf-8")
    reponse["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return reponse
