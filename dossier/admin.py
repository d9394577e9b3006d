"""Admin shows the record's metadata only: titles, texts, values and files are encrypted
and never decrypted here (admins do not read medical content)."""

from django.contrib import admin

from dossier.models import Document, InformationMedicale, Mesure, Signalement
from espace_sante.lib.admin import LectureSeuleAdmin

METADONNEES = ["public_id", "profil", "categorie", "auteur_libelle", "auteur_role", "ajoute_le"]


class LectureSeule(LectureSeuleAdmin):
    list_display = METADONNEES
    list_filter = ["categorie", "auteur_role"]
    search_fields = ["=public_id", "=profil__public_id"]
    list_select_related = ["profil"]


@admin.register(Document)
class DocumentAdmin(LectureSeule):
    list_display = [*METADONNEES, "type_mime", "taille", "masque", "confidentiel"]
    fields = [
        *METADONNEES,
        "type_mime",
        "taille",
        "empreinte",
        "masque",
        "reserve_a",
        "confidentiel",
        "annonce_requise",
        "annonce_le",
    ]


@admin.register(InformationMedicale)
class InformationMedicaleAdmin(LectureSeule):
    list_display = [*METADONNEES, "rubrique"]
    fields = [*METADONNEES, "rubrique", "date", "date_fin", "confidentiel"]


@admin.register(Mesure)
class MesureAdmin(LectureSeule):
    list_display = [*METADONNEES, "type"]
    fields = [*METADONNEES, "type", "date", "confidentiel"]


@admin.register(Signalement)
class SignalementAdmin(LectureSeuleAdmin):
    list_display = ["public_id", "profil", "professionnel", "genre", "cree_le", "traite_le"]
    fields = [
        "public_id",
        "profil",
        "professionnel",
        "genre",
        "element_id",
        "signale_par_libelle",
        "cree_le",
        "traite_le",
    ]
    list_select_related = ["profil", "professionnel__user"]
