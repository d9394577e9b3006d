"""espace_sante.lib.fichiers: a hostile corpus, built in code, against the upload check."""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import ExifTags, Image, PngImagePlugin
from pypdf import PdfReader, PdfWriter
from pypdf.actions import JavaScript
from pypdf.generic import (
    DictionaryObject,
    NameObject,
    TextStringObject,
)

from espace_sante.lib.fichiers import TAILLE_MAX, FichierInvalide, FichierVerifie, verifier
from tests.lib.corpus import (
    PAGE,
    PAGES,
    action_js,
    annotation_lien,
    exif_avec_gps,
    image,
    pdf,
    pdf_a_la_main,
    pdf_avec_flux_d_objets,
)

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
    with pytest.raises(FichierInvalide) as exc:
        verifier(io.BytesIO(donnees), **kwargs)
    return str(exc.value)


# --- PDF accepted ------------------------------------------------------------------


def meme_document(stocke: bytes) -> bool:
    """What is stored is qpdf's rewrite: the same one-page document, which the check then
    leaves as it is."""
    return (
        len(PdfReader(io.BytesIO(stocke), strict=True).pages) == 1
        and verifier(io.BytesIO(stocke)).contenu == stocke
    )


def test_a_plain_pdf_is_accepted_rewritten_as_the_same_document():
    verifie = verifier(io.BytesIO(pdf()))
    assert (verifie.type_mime, verifie.extension) == ("application/pdf", "pdf")
    assert meme_document(verifie.contenu)
    assert verifie == FichierVerifie(verifie.contenu, "application/pdf", "pdf")


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
    assert meme_document(verifier(io.BytesIO(donnees)).contenu)


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
    assert meme_document(verifier(io.BytesIO(donnees), taille_max=1000).contenu)


def test_the_default_limit_is_twenty_megabytes_and_reading_stops_just_past_it():
    class Flux(io.BytesIO):
        lu = 0

        def read(self, taille=-1):
            morceau = super().read(taille)
            Flux.lu += len(morceau)
            return morceau

    assert TAILLE_MAX == 20 * 1024 * 1024
    with pytest.raises(FichierInvalide, match="^Le fichier dépasse la taille maximale de 20 Mo.$"):
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
    except FichierInvalide:
        pass
    assert not recwarn.list


def test_a_pdf_with_absurdly_deep_nesting_is_refused_without_crashing():
    profond = b"[" * 5000 + b"]" * 5000
    donnees = pdf_a_la_main([b"<< /Type /Catalog /Pages 2 0 R >>", PAGES, PAGE, profond])
    assert refus(donnees) == PDF_ILLISIBLE
