"""The FHIR R4 endpoints: read, search, ``Patient/$everything``, ``Binary`` (the file,
streamed) and create (Observation, DocumentReference).

Deny by default: 401 without a valid token (``point_api``), 403 for a resource type no
consented scope covers, 404 for whatever the policy hides (another patient, a masked
item…): it does not exist for this application. Each successful read is one journal
line on the person's history, with the resource types and their counts.
"""

from __future__ import annotations

import base64
import uuid

from django.http import StreamingHttpResponse

from catalogue import services
from catalogue.api import ecriture, recherche, versions
from catalogue.api.erreurs import ErreurApi, reponse_fhir
from catalogue.api.jeton import point_api
from catalogue.api.ressources import FAMILLES, lisibles, patient_json
from consentement import acces
from dossier import public as dossier
from espace_sante.lib.refus import Introuvable
from espace_sante.lib.storage import morceaux

TYPES = ("Patient", *FAMILLES)


def _type_connu(type_ressource: str) -> None:
    if type_ressource not in TYPES:
        raise ErreurApi(404, f"Type de ressource non pris en charge : {type_ressource}.")


def _exiger_lecture(acteur, type_ressource: str) -> None:
    _type_connu(type_ressource)
    if not acces.peut_lire(acteur, type_ressource):
        raise ErreurApi(403, f"La personne n'a pas autorisé ce service à lire : {type_ressource}.")


def _uuid(valeur: str) -> uuid.UUID:
    try:
        return uuid.UUID(valeur)
    except ValueError:
        raise Introuvable from None


@point_api("search", methodes=("GET", "POST"))
def type_ressource(request, acteur, type_ressource):
    if request.method == "POST":
        return ecriture.creer(request, acteur, type_ressource)
    return _rechercher(request, acteur, type_ressource)


@point_api("search", methodes=("POST",))
def recherche_post(request, acteur, type_ressource):
    """``POST <type>/_search``: the same search, its parameters in a form body."""
    return _rechercher(request, acteur, type_ressource)


def _rechercher(request, acteur, type_ressource):
    _exiger_lecture(acteur, type_ressource)
    params = recherche.parametres(request, recherche.PARAMETRES[type_ressource])
    count, page = recherche.pagination(params)
    patient_id = str(acteur.profil.public_id)
    if type_ressource == "Patient":
        ids = ",".join(params.getlist("_id"))
        trouve = not ids or patient_id in ids.split(",")
        entrees = [patient_json(acteur)] if trouve and count and page == 1 else []
        total = 1 if trouve else 0
    else:
        famille = FAMILLES[type_ressource]
        qs = recherche.filtrer(
            type_ressource,
            famille.queryset(acteur),
            params,
            champ_date=famille.date,
            patient_id=patient_id,
        )
        total = qs.count()
        debut = (page - 1) * count
        compter = params.get("_summary") == "count"
        entrees = (
            [] if compter else [famille.vers_fhir(e, acteur) for e in qs[debut : debut + count]]
        )
    services.api_lecture(
        acteur=acteur,
        operation=f"search {type_ressource}",
        ressources={type_ressource: len(entrees)},
    )
    corps = recherche.bundle(request, params, entrees=entrees, total=total, count=count, page=page)
    return reponse_fhir(corps)


@point_api("read")
def ressource(request, acteur, type_ressource, identifiant, version=None):
    """read, and vread of the current version (older versions are not kept: 404)."""
    _exiger_lecture(acteur, type_ressource)
    if type_ressource == "Patient":
        if identifiant != str(acteur.profil.public_id):
            raise Introuvable
        donnees = patient_json(acteur)
    else:
        famille = FAMILLES[type_ressource]
        element = famille.queryset(acteur).filter(public_id=_uuid(identifiant)).first()
        if element is None:
            raise Introuvable
        donnees = famille.vers_fhir(element, acteur)
    if version is not None and version != donnees["meta"]["versionId"]:
        raise ErreurApi(404, f"Version {version} non conservée : seule la version actuelle l'est.")
    services.api_lecture(
        acteur=acteur, operation=f"read {type_ressource}", ressources={type_ressource: 1}
    )
    return versions.reponse_lue(request, donnees)


@point_api("$everything")
def tout(request, acteur, identifiant):
    """Everything the consented scopes cover, Patient first then type by type, in pages
    like a search (``_count``, ``_page``, ``next`` links): a large record costs one page
    per request, never the whole record at once. ``_type`` narrows the types, ``_since``
    to what changed since an instant, ``start``/``end`` to the items' clinical dates."""
    if identifiant != str(acteur.profil.public_id):
        raise Introuvable
    types = lisibles(acteur)
    if not types:
        raise ErreurApi(403, "La personne n'a autorisé ce service à lire aucune donnée.")
    params = recherche.parametres(request, recherche.TOUT)
    count, page = recherche.pagination(params)
    if params.getlist("_type"):
        voulus = set(",".join(params.getlist("_type")).split(","))
        types = [t for t in types if t in voulus]
    debut, fin = (page - 1) * count, page * count
    entrees, compte, total = [], {}, 0
    for type_ in types:
        qs = None
        if type_ != "Patient":
            qs = recherche.depuis(FAMILLES[type_].queryset(acteur), params, FAMILLES[type_].date)
        nombre = 1 if qs is None else qs.count()
        # The part of this type that falls in the page: [debut, fin) minus what came before.
        de, a = max(debut - total, 0), min(fin - total, nombre)
        if de < a:
            if qs is None:
                trouvees = [patient_json(acteur)]
            else:
                trouvees = [FAMILLES[type_].vers_fhir(e, acteur) for e in qs[de:a]]
            entrees += trouvees
            compte[type_] = len(trouvees)
        total += nombre
    services.api_lecture(acteur=acteur, operation="Patient/$everything", ressources=compte)
    corps = recherche.bundle(request, params, entrees=entrees, total=total, count=count, page=page)
    return reponse_fhir(corps)


def _veut_la_ressource(request) -> bool:
    """FHIR's rule for Binary: the resource (base64 ``data``) when FHIR JSON is asked for,
    the raw bytes otherwise."""
    demande = request.GET.get("_format") or request.headers.get("Accept", "")
    return "fhir+json" in demande or demande == "json"


@point_api("read", formats=False)  # the file, in its own type, whatever Accept says
def binaire(request, acteur, identifiant):
    """A document's file, decrypted and streamed chunk by chunk, with our type and name."""
    _exiger_lecture(acteur, "DocumentReference")
    document = (
        dossier.documents_visibles(acteur=acteur).filter(public_id=_uuid(identifiant)).first()
    )
    if document is None:
        raise Introuvable
    fichier = dossier.document_ouvrir(acteur=acteur, document=document, telechargement=True)
    # One line in the history: the record's own « document opened », by the service.
    if _veut_la_ressource(request):
        with fichier:  # bounded: the record's upload limit
            donnees = base64.b64encode(fichier.read()).decode()
        binaire_fhir = {
            "resourceType": "Binary",
            "id": str(document.public_id),
            "contentType": document.type_mime,
            "data": donnees,
        }
        return reponse_fhir(binaire_fhir)

    def contenu():
        with fichier:
            yield from morceaux(fichier)

    reponse = StreamingHttpResponse(contenu(), content_type=document.type_mime)
    reponse["Content-Disposition"] = f'attachment; filename="{document.nom_telechargement}"'
    reponse["X-Content-Type-Options"] = "nosniff"
    reponse["Content-Security-Policy"] = "sandbox"
    return reponse
