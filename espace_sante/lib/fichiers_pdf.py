"""Checking an uploaded PDF in one linear pass over its bytes, without parsing it.

Why no PDF library here: a parser builds an object per token (pypdf: about 5 µs each, so
a minute for 20 MB of small objects), and its repair paths are quadratic (it searches the
whole file for each object its xref lacks, and re-reads an object stream for each object
the stream does not hold). This check runs on attacker bytes inside a web request: one
regular expression without backtracking reads every byte once (``pdf_lexique``), and
Python only looks at the few places that matter, capped in number.

What a viewer would run or fetch is refused: scripts, automatic actions, actions that open
another file, submit, import or play something, attachments, XFA forms, links to anything
but http(s) and mailto. Names are read as a viewer reads them: #xx escapes decoded, names
inside strings and comments ignored, compressed object streams decoded and read too, and
every revision of an incrementally updated file is read, objects the xref no longer lists
included. Stream bodies are skipped, but a reader that rebuilds a broken xref finds every
"n 0 obj" wherever it is, inside a stream's body too: from such a header on, a body is read
as syntax like the rest.

This is the first of two checks: ``pdf_isole`` then has qpdf rewrite the file from the
objects its xref gives and reads the rewrite with this same pass (see there).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field

from espace_sante.lib import pdf_lexique as lex

MSG_PDF_ACTIF = (
    "Ce PDF contient du contenu actif (script, action automatique ou fichier joint) : "
    "il est refusé. Enregistrez-le de nouveau en « PDF simple » ou imprimez-le en PDF."
)
MSG_PDF_CHIFFRE = "Les PDF protégés par un mot de passe ne sont pas acceptés."
MSG_PDF_ILLISIBLE = "Le PDF est illisible ou endommagé."
MSG_PDF_COMPLEXE = (
    "Ce PDF est trop complexe pour être vérifié (trop d'objets, de flux ou de liens) : "
    "imprimez-le en PDF pour en obtenir une version plus simple."
)

# Names that make a PDF act on its own or on something outside it, wherever they appear:
# scripts, automatic actions, launching, remote or embedded files, submitting, importing,
# named menu actions, hiding fields, 3D views, optional content switches, multimedia, XFA.
# A viewer decides what they do, not where they sit: refusing them everywhere is simplest.
NOMS_INTERDITS = frozenset(
    {
        "JavaScript",
        "JS",
        "OpenAction",
        "AA",
        "Launch",
        "EmbeddedFile",
        "EmbeddedFiles",
        "RichMedia",
        "RichMediaExecute",
        "XFA",
        "SubmitForm",
        "ImportData",
        "GoToR",
        "GoToE",
        "GoTo3DView",
        "Named",
        "Hide",
        "SetOCGState",
        "Rendition",
        "Sound",
        "Movie",
        "URL",
    }
)
# Refused only as the type of an action (/S): /Trans is also a page's transition effect
# and /Thread an article, both harmless there.
ACTIONS_INTERDITES = frozenset({"Trans", "Thread"})
SCHEMAS_PERMIS = ("http:", "https:", "mailto:")

EVENEMENTS_MAX = 100_000  # places Python looks at: objects, streams, links, marked names
# Bytes the pass reads: the file outside its stream bodies, then its object streams
# decoded (about 1 s at worst). A 20 MB file all syntax has none left to decode; a 5 MB
# file of compressed structure may decode to 15 MB.
LECTURE_MAX = 20 * 1024 * 1024
PROFONDEUR_MAX = 200  # "[" or "<<" opened in a row
LIEN_PREFIXE = 2048  # bytes of a link's target decoded to find its scheme

_JETONS = lex.jetons(NOMS_INTERDITS, ACTIONS_INTERDITES)
_ACTION = re.compile(lex.BLANCS + rb"/" + lex.nom(*ACTIONS_INTERDITES))
_OBJSTM = re.compile(lex.BLANCS + rb"/" + lex.nom("ObjStm"))
_ECHAPPEMENT = re.compile(rb"\\(?:([0-7]{1,3})|(\r\n?|\n)|([\s\S]))")
_ECHAPPEMENTS = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}
_IMBRIQUES = (b"[" * (PROFONDEUR_MAX + 1), b"<<" * (PROFONDEUR_MAX + 1))


def motif_de_refus(donnees: bytes) -> str | None:
    """Why this PDF is refused, as a French sentence for the user; None if it is accepted."""
    analyse = _Analyse()
    try:
        analyse.lire(donnees, flux_permis=True)
        analyse.lire_les_objets_caches(donnees)
        analyse.lire_les_flux_d_objets(donnees)
    except _Refus as refus:
        analyse.refus.add(str(refus))
    if not analyse.refus:
        # Not a security matter: a file no viewer can show is refused with a clear reason.
        complet = b"%%EOF" in donnees[-1024:] and analyse.objets
        if not (complet and (analyse.pages or lex.PAGE.search(donnees))):
            analyse.refus.add(MSG_PDF_ILLISIBLE)
    # The most useful reason first: a password to remove, then content to remove.
    for message in (MSG_PDF_CHIFFRE, MSG_PDF_ACTIF, MSG_PDF_COMPLEXE, MSG_PDF_ILLISIBLE):
        if message in analyse.refus:
            return message
    return None


class _Refus(Exception):
    """The pass cannot go on (broken syntax, too much to read): str(exc) says why."""


@dataclass
class _Analyse:
    refus: set[str] = field(default_factory=set)
    evenements: int = 0  # stops of the pass, in the file and its object streams
    objets: int = 0
    sautes: int = 0  # bytes of stream bodies skipped
    # (dictionary start, end, body start, end) of each object stream, read after the file
    flux_d_objets: list[tuple[int, int, int, int]] = field(default_factory=list)
    corps: list[tuple[int, int]] = field(default_factory=list)  # stream bodies skipped
    pages: bool = False  # a page seen in an object stream

    def lire(
        self, donnees: bytes, *, flux_permis: bool, debut: int = 0, fin: int | None = None
    ) -> int:
        """Read every token of `donnees` (from `debut` to `fin`); object streams are listed,
        to be read after it. Reading a stream's body, i.e. `fin` is given, stops at the
        first stream inside: its body is returned, the rest is that body's."""
        dans_un_corps, fin = fin is not None, len(donnees) if fin is None else fin
        pos = region = objet = debut  # region: where the bytes since the last body start
        marque = False  # the current object is marked as an object stream
        while True:
            arret = _JETONS.match(donnees, pos, fin).end()
            if arret == fin:
                _imbrication(donnees, region, arret)
                return fin
            self._compter()
            quoi = lex.ARRET.match(donnees, arret, fin)
            if quoi is None:  # a string never closed or nested too deep, a stray character
                raise _Refus(MSG_PDF_ILLISIBLE)
            if quoi["objet"]:
                if lex.FIN_DE_MOT.match(donnees, arret + 1):
                    objet, marque = arret - 2, False
                    self.objets += 1
                pos = arret + 1
            elif quoi["flux"]:
                if not flux_permis:  # an object stream cannot hold streams
                    raise _Refus(MSG_PDF_ILLISIBLE)
                _imbrication(donnees, region, arret)
                # A body is skipped to the first "endstream", as viewers do when /Length
                # is wrong: one find per stream. Inside a body, that is the body's end.
                corps = quoi.end()
                fin_corps = fin if dans_un_corps else donnees.find(b"endstream", corps)
                if fin_corps < 0:
                    raise _Refus(MSG_PDF_ILLISIBLE)
                if marque:
                    self.flux_d_objets.append((objet, arret, corps, fin_corps))
                if dans_un_corps:
                    return corps
                self.sautes += fin_corps - corps
                self.corps.append((corps, fin_corps))
                pos = region = fin_corps + len(b"endstream")
            else:
                pos, marque = self._nom(donnees, quoi, marque)

    def lire_les_objets_caches(self, donnees: bytes) -> None:
        """Read each stream body from its first object header on, as a reader rebuilding
        the xref would find it: a body's bytes are read once, and searched once."""
        for debut, fin in self.corps:
            while (mot := lex.MOT_OBJ.search(donnees, debut, fin)) is not None:
                debut = mot.end()
                avant = donnees[max(0, mot.start() - 64) : mot.start()][::-1]
                if not lex.ENTETE_A_L_ENVERS.match(avant):  # not "n g obj": a word
                    self._compter()
                    continue
                debut = self.lire(donnees, flux_permis=True, debut=mot.start(), fin=fin)
                self.sautes -= debut - mot.start()  # read after all: counts in the budget

    def _compter(self) -> None:
        self.evenements += 1
        if self.evenements > EVENEMENTS_MAX:
            raise _Refus(MSG_PDF_COMPLEXE)

    def lire_les_flux_d_objets(self, donnees: bytes) -> None:
        # After the file, when the bytes its stream bodies spared are known.
        reste = LECTURE_MAX - (len(donnees) - self.sautes)
        for objet, arret, corps, fin in self.flux_d_objets:
            contenu = _decoder(donnees[objet:arret], donnees[corps:fin], reste + 1)
            if contenu is None:
                self.refus.add(MSG_PDF_ILLISIBLE)  # not fatal: other reasons may say more
                continue
            reste -= len(contenu)
            if reste < 0:
                raise _Refus(MSG_PDF_COMPLEXE)
            self.pages = self.pages or bool(lex.PAGE.search(contenu))
            self.lire(contenu, flux_permis=False)

    def _nom(self, donnees: bytes, quoi: re.Match, marque: bool) -> tuple[int, bool]:
        fin, brut = quoi.end(), quoi["nom"][1:]
        if b"#" in brut:
            brut = lex.ECHAPPEMENT_NOM.sub(lambda m: bytes([int(m[1], 16)]), brut)
        nom = brut.decode("latin-1")
        if nom == "Encrypt":
            raise _Refus(MSG_PDF_CHIFFRE)
        if nom in NOMS_INTERDITS:
            self.refus.add(MSG_PDF_ACTIF)
        elif nom == "First" or (nom == "Type" and _OBJSTM.match(donnees, fin)):
            marque = True  # /First is required in an object stream's dictionary
        elif nom == "S" and (_ACTION.match(donnees, fin) or lex.REFERENCE.match(donnees, fin)):
            self.refus.add(MSG_PDF_ACTIF)  # an action type given indirectly is not checkable
        elif nom in ACTIONS_INTERDITES and _valeur_de_s(donnees, quoi.start()):
            self.refus.add(MSG_PDF_ACTIF)
        elif nom in ("URI", "Base"):
            fin = self._lien(donnees, fin)
        return fin, marque

    def _lien(self, donnees: bytes, fin: int) -> int:
        """Check the target after /URI or /Base; return where reading goes on."""
        debut = lex.ESPACES.match(donnees, fin).end()
        if donnees.startswith(b"(", debut) or (
            donnees.startswith(b"<", debut) and not donnees.startswith(b"<<", debut)
        ):
            chaine = (lex.CHAINE if donnees[debut] == ord("(") else lex.HEXA).match(donnees, debut)
            if chaine is None:
                raise _Refus(MSG_PDF_ILLISIBLE)
            if not lien_permis(donnees[debut : min(chaine.end(), debut + LIEN_PREFIXE)]):
                self.refus.add(MSG_PDF_ACTIF)
            return chaine.end()
        if lex.REFERENCE.match(donnees, fin):
            self.refus.add(MSG_PDF_ACTIF)  # a target given indirectly is not checkable here
        return fin


def _valeur_de_s(donnees: bytes, debut: int) -> bool:
    """Whether the name at `debut` is the value of /S. Only whitespace can stand between
    them here: /S followed by a comment stops the pass on /S itself."""
    avant = donnees[max(0, debut - 64) : debut].rstrip(lex.BLANC_OCTETS)
    return not avant or avant.endswith(b"/S")  # a window all blank: assume the worst


def _decoder(dictionnaire: bytes, corps: bytes, limite: int) -> bytes | None:
    """An object stream's content, at most `limite` bytes (a zip bomb stops there); None
    if it is not read here: object streams are Flate or plain, without predictors."""
    if lex.PARAMETRES.search(dictionnaire):
        return None
    if lex.FLATE.search(dictionnaire):
        try:
            return zlib.decompressobj().decompress(corps, limite)
        except zlib.error:
            return None
    return None if lex.FILTRE.search(dictionnaire) else corps[:limite]


def _imbrication(donnees: bytes, debut: int, fin: int) -> None:
    # Our pass does not recurse, but some viewers do: "[[[[…" is refused as broken.
    for imbrique in _IMBRIQUES:
        if donnees.find(imbrique, debut, fin) >= 0:
            raise _Refus(MSG_PDF_ILLISIBLE)


def lien_permis(jeton: bytes) -> bool:
    """Whether a link target (a string token, possibly cut) is an http(s) or mailto URI."""
    if jeton.startswith(b"<"):
        chiffres = re.sub(rb"[^0-9A-Fa-f]", b"", jeton)
        octets = bytes.fromhex((chiffres + b"0" * (len(chiffres) % 2)).decode("ascii"))
    else:
        octets = _ECHAPPEMENT.sub(_decoder_echappement, jeton[1:])
    if octets.startswith(b"\xfe\xff"):
        texte = octets[2:].decode("utf-16-be", "replace")
    elif octets.startswith(b"\xef\xbb\xbf"):
        texte = octets[3:].decode("utf-8", "replace")
    else:
        texte = octets.decode("latin-1")
    # URL parsers drop whitespace and control characters, even inside "java\tscript:".
    texte = "".join(c for c in texte if c.isprintable() and not c.isspace())
    return texte.lower().startswith(SCHEMAS_PERMIS)


def _decoder_echappement(echappement: re.Match) -> bytes:
    octal, fin_de_ligne, caractere = echappement.groups()
    if octal:
        return bytes([int(octal, 8) & 0xFF])
    if fin_de_ligne:
        return b""  # a backslash before a line break continues the string
    return _ECHAPPEMENTS.get(caractere, caractere)
