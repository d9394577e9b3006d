"""The upload size cap, enforced before the body is read.

A request that announces a body over the cap is answered 413 before anything reads it
(the middleware runs before CSRF's check, which would read the body). A body that grows
past the cap while streaming (a lying Content-Length cannot, but a multipart with several
files can) has its file skipped by the upload handler, and the view says why.
Files are held in memory only: a health document never lands in a clear temporary file.
A write the file store refuses (full, read-only) is answered with a French 503 page.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.shortcuts import render

from espace_sante.lib.storage import EcritureImpossible

logger = logging.getLogger(__name__)

# Room for the form's other fields and the multipart boundaries.
MARGE = 64 * 1024


def taille_max() -> int:
    return settings.TELEVERSEMENT_TAILLE_MAX


def message_trop_gros() -> str:
    return f"Le fichier dépasse la taille maximale de {taille_max() // (1024 * 1024)} Mo."


class PlafondHandler(FileUploadHandler):
    def __init__(self, request=None):
        super().__init__(request)
        self.recus = 0

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.recus = 0

    def receive_data_chunk(self, raw_data, start):
        self.recus += len(raw_data)
        if self.recus > taille_max():
            self.request.televersement_trop_gros = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


class PlafondMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.televersement_trop_gros = False
        try:
            annonce = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            annonce = 0
        if annonce > taille_max() + MARGE:
            return render(request, "413.html", {"message": message_trop_gros()}, status=413)
        request.upload_handlers.insert(0, PlafondHandler(request))
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A write the file store refused (full, read-only): the person is told in French
        that nothing was stored and why (503), never the generic error page."""
        if isinstance(exception, EcritureImpossible):
            logger.error("Écriture refusée par le stockage des fichiers : %s", exception.errno)
            reponse = render(request, "503_stockage.html", {"message": str(exception)}, status=503)
            reponse["Retry-After"] = "300"
            return reponse
        return None
