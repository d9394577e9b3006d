from django.shortcuts import render
from django.views.decorators.http import require_GET

from consentement.decorators import espace_patient


@require_GET
@espace_patient
def accueil(request):
    return render(request, "agenda/accueil.html")
