"""The registry of journal actions: each app declares its own, the kernel knows them all.

``Entree.action`` is a plain string: a new app adds its actions by registering its enum
(in its ``AppConfig.ready``), with no kernel migration. Writing an unregistered action
fails loudly; reading one (an app removed since) shows the raw string.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

from django.db import models

_LIBELLES: dict[str, str] = {}
_PAR_APP: dict[str, list[str]] = {}
_POUR_LA_PERSONNE: list[str] = []
# objet_type → function(acteur, ids) returning {id: how the person may name it}, registered
# by the app that owns the type, so the history names what it is about (without the kernel
# or the record importing that app).
_NOMMEURS: dict[str, Callable] = {}


class ActionInconnue(ValueError):
    pass


def enregistrer(
    app: str, actions: type[models.TextChoices], *, pour_la_personne: Iterable[str] = ()
) -> None:
    """Declare an app's actions; ``pour_la_personne``: those a person understands, offered
    in their history's filter after the record's own."""
    for valeur, libelle in actions.choices:
        deja = _LIBELLES.get(valeur)
        if deja is not None and deja != libelle:
            raise ValueError(f"Action de journal déclarée deux fois : {valeur!r}")
        _LIBELLES[valeur] = str(libelle)
    _PAR_APP[app] = [valeur for valeur, _ in actions.choices]
    for valeur in pour_la_personne:
        if valeur not in _POUR_LA_PERSONNE:
            _POUR_LA_PERSONNE.append(str(valeur))


def pour_la_personne() -> list[tuple[str, str]]:
    """(action, label) of the actions other apps offer in the history's filter."""
    return [(valeur, _LIBELLES[valeur]) for valeur in _POUR_LA_PERSONNE]


def valider(action: str) -> str:
    if action not in _LIBELLES:
        raise ActionInconnue(f"Action de journal non déclarée : {action!r}")
    return action


def libelle(action: str) -> str:
    return _LIBELLES.get(action, action)


def toutes() -> list[tuple[str, str]]:
    return sorted(_LIBELLES.items(), key=lambda item: item[1])


def enregistrer_nommeur(objet_type: str, fonction: Callable) -> None:
    """``fonction(acteur, ids) -> {id: name}`` names the objects of ``objet_type`` that the
    actor may see (the app applies its policy); the history calls it for its entries."""
    _NOMMEURS[objet_type] = fonction


def nommeurs() -> dict[str, Callable]:
    return dict(_NOMMEURS)
