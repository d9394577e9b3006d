"""One way to refuse: the kernel's one exception family.

Services and selectors never speak HTTP: the same service runs in a page, a Celery task,
an API call and a mail through the SMTP gateway. They refuse by raising one of these, and
each channel turns the refusal into its own answer in one place:

- ``Introuvable`` (not found, or not yours): page 404 (the site's 404 page), API 404
  OperationOutcome ``not-found``, SMTP ``550 5.1.1``, task logged and ended;
- ``SaisieInvalide`` (the message says what to fix): page 400 with the message, API 422
  OperationOutcome ``processing``, SMTP ``550 5.7.1`` with the message, task logged;
- ``Refus`` (anything else refused): page 403, API 403 ``forbidden``, SMTP ``550 5.7.1``,
  task logged.

A task that meets a refusal logs it and ends: it is never retried (``balayeur.Tache``).
A view that re-shows its form with the message (``form.add_error``, ``messages.error``)
catches ``SaisieInvalide`` itself; whatever it does not catch is answered as above.
"""

from __future__ import annotations


class Refus(Exception):
    """Refused. ``message`` (French) says why when it may be told; ``champ`` names the
    field to blame, when one is."""

    message_defaut = "Cette action n'est pas permise."

    def __init__(self, message: str = "", *, champ: str | None = None):
        self.message = message or self.message_defaut
        self.champ = champ
        super().__init__(self.message)


class Introuvable(Refus):
    """Not found, or not yours: the same answer for both, so a refusal tells nothing of
    what exists."""

    message_defaut = "Ressource introuvable."


class SaisieInvalide(Refus):
    """What was asked cannot be taken as is; the message, in French, says what to fix."""

    message_defaut = "La saisie n'a pas pu être acceptée."


def exiger(condition: object) -> None:
    """``Introuvable`` unless ``condition``: what the actor may not touch does not exist
    for them."""
    if not condition:
        raise Introuvable
