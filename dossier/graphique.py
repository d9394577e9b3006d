"""Server-side SVG line chart, readable without JavaScript.

The SVG carries no ``style`` attribute and no ``<style>`` element (the CSP forbids inline
styles): only presentation attributes. Colours have at least 3:1 contrast on white.
"""

from __future__ import annotations

import hashlib
import math
from datetime import date
from xml.sax.saxutils import escape, quoteattr

LARGEUR = 640
HAUTEUR = 260
MARGE_GAUCHE = 64
MARGE_DROITE = 16
MARGE_HAUT = 36
MARGE_BAS = 40
COULEURS = ("#000091", "#c9191e")  # DSFR blue France (≈15:1), red Marianne (≈5.6:1)
GRIS_AXE = "#3a3a3a"
GRIS_GRILLE = "#dddddd"  # decorative only
NB_GRADUATIONS = 5
POINTS_MARQUES = 60  # beyond, only the line and the last point (a year of daily measures)


def _nombre(valeur: float) -> str:
    """French formatting: decimal comma, at most two decimals, no trailing zeros."""
    texte = f"{valeur:.2f}".rstrip("0").rstrip(".")
    if texte in ("-0", ""):
        texte = "0"
    return texte.replace(".", ",")


def _jour(jour: date) -> str:
    return jour.strftime("%d/%m/%Y")


def _avec_unite(valeur: float, unite: str) -> str:
    return f"{_nombre(valeur)} {unite}".rstrip()


def _resume(points: list[tuple[date, float]], unite: str, libelle: str) -> str:
    valeurs = [valeur for _, valeur in points]
    dernier_jour, derniere = points[-1]
    prefixe = f"{libelle} — " if libelle else ""
    return (
        f"{prefixe}{len(points)} mesure{'s' if len(points) > 1 else ''} "
        f"du {_jour(points[0][0])} au {_jour(dernier_jour)}. "
        f"Minimum : {_avec_unite(min(valeurs), unite)}. "
        f"Maximum : {_avec_unite(max(valeurs), unite)}. "
        f"Dernière valeur : {_avec_unite(derniere, unite)} le {_jour(dernier_jour)}."
    )


def _pas_rond(etendue: float) -> float:
    """A round step (1, 2, 2.5 or 5 × 10ⁿ; no 2.5 below 1, whose labels would need three
    decimals) giving about NB_GRADUATIONS ticks."""
    brut = etendue / (NB_GRADUATIONS - 1)
    puissance = 10 ** math.floor(math.log10(brut))
    facteurs = (1, 2, 2.5, 5, 10) if puissance >= 1 else (1, 2, 5, 10)
    return next(f * puissance for f in facteurs if f * puissance >= brut * 0.999)


def _graduations(bas: float, haut: float) -> list[float]:
    """Round ticks covering [bas, haut]: the axis then starts and ends on a tick."""
    pas = _pas_rond(haut - bas)
    debut, fin = math.floor(bas / pas) * pas, math.ceil(haut / pas) * pas
    return [debut + rang * pas for rang in range(round((fin - debut) / pas) + 1)]


def courbe_svg(
    points: list[tuple[date, float]],
    *,
    titre: str,
    unite: str,
    points2: list[tuple[date, float]] | None = None,
    libelle1: str = "",
    libelle2: str = "",
) -> str:
    """Return an SVG line chart of one or two series, or "" when there is nothing to draw."""
    series = [sorted(points, key=lambda point: point[0])]
    libelles = [libelle1]
    if points2:
        series.append(sorted(points2, key=lambda point: point[0]))
        libelles.append(libelle2)
    series = [serie for serie in series if serie]
    if not series:
        return ""
    if not points:
        libelles = [libelle2]

    jours = [jour for serie in series for jour, _ in serie]
    valeurs = [float(valeur) for serie in series for _, valeur in serie]
    debut, fin = min(jours), max(jours)
    etendue_jours = (fin - debut).days
    bas, haut = min(valeurs), max(valeurs)
    if haut == bas:  # flat line: open a band around the value
        marge = abs(bas) * 0.1 or 1.0
    else:
        marge = (haut - bas) * 0.1
    graduations = _graduations(bas - marge, haut + marge)
    bas, haut = graduations[0], graduations[-1]

    gauche, droite = MARGE_GAUCHE, LARGEUR - MARGE_DROITE
    sommet, base = MARGE_HAUT, HAUTEUR - MARGE_BAS

    def x(jour: date) -> float:
        if etendue_jours == 0:
            return (gauche + droite) / 2
        return gauche + (jour - debut).days / etendue_jours * (droite - gauche)

    def y(valeur: float) -> float:
        return base - (valeur - bas) / (haut - bas) * (base - sommet)

    resumes = [
        _resume(serie, unite, libelle) for serie, libelle in zip(series, libelles, strict=True)
    ]
    description = " ".join(resumes)
    # Ids for aria-labelledby, distinct between different charts of a same page.
    suffixe = hashlib.sha1(f"{titre}\n{description}".encode()).hexdigest()[:10]
    morceaux = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{LARGEUR}" height="{HAUTEUR}" '
        f'viewBox="0 0 {LARGEUR} {HAUTEUR}" role="img" '
        f'aria-labelledby="titre-{suffixe} desc-{suffixe}" '
        'font-family="Marianne, Arial, sans-serif">',
        f'<title id="titre-{suffixe}">{escape(titre)}</title>',
        f'<desc id="desc-{suffixe}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{LARGEUR}" height="{HAUTEUR}" fill="#ffffff"/>',
    ]

    # Value axis: horizontal grid lines with labels.
    morceaux.append('<g aria-hidden="true">')
    for valeur in graduations:
        ordonnee = y(valeur)
        morceaux.append(
            f'<line x1="{gauche}" y1="{ordonnee:.1f}" x2="{droite}" y2="{ordonnee:.1f}" '
            f'stroke="{GRIS_GRILLE}" stroke-width="1"/>'
        )
        morceaux.append(
            f'<text x="{gauche - 6}" y="{ordonnee + 4:.1f}" text-anchor="end" font-size="12" '
            f'fill="{GRIS_AXE}">{escape(_nombre(valeur))}</text>'
        )
    if unite:
        morceaux.append(
            f'<text x="{gauche - 6}" y="{sommet - 12}" text-anchor="end" font-size="12" '
            f'fill="{GRIS_AXE}">{escape(unite)}</text>'
        )

    # Date axis: first, last and a few in between (distinct days only).
    ticks = sorted(set(jours))
    if len(ticks) > NB_GRADUATIONS:
        pas = (len(ticks) - 1) / (NB_GRADUATIONS - 1)
        ticks = [ticks[round(rang * pas)] for rang in range(NB_GRADUATIONS)]
    for rang, jour in enumerate(ticks):
        abscisse = x(jour)
        # The first and last labels are anchored inwards: never cut at the chart's edges.
        ancre = "middle"
        if len(ticks) > 1 and rang == 0:
            ancre = "start"
        elif len(ticks) > 1 and rang == len(ticks) - 1:
            ancre = "end"
        morceaux.append(
            f'<line x1="{abscisse:.1f}" y1="{base}" x2="{abscisse:.1f}" y2="{base + 5}" '
            f'stroke="{GRIS_AXE}" stroke-width="1"/>'
        )
        morceaux.append(
            f'<text x="{abscisse:.1f}" y="{base + 20}" text-anchor="{ancre}" font-size="12" '
            f'fill="{GRIS_AXE}">{escape(_jour(jour))}</text>'
        )
    morceaux.append(
        f'<line x1="{gauche}" y1="{sommet}" x2="{gauche}" y2="{base}" '
        f'stroke="{GRIS_AXE}" stroke-width="1"/>'
    )
    morceaux.append(
        f'<line x1="{gauche}" y1="{base}" x2="{droite}" y2="{base}" '
        f'stroke="{GRIS_AXE}" stroke-width="1"/>'
    )
    morceaux.append("</g>")

    # Series: one polyline each (when there is more than one point), circles at points.
    for rang, serie in enumerate(series):
        couleur = COULEURS[rang % len(COULEURS)]
        coordonnees = [(x(jour), y(float(valeur))) for jour, valeur in serie]
        morceaux.append(f'<g aria-hidden="true" fill="{couleur}" stroke="{couleur}">')
        if len(coordonnees) > 1:
            chemin = " ".join(
                f"{abscisse:.1f},{ordonnee:.1f}" for abscisse, ordonnee in coordonnees
            )
            morceaux.append(
                f'<polyline points={quoteattr(chemin)} fill="none" stroke-width="2" '
                f'stroke-linejoin="round"/>'
            )
        marques = list(zip(serie, coordonnees, strict=True))
        if len(marques) > POINTS_MARQUES:
            marques = marques[-1:]
        for (jour, valeur), (abscisse, ordonnee) in marques:
            info = f"{_jour(jour)} : {_avec_unite(float(valeur), unite)}"
            morceaux.append(
                f'<circle cx="{abscisse:.1f}" cy="{ordonnee:.1f}" r="4" stroke-width="1">'
                f"<title>{escape(info)}</title></circle>"
            )
        morceaux.append("</g>")

    # Legend, when two series are drawn.
    if len(series) > 1:
        morceaux.append('<g aria-hidden="true" font-size="12">')
        abscisse = gauche
        for rang, libelle in enumerate(libelles):
            couleur = COULEURS[rang % len(COULEURS)]
            texte = libelle or f"Série {rang + 1}"
            morceaux.append(
                f'<line x1="{abscisse}" y1="14" x2="{abscisse + 20}" y2="14" stroke="{couleur}" '
                f'stroke-width="2"/>'
            )
            morceaux.append(
                f'<circle cx="{abscisse + 10}" cy="14" r="4" fill="{couleur}" stroke="{couleur}"/>'
            )
            morceaux.append(
                f'<text x="{abscisse + 26}" y="18" fill="{GRIS_AXE}">{escape(texte)}</text>'
            )
            abscisse += 40 + 8 * len(texte)
        morceaux.append("</g>")

    morceaux.append("</svg>")
    return "\n".join(morceaux)
