"""FHIR search: the parameters each type supports (``_count``, ``_page``, ``patient``,
``_id``, ``date``, ``category``, ``code`` where they apply), their parsing, and the
searchset Bundle with its paging links. An unknown parameter or a malformed value is a
400 (the CapabilityStatement lists exactly these)."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.utils import timezone

from catalogue.api.erreurs import ErreurApi
from catalogue.api.ressources import TYPE_DU_CODE
from dossier.public import SYSTEME_CATEGORIE_DOCUMENT, SYSTEME_CATEGORIE_OBSERVATION
from espace_sante.lib.requetes import RECHERCHE, HorsBornes, date_bornee

COMMUNS = {"_count", "_page", "patient", "subject", "_id"}
PARAMETRES = {
    "Patient": {"_count", "_page", "_id"},
    "DocumentReference": COMMUNS | {"date", "category"},
    "Observation": COMMUNS | {"date", "category", "code"},
    "AllergyIntolerance": COMMUNS | {"date"},
    "Immunization": COMMUNS | {"date"},
    "Condition": COMMUNS,
    "MedicationStatement": COMMUNS,
}
COUNT_DEFAUT, COUNT_MAX = 50, 200
_DATE = re.compile(
    r"^(eq|gt|lt|ge|le)?(\d{4})(?:-(\d{2})(?:-(\d{2})(T[0-9:.]+(?:Z|[+-]\d{2}:\d{2})?)?)?)?$"
)


def _entier(valeur: str, nom: str, minimum: int, maximum: int) -> int:
    try:
        nombre = int(valeur)
    except ValueError:
        raise ErreurApi(400, f"Paramètre {nom} : un entier est attendu.") from None
    if not minimum <= nombre <= maximum:
        raise ErreurApi(400, f"Paramètre {nom} : entre {minimum} et {maximum}.")
    return nombre


def pagination(params) -> tuple[int, int]:
    count = _entier(params.get("_count", str(COUNT_DEFAUT)), "_count", 0, COUNT_MAX)
    page = _entier(params.get("_page", "1"), "_page", 1, 100_000)
    return count, page


def _intervalle(valeur: str) -> tuple[str, datetime, datetime]:
    trouve = _DATE.match(valeur)
    if trouve is None:
        raise ErreurApi(400, f"Paramètre date : valeur {valeur!r} illisible (ex. ge2026-01-01).")
    prefixe, annee, mois, jour, heure = trouve.groups()
    try:
        if heure:
            debut = datetime.fromisoformat(f"{annee}-{mois}-{jour}{heure.replace('Z', '+00:00')}")
            date_bornee(debut, horizon=RECHERCHE)
            if timezone.is_naive(debut):
                debut = timezone.make_aware(debut)
            return prefixe or "eq", debut, debut + timedelta(seconds=1)
        premier = date_bornee(date(int(annee), int(mois or 1), int(jour or 1)), horizon=RECHERCHE)
        if jour:
            suivant = premier + timedelta(days=1)
        elif mois:
            suivant = (premier + timedelta(days=32)).replace(day=1)
        else:
            suivant = premier.replace(year=premier.year + 1)
    except HorsBornes as erreur:
        raise ErreurApi(400, f"Paramètre date : {erreur}") from None
    except ValueError:
        raise ErreurApi(400, f"Paramètre date : {valeur!r} n'est pas une date.") from None
    debut = timezone.make_aware(datetime.combine(premier, time.min))
    return prefixe or "eq", debut, timezone.make_aware(datetime.combine(suivant, time.min))


def filtre_date(champ: str, valeurs: list[str], *, jour: bool) -> Q:
    q = Q()
    for valeur in valeurs:
        prefixe, debut, fin = _intervalle(valeur)
        if jour:
            debut, fin = timezone.localtime(debut).date(), timezone.localtime(fin).date()
        q &= {
            "eq": Q(**{f"{champ}__gte": debut, f"{champ}__lt": fin}),
            "ge": Q(**{f"{champ}__gte": debut}),
            "gt": Q(**{f"{champ}__gte": fin}),
            "le": Q(**{f"{champ}__lt": fin}),
            "lt": Q(**{f"{champ}__lt": debut}),
        }[prefixe]
    return q


def _jetons(valeurs: list[str], systeme: str | None) -> set[str]:
    """Token values (``system|code`` or ``code``, commas for OR) in this system."""
    codes = set()
    for valeur in valeurs:
        for morceau in valeur.split(","):
            sys_, _, code = morceau.rpartition("|")
            if "|" in morceau and systeme is not None and sys_ not in ("", systeme):
                continue
            codes.add(code)
    return codes


def verifier_parametres(type_ressource: str, params) -> None:
    inconnus = set(params) - PARAMETRES[type_ressource]
    if inconnus:
        raise ErreurApi(400, f"Paramètre de recherche non pris en charge : {sorted(inconnus)[0]}.")


def filtrer(type_ressource: str, qs: QuerySet, params, *, champ_date, patient_id) -> QuerySet:
    """Apply the search parameters; another patient's id gives an empty result."""
    for nom in ("patient", "subject"):
        for valeur in params.getlist(nom):
            if valeur.removeprefix("Patient/") != patient_id:
                return qs.none()
    if params.getlist("_id"):
        ids = set()
        for valeur in ",".join(params.getlist("_id")).split(","):
            try:
                ids.add(uuid.UUID(valeur))
            except ValueError:
                return qs.none()
        qs = qs.filter(public_id__in=ids)
    if params.getlist("date") and champ_date:
        jour = qs.model._meta.get_field(champ_date).get_internal_type() == "DateField"
        qs = qs.filter(filtre_date(champ_date, params.getlist("date"), jour=jour))
    if type_ressource == "DocumentReference" and params.getlist("category"):
        qs = qs.filter(
            categorie__in=_jetons(params.getlist("category"), SYSTEME_CATEGORIE_DOCUMENT)
        )
    if type_ressource == "Observation":
        if params.getlist("category"):
            codes = _jetons(params.getlist("category"), SYSTEME_CATEGORIE_OBSERVATION)
            qs = qs if "vital-signs" in codes else qs.none()
        if params.getlist("code"):
            codes = _jetons(params.getlist("code"), "http://loinc.org")
            qs = qs.filter(type__in=[TYPE_DU_CODE[c] for c in codes if c in TYPE_DU_CODE])
    return qs


def bundle(request, *, entrees: list[dict], total: int, count: int, page: int) -> dict:
    """A searchset Bundle of one page, with its self/next/previous links."""
    base = request.build_absolute_uri("/fhir/").rstrip("/")
    params = {k: v for k, v in request.GET.lists() if k != "_page"}
    liens = [("self", page)]
    if page * count < total and count:
        liens.append(("next", page + 1))
    if page > 1:
        liens.append(("previous", page - 1))
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [
            {
                "relation": relation,
                "url": f"{request.build_absolute_uri(request.path)}?"
                + urlencode({**params, "_page": [str(numero)]}, doseq=True),
            }
            for relation, numero in liens
        ],
        "entry": [
            {
                "fullUrl": f"{base}/{r['resourceType']}/{r['id']}",
                "resource": r,
                "search": {"mode": "match"},
            }
            for r in entrees
        ],
    }
