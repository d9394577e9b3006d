"""The regular expressions that read a PDF's syntax in one linear pass.

Every repetition is possessive (``*+``, ``++``): the engine never comes back to try another
split, so no input makes it backtrack (the lazy ``.*?endstream`` and the unbounded
string pattern this replaces took quadratic time), and it keeps no backtracking state
(a greedy repetition kept 1.2 GB for 20 MB of ``()``). Each alternative is anchored on
its first byte, so every byte is read once.

The pattern ``jetons()`` builds consumes the harmless tokens; it stops only where Python
must look: an object header, a stream, a link whose target is not plainly http(s) or
mailto, a name that is refused or marks an object stream, a name with #xx escapes, and
any syntax error. ``ARRET`` tells which.
"""

from __future__ import annotations

import re

BLANC = rb"\x00\t\n\x0c\r "
BLANC_OCTETS = b"\x00\t\n\x0c\r "
_REGULIER = rb"[^" + BLANC + rb"()<>\[\]{}/%]"
_REGULIER_SAUF_DIESE = rb"[^" + BLANC + rb"()<>\[\]{}/%#]"
FIN = rb"(?!" + _REGULIER + rb")"  # a name or keyword ends here
BLANCS = rb"(?:[" + BLANC + rb"]++|%[^\r\n]*+)*+"  # comments count as whitespace
CHAINE_PROFONDEUR_MAX = 16  # parentheses nested inside one literal string


def nom(*noms: str) -> bytes:
    """Names after their "/", each character plain or #xx-escaped: /J#61vaScript is /JavaScript.

    For the short searches Python makes; the pass itself stops on any name with a "#".
    """
    variantes = []
    for texte in sorted(noms, key=len, reverse=True):
        motif = b""
        for octet in texte.encode("ascii"):
            hexa = b"".join(
                b"[%c%c]" % (c, c ^ 0x20) if chr(c).isalpha() else bytes([c])
                for c in b"%02X" % octet
            )
            motif += b"(?:" + re.escape(bytes([octet])) + b"|#" + hexa + b")"
        variantes.append(motif)
    return b"(?:" + b"|".join(variantes) + b")" + FIN


def _chaine(profondeur: int) -> tuple[bytes, bytes]:
    """A literal string, parentheses balanced up to `profondeur` levels: (pattern, body)."""
    motif = corps = b""
    for _ in range(profondeur):
        interieur = rb"[^()\\]++|\\[\s\S]" + (b"|" + motif if motif else b"")
        corps = rb"(?:" + interieur + rb")*+\)"
        motif = rb"\(" + corps
    return motif, corps


CHAINE_MOTIF, _CORPS = _chaine(CHAINE_PROFONDEUR_MAX)
HEXA_MOTIF = rb"<[0-9A-Fa-f" + BLANC + rb"]*+>"
CHAINE = re.compile(CHAINE_MOTIF)
HEXA = re.compile(HEXA_MOTIF)


def _arbre(noms: list[bytes]) -> bytes:
    """Literal names as a tree of alternatives: each is rejected on its first byte."""
    branches = [FIN] if b"" in noms else []
    for initiale in sorted({n[:1] for n in noms if n}):
        suites = [n[1:] for n in noms if n[:1] == initiale]
        branches.append(re.escape(initiale) + _arbre(suites))
    return branches[0] if len(branches) == 1 else b"(?:" + b"|".join(branches) + b")"


def simple(*noms: str) -> bytes:
    """Names as written without any #xx escape (a name with one always stops the pass)."""
    return _arbre([n.encode("ascii") for n in noms])


def jetons(noms_interdits: frozenset[str], actions_interdites: frozenset[str]) -> re.Pattern:
    # A link to http(s) or mailto written plainly is read here; any other target (escaped,
    # hex, UTF-16, indirect, another scheme) stops the pass and Python decodes it.
    lien_sur = (
        rb"/"
        + simple("URI", "Base")
        + rb"["
        + BLANC
        + rb"]*+"
        + rb"(?:\((?i:https?|mailto):"
        + _CORPS
        + rb"|(?=[/\[\]]|<<|>>))"
    )
    # A name is read here unless it stops the pass. Its first byte picks one alternative,
    # whose look-ahead only knows the stopping names with that initial. A refused action
    # type stops wherever it is (Python looks back for /S); /S stops before a number (an
    # indirect type) or a comment, /Type before an object stream's type.
    arrets: dict[bytes, list[bytes]] = {}
    for n in (*noms_interdits, *actions_interdites, "Encrypt", "First", "URI", "Base"):
        arrets.setdefault(n[:1].encode(), []).append(_arbre([n[1:].encode()]))
    blancs = rb"[" + BLANC + rb"]*+"
    arrets.setdefault(b"S", []).append(blancs + rb"[0-9%]")
    echappe = _REGULIER_SAUF_DIESE + rb"*+#"
    objstm = rb"ype" + FIN + blancs + rb"(?:/(?:ObjStm" + FIN + rb"|" + echappe + rb")|%)"
    arrets.setdefault(b"T", []).append(objstm)
    debuts = [rb"[^" + BLANC + rb"()<>\[\]{}/%#" + b"".join(sorted(arrets)) + rb"]"]
    # The engine tries them in order, a few ns each: /S and /Type, the commonest, first.
    initiales = sorted(arrets, key=lambda i: (i not in b"ST", i))
    debuts += [i + rb"(?!" + b"|".join(arrets[i]) + rb")" for i in initiales]
    nom_lu = rb"(?:" + b"|".join(debuts) + rb"|" + FIN + rb")" + _REGULIER_SAUF_DIESE + rb"*+(?!#)"
    noms = rb"/" + nom_lu + rb"(?:[" + BLANC + rb"]*+/" + nom_lu + rb")*+"
    # Each alternative starts with a byte or a class: the engine rejects it on that byte.
    jeton = (
        rb"[^()%<>/j]++|"
        + noms
        + rb"|<(?:<|[0-9A-Fa-f"
        + BLANC
        + rb"]*+>)?+"  # <<, a hex string, or a stray <
        + rb"|>(?:>(?!["
        + BLANC
        + rb"]*+stream *+[\r\n])|(?!>))"  # >> unless a stream follows
        + rb"|"
        + CHAINE_MOTIF
        + rb"|%[^\r\n]*+|\)"
        + rb"|j(?:(?<!obj)|(?<="
        + _REGULIER
        + rb"obj))j*+"  # j ending anything but keyword obj
        + rb"|"
        + lien_sur
    )
    return re.compile(rb"(?:" + jeton + rb")*+")


ARRET = re.compile(
    rb"(?P<objet>(?<=ob)j)"
    rb"|(?P<flux>>>[" + BLANC + rb"]*+stream *+(?:\r\n|\r|\n))"
    rb"|(?P<nom>/" + _REGULIER + rb"*+)"
)
FIN_DE_MOT = re.compile(FIN)
# "n g obj" as a reader rebuilding the xref looks for it: the keyword first (a literal the
# engine finds at memory speed), then the two numbers before it, read backwards.
MOT_OBJ = re.compile(rb"obj(?<=[" + BLANC + rb"]obj)" + FIN)
ENTETE_A_L_ENVERS = re.compile(rb"[" + BLANC + rb"]++[0-9]++[" + BLANC + rb"]++[0-9]")
ECHAPPEMENT_NOM = re.compile(rb"#([0-9A-Fa-f]{2})")
REFERENCE = re.compile(BLANCS + rb"[0-9]++" + BLANCS + rb"[0-9]++" + BLANCS + rb"R" + FIN)
ESPACES = re.compile(BLANCS)
PAGE = re.compile(rb"/" + nom("Type") + BLANCS + rb"/" + nom("Page"))
FILTRE = re.compile(rb"/" + nom("Filter"))
FLATE = re.compile(
    rb"/"
    + nom("Filter")
    + BLANCS
    + rb"(?:\["
    + BLANCS
    + rb"/"
    + nom("FlateDecode", "Fl")
    + BLANCS
    + rb"\]|/"
    + nom("FlateDecode", "Fl")
    + rb")"
)
PARAMETRES = re.compile(rb"/" + nom("DecodeParms"))
