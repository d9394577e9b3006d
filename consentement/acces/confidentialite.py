"""A minor's confidentiality: one attribute, one rule, for every kind of item.

A professional records a minor's request that their legal representatives not see an act.
Every kind of item that can carry the request declares it the same way, a ``confidentiel``
boolean on its row (the record's documents and entries, conversations, appointments); a
ledger row or a journal entry about such an item carries ``{"confidentiel": true}`` in its
``details`` (``consentement.journal.drapeaux`` writes it from the item). What derives from
an item follows it: reminders and calendar files of an appointment, a notice about it, a
history line, a receipt, an API read.

Who sees a confidential item: the minor (their own account, as titulaire) and the
professionals the other rules let in. Nobody acting on the minor's behalf does (a legal
representative, a connected application, a mediator, an agent: ``Acteur.pour_autrui``).
``peut_voir_confidentiel`` decides one item, ``q_confidentialite`` is the same rule as a
filter, and ``destinataires`` says who is told about an item: for a confidential one, only
the minor's own account.
"""

from __future__ import annotations

from django.db.models import Q

from consentement.acces.acteur import Acteur
from espace_sante.comptes.enums import Role
from espace_sante.notifications.models import Canal
from espace_sante.notifications.services import (
    Destination,
    destinations,
    destinations_avec_representants,
)

_DANS_DETAILS = Q(details__contains={"confidentiel": True})


def voit_confidentiel(acteur: Acteur) -> bool:
    """Whether this actor may see a minor's confidential items at all: whoever acts for
    someone else never does (``pour_autrui``: representative, application, mediator, agent)."""
    return not acteur.pour_autrui


def est_confidentiel(element) -> bool:
    """What the policy reads of an item: its ``confidentiel`` attribute, or for a ledger row
    or a journal entry, the flag in its ``details``. An item of a kind that declares
    neither is an error, not a visible item."""
    if hasattr(element, "confidentiel"):
        return bool(element.confidentiel)
    return bool(element.details.get("confidentiel"))


def peut_voir_confidentiel(acteur: Acteur, element) -> bool:
    """The confidentiality rule alone (the item's other rules still apply)."""
    return voit_confidentiel(acteur) or not est_confidentiel(element)


def q_confidentialite(acteur: Acteur, *, champ: str = "confidentiel") -> Q:
    """``peut_voir_confidentiel`` as a filter. ``champ``: the attribute's path from the
    filtered model (``rendez_vous__confidentiel`` for a reminder, ``details`` for a ledger
    row or a journal entry)."""
    if voit_confidentiel(acteur):
        return Q()
    return q_non_confidentiel(champ=champ)


def q_non_confidentiel(*, champ: str = "confidentiel") -> Q:
    """The items a representative may see (for a filter across several profiles, where
    the actor's role differs from one profile to the next). JSON containment for
    ``details``, so a row without the key is kept (``exclude(details__confidentiel=True)``
    would drop it: SQL NULL)."""
    if champ == "details":
        return ~_DANS_DETAILS
    return Q(**{champ: False})


def peut_declarer_confidentiel(acteur: Acteur, profil=None) -> bool:
    """A professional records a minor's request that their parents not see an act (a
    document, an entry, a conversation, an appointment). ``profil``: the actor's own by
    default (narrowed to the record by ``sur_dossier``)."""
    profil = profil if profil is not None else acteur.profil
    return (
        acteur.role == Role.PROFESSIONNEL
        and acteur.professionnel is not None
        and profil is not None
        and profil.est_mineur()
    )


def destinataires(profil, *, confidentiel: bool = False) -> list[Destination]:
    """Who is told about an item of ``profil`` (by their preferences): the person, and for
    a minor each legal representative too. A minor's confidential item is told only to the
    minor's own account, by email: the profile's contact details are the parents' to edit,
    so they could not steer the notice to themselves. No account: nobody is told."""
    if not profil.est_mineur():
        return destinations(profil)
    if not confidentiel:
        return destinations_avec_representants(profil)
    compte = profil.titulaire
    if compte is None or not compte.is_active or not compte.email:
        return []
    return [Destination(Canal.EMAIL, compte.email, profil)]


__all__ = [
    "destinataires",
    "est_confidentiel",
    "peut_declarer_confidentiel",
    "peut_voir_confidentiel",
    "q_confidentialite",
    "q_non_confidentiel",
    "voit_confidentiel",
]
