"""The unread count in the header, on every page: read from the cache (one grouped count
when it is not there), only when the page renders the header (the template calls it), once."""

from __future__ import annotations

from messagerie import selectors


def non_lus(request):
    acteur = getattr(request, "acteur", None)
    memoire: list[int] = []

    def compter() -> int:
        if not memoire:
            memoire.append(selectors.non_lus_total(acteur) if acteur is not None else 0)
        return memoire[0]

    return {"messagerie_non_lus": compter}
