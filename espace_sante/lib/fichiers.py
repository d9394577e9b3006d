"""Checking an uploaded health document by its content, never by its name.

A document is accepted only as a PDF without active content, rewritten from what a viewer
reads of it (``pdf_isole``), or as a JPEG or PNG image, which is re-encoded so that no
metadata (EXIF with GPS, XMP, text chunks) and no data appended after the image (polyglot
files) are ever stored.
"""

from __future__ import annotations

import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from espace_sante.lib import fichiers_pdf, pdf_isole
from espace_sante.lib.refus import SaisieInvalide

TAILLE_MAX = 20 * 1024 * 1024  # bytes
PIXELS_MAX = 40_000_000
# Bytes of pixels (and JPEG coefficients) one image check may hold at once: a 150 KB PNG
# can describe 40 million pixels, which Pillow holds at 4 bytes each, so the pixel count
# alone let one upload take 400 MB. Several uploads run at once on a small server.
MEMOIRE_MAX = 128 * 1024 * 1024
BLOCS_IMAGE_MAX = 10_000  # segments of a JPEG, chunks of a PNG
_OCTETS_PAR_PIXEL = {"1": 1, "L": 1, "P": 1, "I;16": 2}  # as Pillow stores them; others: 4
_MODES_PNG = ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16")  # written back as they are
MSG_VIDE = "Le fichier est vide."
MSG_TYPE = "Ce type de fichier n'est pas accepté : seuls les PDF, JPEG et PNG le sont."
MSG_IMAGE_ILLISIBLE = "L'image est illisible ou endommagée."
MSG_IMAGE_GRANDE = (
    f"L'image est trop grande (plus de {PIXELS_MAX // 1_000_000} millions de pixels)."
)
MSG_IMAGE_LOURDE = (
    "L'image demande trop de mémoire pour être vérifiée : réduisez sa définition ou "
    "enregistrez-la en JPEG, puis envoyez-la de nouveau."
)


class FichierInvalide(SaisieInvalide):
    """The upload fails the checks; str(exc) is a clear French sentence for the user.
    (A batch file the import refuses is ``consentement.services.lots.FichierRefuse``.)"""


@dataclass(frozen=True)
class FichierVerifie:
    contenu: bytes  # what will be stored: the PDF or the image, rewritten from what was read
    type_mime: str  # "application/pdf" | "image/jpeg" | "image/png"
    extension: str  # "pdf" | "jpg" | "png"


def verifier(flux, taille_max: int = TAILLE_MAX) -> FichierVerifie:
    """Check an upload (a binary file-like) and return what may be stored, or refuse it."""
    donnees = _lire(flux, taille_max)
    if donnees.startswith(b"%PDF-"):
        reecrit, motif = pdf_isole.verifier(donnees, complexe=fichiers_pdf.MSG_PDF_COMPLEXE)
        if motif:
            raise FichierInvalide(motif)
        return FichierVerifie(reecrit, "application/pdf", "pdf")
    if donnees.startswith(b"\xff\xd8\xff"):
        return FichierVerifie(_reencoder(donnees, "JPEG"), "image/jpeg", "jpg")
    if donnees.startswith(b"\x89PNG\r\n\x1a\n"):
        return FichierVerifie(_reencoder(donnees, "PNG"), "image/png", "png")
    raise FichierInvalide(MSG_TYPE)


def _lire(flux, taille_max: int) -> bytes:
    # A form may already have peeked at the upload: always check it from its first byte.
    if getattr(flux, "seekable", lambda: False)():
        flux.seek(0)
    morceaux, reste = [], taille_max + 1
    while reste > 0:  # read() may return less than asked (raw streams): loop to the end
        morceau = flux.read(min(reste, 1024 * 1024))
        if not morceau:
            break
        morceaux.append(morceau)
        reste -= len(morceau)
    donnees = b"".join(morceaux)
    if len(donnees) > taille_max:
        raise FichierInvalide(f"Le fichier dépasse la taille maximale de {_taille(taille_max)}.")
    if not donnees:
        raise FichierInvalide(MSG_VIDE)
    return donnees


def _taille(octets: int) -> str:
    for unite, valeur in (("Mo", 1024 * 1024), ("Ko", 1024)):
        if octets >= valeur:
            return f"{octets / valeur:.3g} {unite}".replace(".", ",")
    return f"{octets} octets"


# --- Images ------------------------------------------------------------------------


def _reencoder(donnees: bytes, attendu: str) -> bytes:
    # MPO is how Pillow names the JPEGs many phones write (a photo plus a preview).
    formats = {"JPEG": ("JPEG", "MPO"), "PNG": ("PNG",)}[attendu]
    if attendu == "PNG":
        _compter_blocs_png(donnees)
    plusieurs_passes = attendu == "JPEG" and _plusieurs_passes(donnees)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": not the caller's business
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(donnees), formats=[attendu]) as image:
                _controler(image, formats)
                image.verify()  # checksums and structure, before decoding any pixel
            with Image.open(BytesIO(donnees), formats=[attendu]) as image:
                _controler(image, formats)
                _tenir_dans_la_memoire(image, plusieurs_passes)
                image.load()
                return _encoder_sans_metadonnees(image, attendu)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FichierInvalide(MSG_IMAGE_GRANDE) from exc
    except FichierInvalide:
        raise
    except Exception as exc:  # OSError, SyntaxError, ValueError… from a hostile file
        raise FichierInvalide(MSG_IMAGE_ILLISIBLE) from exc


def _controler(image: Image.Image, formats: tuple[str, ...]) -> None:
    if image.format not in formats:
        raise FichierInvalide(MSG_IMAGE_ILLISIBLE)
    # Pillow's own bomb limit is about 89 million pixels; ours is lower.
    if image.width * image.height > PIXELS_MAX:
        raise FichierInvalide(MSG_IMAGE_GRANDE)


def _tenir_dans_la_memoire(image: Image.Image, plusieurs_passes: bool) -> None:
    """Refuse before decoding an image that would need more than MEMOIRE_MAX; a JPEG is
    decoded scaled down by 2, 4 or 8 (by its DCT, at no cost) when that is enough."""
    for echelle in (1,) if image.format == "PNG" else (1, 2, 4, 8):
        if _memoire(image, plusieurs_passes, echelle) <= MEMOIRE_MAX:
            if echelle > 1:
                image.draft(image.mode, (image.width // echelle, image.height // echelle))
            return
    raise FichierInvalide(MSG_IMAGE_LOURDE)


def _memoire(image: Image.Image, plusieurs_passes: bool, echelle: int) -> int:
    """Bytes held at the peak of checking `image` at 1/echelle of its size: decoding holds
    the pixels (and a multi-scan JPEG's coefficients); re-encoding holds them, a converted
    copy if the mode changes, and the output, never larger than a copy. Turning a photo
    upright needs a copy too, but it replaces the pixels before the output is written."""
    largeur, hauteur = -(-image.width // echelle), -(-image.height // echelle)
    pixels = largeur * hauteur * _OCTETS_PAR_PIXEL.get(image.mode, 4)
    modes = _MODES_PNG if image.format == "PNG" else ("L", "RGB")
    reencodage = pixels * (3 if image.mode not in modes else 2)
    if not plusieurs_passes:
        return reencodage
    # A progressive (or multi-scan) JPEG: libjpeg keeps every DCT coefficient of the
    # full-size image, 64 of 2 bytes per 8×8 block of each component, at any scale.
    h_max, v_max = max(c[1] for c in image.layer), max(c[2] for c in image.layer)
    blocs_x, blocs_y = -(-image.width // (8 * h_max)), -(-image.height // (8 * v_max))
    coefficients = sum(blocs_x * h * blocs_y * v * 128 for _, h, v, _ in image.layer)
    return max(reencodage, pixels + coefficients)


_MARQUEUR_JPEG = re.compile(rb"\xff[\x01-\xcf\xd8-\xfe]")  # not stuffing, fill or restart


def _compter_blocs_png(donnees: bytes) -> None:
    # Pillow reads each chunk in Python (twice: verify, then load): a flood of empty ones
    # took seconds. Chunks carry their length, so counting them is a short walk.
    pos = 8
    for _ in range(BLOCS_IMAGE_MAX):
        if donnees[pos + 4 : pos + 8] in (b"IEND", b""):
            return
        pos += 12 + int.from_bytes(donnees[pos : pos + 4], "big")
    raise FichierInvalide(MSG_IMAGE_ILLISIBLE)


def _plusieurs_passes(donnees: bytes) -> bool:
    """Whether a JPEG's first image has several scans (progressive, or not). Segments are
    skipped by their length, so an EXIF thumbnail's scan does not count; a flood of them
    (Pillow reads each in Python) is refused."""
    pos, passes = 2, 0
    for _ in range(BLOCS_IMAGE_MAX):
        marqueur = _MARQUEUR_JPEG.search(donnees, pos)
        if marqueur is None or marqueur[0] == b"\xff\xd9":  # the end of the first image
            return False
        passes += marqueur[0] == b"\xff\xda"
        if passes > 1:
            return True
        pos = marqueur.end() + int.from_bytes(donnees[marqueur.end() : marqueur.end() + 2], "big")
    raise FichierInvalide(MSG_IMAGE_ILLISIBLE)


def _encoder_sans_metadonnees(image: Image.Image, format_: str) -> bytes:
    # No copy of the pixels beyond those _memoire counts: at this size each is megabytes.
    if format_ == "JPEG":
        # The orientation lives in EXIF, which is dropped: apply it to the pixels first.
        ImageOps.exif_transpose(image, in_place=True)
        if image.mode not in ("L", "RGB"):
            image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16", "F") else "RGB")
    elif image.mode not in _MODES_PNG:
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    # Pillow writes some of info back (PNG: ICC profile, animation): keep transparency only.
    image.info = {k: v for k, v in image.info.items() if k == "transparency"}
    sortie = BytesIO()
    if format_ == "JPEG":
        image.save(sortie, "JPEG", quality=90)
    else:
        image.save(sortie, "PNG")
    return sortie.getvalue()
