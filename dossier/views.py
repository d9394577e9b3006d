from django.shortcuts import render
from django.views.decorators.http import require_GET

from consentement import acces
from consentement.decorators import espace_patient, exige
from espace_sante.comptes import roles


@require_GET
@espace_patient
def accueil(request):
    return render(request, "dossier/accueil.html")


@require_GET
@exige(acces.peut_utiliser_espace_professionnel)
def pro_accueil(request):
    return render(
        request, "dossier/pro_accueil.html", {"professionnel": roles.professionnel_de(request.user)}
    )
