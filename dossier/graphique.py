"""Server-side SVG line chart, readable without JavaScript.

The SVG carries no ``style`` attribute and no ``<style>`` element (the CSP forbids inline
styles): only presentation attributes. Colours have at least 3:1 contrast on white.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Format:
    """A chart's drawing size and its text size, in SVG units. The SVG scales to its box: a
    640-unit chart in a phone's 358 px shrinks 12-unit labels to about 6 px, so a phone gets
    a chart drawn at about its own width (issue 21), with larger text and fewer date ticks."""

    largeur: int = LARGEUR
    hauteur: int = HAUTEUR
    texte: int = 12
    marge_gauche: int = MARGE_GAUCHE
    nb_dates: int = NB_GRADUATIONS


LARGE = Format()
# Drawn 340 units wide, shown in ~358 px at 390 px: 14-unit labels stay ≥ 12 px down to a
# 320 px screen (288 px of content).
ETROIT = Format(largeur=340, hauteur=240, texte=14, marge_gauche=56, nb_dates=3)


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


@dataclass(frozen=True)
class _Repere:
    """The chart's frame: from (day, value) to SVG coordinates."""

    debut: date
    etendue_jours: int
    bas: float
    haut: float
    format: Format = LARGE
    sommet: int = MARGE_HAUT

    @property
    def gauche(self) -> int:
        return self.format.marge_gauche

    @property
    def droite(self) -> int:
        return self.format.largeur - MARGE_DROITE

    @property
    def base(self) -> int:
        return self.format.hauteur - MARGE_BAS

    def x(self, jour: date) -> float:
        if self.etendue_jours == 0:
            return (self.gauche + self.droite) / 2
        return self.gauche + (jour - self.debut).days / self.etendue_jours * (
            self.droite - self.gauche
        )

    def y(self, valeur: float) -> float:
        return self.base - (valeur - self.bas) / (self.haut - self.bas) * (self.base - self.sommet)


def _ligne(x1: float, y1: float, x2: float, y2: float, couleur: str) -> str:
    return (
        f'<line x1="{x1:.1f}" y1="{y1:.1f}" x2="{x2:.1f}" y2="{y2:.1f}" '
        f'stroke="{couleur}" stroke-width="1"/>'
    )


def _texte(x: float, y: float, ancre: str, texte: str, taille: int) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{ancre}" font-size="{taille}" '
        f'fill="{GRIS_AXE}">{escape(texte)}</text>'
    )


def _axe_valeurs(r: _Repere, graduations: list[float], unite: str) -> list[str]:
    """Horizontal grid lines with their labels, and the unit above the axis."""
    morceaux = []
    for valeur in graduations:
        ordonnee = r.y(valeur)
        morceaux.append(_ligne(r.gauche, ordonnee, r.droite, ordonnee, GRIS_GRILLE))
        morceaux.append(_texte(r.gauche - 6, ordonnee + 4, "end", _nombre(valeur), r.format.texte))
    if unite:
        morceaux.append(_texte(r.gauche - 6, r.sommet - 12, "end", unite, r.format.texte))
    return morceaux


def _axe_dates(r: _Repere, jours: list[date]) -> list[str]:
    """First, last and a few days in between (distinct days only), then both axes."""
    ticks = sorted(set(jours))
    nombre = r.format.nb_dates
    if len(ticks) > nombre:
        pas = (len(ticks) - 1) / (nombre - 1)
        ticks = [ticks[round(rang * pas)] for rang in range(nombre)]
    morceaux = []
    for rang, jour in enumerate(ticks):
        # The first and last labels are anchored inwards: never cut at the chart's edges.
        ancre = "middle"
        if len(ticks) > 1 and rang == 0:
            ancre = "start"
        elif len(ticks) > 1 and rang == len(ticks) - 1:
            ancre = "end"
        morceaux.append(_ligne(r.x(jour), r.base, r.x(jour), r.base + 5, GRIS_AXE))
        morceaux.append(_texte(r.x(jour), r.base + 20, ancre, _jour(jour), r.format.texte))
    morceaux.append(_ligne(r.gauche, r.sommet, r.gauche, r.base, GRIS_AXE))
    morceaux.append(_ligne(r.gauche, r.base, r.droite, r.base, GRIS_AXE))
    return morceaux


def _serie(r: _Repere, serie: list[tuple[date, float]], couleur: str, unite: str) -> list[str]:
    """One polyline (when there is more than one point) and circles at the points."""
    coordonnees = [(r.x(jour), r.y(float(valeur))) for jour, valeur in serie]
    morceaux = [f'<g aria-hidden="true" fill="{couleur}" stroke="{couleur}">']
    if len(coordonnees) > 1:
        chemin = " ".join(f"{abscisse:.1f},{ordonnee:.1f}" for abscisse, ordonnee in coordonnees)
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
    return morceaux


def _legende(libelles: list[str], format: Format) -> list[str]:
    morceaux = [f'<g aria-hidden="true" font-size="{format.texte}">']
    abscisse = format.marge_gauche
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
        abscisse += 40 + round(0.66 * format.texte) * len(texte)
    morceaux.append("</g>")
    return morceaux


def _entete(titre: str, description: str, format: Format) -> list[str]:
    # Ids for aria-labelledby, distinct between different charts of a same page (and between
    # the wide and the narrow drawing of one chart).
    suffixe = hashlib.sha1(f"{titre}\n{description}\n{format}".encode()).hexdigest()[:10]
    largeur, hauteur = format.largeur, format.hauteur
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{largeur}" height="{hauteur}" '
        f'viewBox="0 0 {largeur} {hauteur}" role="img" '
        f'aria-labelledby="titre-{suffixe} desc-{suffixe}" '
        'font-family="Marianne, Arial, sans-serif">',
        f'<title id="titre-{suffixe}">{escape(titre)}</title>',
        f'<desc id="desc-{suffixe}">{escape(description)}</desc>',
        f'<rect x="0" y="0" width="{largeur}" height="{hauteur}" fill="#ffffff"/>',
    ]


def courbe_svg(
    points: list[tuple[date, float]],
    *,
    titre: str,
    unite: str,
    points2: list[tuple[date, float]] | None = None,
    libelle1: str = "",
    libelle2: str = "",
    format: Format = LARGE,
) -> str:
    """Return an SVG line chart of one or two series, or "" when there is nothing to draw."""
    paires = [(sorted(points), libelle1), (sorted(points2 or []), libelle2)]
    paires = [(serie, libelle) for serie, libelle in paires if serie]
    if not paires:
        return ""
    series = [serie for serie, _ in paires]
    libelles = [libelle for _, libelle in paires]
    jours = [jour for serie in series for jour, _ in serie]
    valeurs = [float(valeur) for serie in series for _, valeur in serie]
    bas, haut = min(valeurs), max(valeurs)
    # A flat line opens a band around its value.
    marge = (haut - bas) * 0.1 if haut != bas else (abs(bas) * 0.1 or 1.0)
    graduations = _graduations(bas - marge, haut + marge)
    repere = _Repere(
        debut=min(jours),
        etendue_jours=(max(jours) - min(jours)).days,
        bas=graduations[0],
        haut=graduations[-1],
        format=format,
    )
    description = " ".join(
        _resume(serie, unite, libelle) for serie, libelle in zip(series, libelles, strict=True)
    )
    morceaux = _entete(titre, description, format)
    morceaux += ['<g aria-hidden="true">', *_axe_valeurs(repere, graduations, unite)]
    morceaux += [*_axe_dates(repere, jours), "</g>"]
    for rang, serie in enumerate(series):
        morceaux += _serie(repere, serie, COULEURS[rang % len(COULEURS)], unite)
    if len(series) > 1:
        morceaux += _legende(libelles, format)
    morceaux.append("</svg>")
    return "\n".join(morceaux)
