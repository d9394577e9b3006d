"""What a mail that enters may be (the SMTP gateway reads mail only through here).

The email package decodes a header when it is first read, and its decoder is quadratic
in the number of encoded words (``=?utf-8?b?…?=``): 40,000 of them in one ``Subject``
(0.92 MB) took 48 s and 16 GB. So every header of every MIME part is bounded while the
parser reads its raw lines, before anything decodes it, and the mail is refused whole at
the first header over a bound. One bound per thing counted, declared here once:

- ``ENTETE_TAILLE_MAX`` characters in one header, its folded lines included, and
  ``ENTETE_STRUCTURE_TAILLE_MAX`` in a header the package parses token by token
  (addresses, MIME parameters, Message-ID, dates: its parser is quadratic there too,
  8 KiB of ``;`` in a Content-Type took 4 s);
- ``ENTETE_MOTS_ENCODES_MAX`` encoded words in one header (each ``=?`` counts);
- ``ENTETES_MAX`` headers and ``ENTETES_TAILLE_MAX`` characters in all the mail's
  header blocks together (the message's and every part's);
- ``PARTIES_MAX`` MIME parts;
- ``HTML_TAILLE_MAX`` characters of an HTML body, converted to text in linear time.
"""

from __future__ import annotations

import email.policy
import html
import re
from email.feedparser import BytesFeedParser
from email.headerregistry import HeaderRegistry, UnstructuredHeader
from email.message import EmailMessage

ENTETE_TAILLE_MAX = 8 * 1024
ENTETE_STRUCTURE_TAILLE_MAX = 1024
ENTETE_MOTS_ENCODES_MAX = 64
ENTETES_MAX = 200
ENTETES_TAILLE_MAX = 32 * 1024
PARTIES_MAX = 32
HTML_TAILLE_MAX = 1024 * 1024
# The parser is fed by slices: the mail is never copied whole into one string.
_MORCEAU = 1024 * 1024


_STRUCTURES = frozenset(
    nom
    for nom, classe in HeaderRegistry().registry.items()
    if not issubclass(classe, UnstructuredHeader)
)


class CourrielRefuse(Exception):
    """A mail over one of the bounds; ``str()`` says which, in French."""


class _Compte:
    """What one mail's parse has read so far."""

    def __init__(self):
        self.entetes = self.taille = self.parties = 0

    def entete(self, nom: str, valeur: str, taille: int) -> None:
        self.entetes += 1
        self.taille += taille
        maximum = ENTETE_STRUCTURE_TAILLE_MAX if nom.lower() in _STRUCTURES else ENTETE_TAILLE_MAX
        if taille > maximum:
            raise CourrielRefuse(f"En-tete {nom[:40]} trop long ({maximum} octets au plus).")
        if valeur.count("=?") > ENTETE_MOTS_ENCODES_MAX:
            raise CourrielRefuse(
                f"En-tete {nom[:40]} : {ENTETE_MOTS_ENCODES_MAX} mots encodes au plus."
            )
        if self.entetes > ENTETES_MAX:
            raise CourrielRefuse(f"Trop d'en-tetes ({ENTETES_MAX} au plus par message).")
        if self.taille > ENTETES_TAILLE_MAX:
            raise CourrielRefuse(f"En-tetes trop longs ({ENTETES_TAILLE_MAX} octets au plus).")

    def partie(self) -> None:
        self.parties += 1
        if self.parties > PARTIES_MAX:
            raise CourrielRefuse(f"Trop de parties MIME ({PARTIES_MAX} au plus par message).")


class _PolitiqueBornee(email.policy.EmailPolicy):
    """``email.policy.default`` counting each raw header and each part as the parser
    meets them (one ``_Compte`` per mail, given by ``clone``)."""

    compte: _Compte | None = None

    def header_source_parse(self, sourcelines):
        nom, valeur = super().header_source_parse(sourcelines)
        self.compte.entete(nom, valeur, sum(map(len, sourcelines)))
        return nom, valeur


def _nouvelle_partie(policy):
    policy.compte.partie()
    return EmailMessage(policy=policy)


_POLITIQUE = _PolitiqueBornee(message_factory=_nouvelle_partie)


def lire(donnees: bytes) -> EmailMessage:
    """The parsed mail (``email.policy.default``), or ``CourrielRefuse`` as soon as a
    header or a part goes over its bound. Other parse errors propagate as the email
    package raises them."""
    parseur = BytesFeedParser(policy=_POLITIQUE.clone(compte=_Compte()))
    for debut in range(0, len(donnees), _MORCEAU):
        parseur.feed(donnees[debut : debut + _MORCEAU])
    return parseur.close()


# --- HTML to text, in one pass -------------------------------------------------------
#
# Django's ``strip_tags`` re-parses until nothing changes (27 MB took 25 s) and the
# ``html.parser`` of Python 3.12.1 is quadratic on unclosed comments and tags
# (CVE-2025-6069). This converter moves forward only: each search either finds its end,
# and the scan continues after it, or finds none, and the rest of the text is dropped.

# Where a tag, a comment or a declaration may start ("a < b" is text).
_DEBUT = re.compile(r"<(?:[a-zA-Z!?]|/[a-zA-Z])")
# A tag with its attributes, quoted values may hold ">" (possessive: no backtracking).
_BALISE = re.compile(
    r"""<(/?)([a-zA-Z][a-zA-Z0-9]*+)[^>"']*+(?:(?:"[^"]*+"|'[^']*+')[^>"']*+)*+>"""
)
# Where the text of a script, a style... ends: the first "</script" and the ">" after it
# (searched apart: "</script" a million times with no ">" made one pattern quadratic).
_FIN_MUETTE = {
    nom: re.compile(rf"</{nom}\b", re.IGNORECASE)
    for nom in ("script", "style", "head", "title", "template")
}
_BLOCS = frozenset(
    "address article aside blockquote br dd div dl dt footer h1 h2 h3 h4 h5 h6 header hr "
    "li ol p pre section table td th tr ul".split()
)
_ESPACES = re.compile(r"[ \t\r\n\f\v]+")
_LIGNES_VIDES = re.compile(r"\n[ \xa0]*(?:\n[ \xa0]*)+\n")


def texte_de_html(source: str) -> str:
    """The text of an HTML body: tags, comments, scripts and styles dropped, a line break
    for each block, entities decoded. ``CourrielRefuse`` beyond ``HTML_TAILLE_MAX``."""
    if len(source) > HTML_TAILLE_MAX:
        raise CourrielRefuse(f"Corps HTML trop long ({HTML_TAILLE_MAX // 1024} Kio au plus).")
    morceaux: list[str] = []
    i, n = 0, len(source)
    while i < n:
        debut = _DEBUT.search(source, i)
        j = n if debut is None else debut.start()
        if j > i:
            morceaux.append(_ESPACES.sub(" ", source[i:j]))  # "a < b" stays text
        if j >= n:
            break
        if source.startswith("<!--", j):
            fin = source.find("-->", j + 4)
            i = n if fin < 0 else fin + 3
            continue
        if source.startswith(("<!", "<?"), j):
            fin = source.find(">", j + 2)
            i = n if fin < 0 else fin + 1
            continue
        balise = _BALISE.match(source, j)
        if balise is None:
            break  # an unclosed tag: what follows is inside it
        nom = balise.group(2).lower()
        i = balise.end()
        if nom in _BLOCS:
            morceaux.append("\n")
        if not balise.group(1) and nom in _FIN_MUETTE:
            fin = _FIN_MUETTE[nom].search(source, i)
            fin = -1 if fin is None else source.find(">", fin.end())
            i = n if fin < 0 else fin + 1
    texte = html.unescape("".join(morceaux))
    lignes = "\n".join(ligne.strip(" \xa0") for ligne in texte.split("\n"))
    return _LIGNES_VIDES.sub("\n\n", lignes).strip()
