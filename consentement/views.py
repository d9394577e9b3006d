from django import forms
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from consentement import acces
from consentement.decorators import espace_patient, exige
from consentement.services import profil_basculer
from espace_sante.comptes import roles


class BasculeForm(forms.Form):
    profil = forms.UUIDField()


@require_POST
def changer_profil(request):
    form = BasculeForm(request.POST)
    if not form.is_valid():
        raise Http404
    profil_basculer(request=request, public_id=form.cleaned_data["profil"])
    return redirect("dossier:accueil")


@require_GET
@espace_patient
def mes_choix(request):
    return render(request, "consentement/mes_choix.html")


@require_GET
@exige(acces.peut_utiliser_espace_mediateur)
def france_services(request):
    return render(
        request,
        "consentement/france_services.html",
        {"mediateur": roles.mediateur_de(request.user)},
    )
