"""Checking an uploaded health document by its content, never by its name.

A document is accepted only as a PDF without active content, or as a JPEG or PNG image,
which is re-encoded so that no metadata (EXIF with GPS, XMP, text chunks) and no data
appended after the image (polyglot files) are ever stored.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from io import BytesIO

from PIL import Image, ImageOps
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, StreamObject

TAILLE_MAX = 20 * 1024 * 1024  # bytes
PIXELS_MAX = 40_000_000
OBJETS_MAX = 200_000  # indirect objects walked in a PDF
NOEUDS_MAX = 2_000_000  # values (keys, array items…) walked in a PDF
PROFONDEUR_MAX = 200  # nesting of direct objects inside one indirect object
ORPHELINS_MAX = 1_000  # "N G obj" headers the xref does not list

MSG_VIDE = "Le fichier est vide."
MSG_TYPE = "Ce type de fichier n'est pas accepté : seuls les PDF, JPEG et PNG le sont."
MSG_PDF_ACTIF = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : "
    "il est refusé. Enregistrez-le de nouveau en « PDF simple » ou imprimez-le en PDF."
)
MSG_PDF_CHIFFRE = "Les PDF protégés par un mot de passe ne sont pas acceptés."
MSG_PDF_ILLISIBLE = "Le PDF est illisible ou endommagé."
MSG_IMAGE_ILLISIBLE = "L'image est illisible ou endommagée."
MSG_IMAGE_GRANDE = (
    f"L'image est trop grande (plus de {PIXELS_MAX // 1_000_000} millions de pixels)."
)

# Names that make a PDF act on its own: scripts, automatic or remote actions, attachments,
# multimedia and XFA forms. /URI stays allowed: a plain link only opens on a click.
NOMS_INTERDITS = frozenset(
    {
        "JavaScript", "JS", "OpenAction", "AA", "Launch", "EmbeddedFile", "EmbeddedFiles",
        "RichMedia", "XFA", "SubmitForm", "ImportData", "GoToR", "GoToE",
    }
)  # fmt: skip

_NOM = re.compile(rb"/([^\x00\t\n\x0c\r ()<>\[\]{}/%]*)")
_ECHAPPEMENT = re.compile(rb"#([0-9A-Fa-f]{2})")
# Stream bodies are binary (compressed pages, images): random bytes there would read as
# "/JS " now and then. They are not scanned raw; object streams are scanned once decoded.
_CORPS_DE_FLUX = re.compile(rb"(?<![A-Za-z])stream(?:\r\n|\n|\r).*?endstream", re.DOTALL)
# Literal strings are text, not names: a link to https://example.fr/AA/ is not /AA. Nested
# parentheses are peeled from the innermost; leftovers are scanned (refusing is the safe side).
_CHAINE = re.compile(rb"\((?:[^()\\]|\\.)*\)", re.DOTALL)
_ENTETE_OBJET = re.compile(
    rb"(?<![0-9])([0-9]{1,10})[\x00\t\n\x0c\r ]+([0-9]{1,5})[\x00\t\n\x0c\r ]+obj"
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
        _verifier_pdf(donnees)
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


# --- PDF ---------------------------------------------------------------------------


def _noms_bruts(donnees: bytes) -> set[str]:
    """Every /Name outside strings and stream bodies, #xx decoded: /J#61vaScript is /JavaScript."""
    texte = _CORPS_DE_FLUX.sub(b"stream endstream", donnees)
    for _ in range(10):
        texte, remplacees = _CHAINE.subn(b" ", texte)
        if not remplacees:
            break
    noms = set()
    for match in _NOM.finditer(texte):
        nom = _ECHAPPEMENT.sub(lambda m: bytes([int(m[1], 16)]), match[1])
        noms.add(nom.decode("latin-1"))
    return noms


def _verifier_pdf(donnees: bytes) -> None:
    # 1. Raw scan: cheap, works on files pypdf cannot parse, and sees objects of every
    #    incremental update, even those a later update replaced.
    noms = _noms_bruts(donnees)
    if "Encrypt" in noms:
        raise FichierRefuse(MSG_PDF_CHIFFRE)
    if noms & NOMS_INTERDITS:
        raise FichierRefuse(MSG_PDF_ACTIF)
    # 2. Parse: sees what the raw scan cannot (names inside compressed object streams).
    #    pypdf reports repairs of broken files through logging and a few warnings: neither
    #    must reach the caller (the tests turn warnings into errors). Both settings are
    #    process-wide, hence restored at once; two threads interleaving here could at worst
    #    leave pypdf's warnings silenced, which is harmless.
    journal = logging.getLogger("pypdf")
    niveau = journal.level
    journal.setLevel(logging.CRITICAL + 1)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            reader = PdfReader(BytesIO(donnees), strict=False)
            if reader.is_encrypted:
                raise FichierRefuse(MSG_PDF_CHIFFRE)
            if len(reader.pages) == 0:
                raise FichierRefuse(MSG_PDF_ILLISIBLE)
            _parcourir(reader, donnees)
    except FichierRefuse:
        raise
    except Exception as exc:  # any pypdf failure, RecursionError and MemoryError included
        raise FichierRefuse(MSG_PDF_ILLISIBLE) from exc
    finally:
        journal.setLevel(niveau)


def _parcourir(reader: PdfReader, donnees: bytes) -> None:
    """Walk every indirect object and every value inside it; refuse on a forbidden name."""
    refs = {(num, gen) for gen, table in reader.xref.items() for num in table}
    refs |= {(num, 0) for num in reader.xref_objStm}
    # Objects the xref does not list are still read by viewers that rebuild it.
    orphelins = {(int(m[1]), int(m[2])) for m in _ENTETE_OBJET.finditer(donnees)} - refs
    if len(orphelins) > ORPHELINS_MAX:
        raise FichierRefuse(MSG_PDF_ILLISIBLE)
    pile = [(reader.trailer, 0)]
    pile += [(IndirectObject(num, gen, reader), 0) for num, gen in refs | orphelins]
    vus: set[tuple[int, int]] = set()
    noeuds = 0
    while pile:
        objet, profondeur = pile.pop()
        noeuds += 1
        if noeuds > NOEUDS_MAX or profondeur > PROFONDEUR_MAX:
            raise FichierRefuse(MSG_PDF_ILLISIBLE)
        if isinstance(objet, IndirectObject):
            cle = (objet.idnum, objet.generation)
            if cle in vus:
                continue
            vus.add(cle)
            if len(vus) > OBJETS_MAX:
                raise FichierRefuse(MSG_PDF_ILLISIBLE)
            objet, profondeur = reader.get_object(objet), 0
        if isinstance(objet, NameObject):
            if objet[1:] in NOMS_INTERDITS:  # a value: /S /JavaScript, /Type /EmbeddedFile
                raise FichierRefuse(MSG_PDF_ACTIF)
        elif isinstance(objet, DictionaryObject):
            for cle, valeur in dict.items(objet):  # dict's items: values stay unresolved
                if str(cle)[1:] in NOMS_INTERDITS:
                    raise FichierRefuse(MSG_PDF_ACTIF)
                pile.append((valeur, profondeur + 1))
            if isinstance(objet, StreamObject) and objet.get("/Type") == "/ObjStm":
                # The objects it holds are walked one by one too, but only those the xref
                # points to: scanning the decoded stream also catches the unlisted ones.
                if _noms_bruts(objet.get_data()) & NOMS_INTERDITS:
                    raise FichierRefuse(MSG_PDF_ACTIF)
        elif isinstance(objet, ArrayObject):
            pile.extend((valeur, profondeur + 1) for valeur in list.__iter__(objet))


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
