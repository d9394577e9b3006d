"""The opposition receipt says whose profile, when, how, and how to verify it, without a
raw SHA-256 fingerprint (issue 21, point 18)."""

from __future__ import annotations

import html
import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from consentement.models import Decision
from tests.consentement.test_cycle import identite

pytestmark = pytest.mark.django_db


def test_the_opposition_receipt_names_the_profile_and_explains_how_to_verify(client, annonce):
    nom, naissance, nir = annonce.nom_affiche, annonce.date_naissance, annonce.nir
    client.post(reverse("consentement:opposition"), identite(annonce))
    client.post(reverse("consentement:opposition_confirmer"), {"confirme": "on"})
    decision = Decision.objects.get()
    page = html.unescape(
        client.get(reverse("consentement:opposition_faite", args=[decision.public_id])).text
    )
    masque = f"{nir[0]} {nir[1:3]} {nir[3:5]} ** *** *** {nir[13:15]}"
    assert nom in page and f"{naissance:%d/%m/%Y}" in page and masque in page
    assert nir not in page
    recu = client.get(reverse("consentement:recu_public", args=[decision.public_id]))
    texte = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(recu.content)).pages)
    texte = " ".join(texte.split())
    assert nom in texte and f"{naissance:%d/%m/%Y}" in texte
    assert masque in texte and nir not in texte
    assert "Canal" in texte and decision.reference in texte
    assert "Comment vérifier cet accusé" in texte and "3422" in texte
    assert "SHA-256" not in texte and decision.texte_empreinte not in texte
