"""Creating through the API, for connected devices and apps: an Observation (a measure,
checked against the record's bounds) or a DocumentReference (its file through the upload
checks). Both go through the record's services, so they appear in the record as added by
the service, are journaled there, and obey the same limits as the person's own uploads.

400: not a valid FHIR resource; 403: no consented ``.c`` scope; 415: not FHIR JSON;
422: a valid resource the record cannot take (unknown measure, improbable value, refused
file…), with the record's French message.
"""

from __future__ import annotations

import base64
import binascii
import io
from datetime import datetime, timedelta

from django.conf import settings
from django.utils import timezone
from fhir.resources.R4B.documentreference import DocumentReference
from fhir.resources.R4B.observation import Observation
from pydantic import ValidationError

from catalogue.api.erreurs import ErreurApi, reponse_fhir
from catalogue.api.ressources import TYPE_DU_CODE, document_json, mesure_json
from consentement import acces
from consentement.acces.applications import CATEGORIES_DOCUMENTS
from dossier import public as dossier
from dossier.public import DIASTOLIQUE, MESURES, SYSTEME_CATEGORIE_DOCUMENT, SYSTEME_LOINC
from espace_sante.lib import fichiers
from espace_sante.lib.requetes import CorpsTropGrand, HorsBornes, date_bornee, lire_json

STATUTS = {"final", "amended", "corrected", "preliminary"}
# The R4 value sets (required binding): a code outside them is an invalid resource (400);
# a valid code the record does not take is 422.
CODES_STATUT = {
    "Observation": STATUTS | {"registered", "cancelled", "entered-in-error", "unknown"},
    "DocumentReference": {"current", "superseded", "entered-in-error"},
}


def _lire(request, modele):
    if request.content_type not in ("application/fhir+json", "application/json"):
        raise ErreurApi(415, "Envoyez la ressource en JSON FHIR (application/fhir+json).")
    try:
        donnees = lire_json(request, taille_max=settings.TELEVERSEMENT_TAILLE_MAX * 2)
    except CorpsTropGrand as erreur:
        raise ErreurApi(413, str(erreur)) from None
    except HorsBornes as erreur:
        raise ErreurApi(400, str(erreur)) from None
    if not isinstance(donnees, dict) or donnees.get("resourceType") != modele.__name__:
        raise ErreurApi(400, f"Une ressource {modele.__name__} est attendue.")
    statut = donnees.get("status")
    if statut is not None and statut not in CODES_STATUT[modele.__name__]:
        permis = ", ".join(sorted(CODES_STATUT[modele.__name__]))
        raise ErreurApi(400, f"status : code {str(statut)[:40]!r} invalide (valeurs : {permis}).")
    try:
        return modele.model_validate(donnees)
    except (ValidationError, ValueError, TypeError) as erreur:
        premiere = str(erreur).splitlines()[0][:300]
        raise ErreurApi(400, f"Ressource {modele.__name__} invalide : {premiere}") from None


def _sujet(acteur, ressource) -> None:
    reference = getattr(ressource.subject, "reference", None) if ressource.subject else None
    if reference and reference != f"Patient/{acteur.profil.public_id}":
        raise ErreurApi(422, "subject : seul le patient de ce jeton peut être désigné.")


def _type_mesure(observation: Observation) -> str:
    codes = [c.code for c in (observation.code.coding or []) if c.system == SYSTEME_LOINC]
    for code in codes:
        if code in TYPE_DU_CODE:
            return TYPE_DU_CODE[code]
    connus = ", ".join(sorted(TYPE_DU_CODE))
    raise ErreurApi(422, f"Mesure non prise en charge : codes LOINC acceptés {connus}.")


def _quantite(quantite, type_mesure: str) -> str:
    if quantite is None or quantite.value is None:
        raise ErreurApi(422, "valueQuantity.value est requis.")
    _loinc, _affichage, _libelle, unite, ucum = MESURES[type_mesure]
    if (quantite.code or quantite.unit) not in (None, unite, ucum):
        raise ErreurApi(422, f"Unité attendue : {ucum}.")
    return f"{quantite.value}"


def _valeur(observation: Observation, type_mesure: str) -> str:
    if type_mesure != "tension":
        return _quantite(observation.valueQuantity, type_mesure)
    valeurs = {}
    for composant in observation.component or []:
        for c in composant.code.coding or []:
            if c.system == SYSTEME_LOINC:
                valeurs[c.code] = _quantite(composant.valueQuantity, type_mesure)
    systolique, diastolique = valeurs.get("8480-6"), valeurs.get(DIASTOLIQUE[0])
    if not systolique or not diastolique:
        raise ErreurApi(422, "Tension : composants systolique (8480-6) et diastolique (8462-4).")
    return f"{systolique}/{diastolique}"


def observation_creer(request, acteur) -> object:
    observation = _lire(request, Observation)
    _sujet(acteur, observation)
    if observation.status not in STATUTS:
        raise ErreurApi(422, f"status : l'une des valeurs {sorted(STATUTS)}.")
    type_mesure = _type_mesure(observation)
    quand = observation.effectiveDateTime or timezone.now()
    try:
        date_bornee(quand, instant=True)
    except HorsBornes as erreur:
        raise ErreurApi(422, f"effectiveDateTime : {erreur}") from None
    if quand > timezone.now() + timedelta(minutes=5):
        raise ErreurApi(422, "effectiveDateTime : une mesure ne peut pas être dans le futur.")
    mesure = dossier.mesure_ajouter(
        acteur=acteur,
        type_mesure=type_mesure,
        valeur=_valeur(observation, type_mesure),
        quand=quand,
    )
    return mesure, mesure_json(mesure, acteur)


def _categorie(reference: DocumentReference) -> str:
    for concept in reference.category or []:
        for c in concept.coding or []:
            if c.system == SYSTEME_CATEGORIE_DOCUMENT:
                if c.code not in CATEGORIES_DOCUMENTS:
                    raise ErreurApi(422, f"Catégorie non acceptée : {c.code}.")
                return c.code
    return "autre"


def document_creer(request, acteur) -> object:
    reference = _lire(request, DocumentReference)
    _sujet(acteur, reference)
    if len(reference.content) != 1 or not reference.content[0].attachment.data:
        raise ErreurApi(422, "Un seul contenu, avec le fichier dans attachment.data (base64).")
    piece = reference.content[0].attachment
    contenu = piece.data  # fhir.resources has already decoded the base64 into bytes
    if not isinstance(contenu, bytes):
        try:
            contenu = base64.b64decode(contenu, validate=True)
        except (binascii.Error, ValueError, TypeError):
            raise ErreurApi(400, "attachment.data n'est pas du base64 valide.") from None
    fichier = fichiers.verifier(io.BytesIO(contenu))
    if piece.contentType and piece.contentType != fichier.type_mime:
        raise ErreurApi(422, f"contentType : le fichier est en réalité {fichier.type_mime}.")
    # The document's own title is the attachment's; the description stands in without one.
    titre = (piece.title or reference.description or "").strip()
    if not titre:
        raise ErreurApi(422, "Donnez un titre au document (attachment.title ou description).")
    document = dossier.document_ajouter(
        acteur=acteur,
        fichier=fichier,
        titre=titre[:200],
        categorie=_categorie(reference),
        date_acte=_jour(piece.creation) if piece.creation else None,
    )
    return document, document_json(document, acteur)


def _jour(valeur):
    """attachment.creation as the act's date: a full date (with its time and offset, or
    without a time) within the record's bounds."""
    try:
        date_bornee(valeur, instant=isinstance(valeur, datetime))
    except HorsBornes as erreur:
        raise ErreurApi(422, f"attachment.creation : {erreur}") from None
    return valeur.date() if isinstance(valeur, datetime) else valeur


CREATEURS = {"Observation": observation_creer, "DocumentReference": document_creer}


def creer(request, acteur, type_ressource: str):
    if type_ressource not in CREATEURS:
        raise ErreurApi(405, f"Création non prise en charge pour {type_ressource}.")
    if not acces.peut_creer(acteur, type_ressource):
        raise ErreurApi(
            403, f"La personne n'a pas autorisé ce service à ajouter : {type_ressource}."
        )
    element, donnees = CREATEURS[type_ressource](request, acteur)
    version = donnees["meta"]["versionId"]
    lieu = request.build_absolute_uri(
        f"/fhir/{type_ressource}/{element.public_id}/_history/{version}"
    )
    return reponse_fhir(donnees, 201, Location=lieu, ETag=f'W/"{version}"')
