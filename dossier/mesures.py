"""Measures: a typed value normalised and checked against plausible bounds, the BMI."""

from __future__ import annotations

from dossier.enums import BORNES, UNITES, TypeMesure
from dossier.models import Mesure
from espace_sante.lib.refus import SaisieInvalide


def valeur_normaliser(type_mesure: str, valeur: str) -> str:
    """Normalise a typed value ("72,5", "12/8" is refused, "120/80") or say what is wrong."""
    type_mesure = TypeMesure(type_mesure)
    bas, haut = BORNES[type_mesure]
    morceaux = valeur.replace(",", ".").replace(" ", "").split("/")
    attendus = 2 if type_mesure == TypeMesure.TENSION else 1
    if len(morceaux) != attendus:
        exemple = "120/80" if attendus == 2 else "72,5"
        raise SaisieInvalide(f"Saisissez la valeur sous la forme {exemple}.")
    nombres = []
    for morceau in morceaux:
        try:
            nombre = float(morceau)
        except ValueError:
            raise SaisieInvalide("La valeur doit être un nombre (ex. : 72,5).") from None
        if not bas <= nombre <= haut:
            unite = UNITES[type_mesure]
            raise SaisieInvalide(
                f"Valeur improbable : elle doit être comprise entre {bas:n} et {haut:n} {unite}.".replace(
                    ".", ","
                )
            )
        nombres.append(f"{nombre:g}")
    if attendus == 2 and float(nombres[0]) <= float(nombres[1]):
        raise SaisieInvalide("La tension systolique (1er nombre) doit dépasser la diastolique.")
    return "/".join(nombres)


def imc(mesures: dict) -> tuple[float, Mesure, Mesure] | None:
    """Body-mass index from the latest weight and height, when both are known."""
    poids, taille = mesures.get(TypeMesure.POIDS), mesures.get(TypeMesure.TAILLE)
    if not poids or not taille:
        return None
    p, t = poids[-1], taille[-1]
    metres = float(t.nombres[0]) / 100
    return round(float(p.nombres[0]) / (metres * metres), 1), p, t
