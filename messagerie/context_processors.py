"""The unread count in the header, on every page: one cheap count, run only when the page
renders the header (the template calls it), once."""

from __future__ import annotations

from messagerie import selectors


def non_lus(request):
    acteur = getattr(request, "acteur", None)
    memoire: list[int] = []

    def compter() -> int:
        if not memoire:
            memoire.append(sum(selectors.non_lus(acteur).values()) if acteur is not None else 0)
        return memoire[0]

    return {"messagerie_non_lus": compter}
