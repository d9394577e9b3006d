"""NIR (numéro de sécurité sociale): validation with messages that say what is wrong.

python-stdnum checks the format and the control key (including Corsica 2A/2B); we add
the semantic checks the key cannot catch (sex digit, month ranges) and French
messages. Provisional numbers (NIA) start with 7 or 8; months 20 to 42 and 50 and
above are used when the birth month is unknown or for special registrations.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from stdnum import exceptions as stdnum_exceptions
from stdnum.fr import nir as stdnum_nir

from espace_sante.lib.crypto import keyed_hash

SEXES_VALIDES = {"1", "2", "7", "8"}


def normaliser(valeur: str) -> str:
    """Strip spaces, dots and dashes; upper-case 2a/2b."""
    return "".join(c for c in (valeur or "") if c not in " .-\u00a0\t").upper()


def mois_valide(mois: str) -> bool:
    if not mois.isdigit():
        return False
    m = int(mois)
    return 1 <= m <= 12 or 20 <= m <= 42 or m >= 50


def valider(valeur: str) -> str:
    """Return the normalised NIR, or raise ValidationError with a French message."""
    nir = normaliser(valeur)
    if not nir:
        raise ValidationError("Saisissez le numéro de sécurité sociale (NIR).", code="vide")
    if len(nir) != 15:
        raise ValidationError(
            "Le NIR doit comporter 15 caractères (13 chiffres puis la clé de 2 chiffres) : "
            "%(n)s saisis.",
            code="longueur",
            params={"n": len(nir)},
        )
    departement = nir[5:7]
    if not (nir[:5] + nir[7:]).isdigit() or not (
        departement.isdigit() or departement in ("2A", "2B")
    ):
        raise ValidationError(
            "Le NIR ne contient que des chiffres, sauf 2A ou 2B (Corse) aux positions 6 et 7.",
            code="format",
        )
    if nir[0] not in SEXES_VALIDES:
        raise ValidationError(
            "Le premier chiffre du NIR doit être 1 ou 2 (7 ou 8 pour un numéro provisoire) : "
            "« %(c)s » saisi.",
            code="sexe",
            params={"c": nir[0]},
        )
    if not mois_valide(nir[3:5]):
        raise ValidationError(
            "Le mois de naissance du NIR (positions 4 et 5) n'existe pas : « %(m)s ».",
            code="mois",
            params={"m": nir[3:5]},
        )
    try:
        stdnum_nir.validate(nir)
    except stdnum_exceptions.InvalidChecksum:
        raise ValidationError(
            "La clé du NIR (2 derniers chiffres) ne correspond pas au numéro : "
            "vérifiez chaque chiffre.",
            code="cle",
        ) from None
    except stdnum_exceptions.ValidationError:
        raise ValidationError("Ce NIR n'est pas valide.", code="invalide") from None
    return nir


# The first digit: the sex registered with the health insurance (7 and 8 are provisional
# numbers, read as 1 and 2). Anything else says nothing.
_GENRES_NIR = {"1": "M", "7": "M", "2": "F", "8": "F"}


def genre(nir: str | None) -> str:
    """ "M", "F", or "" (unknown) from a NIR's first digit."""
    return _GENRES_NIR.get(normaliser(nir or "")[:1], "")


def cle(nir13: str) -> str:
    """The 2-digit control key of the first 13 characters (for generated test data)."""
    return stdnum_nir.calc_check_digits(nir13 + "00")


def hacher(nir: str) -> str:
    """Keyed hash used for look-up and uniqueness; the NIR itself is stored encrypted."""
    return keyed_hash("nir", normaliser(nir))
