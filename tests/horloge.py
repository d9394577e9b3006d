"""A controlled clock for the tests whose subject is time.

time-machine moves ``time.time`` and ``datetime.now`` of this process (not PostgreSQL's
``now()``: the code under test reads the time from Python). A test that books "in 3 hours"
and expects "aujourd'hui" travels to a Paris morning first, so the suite says the same thing
at 01:30 in the night as at 10:00; a test about a timeout shifts the clock instead of
sleeping, so a loaded machine cannot make it late.
"""

from datetime import datetime, time, timedelta

from django.utils import timezone

from agenda.heures import PARIS


def matin_a_paris(heure: int = 9) -> datetime:
    """Tomorrow in Paris at ``heure`` o'clock: a fixed hour of the day, yet close enough to the
    real clock that what the fixtures created just before is neither old nor in the future."""
    demain = timezone.now().astimezone(PARIS).date() + timedelta(days=1)
    return datetime.combine(demain, time(heure)).replace(tzinfo=PARIS)


def figer_un_matin(time_machine, *, dans_jours: int = 0) -> datetime:
    """Stop the clock on a Paris morning (``matin_a_paris``) such that the day ``dans_jours``
    later is no 29 February: a birthday counted whole years back from it always exists, and
    the test and the code under test see the same date, even near midnight."""
    matin = matin_a_paris()
    if (matin + timedelta(days=dans_jours)).strftime("%m-%d") == "02-29":
        matin += timedelta(days=1)
    time_machine.move_to(matin, tick=False)
    return matin


def figer(time_machine) -> None:
    """Stop the clock where it is (``time_machine``: the pytest fixture): a wait of N seconds
    lasts until the test moves the clock on, however slowly the machine runs the requests."""
    time_machine.move_to(timezone.now(), tick=False)
