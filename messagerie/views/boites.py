"""The inboxes: the person's (active profile of the switcher) and the professional's
(every patient), paginated, searchable, with the archive on its own."""

from __future__ import annotations

from django.conf import settings
from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_GET

from consentement import acces
from consentement.acces.decorateurs import espace_patient, exige
from messagerie import adresses, selectors
from messagerie.forms import RechercheForm

PAR_PAGE = 20
professionnel_seulement = exige(acces.peut_utiliser_espace_professionnel)


def _page(request, acteur, gabarit: str, extra: dict):
    form = RechercheForm(request.GET or None)
    recherche = form.cleaned_data["q"] if form.is_valid() else ""
    archives = request.GET.get("archives") == "1"
    conversations = selectors.boite(acteur=acteur, recherche=recherche, archives=archives)
    page = Paginator(conversations, PAR_PAGE).get_page(request.GET.get("page"))
    requete = request.GET.copy()
    requete.pop("page", None)
    return render(
        request,
        gabarit,
        {
            "page": page,
            "recherche": recherche,
            "archives": archives,
            "requete": requete.urlencode(),
            "conservation_jours": settings.MESSAGERIE_CONSERVATION_JOURS,
            **extra,
        },
    )


@require_GET
@espace_patient
def accueil(request):
    acteur = request.acteur
    autres = {p: n for p, n in selectors.non_lus(acteur).items() if n and p != acteur.profil.pk}
    profils_non_lus = [(p, autres[p.pk]) for p in acteur.profils if p.pk in autres]
    return _page(request, acteur, "messagerie/boite.html", {"profils_non_lus": profils_non_lus})


@require_GET
@professionnel_seulement
def pro_boite(request):
    extra = {"domaine_patients": adresses.domaine_patients()}
    return _page(request, request.acteur, "messagerie/pro_boite.html", extra)
