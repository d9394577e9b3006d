"""Small French text helpers, and the one cleaning of a name someone else will read."""

import unicodedata

# Joiners some scripts need (Persian, Indic, emoji sequences): kept. Every other format
# character goes: bidi embeddings, overrides and isolates (U+202A–E, U+2066–9), the
# direction marks (U+200E, U+200F, U+061C), zero-width spaces, the BOM.
_JOINTURES = frozenset("\u200c\u200d")
# Characters that break a line or a field, turned into a space.
_ESPACES = frozenset("\t\n\r\v\f\x1c\x1d\x1e\x1f\x85\u2028\u2029")


def nombre(n: int, singulier: str, pluriel: str | None = None) -> str:
    """ "1 page", "0 page", "2 pages": in French, 0 and 1 take the singular."""
    mot = singulier if abs(n) < 2 else (pluriel or f"{singulier}s")
    return f"{n} {mot}"


def duree_lue(jours: int) -> str:
    """ "2 ans" rather than "730 jours"; "6 mois"; "10 jours"."""
    if jours and jours % 365 == 0:
        return nombre(jours // 365, "an")
    if jours and jours % 30 == 0:
        return f"{jours // 30} mois"
    return nombre(jours, "jour")


def accorder(personne, masculin: str, feminin: str, neutre: str) -> str:
    """The word that agrees with the person ("bloqué", "bloquée"), from their ``genre``
    ("M", "F"; anything else, or no person, takes the neutral wording)."""
    genre = getattr(personne, "genre", "")
    return masculin if genre == "M" else feminin if genre == "F" else neutre


# A file's kind as a person names it ("PDF"), not its MIME type ("application/pdf").
FORMATS_LUS = {"application/pdf": "PDF", "image/jpeg": "JPEG", "image/png": "PNG"}


def format_fichier(type_mime: str, octets: int) -> str:
    """ "PDF, 2 Ko" rather than "application/pdf, 1,7 Kio"."""
    genre = FORMATS_LUS.get(type_mime) or type_mime.rpartition("/")[2].upper()
    if octets < 1000 * 1000:
        taille = f"{max(1, round(octets / 1000))} Ko"
    else:
        taille = f"{octets / 1000 / 1000:.1f}".replace(".", ",").removesuffix(",0") + " Mo"
    return f"{genre}, {taille}"


def _garde(caractere: str) -> str:
    if caractere in _ESPACES:
        return " "
    categorie = unicodedata.category(caractere)
    if categorie in ("Cc", "Cs") or (categorie == "Cf" and caractere not in _JOINTURES):
        return ""  # Cs: a lone surrogate, which no database or mail could carry anyway
    return caractere


def nom_affichable(texte: str) -> str:
    """A name as sent (a document's title, a conversation's subject, a file name), shown to
    someone else as it really is: no control character, no invisible character that
    reorders or hides what follows ("facture\\u202efdp.exe" would read "factureexe.pdf";
    it becomes "facturefdp.exe"), line breaks as spaces, no space at either end.
    Applied where names enter (every channel's service) and to every file name we send."""
    return "".join(_garde(c) for c in texte or "").strip()
