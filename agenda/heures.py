"""Wall-clock times in Europe/Paris, stored in UTC, correct across daylight-saving changes.

- Spring forward (last Sunday of March, 02:00 → 03:00): 02:00–02:59 does not exist that
  day; such a time is refused with a message that says so and what to type instead.
- Fall back (last Sunday of October, 03:00 → 02:00): 02:00–02:59 happens twice. The
  person says which one: the first (still summer time, UTC+2) or the second (winter time,
  UTC+1). Nothing is guessed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.utils import timezone

PARIS = ZoneInfo("Europe/Paris")
ETE, HIVER = "ete", "hiver"  # the first and the second occurrence of an autumn hour


class HeureInvalide(ValueError):
    """A wall-clock time that cannot be stored as typed; the message is for the person."""


class HeureInexistante(HeureInvalide):
    pass


class HeureAmbigue(HeureInvalide):
    pass


def _existe(local: datetime) -> bool:
    aller_retour = local.astimezone(UTC).astimezone(PARIS)
    return aller_retour.replace(tzinfo=None) == local.replace(tzinfo=None)


def est_ambigue(jour: date, heure: time) -> bool:
    naif = datetime.combine(jour, heure)
    ete = naif.replace(tzinfo=PARIS, fold=0)
    hiver = naif.replace(tzinfo=PARIS, fold=1)
    return _existe(ete) and ete.utcoffset() != hiver.utcoffset()


def vers_utc(jour: date, heure: time, *, occurrence: str | None = None) -> datetime:
    """The UTC instant of this Paris wall-clock time; raises HeureInexistante (spring) or
    HeureAmbigue (autumn, when ``occurrence`` is not ETE or HIVER)."""
    naif = datetime.combine(jour, heure.replace(second=0, microsecond=0))
    local = naif.replace(tzinfo=PARIS, fold=0)
    if not _existe(local):
        raise HeureInexistante(
            f"{heure_fr(heure)} n'existe pas le {jour_fr(jour)} : à 2 h, on passe à l'heure "
            "d'été et les montres avancent directement à 3 h. Indiquez par exemple "
            f"{heure_fr(time(3, heure.minute))}."
        )
    if est_ambigue(jour, heure):
        if occurrence not in (ETE, HIVER):
            raise HeureAmbigue(
                f"{heure_fr(heure)} a lieu deux fois le {jour_fr(jour)} (passage à l'heure "
                "d'hiver, à 3 h on revient à 2 h) : précisez laquelle."
            )
        local = naif.replace(tzinfo=PARIS, fold=0 if occurrence == ETE else 1)
    return local.astimezone(UTC)


def local(instant: datetime) -> datetime:
    return instant.astimezone(PARIS)


def heure_fr(valeur: time | datetime) -> str:
    """9 h 30, 14 h (French typography)."""
    if isinstance(valeur, datetime):
        valeur = local(valeur).time()
    return f"{valeur.hour} h {valeur.minute:02d}" if valeur.minute else f"{valeur.hour} h"


JOURS = ["lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"]
MOIS = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
]


def jour_fr(jour: date) -> str:
    premier = "1er" if jour.day == 1 else str(jour.day)
    return f"{JOURS[jour.weekday()]} {premier} {MOIS[jour.month - 1]} {jour.year}"


def quand_fr(instant: datetime, maintenant: datetime | None = None) -> str:
    """How a reminder says when: "aujourd'hui à 14 h", "demain à 9 h 30", "le mardi 3 mars
    2026 à 9 h 30" (Paris time)."""
    maintenant = local(maintenant or timezone.now())
    moment = local(instant)
    ecart = (moment.date() - maintenant.date()).days
    if ecart == 0:
        jour = "aujourd'hui"
    elif ecart == 1:
        jour = "demain"
    else:
        jour = f"le {jour_fr(moment.date())}"
    return f"{jour} à {heure_fr(moment)}"


def debut_du_jour(jour: date) -> datetime:
    """The UTC instant at which this Paris day starts (never 02:00, so always exists)."""
    return datetime.combine(jour, time()).replace(tzinfo=PARIS).astimezone(UTC)


def bornes_du_mois(annee: int, mois: int) -> tuple[datetime, datetime]:
    premier = date(annee, mois, 1)
    suivant = (premier + timedelta(days=32)).replace(day=1)
    return debut_du_jour(premier), debut_du_jour(suivant)
