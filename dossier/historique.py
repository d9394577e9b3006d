"""The activity history as the person reads it: each entry says what, naming the document
or the section to whoever may see it (resolved at display: the journal itself holds no
health content), with the emergency reason the professional wrote."""

from __future__ import annotations

from django.utils.text import capfirst

from consentement import acces
from consentement.acces import Acteur
from consentement.journal import Action as ActionConsentement
from consentement.models import AccesProfessionnel
from dossier.enums import Rubrique, TypeMesure
from dossier.journal import Action
from dossier.models import Document, InformationMedicale, Mesure
from espace_sante.comptes.enums import Role
from espace_sante.journal import actions

# What a person understands in the filter (the journal holds more: technical events).
ACTIONS_FILTRE = [
    Action.DOSSIER_CONSULTE,
    Action.DOCUMENT_CONSULTE,
    Action.DOCUMENT_AJOUTE,
    Action.DOCUMENT_SUPPRIME,
    Action.INFORMATION_AJOUTEE,
    Action.INFORMATION_MODIFIEE,
    Action.INFORMATION_SUPPRIMEE,
    Action.EXPORT,
    ActionConsentement.ACCES_OUVERT,
    ActionConsentement.ACCES_URGENCE,
    ActionConsentement.ACCES_REFUSE,
    ActionConsentement.DECISION,
    ActionConsentement.ACCOMPAGNEMENT_OUVERT,
    Action.ERREUR_SIGNALEE,
]

_TYPES = {
    Document._meta.label_lower: Document,
    InformationMedicale._meta.label_lower: InformationMedicale,
    Mesure._meta.label_lower: Mesure,
}


def _objets(acteur: Acteur, entrees) -> dict[tuple[str, str], str]:
    """(object type, id) → how the person may name it; only items the policy shows them."""
    noms: dict[tuple[str, str], str] = {}
    for label, modele in _TYPES.items():
        ids = {e.objet_id for e in entrees if e.objet_type == label}
        if not ids:
            continue
        for element in modele.objects.filter(acces.q_visibles(acteur, modele), public_id__in=ids):
            noms[(label, str(element.public_id))] = _nom(element)
    for label, nommer in actions.nommeurs().items():  # the other apps' objects
        ids = {e.objet_id for e in entrees if e.objet_type == label}
        if ids:
            noms.update({(label, i): nom for i, nom in nommer(acteur, ids).items()})
    return noms


def _nom(element) -> str:
    if isinstance(element, Document):
        return f"le document « {element.titre} »"
    if isinstance(element, InformationMedicale):
        return f"la rubrique « {Rubrique(element.rubrique).label} »"
    return f"une mesure ({TypeMesure(element.type).label.lower()})"


def _motifs(entrees) -> dict[str, str]:
    """The reasons of the emergency accesses these entries record."""
    ids = {e.objet_id for e in entrees if e.action == ActionConsentement.ACCES_URGENCE}
    if not ids:
        return {}
    return {
        str(a.public_id): a.motif or ""
        for a in AccesProfessionnel.objects.filter(public_id__in=ids)
    }


# The record's pages as the journal names them, and as a person says them ("" when the
# action already says it all: "Dossier consulté").
PAGES = {
    "documents": "liste des documents",
    "profil médical": "profil médical",
    "dossier (professionnel)": "",
    "fiche": "",
}

# Two reads of the same thing by the same person within this window are one act (opening
# a document reads its page, then its file for the preview).
MEME_ACTE_SECONDES = 10 * 60


def _qui(entrees) -> None:
    """One name per person: a professional is named as a patient names them ("Dr Jeanne
    Lefèvre"), with their profession below, whatever label the entry was written with."""
    from espace_sante.comptes.models import Professionnel

    ids = {e.acteur_id for e in entrees if e.role == Role.PROFESSIONNEL and e.acteur_id}
    pros = {
        p.user_id: p for p in Professionnel.objects.filter(user_id__in=ids).select_related("user")
    }
    for e in entrees:
        pro = pros.get(e.acteur_id) if e.role == Role.PROFESSIONNEL else None
        e.qui = pro.nom_usage if pro else (e.acteur_libelle or "Traitement automatique")
        e.qui_role = capfirst(pro.profession_libelle) if pro else e.get_role_display()


def _meme_acte(avant, e) -> bool:
    return (
        avant is not None
        and (avant.acteur_id, avant.qui, avant.action, avant.objet_type, avant.objet_id)
        == (e.acteur_id, e.qui, e.action, e.objet_type, e.objet_id)
        and (
            e.action != Action.DOSSIER_CONSULTE
            or avant.details.get("page") == e.details.get("page")
        )
        and abs((avant.horodatage - e.horodatage).total_seconds()) <= MEME_ACTE_SECONDES
        and e.action in (Action.DOCUMENT_CONSULTE, Action.DOSSIER_CONSULTE)
    )


def regrouper(entrees: list) -> list:
    """One line per act: successive reads of the same item by the same person within a few
    minutes (the document's page, then its file) are one line (the journal keeps both)."""
    lignes = []
    for e in entrees:
        if lignes and _meme_acte(lignes[-1], e):
            continue
        lignes.append(e)
    return lignes


def annoter(acteur: Acteur, entrees: list, *, par_acte: bool = True) -> list:
    """Set ``quoi`` (the action, and what it was about when the person may know it),
    ``qui``/``qui_role`` (one name per person) and ``motif`` (an emergency access's reason)
    on each entry; returns one line per act (every entry with ``par_acte=False``: the CSV
    export is the journal's own lines)."""
    noms, motifs = _objets(acteur, entrees), _motifs(entrees)
    _qui(entrees)
    for e in entrees:
        objet = noms.get((e.objet_type, e.objet_id))
        page = e.details.get("page") if e.action == Action.DOSSIER_CONSULTE else None
        page = PAGES.get(page, page) if page else None
        correspondant = e.details.get("correspondant")  # a conversation (messaging)
        complement = (
            objet
            or (page or "")
            or (f"échange avec {correspondant}" if correspondant else "")
            # An API call says what it read in plain words (resource types and counts).
            or e.details.get("resume", "")
        )
        e.quoi = f"{e.action_libelle} : {complement}" if complement else e.action_libelle
        e.motif = motifs.get(e.objet_id, "")
    return regrouper(entrees) if par_acte else entrees
