"""Lock-outs, slow-downs and send limits, counted in PostgreSQL (fail closed).

Every counted event is one ``Tentative`` row: a scope, a keyed hash of what is
counted (an account, an address, a pair), a time. Nothing here lives in Redis, so a
broker outage never lifts a limit. Addresses come from ``lib.requetes.adresse_client``
(``TRUSTED_PROXY_COUNT`` proxies trusted, no more).

**Accounts (login, second factor, professionals' and mediators' look-ups).** The key is
something only its owner can use (an email behind a password, a logged-in user): after
``LOCKOUT_MAX_FAILURES`` failures within ``LOCKOUT_WINDOW`` for the account, or
``LOCKOUT_IP_MAX_FAILURES`` from one address (a France services desk shares one), the
action is refused until the window has moved on.

**The SMTP gateway's refused recipients** count in their own scope
(``PASSERELLE_SMTP``), per professional only (``ip=None``): the clients are the operator's
relays, shared by every professional, and the relay authenticated the sender.

**Identification by a public identifier (NIR + birth date [+ notice code]).** A NIR
is not secret, so a lock keyed on it alone would let anyone lock a person out of their
own rights (opposition during its deadline, activation, a new code, the mediator's
presence proof). The scheme, as large identity providers do it:

1. failures count per (NIR, source address) together: ``LOCKOUT_MAX_FAILURES`` of them
   lock that pair for the window — one address guessing one person is stopped;
2. failures count per source address: ``LOCKOUT_IP_MAX_FAILURES`` lock that address
   for every NIR — one address spraying many people is stopped;
3. failures count per NIR from every address, but only to **slow down**: from
   ``LOCKOUT_MAX_FAILURES`` on, the next attempt on that NIR waits 2, 4, 8… seconds
   after the previous failure, at most ``LOCKOUT_MAX_DELAY_SECONDS`` — never a lock;
4. the right birth date **with a valid notice code** goes through all three: the code
   has 60 bits, so while it must be right nobody can guess their way in, and the person
   holding their letter is never kept out by strangers.

An attempt refused by 1–3 is not evaluated as a failure (it neither counts nor says
whether anything was right); every identifier is counted whether or not it exists.

**Sends (password reset, login codes, new activation codes, presence codes).** Each
message sent counts against its target and its source (``limite_envoi``): at most N
within a window, checked and counted under a transaction-scoped advisory lock so that
parallel requests cannot overshoot. A target that may not exist (an email, a NIR) is
counted all the same, so the answer never reveals whether an account exists.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import NamedTuple

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, Max
from django.utils import timezone

from espace_sante.comptes.enums import PORTEES_ENVOI, PorteeTentative
from espace_sante.comptes.models import Tentative
from espace_sante.lib.crypto import keyed_hash
from espace_sante.lib.requetes import adresse_client

# Send limits have windows of at most a day; their rows are kept that long.
FENETRE_ENVOI_MAX = timedelta(hours=24)


def ip_de(request) -> str:
    return adresse_client(request) or "inconnue"


def _cle(genre: str, valeur: str) -> str:
    return keyed_hash("tentative", f"{genre}:{str(valeur).strip().lower()}")


def _recents(portee: PorteeTentative, cle: str, fenetre: timedelta | None = None):
    depuis = timezone.now() - (fenetre or settings.LOCKOUT_WINDOW)
    return Tentative.objects.filter(portee=portee, cle=cle, horodatage__gte=depuis)


def _echecs(portee: PorteeTentative, cle: str) -> int:
    return _recents(portee, cle).count()


# --- Accounts ------------------------------------------------------------------------


def est_verrouille(*, portee: PorteeTentative, compte: str | None, ip: str | None) -> bool:
    """``ip=None``: no count per address, for a channel whose clients are shared relays
    (the SMTP gateway's), where only the authenticated account says who failed."""
    if compte and _echecs(portee, _cle("compte", compte)) >= settings.LOCKOUT_MAX_FAILURES:
        return True
    return ip is not None and _echecs(portee, _cle("ip", ip)) >= settings.LOCKOUT_IP_MAX_FAILURES


def enregistrer_echec(*, portee: PorteeTentative, compte: str | None, ip: str | None) -> bool:
    """Record a failure; return True if this failure triggers the lock."""
    lignes = [Tentative(portee=portee, cle=_cle("ip", ip))] if ip is not None else []
    if compte:
        lignes.append(Tentative(portee=portee, cle=_cle("compte", compte)))
    Tentative.objects.bulk_create(lignes)
    return est_verrouille(portee=portee, compte=compte, ip=ip)


# --- Identification by a public identifier ---------------------------------------------


@dataclass(frozen=True)
class Frein:
    """Why an identification may not be tried now: a lock, or seconds to wait."""

    bloque: bool = False
    attente: int = 0

    @property
    def actif(self) -> bool:
        return self.bloque or self.attente > 0


def _attente(portee: PorteeTentative, cle: str) -> int:
    """Seconds still to wait on this identifier (0 below the threshold)."""
    recents = _recents(portee, cle).aggregate(n=Count("pk"), dernier=Max("horodatage"))
    exces = recents["n"] - settings.LOCKOUT_MAX_FAILURES
    if exces < 0:
        return 0
    delai = min(2 ** (exces + 1), settings.LOCKOUT_MAX_DELAY_SECONDS)
    ecoule = (timezone.now() - recents["dernier"]).total_seconds()
    return max(0, math.ceil(delai - ecoule))


def _cles_identification(identifiant: str, source: str) -> tuple[str, str, str]:
    return _cle("paire", f"{identifiant}|{source}"), _cle("ip", source), _cle("nir", identifiant)


def frein_identification(*, portee: PorteeTentative, identifiant: str, source: str) -> Frein:
    """Whether this source may try this identifier now (see the module's scheme)."""
    paire, ip, nir = _cles_identification(identifiant, source)
    if _echecs(portee, paire) >= settings.LOCKOUT_MAX_FAILURES:
        return Frein(bloque=True)
    if _echecs(portee, ip) >= settings.LOCKOUT_IP_MAX_FAILURES:
        return Frein(bloque=True)
    return Frein(attente=_attente(portee, nir))


def echec_identification(*, portee: PorteeTentative, identifiant: str, source: str) -> Frein:
    """Record a failed identification; return the brake it puts on the next attempt."""
    Tentative.objects.bulk_create(
        Tentative(portee=portee, cle=cle) for cle in _cles_identification(identifiant, source)
    )
    return frein_identification(portee=portee, identifiant=identifiant, source=source)


# --- Send limits -----------------------------------------------------------------------


class Limite(NamedTuple):
    """At most ``nombre`` sends for ``cle`` within ``fenetre``; ``message`` says so."""

    cle: str
    nombre: int
    fenetre: timedelta
    message: str


def _verrou_consultatif(portee: PorteeTentative, cle: str) -> None:
    with connection.cursor() as curseur:
        curseur.execute(
            "SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [f"{portee}:{cle}"]
        )


def limite_envoi(*, portee: PorteeTentative, limites: list[Limite]) -> Limite | None:
    """Count one send if every limit allows it; else count nothing and return the one
    that refuses (its message is for the person)."""
    cles = [_cle("envoi", limite.cle) for limite in limites]
    with transaction.atomic():
        for cle in sorted(set(cles)):
            _verrou_consultatif(portee, cle)
        for limite, cle in zip(limites, cles, strict=True):
            if limite.fenetre > FENETRE_ENVOI_MAX:
                raise ValueError("purger_anciennes ne garde les envois que 24 heures")
            if _recents(portee, cle, limite.fenetre).count() >= limite.nombre:
                return limite
        Tentative.objects.bulk_create(Tentative(portee=portee, cle=cle) for cle in set(cles))
    return None


def purger_anciennes() -> int:
    """Delete rows that no window counts any more (run periodically)."""
    maintenant = timezone.now()
    echecs = Tentative.objects.exclude(portee__in=PORTEES_ENVOI).filter(
        horodatage__lt=maintenant - settings.LOCKOUT_WINDOW
    )
    envois = Tentative.objects.filter(
        portee__in=PORTEES_ENVOI, horodatage__lt=maintenant - FENETRE_ENVOI_MAX
    )
    return echecs.delete()[0] + envois.delete()[0]
