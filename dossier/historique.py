"""The activity history as the person reads it: each entry says what, naming the document
or the section to whoever may see it (resolved at display: the journal itself holds no
health content), with the emergency reason the professional wrote."""

from __future__ import annotations

from consentement import acces
from consentement.acces import Acteur
from consentement.journal import Action as ActionConsentement
from consentement.models import AccesProfessionnel
from dossier.enums import Rubrique, TypeMesure
from dossier.journal import Action
from dossier.models import Document, InformationMedicale, Mesure
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


def annoter(acteur: Acteur, entrees: list) -> list:
    """Set ``quoi`` (the action, and what it was about when the person may know it) and
    ``motif`` (an emergency access's reason) on each entry."""
    noms, motifs = _objets(acteur, entrees), _motifs(entrees)
    for e in entrees:
        objet = noms.get((e.objet_type, e.objet_id))
        page = e.details.get("page") if e.action == Action.DOSSIER_CONSULTE else None
        correspondant = e.details.get("correspondant")  # a conversation (messaging)
        complement = (
            objet
            or (f"page « {page} »" if page else "")
            or (f"échange avec {correspondant}" if correspondant else "")
            # An API call says what it read in plain words (resource types and counts).
            or e.details.get("resume", "")
        )
        e.quoi = f"{e.action_libelle} : {complement}" if complement else e.action_libelle
        e.motif = motifs.get(e.objet_id, "")
    return entrees
