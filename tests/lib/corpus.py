"""Files built in code for the upload checks: PDFs (by pypdf or by hand) and images."""

from __future__ import annotations

import io
import zlib

from PIL import ExifTags, Image
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

from espace_sante.lib import fichiers


def pdf(modifier=None) -> bytes:
    """A one-page PDF; modifier(writer, page) may add hostile content before writing."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if modifier:
        modifier(writer, page)
    sortie = io.BytesIO()
    writer.write(sortie)
    return sortie.getvalue()


def stocke(contenu: bytes) -> bytes:
    """What the upload check keeps of a file: a PDF is stored as qpdf rewrote it."""
    return fichiers.verifier(io.BytesIO(contenu)).contenu


def action_js(code: str = "app.alert('pwned')") -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject(code),
        }
    )


def annotation_lien(action: DictionaryObject) -> DictionaryObject:
    return DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject([FloatObject(0), FloatObject(0)] * 2),
            NameObject("/A"): action,
        }
    )


def pdf_a_la_main(objets: list[bytes], racine: int = 1) -> bytes:
    """A classic PDF (xref table) from the bodies of objects 1..n, written by hand."""
    sortie = bytearray(b"%PDF-1.4\n")
    positions = []
    for numero, corps in enumerate(objets, start=1):
        positions.append(len(sortie))
        sortie += b"%d 0 obj\n%s\nendobj\n" % (numero, corps)
    debut_xref = len(sortie)
    sortie += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objets) + 1)
    sortie += b"".join(b"%010d 00000 n \n" % p for p in positions)
    sortie += b"trailer\n<< /Size %d /Root %d 0 R >>\n" % (len(objets) + 1, racine)
    sortie += b"startxref\n%d\n%%%%EOF\n" % debut_xref
    return bytes(sortie)


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def pdf_avec_flux_d_objets(caches: dict[int, bytes], listes_dans_xref: bool = True) -> bytes:
    """A PDF 1.5 whose objects 1..4 (catalog, pages, page, action) are all inside one
    Flate-compressed object stream: none of their names appears in the raw bytes.

    With listes_dans_xref=False, the xref stream omits the objects it does not need
    (the action, object 4), which then sits only in the compressed stream."""
    entetes, corps = [], b""
    for numero in sorted(caches):
        entetes.append(b"%d %d" % (numero, len(corps)))
        corps += caches[numero] + b"\n"
    entete = b" ".join(entetes) + b"\n"
    compresse = zlib.compress(entete + corps)
    assert b"JavaScript" not in compresse and b"OpenAction" not in compresse

    sortie = bytearray(b"%PDF-1.5\n%\xe2\xe3\xcf\xd3\n")
    pos_flux = len(sortie)
    sortie += b"5 0 obj\n<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\n" % (
        len(caches),
        len(entete),
        len(compresse),
    )
    sortie += b"stream\n" + compresse + b"\nendstream\nendobj\n"
    pos_xref = len(sortie)
    rangs = {numero: rang for rang, numero in enumerate(sorted(caches))}
    lignes = [bytes([0]) + (0).to_bytes(4, "big") + (65535).to_bytes(2, "big")]
    for numero in range(1, 5):
        if numero in rangs and (listes_dans_xref or numero != 4):
            lignes.append(bytes([2]) + (5).to_bytes(4, "big") + rangs[numero].to_bytes(2, "big"))
        else:
            lignes.append(bytes([0]) + (0).to_bytes(4, "big") + (0).to_bytes(2, "big"))
    lignes.append(bytes([1]) + pos_flux.to_bytes(4, "big") + (0).to_bytes(2, "big"))
    lignes.append(bytes([1]) + pos_xref.to_bytes(4, "big") + (0).to_bytes(2, "big"))
    table = b"".join(lignes)
    sortie += b"6 0 obj\n<< /Type /XRef /Size 7 /W [1 4 2] /Root 1 0 R /Length %d >>\n" % len(table)
    sortie += b"stream\n" + table + b"\nendstream\nendobj\n"
    sortie += b"startxref\n%d\n%%%%EOF\n" % pos_xref
    return bytes(sortie)


def image(format_: str, mode: str = "RGB", taille=(64, 48), **kwargs) -> bytes:
    img = Image.new(mode, taille, "red" if mode in ("RGB", "RGBA") else 1)
    sortie = io.BytesIO()
    img.save(sortie, format_, **kwargs)
    return sortie.getvalue()


def exif_avec_gps(orientation: int | None = None) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Make] = "Téléphone du patient"
    if orientation:
        exif[ExifTags.Base.Orientation] = orientation
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef] = "N"
    gps[ExifTags.GPS.GPSLatitude] = (48.0, 51.0, 24.0)
    gps[ExifTags.GPS.GPSLongitudeRef] = "E"
    gps[ExifTags.GPS.GPSLongitude] = (2.0, 21.0, 7.0)
    return exif


def flux_d_objets(contenu: bytes, dictionnaire: bytes = b"/Type /ObjStm /N 1 /First 4") -> bytes:
    """A PDF whose object 4 is an object stream holding `contenu`, Flate-compressed."""
    compresse = zlib.compress(contenu)
    corps = b"<< %s /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream" % (
        dictionnaire,
        len(compresse),
        compresse,
    )
    return pdf_a_la_main([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, corps])
