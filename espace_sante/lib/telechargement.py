"""Serving a decrypted health file (a record's document, a message's attachment).

Our own name and type, never the uploaded ones (and the name cleaned all the same); nosniff and a sandbox CSP so a file can
never run as a page of this site; never cached; framed only by our own pages (the
preview). One helper, so every app serves files the same way.
"""

from __future__ import annotations

from django.http import FileResponse

from espace_sante.lib.texte import nom_affichable


def reponse_fichier(flux, *, type_mime: str, taille: int, nom: str, telechargement: bool):
    reponse = FileResponse(
        flux, content_type=type_mime, as_attachment=telechargement, filename=nom_affichable(nom)
    )
    reponse["Content-Length"] = str(taille)
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "sandbox; default-src 'none'; img-src 'self'"
    reponse["Cache-Control"] = "no-store, private"
    reponse["Cross-Origin-Resource-Policy"] = "same-origin"
    reponse["X-Frame-Options"] = "SAMEORIGIN"
    return reponse
