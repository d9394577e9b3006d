"""Measures: a typed value normalised and checked against plausible bounds, the BMI."""

from __future__ import annotations

from dossier.enums import BORNES, UNITES, TypeMesure
from dossier.models import Mesure
from espace_sante.lib.refus import SaisieInvalide


def _nombre(nombre: float) -> str:
    """A number as a French reader writes it: 0,3 not 0.3."""
    return f"{nombre:g}".replace(".", ",")


def valeur_lire(type_mesure: str, valeur: str) -> tuple[str, str]:
    """The typed value normalised ("72,5" → "72.5", "120/80"), and a notice when it was read
    otherwise than typed ("12/8", the centimetres-of-mercury habit, is read 120/80); or a
    French message that says what is wrong."""
    type_mesure = TypeMesure(type_mesure)
    bas, haut = BORNES[type_mesure]
    morceaux = valeur.replace(",", ".").replace(" ", "").split("/")
    attendus = 2 if type_mesure == TypeMesure.TENSION else 1
    if len(morceaux) != attendus:
        exemple = "120/80" if attendus == 2 else "72,5"
        raise SaisieInvalide(f"Saisissez la valeur sous la forme {exemple}.")
    try:
        nombres = [float(morceau) for morceau in morceaux]
    except ValueError:
        raise SaisieInvalide("La valeur doit être un nombre (ex. : 72,5).") from None
    avis = ""
    if type_mesure == TypeMesure.TENSION and all(3 <= n < bas for n in nombres):
        # "12/8" is how many people say 120/80: the same pressure in centimetres of mercury.
        nombres = [n * 10 for n in nombres]
        lu = "/".join(_nombre(n) for n in nombres)
        avis = f"« {valeur.strip()} » a été lu comme {lu} mmHg (valeur en cmHg multipliée par 10)."
    for nombre in nombres:
        if not bas <= nombre <= haut:
            unite = UNITES[type_mesure]
            raise SaisieInvalide(
                f"Valeur improbable : elle doit être comprise entre {_nombre(bas)} "
                f"et {_nombre(haut)} {unite}."
            )
    if attendus == 2 and nombres[0] <= nombres[1]:
        raise SaisieInvalide("La tension systolique (1er nombre) doit dépasser la diastolique.")
    return "/".join(f"{nombre:g}" for nombre in nombres), avis


def valeur_normaliser(type_mesure: str, valeur: str) -> str:
    """The typed value normalised, or a French message that says what is wrong."""
    return valeur_lire(type_mesure, valeur)[0]


def imc(mesures: dict) -> tuple[float, Mesure, Mesure] | None:
    """Body-mass index from the latest weight and height, when both are known."""
    poids, taille = mesures.get(TypeMesure.POIDS), mesures.get(TypeMesure.TAILLE)
    if not poids or not taille:
        return None
    p, t = poids[-1], taille[-1]
    metres = float(t.nombres[0]) / 100
    return round(float(p.nombres[0]) / (metres * metres), 1), p, t
