"""The site's URLs plus a page and an API endpoint that let each of the kernel's refusals
through, so tests/test_refus.py sees what each channel answers."""

from django.urls import path

from catalogue.api.jeton import point_api
from espace_sante.lib import refus
from espace_sante.urls import urlpatterns as _site


def refus_de(genre: str) -> refus.Refus:
    return {
        "introuvable": refus.Introuvable("Le rendez-vous d'une autre personne."),
        "invalide": refus.SaisieInvalide("Indiquez le motif de l'annulation.", champ="motif"),
        "refuse": refus.Refus("Ce profil ne peut pas faire cela."),
    }[genre]


def _page(request, genre):
    raise refus_de(genre)


@point_api("read")
def _api(request, acteur, genre):
    raise refus_de(genre)


urlpatterns = [
    path("essai-refus/<str:genre>/", _page),
    path("fhir/essai-refus/<str:genre>", _api),
    *_site,
]
