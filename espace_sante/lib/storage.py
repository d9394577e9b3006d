"""A storage that encrypts every file before it reaches the underlying storage.

Files are written in the streaming envelope format (crypto.encrypt_stream), bound to
their storage name: the name carries the object's UUID (upload_to builds it), so a
file moved to another name does not decrypt. Reading returns a file-like object that
decrypts segment by segment, so a download streams without holding the whole file.
Any Django storage may sit underneath (local disk by default, S3-compatible by
configuration): only the ciphertext ever reaches it.
"""

from __future__ import annotations

import errno
import io
import os
import time
import uuid
from collections.abc import Iterator

from django.core.files.base import File
from django.core.files.storage import FileSystemStorage
from django.utils.module_loading import import_string

from espace_sante.lib import crypto

TAILLE_MORCEAU = 64 * 1024


def morceaux(fichier, taille: int = TAILLE_MORCEAU) -> Iterator[bytes]:
    """The one stream reader: a file-like object's bytes, ``taille`` at a time, to the end
    (the caller closes the file)."""
    while morceau := fichier.read(taille):
        yield morceau


def _chunks(content) -> Iterator[bytes]:
    return content.chunks() if hasattr(content, "chunks") else morceaux(content)


class _Flux(io.RawIOBase):
    """A readable file over an iterator of byte strings (the cipher's segments, encrypting
    or decrypting); ``fermer`` closes what lies under it."""

    def __init__(self, segments: Iterator[bytes], fermer=None):
        self._segments = segments
        self._fermer = fermer
        self._buffer = b""

    def readable(self) -> bool:
        return True

    def readinto(self, b) -> int:
        while not self._buffer:
            try:
                self._buffer = next(self._segments)
            except StopIteration:
                return 0
        n = min(len(b), len(self._buffer))
        b[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        return n

    def close(self):
        if self._fermer is not None:
            self._fermer()
        super().close()


def _synchroniser(chemin: str) -> None:
    """fsync a file or a folder: what was written survives a power cut."""
    fd = os.open(chemin, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class EcritureImpossible(OSError):
    """The file store refused a write (full, read-only, failing): nothing was kept, and
    ``str()`` tells the person, in French, that the document was not stored and why."""

    CAUSES = {
        errno.ENOSPC: "l'espace de stockage du service est plein",
        errno.EDQUOT: "l'espace de stockage du service est plein",
        errno.EROFS: "le stockage des documents est momentanément en lecture seule",
    }

    def __init__(self, erreur: OSError):
        cause = self.CAUSES.get(erreur.errno, "le stockage des documents ne répond pas")
        super().__init__(
            erreur.errno,
            f"Le document n'a pas été enregistré : {cause}. Rien n'a été conservé ; "
            "réessayez plus tard, l'équipe technique est prévenue.",
        )

    def __str__(self) -> str:
        return self.strerror


class EncryptedStorage(FileSystemStorage):
    """Encrypting wrapper; ``backend`` names the storage class underneath."""

    def __init__(self, backend: str | None = None, **options):
        self._inner = import_string(backend)(**options) if backend else None
        super().__init__(**({} if backend else options))

    @staticmethod
    def aad(name: str) -> bytes:
        return f"fichier:{name}".encode()

    def _save(self, name, content):
        encrypted = File(
            io.BufferedReader(_Flux(crypto.encrypt_stream(_chunks(content), self.aad(name)))), name
        )
        if self._inner:  # an object store writes a whole object or nothing
            return self._inner._save(name, encrypted)
        # On disk: written under a temporary name, flushed to the disk (file, then folder),
        # then linked under its real name (``os.link`` never replaces an existing file, as
        # ``os.rename`` would) and the temporary name removed; removed on any failure (a
        # full or read-only disk): a half-written file never bears a real name, and none is
        # left behind (a crash's leftovers: ``partiels_purger``). The caller deletes the
        # file if its row then fails.
        provisoire = f"{name}.partiel-{uuid.uuid4().hex}"
        try:
            ecrit = super()._save(provisoire, encrypted)
            _synchroniser(self.path(ecrit))
            os.link(self.path(ecrit), self.path(name))
            os.unlink(self.path(ecrit))
            _synchroniser(os.path.dirname(self.path(name)))
        except OSError as erreur:
            try:
                os.remove(self.path(provisoire))
            except OSError:
                pass
            raise EcritureImpossible(erreur) from erreur
        return name

    def partiels_purger(self, *, age: float = 3600) -> int:
        """Delete the temporary files (``*.partiel-*``) older than ``age`` seconds: what a
        process killed mid-write left. Returns how many were deleted."""
        if self._inner:
            return 0
        limite, supprimes = time.time() - age, 0
        for dossier, _, fichiers in os.walk(self.location):
            for nom in fichiers:
                chemin = os.path.join(dossier, nom)
                try:
                    if ".partiel-" in nom and os.stat(chemin).st_mtime < limite:
                        os.unlink(chemin)
                        supprimes += 1
                except FileNotFoundError:
                    continue
        return supprimes

    def _open(self, name, mode="rb"):
        if "w" in mode or "a" in mode:
            raise ValueError("Le stockage chiffré ne s'ouvre qu'en lecture.")
        raw = self._inner._open(name, "rb") if self._inner else super()._open(name, "rb")
        return File(
            io.BufferedReader(
                _Flux(crypto.decrypt_stream(raw.read, self.aad(name)), fermer=raw.close)
            ),
            name,
        )

    def open_raw(self, name):
        """The ciphertext as stored (for key rotation and tests)."""
        return self._inner._open(name, "rb") if self._inner else super()._open(name, "rb")

    def replace_raw(self, name, data: bytes) -> None:
        target = self._inner or super()
        target.delete(name)
        saved = target._save(name, File(io.BytesIO(data), name))
        assert saved == name, "rotation must keep the file name (it is the AAD)"

    def delete(self, name):
        return self._inner.delete(name) if self._inner else super().delete(name)

    def exists(self, name):
        return self._inner.exists(name) if self._inner else super().exists(name)

    def size(self, name):
        raise NotImplementedError("La taille en clair se lit sur l'objet, pas sur le stockage.")

    def url(self, name):
        raise NotImplementedError("Les fichiers de santé ne sont servis que par une vue contrôlée.")
