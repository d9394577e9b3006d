"""« Mes services connectés »: each connection, what it may read or write and until when,
its last use and its deletion requests; connecting from a service's page; withdrawing a
scope or the whole connection."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from catalogue import forms, portees, selectors, services
from catalogue.views.consentement import contexte_consentement
from consentement.acces.decorateurs import espace_patient
from espace_sante.lib.refus import SaisieInvalide


@require_GET
@espace_patient
def mes_services(request):
    return render(
        request,
        "catalogue/mes_services.html",
        {"connexions": selectors.connexions(acteur=request.acteur)},
    )


@require_http_methods(["GET", "POST"])
@espace_patient
def connecter(request, slug):
    """Consent from the portal, scope by scope; the service then only has to send the
    person to the authorization page to get its tokens."""
    acteur = request.acteur
    service = selectors.service_public(slug=slug)
    offertes = portees.trier(selectors.portees_declarees(service) | {portees.HORS_LIGNE})
    connexion = selectors.connexion_active(service=service, profil=acteur.profil)
    deja = selectors.portees_actives(connexion) if connexion else set()
    form = forms.ConsentementForm(
        request.POST or None, offertes=offertes, profils=[acteur.profil], deja=deja
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.connexion_autoriser(
                acteur=acteur, service=service, choisies=form.cleaned_data["portees"]
            )
        except SaisieInvalide as erreur:
            form.add_error("portees", str(erreur))
        else:
            messages.success(request, f"{service.nom} est connecté à ce profil.")
            return redirect("catalogue:mes_services")
    return render(
        request,
        "catalogue/consentement.html",
        contexte_consentement(
            service=service,
            form=form,
            acteur=acteur,
            action=reverse("catalogue:connecter", args=[slug]),
        ),
    )


@require_POST
@espace_patient
def portee_retirer(request, public_id):
    connexion = selectors.connexion_de(acteur=request.acteur, public_id=public_id)
    portee = request.POST.get("portee", "")
    services.portee_retirer(acteur=request.acteur, connexion=connexion, portee=portee)
    messages.success(
        request, f"{connexion.service.nom} n'a plus accès à : {portees.libelle(portee).lower()}."
    )
    return redirect("catalogue:mes_services")


@require_POST
@espace_patient
def deconnecter(request, public_id):
    connexion = selectors.connexion_de(acteur=request.acteur, public_id=public_id)
    services.connexion_revoquer(acteur=request.acteur, connexion=connexion)
    messages.success(
        request,
        f"{connexion.service.nom} est déconnecté : il n'a plus accès à rien, et il lui est "
        "demandé de supprimer ce qu'il a copié.",
    )
    return redirect("catalogue:mes_services")
