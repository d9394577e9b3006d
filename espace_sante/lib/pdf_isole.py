"""Checking an uploaded PDF, and rewriting it, in a process of its own.

Why rewrite: a reader does not read a PDF from its first byte to its last, as our linear
check does; it fetches each object at the offset its cross-reference table gives, which
may lie inside another stream's body, in an older revision, or in an object stream, and
rebuilds the table its own way when it is broken. A check that reads the file one way
cannot vouch for every other. So the upload is read by the linear check first (every
revision, every object stream, objects written inside stream bodies as a rebuilding reader
finds them), then qpdf reads it as a viewer does and writes it again: every object it
reached, once, at the offset its new table gives, without older revisions or anything
unreferenced. That rewrite is read by the same linear check, and it is what is stored:
what a viewer reads of the stored file is what was checked.

Why a process: the linear check holds the interpreter's lock for up to a second (a page
served by the same process waited for it), and qpdf, in C++, takes seconds and gigabytes
on a file of nothing but tokens (19 MB of "/" in an array: 16 s, 2.9 GB). The child's CPU
time and memory are capped by the kernel and its wall time by the parent, which only
waits on a pipe meanwhile; it gets no secret (an empty environment, isolated mode) and
imports neither Django nor the project's settings.
"""

from __future__ import annotations

import logging
import os
import subprocess
import sys

CPU_MAX = 6  # seconds of CPU for one file: 20 MB of plain PDF needs about 2
MEMOIRE_MAX = 1024 * 1024 * 1024  # bytes of address space of the child
DUREE_MAX = 30  # wall seconds, for a loaded machine: the CPU cap comes first
# What the rewrite may weigh: object streams written back as plain objects take room.
SORTIE_MAX = 40 * 1024 * 1024

_ACCEPTE, _REFUSE = b"A", b"R"
_CHEMINS = {
    "espace_sante": os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    "espace_sante.lib": os.path.dirname(os.path.abspath(__file__)),
}

logger = logging.getLogger(__name__)


def verifier(donnees: bytes, *, complexe: str) -> tuple[bytes | None, str | None]:
    """(the rewritten PDF, None), or (None, why it is refused, in French). `complexe` is
    the reason given when the child runs out of time or memory."""
    try:
        fini = subprocess.run(
            [sys.executable, "-I", os.path.abspath(__file__)],
            input=donnees,
            capture_output=True,
            timeout=DUREE_MAX,
            env={},
            check=False,
        )
    except subprocess.TimeoutExpired:  # run() has killed the child
        return None, complexe
    sortie = fini.stdout
    if fini.returncode == 0 and sortie[:1] == _ACCEPTE:
        return sortie[1:], None
    if fini.returncode == 0 and sortie[:1] == _REFUSE:
        return None, sortie[1:].decode()
    # Killed at its CPU cap, out of memory, or a fault: refused, and said in the log
    # (qpdf's last words, never the file's content).
    logger.warning(
        "Vérification PDF interrompue (code %s) : %s",
        fini.returncode,
        fini.stderr[-500:].decode(errors="replace"),
    )
    return None, complexe


def _reecrire(donnees: bytes, fichiers_pdf) -> tuple[bytes | None, str | None]:
    """In the child: qpdf's reading of the upload, written again, and read by the check."""
    import io

    import pikepdf

    try:
        pdf = _ouvrir(donnees, pikepdf)
        if pdf.is_encrypted:
            return None, fichiers_pdf.MSG_PDF_CHIFFRE
        sortie = io.BytesIO()
        pdf.save(
            sortie,
            # Every object written plainly, so that the check reads each one.
            object_stream_mode=pikepdf.ObjectStreamMode.disable,
            # Stream data copied as it came: no filter run on the attacker's bytes.
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
            compress_streams=False,
            fix_metadata_version=False,
            deterministic_id=True,  # the same upload, the same stored bytes
        )
    except (pikepdf.PdfError, pikepdf.PasswordError, ValueError, RuntimeError):
        # qpdf reads a file it ran out of memory for as damaged: say which it was.
        return None, (
            fichiers_pdf.MSG_PDF_COMPLEXE
            if _memoire_presque_pleine()
            else fichiers_pdf.MSG_PDF_ILLISIBLE
        )
    reecrit = sortie.getvalue()
    if len(reecrit) > SORTIE_MAX:
        return None, fichiers_pdf.MSG_PDF_COMPLEXE
    if motif := fichiers_pdf.motif_de_refus(reecrit):
        return None, motif
    return reecrit, None


def _memoire_presque_pleine() -> bool:
    import resource

    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024 > MEMOIRE_MAX // 2


def _ouvrir(donnees: bytes, pikepdf):
    # qpdf reads a file natively, and many times faster than through a Python stream: an
    # anonymous in-memory file gives it one without writing the document to any disk.
    if hasattr(os, "memfd_create"):
        fd = os.memfd_create("pdf")
        with open(fd, "wb", closefd=False) as fichier:
            fichier.write(donnees)
        return pikepdf.open(f"/proc/self/fd/{fd}")
    import io

    return pikepdf.open(io.BytesIO(donnees))


def _enfant() -> None:
    import resource
    import types

    resource.setrlimit(resource.RLIMIT_CPU, (CPU_MAX, CPU_MAX + 1))
    resource.setrlimit(resource.RLIMIT_AS, (MEMOIRE_MAX, MEMOIRE_MAX))
    # qpdf says a word for each damaged object, through Python's logging: a hostile file
    # would fill the parent's memory with them.
    logging.disable(logging.CRITICAL)
    # The check's two modules without the project's package (Django, Celery, settings).
    for nom, chemin in _CHEMINS.items():
        sys.modules[nom] = paquet = types.ModuleType(nom)
        paquet.__path__ = [chemin]
    from espace_sante.lib import fichiers_pdf

    donnees = sys.stdin.buffer.read()
    motif = fichiers_pdf.motif_de_refus(donnees)
    reecrit = None
    if motif is None:
        reecrit, motif = _reecrire(donnees, fichiers_pdf)
    if motif is None:
        sys.stdout.buffer.write(_ACCEPTE + reecrit)
    else:
        sys.stdout.buffer.write(_REFUSE + motif.encode())


if __name__ == "__main__":
    _enfant()
