"""Simple A4 PDF documents (letters, receipts) with reportlab: no system library needed.

A document is a list of pages; a page is a list of blocks ``(style, text)`` with the
style one of "titre", "sous-titre", "texte", "petit", "code". Text is escaped here.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from xml.sax.saxutils import escape

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate, Spacer

_STYLES = {
    "entete": ParagraphStyle("entete", fontName="Helvetica-Bold", fontSize=9, leading=12),
    "titre": ParagraphStyle("titre", fontName="Helvetica-Bold", fontSize=16, leading=20),
    "sous-titre": ParagraphStyle("sous-titre", fontName="Helvetica-Bold", fontSize=12, leading=16),
    "texte": ParagraphStyle("texte", fontName="Helvetica", fontSize=10.5, leading=14),
    "petit": ParagraphStyle("petit", fontName="Helvetica", fontSize=8.5, leading=11),
    "code": ParagraphStyle("code", fontName="Courier-Bold", fontSize=18, leading=24),
}

Bloc = tuple[str, str]


def document(pages: Iterable[list[Bloc]], *, titre: str) -> bytes:
    """Render the pages into one PDF (one page per item, each fitting on one A4 page)."""
    tampon = io.BytesIO()
    doc = SimpleDocTemplate(
        tampon,
        pagesize=A4,
        title=titre,
        author="espace-santé",
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=18 * mm,
    )
    flux: list = []
    for page in pages:
        if flux:
            flux.append(PageBreak())
        for style, texte in page:
            if style == "espace":
                flux.append(Spacer(1, 6 * mm))
                continue
            lignes = escape(texte).replace("\n", "<br/>")
            flux.append(Paragraph(lignes, _STYLES[style]))
            flux.append(Spacer(1, 2.5 * mm))
    if not flux:
        flux.append(Paragraph("Aucun courrier.", _STYLES["texte"]))
    doc.build(flux)
    return tampon.getvalue()
