"""Every journal action under one name, for the tests' queries (each app declares its own
in ``<app>/journal.py``)."""

from consentement.journal import Action as _Consentement
from dossier.journal import Action as _Dossier
from espace_sante.journal.enums import Action as _Noyau
from messagerie.journal import Action as _Messagerie


class Action:
    pass


for _enum in (_Noyau, _Consentement, _Dossier, _Messagerie):
    for _membre in _enum:
        setattr(Action, _membre.name, _membre.value)
