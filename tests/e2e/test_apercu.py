"""The PDF preview shows the document in Chromium, isolated (issue 11, point 4)."""

import io

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from reportlab.lib.pagesizes import A4
from reportlab.pdfgen import canvas

from dossier.models import Document
from espace_sante.comptes.enums import Role
from tests.e2e.test_connexion import se_connecter

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


def pdf_rouge() -> bytes:
    """A one-page PDF filled with a red rectangle: easy to spot on a screenshot."""
    tampon = io.BytesIO()
    toile = canvas.Canvas(tampon, pagesize=A4)
    toile.setFillColorRGB(0.9, 0.1, 0.1)
    toile.rect(0, 0, A4[0], A4[1], fill=1, stroke=0)
    toile.showPage()
    toile.save()
    return tampon.getvalue()


def rouges(png: bytes) -> float:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    pixels = list(image.get_flattened_data())
    return sum(1 for r, g, b in pixels if r > 180 and g < 80 and b < 80) / len(pixels)


# On a phone the frame gives way to a link (issue 21): tests/e2e/test_telephone.py.
@pytest.mark.parametrize("taille", ["bureau"])
def test_the_pdf_preview_shows_the_document_not_a_blocked_plugin(page, patient, taille):
    profil = patient.profil
    contenu = pdf_rouge()
    document = Document(
        profil=profil,
        categorie="compte_rendu",
        titre="Radio rouge",
        auteur=patient,
        auteur_role=Role.TITULAIRE,
        auteur_libelle="Camille Martin",
        type_mime="application/pdf",
        extension="pdf",
        taille=len(contenu),
        empreinte="0" * 64,
    )
    document.fichier.save("document", ContentFile(contenu), save=True)
    se_connecter(page, patient)
    page.aller(f"/dossier/documents/{document.public_id}/")
    apercu = page.page.locator("iframe.es-apercu")
    apercu.scroll_into_view_if_needed()
    page.page.wait_for_timeout(1500)  # the viewer draws the page
    image = apercu.screenshot()
    assert rouges(image) > 0.2, "l'aperçu n'affiche pas le document"
    # Still isolated: the file is served as a sandboxed document of its own.
    fichier = page.page.request.get(page.base_url + apercu.get_attribute("src"))
    entetes = fichier.headers
    assert entetes["content-security-policy"].startswith("sandbox")
    assert entetes["x-content-type-options"] == "nosniff"
    assert entetes["x-frame-options"] == "SAMEORIGIN"
