"""Admin shows the agenda's metadata only: titles, places, notes and reasons are encrypted
and never decrypted here; feed tokens exist only as keyed hashes."""

from django.contrib import admin

from agenda.models import Abonnement, CompteurFlux, Rappel, RendezVous, SuiviPrevention
from espace_sante.lib.admin import LectureSeuleAdmin


@admin.register(RendezVous)
class RendezVousAdmin(LectureSeuleAdmin):
    list_display = ["public_id", "profil", "debut", "fin", "statut", "cree_par_role", "cree_le"]
    list_filter = ["statut", "confidentiel", "cree_par_role"]
    fields = [
        "public_id",
        "profil",
        "statut",
        "debut",
        "fin",
        "delais",
        "propose_par",
        "confidentiel",
        "cree_par_libelle",
        "cree_par_role",
        "cree_le",
        "modifie_le",
        "version",
        "repondu_le",
        "annule_le",
        "annule_par_libelle",
        "annule_par_role",
    ]
    search_fields = ["=public_id", "=profil__public_id"]
    list_select_related = ["profil"]


@admin.register(Rappel)
class RappelAdmin(LectureSeuleAdmin):
    list_display = ["cle", "profil", "canal", "echeance", "statut", "version", "traite_le"]
    list_filter = ["statut", "canal"]
    fields = [
        "cle",
        "profil",
        "rendez_vous",
        "etape",
        "delai",
        "canal",
        "echeance",
        "statut",
        "version",
        "traite_le",
    ]
    search_fields = ["cle"]
    list_select_related = ["profil"]


@admin.register(SuiviPrevention)
class SuiviPreventionAdmin(LectureSeuleAdmin):
    list_display = ["profil", "etape", "etat", "le"]
    fields = ["profil", "etape", "etat", "le", "par"]
    list_select_related = ["profil"]


@admin.register(Abonnement)
class AbonnementAdmin(LectureSeuleAdmin):
    list_display = ["public_id", "profil", "nom", "details", "cree_le", "revoque_le"]
    fields = ["public_id", "profil", "nom", "details", "cree_par", "cree_le", "revoque_le"]
    list_select_related = ["profil"]


@admin.register(CompteurFlux)
class CompteurFluxAdmin(LectureSeuleAdmin):
    list_display = ["cle", "jour", "nombre"]
    fields = ["cle", "jour", "nombre"]
