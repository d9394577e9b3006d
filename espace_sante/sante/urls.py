from django.urls import path

from espace_sante.sante import vues

app_name = "sante"
urlpatterns = [
    path("vivant", vues.vivant, name="vivant"),
    path("pret", vues.pret, name="pret"),
    path("metriques", vues.metriques, name="metriques"),
]
