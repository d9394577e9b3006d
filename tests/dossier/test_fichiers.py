"""dossier.fichiers: a hostile corpus, built in code, against the upload check."""

from __future__ import annotations

import io
import zipfile
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from dossier.fichiers import TAILLE_MAX, FichierRefuse, FichierVerifie, verifier

ACTIF = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : "
    "il est refusé. Enregistrez-le de nouveau en « PDF simple » ou imprimez-le en PDF."
)
PDF_ILLISIBLE = "Le PDF est illisible ou endommagé."
PDF_CHIFFRE = "Les PDF protégés par un mot de passe ne sont pas acceptés."
TYPE = "Ce type de fichier n'est pas accepté : seuls les PDF, JPEG et PNG le sont."
IMAGE_ILLISIBLE = "L'image est illisible ou endommagée."
TROP_GRANDE = "L'image est trop grande (plus de 40 millions de pixels)."


def refus(donnees: bytes, **kwargs) -> str:
    with pytest.raises(FichierRefuse) as exc:
        verifier(io.BytesIO(donnees), **kwargs)
    return str(exc.value)


# --- Building the corpus -----------------------------------------------------------


def pdf(modifier=None) -> bytes:
    """A one-page PDF; modifier(writer, page) may add hostile content before writing."""
    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    if modifier:
        modifier(writer, page)
    sortie = io.BytesIO()
    writer.write(sortie)
    return sortie.getvalue()


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


# --- PDF accepted ------------------------------------------------------------------


def test_a_plain_pdf_is_accepted_unchanged():
    donnees = pdf()
    verifie = verifier(io.BytesIO(donnees))
    assert verifie == FichierVerifie(donnees, "application/pdf", "pdf")


def test_a_pdf_with_a_plain_web_link_is_accepted():
    lien = DictionaryObject(
        {
            NameObject("/S"): NameObject("/URI"),
            NameObject("/URI"): TextStringObject("https://www.ameli.fr/"),
        }
    )
    donnees = pdf(lambda writer, page: writer.add_annotation(page, annotation_lien(lien)))
    assert b"/URI" in donnees
    assert verifier(io.BytesIO(donnees)).type_mime == "application/pdf"


def test_a_hand_written_pdf_in_an_object_stream_without_active_content_is_accepted():
    donnees = pdf_avec_flux_d_objets({1: b"<< /Type /Catalog /Pages 2 0 R >>", 2: PAGES, 3: PAGE})
    assert verifier(io.BytesIO(donnees)).contenu == donnees


def test_the_type_comes_from_the_content_and_never_from_the_name_or_the_client():
    envoi = SimpleUploadedFile("ordonnance.pdf", image("PNG"), content_type="application/pdf")
    envoi.read(10)  # a form already peeked at it
    verifie = verifier(envoi)
    assert (verifie.type_mime, verifie.extension) == ("image/png", "png")
    assert not hasattr(verifie, "nom")


# --- PDF refused: active content ---------------------------------------------------


def test_pdf_with_an_open_action_running_javascript_is_refused():
    def ajouter(writer, page):
        writer._root_object[NameObject("/OpenAction")] = action_js()

    assert refus(pdf(ajouter)) == ACTIF


def test_pdf_with_a_document_level_javascript_name_tree_is_refused():
    donnees = pdf(lambda writer, page: writer.add_open_action(JavaScript("app.alert(1)")))
    assert b"/Names" in donnees
    assert refus(donnees) == ACTIF


def test_pdf_with_additional_actions_on_a_page_is_refused():
    def ajouter(writer, page):
        ouverture = DictionaryObject(
            {NameObject("/S"): NameObject("/Named"), NameObject("/N"): NameObject("/NextPage")}
        )
        page[NameObject("/AA")] = DictionaryObject({NameObject("/O"): ouverture})

    assert refus(pdf(ajouter)) == ACTIF


def test_pdf_with_a_launch_action_in_a_link_is_refused():
    lancement = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    donnees = pdf(lambda writer, page: writer.add_annotation(page, annotation_lien(lancement)))
    assert refus(donnees) == ACTIF


def test_pdf_with_a_remote_go_to_action_is_refused():
    distant = DictionaryObject(
        {NameObject("/S"): NameObject("/GoToR"), NameObject("/F"): TextStringObject("x.pdf")}
    )
    donnees = pdf(lambda writer, page: writer.add_annotation(page, annotation_lien(distant)))
    assert refus(donnees) == ACTIF


def test_pdf_with_an_embedded_file_is_refused():
    donnees = pdf(lambda writer, page: writer.add_attachment("virus.exe", b"MZ\x90\x00"))
    assert refus(donnees) == ACTIF


def test_pdf_with_an_escaped_javascript_name_is_refused():
    donnees = pdf_a_la_main(
        [
            b"<< /Type /Catalog /Pages 2 0 R /OpenActi#6fn 4 0 R >>",
            PAGES,
            PAGE,
            b"<< /S /J#61vaScript /#4A#53 (app.alert(1)) >>",
        ]
    )
    assert b"JavaScript" not in donnees and b"OpenAction" not in donnees
    assert refus(donnees) == ACTIF


def test_pdf_with_javascript_in_an_object_stream_is_refused():
    donnees = pdf_avec_flux_d_objets(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >>",
            2: PAGES,
            3: PAGE,
            4: b"<< /S /JavaScript /JS (app.alert(1)) >>",
        }
    )
    assert b"JavaScript" not in donnees and b"JS" not in donnees
    assert refus(donnees) == ACTIF


def test_pdf_with_javascript_in_an_object_stream_the_xref_does_not_list_is_refused():
    donnees = pdf_avec_flux_d_objets(
        {
            1: b"<< /Type /Catalog /Pages 2 0 R >>",
            2: PAGES,
            3: PAGE,
            4: b"<< /S /JavaScript /JS (app.alert(1)) >>",
        },
        listes_dans_xref=False,
    )
    assert refus(donnees) == ACTIF


def test_pdf_with_javascript_added_by_an_incremental_update_is_refused():
    originale = pdf()
    writer = PdfWriter(io.BytesIO(originale), incremental=True)
    writer._root_object[NameObject("/OpenAction")] = action_js()
    sortie = io.BytesIO()
    writer.write(sortie)
    donnees = sortie.getvalue()
    assert donnees.startswith(originale)
    assert refus(donnees) == ACTIF


# --- PDF refused: encrypted or broken ----------------------------------------------


def test_a_password_protected_pdf_is_refused():
    def chiffrer(writer, page):
        writer.encrypt("secret", algorithm="AES-256")

    assert refus(pdf(chiffrer)) == PDF_CHIFFRE


def test_a_pdf_encrypted_with_an_empty_user_password_is_refused_too():
    def chiffrer(writer, page):
        writer.encrypt("", owner_password="proprietaire")

    assert refus(pdf(chiffrer)) == PDF_CHIFFRE


def test_garbage_starting_like_a_pdf_is_refused():
    assert refus(b"%PDF-1.7\n" + b"\x00\x13garbage)(<<" * 40) == PDF_ILLISIBLE


def test_a_truncated_pdf_is_refused():
    assert refus(pdf()[:120]) == PDF_ILLISIBLE


def test_a_pdf_whose_page_tree_loops_on_itself_is_refused():
    donnees = pdf_a_la_main(
        [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [2 0 R] /Count 1 >>"]
    )
    assert refus(donnees) == PDF_ILLISIBLE


# --- Other types refused -----------------------------------------------------------


def zip_() -> bytes:
    sortie = io.BytesIO()
    with zipfile.ZipFile(sortie, "w") as archive:
        archive.writestr("ordonnance.pdf", pdf())
    return sortie.getvalue()


@pytest.mark.parametrize(
    "donnees",
    [
        pytest.param(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 100, id="exe"),
        pytest.param(b"<!DOCTYPE html><html><script>alert(1)</script></html>", id="html"),
        pytest.param(
            b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', id="svg"
        ),
        pytest.param(image("GIF", "P"), id="gif"),
        pytest.param(zip_(), id="zip"),
        pytest.param(b" %PDF-1.4\n" + pdf(), id="pdf-not-at-offset-0"),
    ],
)
def test_a_file_whose_magic_bytes_are_not_pdf_jpeg_or_png_is_refused(donnees):
    assert refus(donnees) == TYPE


def test_an_empty_file_is_refused():
    assert refus(b"") == "Le fichier est vide."


def test_a_file_over_the_size_limit_is_refused():
    assert refus(b"%PDF-" + b"x" * 996, taille_max=1000) == (
        "Le fichier dépasse la taille maximale de 1000 octets."
    )


def test_a_valid_file_exactly_at_the_size_limit_is_accepted():
    donnees = pdf()
    donnees += b"\n" * (1000 - len(donnees))
    assert len(donnees) == 1000
    assert verifier(io.BytesIO(donnees), taille_max=1000).contenu == donnees


def test_the_default_limit_is_twenty_megabytes_and_reading_stops_just_past_it():
    class Flux(io.BytesIO):
        lu = 0

        def read(self, taille=-1):
            morceau = super().read(taille)
            Flux.lu += len(morceau)
            return morceau

    assert TAILLE_MAX == 20 * 1024 * 1024
    with pytest.raises(FichierRefuse, match="^Le fichier dépasse la taille maximale de 20 Mo.$"):
        verifier(Flux(b"%PDF-" + b"\x00" * (TAILLE_MAX + 5000)))
    assert Flux.lu == TAILLE_MAX + 1


# --- Images ------------------------------------------------------------------------


def test_a_jpeg_with_gps_exif_is_accepted_and_stored_without_any_exif():
    donnees = image("JPEG", exif=exif_avec_gps())
    with Image.open(io.BytesIO(donnees)) as source:
        assert source.getexif().get_ifd(ExifTags.IFD.GPSInfo)

    verifie = verifier(io.BytesIO(donnees))

    assert (verifie.type_mime, verifie.extension) == ("image/jpeg", "jpg")
    assert b"Exif" not in verifie.contenu
    with Image.open(io.BytesIO(verifie.contenu)) as stockee:
        assert stockee.format == "JPEG"
        assert not stockee.getexif()
        assert stockee.size == (64, 48)


def test_a_jpeg_is_turned_upright_before_its_exif_orientation_is_dropped():
    donnees = image("JPEG", exif=exif_avec_gps(orientation=6))  # rotated 90° by the phone
    with Image.open(io.BytesIO(verifier(io.BytesIO(donnees)).contenu)) as stockee:
        assert stockee.size == (48, 64)


def test_a_cmyk_jpeg_is_stored_as_rgb():
    donnees = image("JPEG", "CMYK")
    with Image.open(io.BytesIO(verifier(io.BytesIO(donnees)).contenu)) as stockee:
        assert stockee.mode == "RGB"


def test_a_png_text_chunk_is_gone_after_re_encoding():
    texte = PngImagePlugin.PngInfo()
    texte.add_text("Comment", "Dossier de Camille Martin, NIR 1 84 12 75 108 052 32")
    texte.add_itxt("XML:com.adobe.xmp", "<x:xmpmeta>secret</x:xmpmeta>")
    donnees = image("PNG", pnginfo=texte)
    assert b"tEXt" in donnees and b"Camille" in donnees

    verifie = verifier(io.BytesIO(donnees))

    assert (verifie.type_mime, verifie.extension) == ("image/png", "png")
    for trace in (b"tEXt", b"iTXt", b"zTXt", b"Camille", b"xmpmeta"):
        assert trace not in verifie.contenu
    with Image.open(io.BytesIO(verifie.contenu)) as stockee:
        assert not stockee.text


def test_a_png_keeps_its_transparency():
    donnees = image("PNG", "RGBA")
    with Image.open(io.BytesIO(verifier(io.BytesIO(donnees)).contenu)) as stockee:
        assert stockee.mode == "RGBA"


def test_a_polyglot_png_followed_by_a_pdf_with_javascript_is_stored_as_a_clean_png():
    hostile = pdf(lambda writer, page: writer.add_open_action(JavaScript("app.alert(1)")))
    verifie = verifier(io.BytesIO(image("PNG") + hostile))
    assert verifie.type_mime == "image/png"
    assert b"%PDF" not in verifie.contenu and b"JavaScript" not in verifie.contenu


def test_a_polyglot_jpeg_followed_by_html_is_stored_without_the_html():
    verifie = verifier(io.BytesIO(image("JPEG") + b"<html><script>alert(1)</script></html>"))
    assert b"<script>" not in verifie.contenu


def test_a_file_with_jpeg_magic_that_is_not_an_image_is_refused():
    assert refus(b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x42" * 300) == IMAGE_ILLISIBLE


def test_a_file_with_jpeg_magic_that_pillow_would_read_as_another_format_is_refused():
    assert refus(b"\xff\xd8\xff" + image("PNG")) == IMAGE_ILLISIBLE
    assert refus(b"\xff\xd8\xff" + image("GIF", "P")) == IMAGE_ILLISIBLE


def test_a_truncated_png_is_refused():
    donnees = image("PNG", taille=(300, 300), compress_level=0)
    assert refus(donnees[: len(donnees) // 2]) == IMAGE_ILLISIBLE


def test_a_png_with_a_corrupted_checksum_is_refused():
    donnees = bytearray(image("PNG"))
    fin_ihdr = 8 + 8 + 13  # signature, length and type, IHDR data: its CRC follows
    donnees[fin_ihdr] ^= 0xFF
    assert refus(bytes(donnees)) == IMAGE_ILLISIBLE


@pytest.mark.parametrize("taille", [(20_000, 20_000), (10_000, 10_000)], ids=["error", "warning"])
def test_a_png_decompression_bomb_is_refused(taille):
    donnees = image("PNG", "1", taille=taille)
    assert len(donnees) < 200_000
    assert refus(donnees) == TROP_GRANDE


def test_a_png_just_over_forty_megapixels_is_refused_below_pillow_s_own_limit():
    donnees = image("PNG", "1", taille=(7_000, 6_000))
    assert refus(donnees) == TROP_GRANDE


def test_no_python_warning_escapes_from_a_broken_pdf(recwarn):
    # pytest turns warnings into errors; a repaired xref logs and may warn inside pypdf.
    donnees = pdf().replace(b"startxref\n", b"startxref\n9")
    try:
        verifier(io.BytesIO(donnees))
    except FichierRefuse:
        pass
    assert not recwarn.list


def test_a_pdf_with_absurdly_deep_nesting_is_refused_without_crashing():
    profond = b"[" * 5000 + b"]" * 5000
    donnees = pdf_a_la_main([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, profond])
    assert refus(donnees) == PDF_ILLISIBLE
