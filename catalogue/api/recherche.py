"""FHIR search: the parameters each type supports (``patient``, ``_id``, ``date``,
``category``, ``code``, ``_lastUpdated`` where they apply, and the result parameters
``_count``, ``_page``, ``_sort``, ``_summary=count``, ``_total``), their parsing, and the
searchset Bundle with its paging links.

As the specification says (R4 §3.1.1.5.7): an unknown or unsupported parameter is ignored
and left out of ``Bundle.link[self]``, so the client sees what was applied; with
``Prefer: handling=strict`` it is a 400. A malformed value of a supported parameter is a
400; ``_count`` above the maximum is capped. The CapabilityStatement lists exactly these."""

from __future__ import annotations

import re
import uuid
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils import timezone

from catalogue.api.erreurs import ErreurApi
from catalogue.api.ressources import TYPE_DU_CODE
from dossier.public import SYSTEME_CATEGORIE_DOCUMENT, SYSTEME_CATEGORIE_OBSERVATION
from espace_sante.lib.requetes import RECHERCHE, HorsBornes, date_bornee

# Result parameters, for every type (``_format`` is read by the content negotiation).
RESULTAT = {"_count", "_page", "_sort", "_summary", "_total", "_format"}
COMMUNS = RESULTAT | {"patient", "subject", "_id", "_lastUpdated"}
PARAMETRES = {
    "Patient": RESULTAT | {"_id"},
    "DocumentReference": COMMUNS | {"date", "category"},
    "Observation": COMMUNS | {"date", "category", "code"},
    "AllergyIntolerance": COMMUNS | {"date"},
    "Immunization": COMMUNS | {"date"},
    "Condition": COMMUNS,
    "MedicationStatement": COMMUNS,
}
# Patient/$everything's parameters.
TOUT = {"_count", "_page", "_format", "_type", "_since", "start", "end"}
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
    """``_count`` above the maximum is capped (the self link says the count applied)."""
    count = _entier(params.get("_count", str(COUNT_DEFAUT)), "_count", 0, 1_000_000)
    if count > COUNT_MAX:
        params.setlist("_count", [str(COUNT_MAX)])
    page = _entier(params.get("_page", "1"), "_page", 1, 100_000)
    return min(count, COUNT_MAX), page


# The values of result parameters this server applies; another value is ignored.
VALEURS = {
    "_summary": {"count", "false"},
    "_total": {"none", "estimate", "accurate"},
    "_sort": {"date", "-date", "_lastUpdated", "-_lastUpdated"},
}


def parametres(request, permis: set[str]) -> QueryDict:
    """The search's parameters (the query string, and the form body of ``POST _search``)
    that this server applies; the others are dropped, or refused with
    ``Prefer: handling=strict``."""
    brut = request.GET.copy()
    if request.method == "POST":
        if request.content_type == "application/x-www-form-urlencoded":
            for nom, valeurs in request.POST.lists():
                brut.setlist(nom, brut.getlist(nom) + valeurs)
        elif request.META.get("CONTENT_LENGTH") not in (None, "", "0"):
            raise ErreurApi(415, "POST _search : paramètres en application/x-www-form-urlencoded.")
    retenus, ignores = QueryDict(mutable=True), []
    for nom, valeurs in brut.lists():
        gardees = [v for v in valeurs if nom not in VALEURS or v in VALEURS[nom]]
        if nom not in permis or not gardees:
            ignores.append(nom)
        else:
            retenus.setlist(nom, gardees)
    strict = "handling=strict" in request.headers.get("Prefer", "").replace(" ", "")
    if ignores and strict:
        raise ErreurApi(400, f"Paramètre de recherche non pris en charge : {sorted(ignores)[0]}.")
    return retenus


def trier(qs: QuerySet, params, champ_date: str | None) -> QuerySet:
    champs = {"date": champ_date, "_lastUpdated": "modifie_le"}
    ordre = []
    for cle in ",".join(params.getlist("_sort")).split(","):
        champ = champs.get(cle.removeprefix("-"))
        if champ:
            ordre.append(f"-{champ}" if cle.startswith("-") else champ)
    return qs.order_by(*ordre, "-pk") if ordre else qs


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
    if params.getlist("_lastUpdated"):
        qs = qs.filter(filtre_date("modifie_le", params.getlist("_lastUpdated"), jour=False))
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
    return trier(qs, params, champ_date)


def depuis(qs: QuerySet, params, champ_date: str | None) -> QuerySet:
    """$everything's ``_since`` (changed since an instant) and ``start``/``end`` (the
    items' clinical date, within the range; an item without one stays)."""
    if params.getlist("_since"):
        qs = qs.filter(filtre_date("modifie_le", [f"ge{params['_since']}"], jour=False))
    if champ_date:
        jour = qs.model._meta.get_field(champ_date).get_internal_type() == "DateField"
        bornes = [f"ge{params['start']}"] if params.get("start") else []
        bornes += [f"le{params['end']}"] if params.get("end") else []
        if bornes:
            qs = qs.filter(filtre_date(champ_date, bornes, jour=jour))
    return qs


def bundle(request, params, *, entrees: list[dict], total: int, count: int, page: int) -> dict:
    """A searchset Bundle of one page, with its self/next/previous links: the links carry
    the parameters applied (``params``), never those ignored. ``_summary=count`` gives the
    total alone, ``_total=none`` leaves it out."""
    base = request.build_absolute_uri("/fhir/").rstrip("/")
    chemin = request.build_absolute_uri(request.path).removesuffix("/_search")
    compter = params.get("_summary") == "count"
    params = {k: v for k, v in params.lists() if k != "_page"}
    liens = [("self", page)]
    if page * count < total and count:
        liens.append(("next", page + 1))
    if page > 1:
        liens.append(("previous", page - 1))
    if compter:
        liens, entrees = [("self", page)], []
    corps = {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": total,
        "link": [
            {
                "relation": relation,
                "url": f"{chemin}?" + urlencode({**params, "_page": [str(numero)]}, doseq=True),
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
    if params.get("_total") == ["none"] and not compter:
        del corps["total"]
    return corps
