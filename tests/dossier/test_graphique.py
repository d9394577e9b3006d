"""Server-side SVG chart: parses, is accessible, escapes, never divides by zero."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import date

import pytest

from dossier.graphique import courbe_svg

SVG = "{http://www.w3.org/2000/svg}"
POIDS = [(date(2026, 9, 1), 74.0), (date(2026, 10, 2), 73.2), (date(2026, 11, 3), 72.5)]


def _racine(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def test_svg_bien_forme_avec_titre_et_description():
    svg = courbe_svg(POIDS, titre="Poids", unite="kg")
    racine = _racine(svg)
    assert racine.tag == f"{SVG}svg"
    assert racine.get("role") == "img"
    assert racine.get("viewBox") == "0 0 640 260"
    titre = racine.find(f"{SVG}title")
    desc = racine.find(f"{SVG}desc")
    assert titre is not None and titre.text == "Poids"
    assert desc is not None
    assert "Dernière valeur : 72,5 kg le 03/11/2026" in desc.text
    assert "Minimum : 72,5 kg" in desc.text
    assert "Maximum : 74 kg" in desc.text
    assert len(racine.findall(f".//{SVG}polyline")) == 1
    assert len(racine.findall(f".//{SVG}circle")) == 3
    textes = [t.text for t in racine.iter(f"{SVG}text")]
    assert "01/09/2026" in textes and "03/11/2026" in textes
    assert any("," in (t or "") for t in textes)  # French decimal comma on the value axis


def test_titre_echappe():
    svg = courbe_svg(POIDS, titre='<script>alert("x")</script> & co', unite="<kg>")
    assert "<script" not in svg
    racine = _racine(svg)
    assert racine.find(f"{SVG}title").text == '<script>alert("x")</script> & co'


def test_un_seul_point():
    svg = courbe_svg([(date(2026, 11, 3), 72.5)], titre="Poids", unite="kg")
    racine = _racine(svg)
    assert len(racine.findall(f".//{SVG}circle")) == 1
    assert racine.findall(f".//{SVG}polyline") == []
    assert "72,5 kg" in racine.find(f"{SVG}desc").text


def test_aucun_point():
    assert courbe_svg([], titre="Poids", unite="kg") == ""
    assert courbe_svg([], titre="Poids", unite="kg", points2=[]) == ""


def test_meme_jour_et_valeurs_egales():
    jour = date(2026, 11, 3)
    svg = courbe_svg([(jour, 70.0), (jour, 70.0), (jour, 70.0)], titre="Poids", unite="kg")
    racine = _racine(svg)
    assert len(racine.findall(f".//{SVG}circle")) == 3
    assert "nan" not in svg.lower() and "inf" not in svg.lower()


def test_ligne_plate_sur_plusieurs_jours():
    points = [(date(2026, 11, day), 0.0) for day in (1, 2, 3)]
    svg = courbe_svg(points, titre="Glycémie", unite="g/L")
    _racine(svg)
    assert "nan" not in svg.lower()


def test_deux_series_et_legende():
    systolique = [(date(2026, 10, 1), 130.0), (date(2026, 11, 1), 125.0)]
    diastolique = [(date(2026, 10, 1), 85.0), (date(2026, 11, 1), 80.0)]
    svg = courbe_svg(
        systolique,
        titre="Tension artérielle",
        unite="mmHg",
        points2=diastolique,
        libelle1="Systolique",
        libelle2="Diastolique",
    )
    racine = _racine(svg)
    polylignes = racine.findall(f".//{SVG}polyline")
    assert len(polylignes) == 2
    assert {p.get("stroke") or "" for p in polylignes} <= {"", "#000091", "#c9191e"}
    textes = [t.text for t in racine.iter(f"{SVG}text")]
    assert "Systolique" in textes and "Diastolique" in textes
    desc = racine.find(f"{SVG}desc").text
    assert "Systolique" in desc and "Diastolique" in desc


def test_aucun_style_en_ligne():
    svg = courbe_svg(POIDS, titre="Poids", unite="kg", points2=POIDS, libelle1="a", libelle2="b")
    racine = _racine(svg)
    for element in racine.iter():
        assert "style" not in element.attrib
        assert element.tag != f"{SVG}style"
    assert "style" not in svg


def _valeurs_axe(svg: str) -> list[float]:
    """The value-axis labels (right-aligned numbers, not dates), as numbers."""
    racine = ET.fromstring(svg)
    return [
        float(t.text.replace(",", "."))
        for t in racine.iter(f"{SVG}text")
        if t.get("text-anchor") == "end" and t.text and "/" not in t.text and t.text[0].isdigit()
    ]


@pytest.mark.parametrize(
    ("valeurs", "pas_attendu"), [([70.74, 72.1, 73.5], 1), ([120, 189.2], 25), ([0.95, 1.02], 0.05)]
)
def test_value_ticks_are_round_numbers_that_cover_the_data(valeurs, pas_attendu):
    """Issue 11: ticks read 70,74 or 189,2; now 70, 71, 72… or 100, 125, 150…"""
    points = [(date(2026, 1, k + 1), v) for k, v in enumerate(valeurs)]
    ticks = _valeurs_axe(courbe_svg(points, titre="T", unite=""))
    pas = {round(b - a, 6) for a, b in zip(ticks, ticks[1:], strict=False)}
    assert pas == {pas_attendu}, ticks
    assert ticks[0] <= min(valeurs) and ticks[-1] >= max(valeurs)
    assert all(round(t / pas_attendu, 6).is_integer() for t in ticks)


def test_first_and_last_dates_are_anchored_inside_the_chart():
    points = [(date(2026, 1, 1), 70.0), (date(2026, 11, 20), 72.0)]
    racine = ET.fromstring(courbe_svg(points, titre="T", unite="kg"))
    dates = [t for t in racine.iter(f"{SVG}text") if t.text and t.text.count("/") == 2]
    assert dates[0].get("text-anchor") == "start" and dates[-1].get("text-anchor") == "end"
    assert dates[-1].text == "20/11/2026"
