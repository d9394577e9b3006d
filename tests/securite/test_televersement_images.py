"""Issue 9, item 15: an image upload holds at most MEMOIRE_MAX while it is checked.

A 154 KB PNG of 6300×6300 held 300 MB, a 212 KB progressive JPEG of 6000×6000 415 MB:
the pixel cap counted pixels, not the bytes Pillow (4 per RGB pixel) and libjpeg (every
DCT coefficient of a progressive image) hold. Each check runs in a child process whose
peak RSS is compared with a child that checked a tiny image.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import ExifTags, Image

from espace_sante.lib.fichiers import MEMOIRE_MAX, FichierInvalide, verifier

RACINE = Path(__file__).resolve().parents[2]
LOURDE = "L'image demande trop de mémoire pour être vérifiée"
# The child's own peak: VmHWM belongs to its address space, whereas ru_maxrss after
# fork and exec starts from the parent's (pytest's, holding the test's images).
SONDE = """
import io, re, sys
from espace_sante.lib.fichiers import FichierInvalide, verifier
donnees = sys.stdin.buffer.read()
try:
    verifier(io.BytesIO(donnees))
    issue = "acceptée"
except FichierInvalide as refus:
    issue = str(refus)
with open("/proc/self/status") as statut:
    print(int(re.search(r"VmHWM:\\s*(\\d+) kB", statut.read())[1]) * 1024)
print(issue)
"""


def pic_de_memoire(donnees: bytes) -> tuple[int, str]:
    """Peak RSS in bytes of a fresh interpreter that checked `donnees`, and its verdict."""
    fini = subprocess.run(
        [sys.executable, "-c", SONDE], input=donnees, capture_output=True, cwd=RACINE, check=True
    )
    pic, issue = fini.stdout.decode().splitlines()
    return int(pic), issue


def enregistrer(image: Image.Image, format_: str, **options) -> bytes:
    sortie = io.BytesIO()
    image.save(sortie, format_, **options)
    return sortie.getvalue()


def png_brut(largeur: int, hauteur: int, profondeur: int, couleur: int, canaux: int) -> bytes:
    """A PNG of zero rows written by hand, in modes Pillow cannot write (16-bit RGBA…)."""

    def bloc(type_: bytes, contenu: bytes) -> bytes:
        crc = zlib.crc32(type_ + contenu)
        return struct.pack(">I", len(contenu)) + type_ + contenu + struct.pack(">I", crc)

    ligne = b"\x00" * (1 + largeur * canaux * profondeur // 8)
    compresseur = zlib.compressobj(9)
    idat = b"".join(compresseur.compress(ligne) for _ in range(hauteur)) + compresseur.flush()
    entete = struct.pack(">IIBBBBB", largeur, hauteur, profondeur, couleur, 0, 0, 0)
    palette = bloc(b"PLTE", bytes(range(256)) * 3) if couleur == 3 else b""
    return (
        b"\x89PNG\r\n\x1a\n"
        + bloc(b"IHDR", entete)
        + palette
        + bloc(b"IDAT", idat)
        + bloc(b"IEND", b"")
    )


PIRES_IMAGES = {
    "png_rgb_6300": (lambda: enregistrer(Image.new("RGB", (6300, 6300), "white"), "PNG"), LOURDE),
    "png_rgba_16_bits_6300": (lambda: png_brut(6300, 6300, 16, 6, 4), LOURDE),
    "png_gris_alpha_16_bits_6300": (lambda: png_brut(6300, 6300, 16, 4, 2), LOURDE),
    "png_palette_6300": (lambda: png_brut(6300, 6300, 8, 3, 1), "acceptée"),
    "png_bombe_20000": (lambda: png_brut(20000, 20000, 1, 0, 1), "L'image est trop grande"),
    "jpeg_progressif_6000": (
        lambda: enregistrer(
            Image.new("RGB", (6000, 6000), "white"), "JPEG", progressive=True, quality=10
        ),
        "acceptée",
    ),
    "jpeg_progressif_cmjn_6000": (
        lambda: enregistrer(Image.new("CMYK", (6000, 6000)), "JPEG", progressive=True),
        LOURDE,
    ),
    "jpeg_cmjn_6000": (
        lambda: enregistrer(Image.new("CMYK", (6000, 6000)), "JPEG", quality=10),
        "acceptée",
    ),
    "jpeg_tourne_6000": (
        lambda: enregistrer(
            Image.new("RGB", (6000, 6000), "white"), "JPEG", quality=10, exif=orientation(6)
        ),
        "acceptée",
    ),
}


def orientation(valeur: int) -> Image.Exif:
    exif = Image.Exif()
    exif[ExifTags.Base.Orientation] = valeur
    return exif


@pytest.fixture(scope="module")
def base():
    pic, issue = pic_de_memoire(enregistrer(Image.new("RGB", (8, 8)), "PNG"))
    assert issue == "acceptée"
    return pic


@pytest.mark.parametrize("cas", list(PIRES_IMAGES))
def test_checking_a_hostile_image_stays_within_the_memory_budget(base, cas):
    fabrique, attendu = PIRES_IMAGES[cas]
    donnees = fabrique()
    assert len(donnees) < 2 * 1024 * 1024
    pic, issue = pic_de_memoire(donnees)
    assert issue.startswith(attendu)
    assert pic - base <= MEMOIRE_MAX, f"{cas}: {(pic - base) >> 20} Mo au-dessus de la base"


def test_a_huge_progressive_jpeg_is_stored_decoded_at_a_smaller_size():
    donnees = enregistrer(
        Image.new("RGB", (6000, 6000), "white"), "JPEG", progressive=True, quality=10
    )
    with Image.open(io.BytesIO(verifier(io.BytesIO(donnees)).contenu)) as stockee:
        assert stockee.size == (1500, 1500)


def test_a_twelve_megapixel_phone_photo_keeps_its_full_size_and_is_turned_upright():
    donnees = enregistrer(Image.new("RGB", (4000, 3000), "white"), "JPEG", exif=orientation(6))
    with Image.open(io.BytesIO(verifier(io.BytesIO(donnees)).contenu)) as stockee:
        assert stockee.size == (3000, 4000)


def test_a_png_too_heavy_to_check_is_refused_with_a_clear_message():
    with pytest.raises(FichierInvalide) as refus:
        verifier(io.BytesIO(enregistrer(Image.new("RGB", (6300, 6300)), "PNG")))
    assert str(refus.value) == (
        "L'image demande trop de mémoire pour être vérifiée : réduisez sa définition ou "
        "enregistrez-la en JPEG, puis envoyez-la de nouveau."
    )


def test_a_jpeg_flooded_with_empty_segments_is_refused_before_pillow_reads_them():
    jpeg = enregistrer(Image.new("RGB", (64, 64)), "JPEG")
    inonde = jpeg[:2] + b"\xff\xfe\x00\x02" * 1_000_000 + jpeg[2:]  # comments, 4 MB
    with pytest.raises(FichierInvalide, match="^L'image est illisible ou endommagée.$"):
        verifier(io.BytesIO(inonde))


def test_a_png_flooded_with_empty_chunks_is_refused_before_pillow_reads_them():
    png = enregistrer(Image.new("L", (64, 64)), "PNG")
    vide = struct.pack(">I", 0) + b"aaAa" + struct.pack(">I", zlib.crc32(b"aaAa"))
    inonde = png[:33] + vide * 1_000_000 + png[33:]  # after the header, 12 MB
    with pytest.raises(FichierInvalide, match="^L'image est illisible ou endommagée.$"):
        verifier(io.BytesIO(inonde))


def test_a_jpeg_with_an_exif_thumbnail_is_not_taken_for_a_progressive_one():
    # The thumbnail is a JPEG with its own scan inside an APP1 segment: counting it would
    # budget this 14 MP photo (4:4:4) as progressive and shrink it for nothing.
    vignette = enregistrer(Image.new("RGB", (160, 120)), "JPEG")
    donnees = enregistrer(Image.new("RGB", (4000, 3500), "white"), "JPEG", subsampling=0)
    app1 = b"\xff\xe1" + struct.pack(">H", len(vignette) + 2) + vignette
    with Image.open(
        io.BytesIO(verifier(io.BytesIO(donnees[:2] + app1 + donnees[2:])).contenu)
    ) as stockee:
        assert stockee.size == (4000, 3500)
