"""Checking an uploaded health document by its content, never by its name.

A document is accepted only as a PDF without active content, or as a JPEG or PNG image,
which is re-encoded so that no metadata (EXIF with GPS, XMP, text chunks) and no data
appended after the image (polyglot files) are ever stored.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps

from espace_sante.lib import fichiers_pdf

TAILLE_MAX = 20 * 1024 * 1024  # bytes
PIXELS_MAX = 40_000_000
MSG_VIDE = "Le fichier est vide."
MSG_TYPE = "Ce type de fichier n'est pas accepté : seuls les PDF, JPEG et PNG le sont."
MSG_IMAGE_ILLISIBLE = "L'image est illisible ou endommagée."
MSG_IMAGE_GRANDE = (
    f"L'image est trop grande (plus de {PIXELS_MAX // 1_000_000} millions de pixels)."
)


class FichierRefuse(Exception):
    """The upload is refused; str(exc) is a clear French sentence for the user."""


@dataclass(frozen=True)
class FichierVerifie:
    contenu: bytes  # what will be stored: the PDF bytes as uploaded, or the re-encoded image
    type_mime: str  # "application/pdf" | "image/jpeg" | "image/png"
    extension: str  # "pdf" | "jpg" | "png"


def verifier(flux, taille_max: int = TAILLE_MAX) -> FichierVerifie:
    """Check an upload (a binary file-like) and return what may be stored, or refuse it."""
    donnees = _lire(flux, taille_max)
    if donnees.startswith(b"%PDF-"):
        if motif := fichiers_pdf.motif_de_refus(donnees):
            raise FichierRefuse(motif)
        return FichierVerifie(donnees, "application/pdf", "pdf")
    if donnees.startswith(b"\xff\xd8\xff"):
        return FichierVerifie(_reencoder(donnees, "JPEG"), "image/jpeg", "jpg")
    if donnees.startswith(b"\x89PNG\r\n\x1a\n"):
        return FichierVerifie(_reencoder(donnees, "PNG"), "image/png", "png")
    raise FichierRefuse(MSG_TYPE)


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
        raise FichierRefuse(f"Le fichier dépasse la taille maximale de {_taille(taille_max)}.")
    if not donnees:
        raise FichierRefuse(MSG_VIDE)
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
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # e.g. "Corrupt EXIF data": not the caller's business
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(BytesIO(donnees), formats=[attendu]) as image:
                _controler(image, formats)
                image.verify()  # checksums and structure, before decoding any pixel
            with Image.open(BytesIO(donnees), formats=[attendu]) as image:
                _controler(image, formats)
                image.load()
                return _encoder_sans_metadonnees(image, attendu)
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise FichierRefuse(MSG_IMAGE_GRANDE) from exc
    except FichierRefuse:
        raise
    except Exception as exc:  # OSError, SyntaxError, ValueError… from a hostile file
        raise FichierRefuse(MSG_IMAGE_ILLISIBLE) from exc


def _controler(image: Image.Image, formats: tuple[str, ...]) -> None:
    if image.format not in formats:
        raise FichierRefuse(MSG_IMAGE_ILLISIBLE)
    # Pillow's own bomb limit is about 89 million pixels; ours is lower.
    if image.width * image.height > PIXELS_MAX:
        raise FichierRefuse(MSG_IMAGE_GRANDE)


def _encoder_sans_metadonnees(image: Image.Image, format_: str) -> bytes:
    if format_ == "JPEG":
        # The orientation lives in EXIF, which is dropped: apply it to the pixels first.
        image = ImageOps.exif_transpose(image)
        if image.mode not in ("L", "RGB"):
            image = image.convert("L" if image.mode in ("1", "LA", "I", "I;16", "F") else "RGB")
    elif image.mode not in ("1", "L", "LA", "P", "RGB", "RGBA", "I", "I;16"):
        image = image.convert("RGBA" if "A" in image.mode else "RGB")
    propre = image.copy()
    # Pillow writes some of info back (PNG: ICC profile, animation): keep transparency only.
    propre.info = {k: v for k, v in image.info.items() if k == "transparency"}
    sortie = BytesIO()
    if format_ == "JPEG":
        propre.save(sortie, "JPEG", quality=90)
    else:
        propre.save(sortie, "PNG")
    return sortie.getvalue()
