"""Reads of the record, always through the reader's scope (consentement.acces)."""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, TruncDate
from django.http import Http404
from django.utils import timezone

from consentement import acces
from consentement.acces import Lecteur
from dossier.enums import Rubrique, TypeMesure
from dossier.models import Document, InformationMedicale, Mesure, Signalement
from espace_sante.comptes.models import Professionnel, Profil
from espace_sante.journal.models import Entree


def lecteur_ou_404(user, profil: Profil | None) -> Lecteur:
    lecteur = acces.lecteur(user, profil) if profil is not None else None
    if lecteur is None:
        raise Http404
    return lecteur


def lecteur_par_profil(user, public_id) -> Lecteur:
    return lecteur_ou_404(user, Profil.objects.filter(public_id=public_id).first())


def documents_visibles(*, lecteur: Lecteur) -> QuerySet[Document]:
    """Newest act first (the date of the act, else the day it was added), then upload time."""
    return (
        Document.objects.filter(acces.q_visibles(lecteur, Document))
        .select_related("auteur_professionnel")
        .order_by(Coalesce("date_acte", TruncDate("ajoute_le")).desc(), "-ajoute_le", "-pk")
    )


def _visible(modele, user, public_id):
    """An item and its reader, resolved from the item's own profile; 404 when the item
    does not exist or the policy refuses it (both look the same)."""
    profil_id = modele.objects.filter(public_id=public_id).values_list("profil", flat=True)
    lecteur = lecteur_ou_404(user, Profil.objects.filter(pk__in=profil_id).first())
    element = (
        modele.objects.filter(acces.q_visibles(lecteur, modele)).filter(public_id=public_id).first()
    )
    if element is None:
        raise Http404
    return lecteur, element


def document_visible(*, user, public_id) -> tuple[Lecteur, Document]:
    return _visible(Document, user, public_id)


def element_visible(*, user, modele, public_id) -> tuple[Lecteur, InformationMedicale | Mesure]:
    return _visible(modele, user, public_id)


def professionnels(ids: list[int]) -> list[Professionnel]:
    if not ids:
        return []
    return list(Professionnel.objects.filter(pk__in=ids).select_related("user"))


def documents_en_attente_annonce(*, lecteur: Lecteur) -> list[Document]:
    """What the patient is told about (no title, no category): author and dates only."""
    if not lecteur.cote_patient:
        return []
    documents = list(
        Document.objects.filter(acces.q_en_attente_annonce(lecteur)).only(
            "public_id", "auteur_libelle", "ajoute_le", "profil_id"
        )
    )
    for document in documents:
        document.visible_le = document.ajoute_le + acces.ANNONCE_VISIBLE
    return documents


def informations_visibles(*, lecteur: Lecteur) -> QuerySet[InformationMedicale]:
    return InformationMedicale.objects.filter(acces.q_visibles(lecteur, InformationMedicale))


def mesures_visibles(*, lecteur: Lecteur) -> QuerySet[Mesure]:
    return Mesure.objects.filter(acces.q_visibles(lecteur, Mesure))


def profil_medical(*, lecteur: Lecteur) -> dict:
    """The visible entries grouped by section, and the measures grouped by type."""
    rubriques = {r: [] for r in Rubrique}
    for info in informations_visibles(lecteur=lecteur):
        rubriques[Rubrique(info.rubrique)].append(info)
    mesures = {t: [] for t in TypeMesure}
    for mesure in mesures_visibles(lecteur=lecteur):
        mesures[TypeMesure(mesure.type)].append(mesure)
    return {"rubriques": rubriques, "mesures": mesures}


def historique(*, lecteur: Lecteur, filtres: dict | None = None) -> QuerySet[Entree]:
    """The profile's journal, as its person sees it (the policy's ``q_historique``): by
    default what others did."""
    filtres = filtres or {}
    caches = Document.objects.filter(profil=lecteur.profil).exclude(
        acces.q_annonce_faite(timezone.now())
    )
    entrees = Entree.objects.filter(
        acces.q_historique(
            lecteur,
            objets_caches={
                Document._meta.label_lower: [
                    str(p) for p in caches.values_list("public_id", flat=True)
                ]
            },
        )
    ).select_related("pour_le_compte_de")
    if not filtres.get("moi"):
        entrees = entrees.exclude(acteur_id=lecteur.user_id)
    if filtres.get("role"):
        entrees = entrees.filter(role=filtres["role"])
    if filtres.get("action"):
        entrees = entrees.filter(action=filtres["action"])
    if filtres.get("depuis"):
        entrees = entrees.filter(horodatage__date__gte=filtres["depuis"])
    if filtres.get("jusqua"):
        entrees = entrees.filter(horodatage__date__lte=filtres["jusqua"])
    return entrees.order_by("-horodatage", "-id")


def acces_en_cours(*, professionnel) -> QuerySet:
    from consentement.models import AccesProfessionnel

    return (
        AccesProfessionnel.objects.actifs(timezone.now())
        .filter(professionnel=professionnel)
        .select_related("profil")
        .order_by("-debut")
    )


def signalements_ouverts(*, professionnel) -> QuerySet[Signalement]:
    """Errors reported to this professional on items they added, not yet handled."""
    return Signalement.objects.filter(
        professionnel=professionnel, traite_le__isnull=True
    ).select_related("profil")


def signalement_ouvert(*, professionnel, public_id) -> Signalement:
    signalement = (
        signalements_ouverts(professionnel=professionnel).filter(public_id=public_id).first()
    )
    if signalement is None:
        raise Http404
    return signalement
