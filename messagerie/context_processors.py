"""The unread count in the header, on every page: one cheap count, and only when the page
renders the header (lazy)."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject

from messagerie import selectors


def non_lus(request):
    acteur = getattr(request, "acteur", None)
    if acteur is None or getattr(acteur, "user", None) is None:
        return {"messagerie_non_lus": 0}
    return {"messagerie_non_lus": SimpleLazyObject(lambda: sum(selectors.non_lus(acteur).values()))}
