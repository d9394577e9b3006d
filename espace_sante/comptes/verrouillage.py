"""Lock-outs after repeated failures, counted in PostgreSQL (fail closed).

One row per failure, keyed by a keyed hash of the account or of the IP address.
A lock holds while the window contains too many failures for the account, or far
more for the IP (a whole France services desk shares one IP, hence the higher bar).
"""

from __future__ import annotations

from django.conf import settings
from django.utils import timezone

from espace_sante.comptes.enums import PorteeTentative
from espace_sante.comptes.models import Tentative
from espace_sante.lib.crypto import keyed_hash


def ip_de(request) -> str:
    return (request.META.get("REMOTE_ADDR") or "inconnue") if request is not None else "inconnue"


def _cle(genre: str, valeur: str) -> str:
    return keyed_hash("tentative", f"{genre}:{str(valeur).strip().lower()}")


def _echecs(portee: PorteeTentative, cle: str) -> int:
    depuis = timezone.now() - settings.LOCKOUT_WINDOW
    return Tentative.objects.filter(portee=portee, cle=cle, horodatage__gte=depuis).count()


def est_verrouille(*, portee: PorteeTentative, compte: str | None, ip: str) -> bool:
    if compte and _echecs(portee, _cle("compte", compte)) >= settings.LOCKOUT_MAX_FAILURES:
        return True
    return _echecs(portee, _cle("ip", ip)) >= settings.LOCKOUT_IP_MAX_FAILURES


def enregistrer_echec(*, portee: PorteeTentative, compte: str | None, ip: str) -> bool:
    """Record a failure; return True if this failure triggers the lock."""
    lignes = [Tentative(portee=portee, cle=_cle("ip", ip))]
    if compte:
        lignes.append(Tentative(portee=portee, cle=_cle("compte", compte)))
    Tentative.objects.bulk_create(lignes)
    return est_verrouille(portee=portee, compte=compte, ip=ip)


def purger_anciennes() -> int:
    """Delete failures older than the window (run periodically)."""
    limite = timezone.now() - settings.LOCKOUT_WINDOW
    return Tentative.objects.filter(horodatage__lt=limite).delete()[0]
