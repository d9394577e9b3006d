"""Reads of the record, always through the reader's scope (consentement.acces)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Q, QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from consentement import acces
from consentement.acces import Acteur
from consentement.models import AccesProfessionnel
from dossier.enums import Rubrique, TypeMesure
from dossier.models import Document, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Professionnel
from espace_sante.journal.models import Entree
from espace_sante.lib.refus import Introuvable


def acteur_sur_dossier(*, acteur: Acteur, public_id) -> Acteur:
    """The actor narrowed to the record of this profile id; 404 if the policy grants none."""
    sur = acces.sur_dossier_par(acteur, public_id=public_id)
    if sur is None:
        raise Introuvable
    return sur


def documents_visibles(*, acteur: Acteur) -> QuerySet[Document]:
    """Newest act first (the date of the act, else the day it was added), then upload time."""
    return (
        Document.objects.filter(acces.q_visibles(acteur, Document))
        .select_related("auteur_professionnel")
        .order_by(Coalesce("date_acte", TruncDate("ajoute_le")).desc(), "-ajoute_le", "-pk")
    )


def element_visible(*, acteur: Acteur, modele, public_id):
    """An item and the actor narrowed to its record, resolved from the item's own profile;
    404 when the item does not exist or the policy refuses it (both look the same)."""
    profil_id = modele.objects.filter(public_id=public_id).values_list("profil_id", flat=True)
    profil_id = profil_id.first()
    sur = acces.sur_dossier_par(acteur, pk=profil_id) if profil_id else None
    if sur is None:
        raise Introuvable
    element = modele.objects.filter(acces.q_visibles(sur, modele), public_id=public_id).first()
    if element is None:
        raise Introuvable
    return sur, element


def document_visible(*, acteur: Acteur, public_id) -> tuple[Acteur, Document]:
    return element_visible(acteur=acteur, modele=Document, public_id=public_id)


def professionnels(ids: list[int]) -> list[Professionnel]:
    if not ids:
        return []
    return list(Professionnel.objects.filter(pk__in=ids).select_related("user"))


def documents_en_attente_annonce(*, acteur: Acteur) -> list[Document]:
    """What the patient is told about (no title, no category): author and dates only."""
    if not acteur.cote_patient:
        return []
    documents = list(
        Document.objects.filter(acces.q_en_attente_annonce(acteur)).only(
            "public_id", "auteur_libelle", "ajoute_le", "profil_id"
        )
    )
    for document in documents:
        document.visible_le = document.ajoute_le + acces.ANNONCE_VISIBLE
    return documents


def informations_visibles(*, acteur: Acteur) -> QuerySet[InformationMedicale]:
    return InformationMedicale.objects.filter(acces.q_visibles(acteur, InformationMedicale))


def mesures_visibles(*, acteur: Acteur) -> QuerySet[Mesure]:
    return Mesure.objects.filter(acces.q_visibles(acteur, Mesure))


# The medical profile charts the last three months (each value is decrypted to be drawn:
# the page's cost stays the same after years of daily measures); every measure has its
# own list (``mesures``), and the exports carry them all.
FENETRE_MESURES = timedelta(days=92)


def profil_medical(*, acteur: Acteur) -> dict:
    """The visible entries grouped by section, the last three months of measures by type."""
    rubriques = {r: [] for r in Rubrique}
    for info in informations_visibles(acteur=acteur):
        rubriques[Rubrique(info.rubrique)].append(info)
    mesures = {t: [] for t in TypeMesure}
    recentes = mesures_visibles(acteur=acteur).filter(date__gte=timezone.now() - FENETRE_MESURES)
    for mesure in recentes:
        mesures[TypeMesure(mesure.type)].append(mesure)
    return {"rubriques": rubriques, "mesures": mesures}


def historique(*, acteur: Acteur, filtres: dict | None = None) -> QuerySet[Entree]:
    """The profile's journal, as its person sees it (the policy's ``q_historique``): by
    default what others did."""
    filtres = filtres or {}
    caches = Document.objects.filter(profil=acteur.profil).exclude(
        acces.q_annonce_faite(timezone.now())
    )
    entrees = Entree.objects.filter(
        acces.q_historique(
            acteur,
            objets_caches={
                Document._meta.label_lower: [
                    str(p) for p in caches.values_list("public_id", flat=True)
                ]
            },
        )
    ).select_related("pour_le_compte_de")
    if not filtres.get("moi"):
        # A service the person connected acts with their account, but it is someone else.
        entrees = entrees.exclude(Q(acteur_id=acteur.user_id) & ~Q(role=Role.APPLICATION))
    if filtres.get("role"):
        entrees = entrees.filter(role=filtres["role"])
    if filtres.get("action"):
        entrees = entrees.filter(action=filtres["action"])
    if filtres.get("depuis"):
        entrees = entrees.filter(horodatage__date__gte=filtres["depuis"])
    if filtres.get("jusqua"):
        entrees = entrees.filter(horodatage__date__lte=filtres["jusqua"])
    return entrees.order_by("-horodatage", "-id")


def acces_en_cours(*, acteur: Acteur) -> QuerySet:
    return (
        AccesProfessionnel.objects.actifs(timezone.now())
        .filter(professionnel=acteur.professionnel)
        .select_related("profil")
        .order_by("-debut")
    )


def signalements_ouverts(*, acteur: Acteur) -> QuerySet[Signalement]:
    """Errors reported to this professional on items they added, not yet handled."""
    return Signalement.objects.filter(acces.q_signalements_a_traiter(acteur)).select_related(
        "profil"
    )


def signalement_ouvert(*, acteur: Acteur, public_id) -> Signalement:
    signalement = signalements_ouverts(acteur=acteur).filter(public_id=public_id).first()
    if signalement is None:
        raise Introuvable
    return signalement
