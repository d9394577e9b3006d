"""What a phone shows that it used to hide (issue 21, points 1–4), checked in the HTML the
server sends; the layout itself is checked in Chromium (tests/e2e/test_telephone.py)."""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as ET
from datetime import date, timedelta

import pytest
from django.urls import reverse

from dossier import services
from dossier.graphique import ETROIT, courbe_svg
from tests.conftest import acteur_de, connecter
from tests.messagerie.outils import ecrire

pytestmark = pytest.mark.django_db

SVG = "{http://www.w3.org/2000/svg}"


def test_the_unread_count_is_in_the_header_bar_not_only_in_the_menu(client, patient, professionnel):
    ecrire(professionnel, patient.profil)
    connecter(client, patient)
    page = client.get(reverse("dossier:accueil")).content.decode()
    barre = re.search(
        r'<div class="fr-header__navbar">(.*?)<button class="fr-btn--menu', page, re.S
    ).group(1)
    assert 'href="/messagerie/"' in barre
    assert '1<span class="fr-sr-only"> conversation non lue</span>' in barre


def test_no_header_count_when_nothing_is_unread(client, patient):
    connecter(client, patient)
    page = client.get(reverse("dossier:accueil")).content.decode()
    assert "es-entete-messages" not in page


def test_the_phone_chart_keeps_its_labels_at_least_12_px_on_a_390_px_screen():
    """At 390 px the content box is 358 px wide (DSFR's 16 px gutters): the narrow
    drawing is scaled by 358 / its width, and every label keeps ≥ 12 px."""
    points = [(date(2026, 1, 1) + timedelta(days=n), 70 + n % 5) for n in range(40)]
    racine = ET.fromstring(courbe_svg(points, titre="Poids", unite="kg", format=ETROIT))
    largeur = float(racine.get("viewBox").split()[2])
    echelle = 358 / largeur
    tailles = {float(t.get("font-size")) for t in racine.iter(f"{SVG}text")}
    assert tailles and min(tailles) * echelle >= 12
    # The date labels do not overlap: three of them, each ~10 characters.
    dates = [t for t in racine.iter(f"{SVG}text") if re.fullmatch(r"\d\d/\d\d/\d{4}", t.text)]
    assert len(dates) == 3


def test_all_measures_page_has_its_chart(client, patient):
    lecteur = acteur_de(patient, patient.profil)
    for n in range(53):
        services.mesure_ajouter(acteur=lecteur, type_mesure="poids", valeur=f"{70 + n % 7}")
    connecter(client, patient)
    page = html.unescape(client.get(reverse("dossier:mesures", args=["poids"])).content.decode())
    assert page.count("<svg") == 2  # drawn for a wide screen and for a phone
    assert "Évolution : poids" in page
