"""The prevention calendar: the data table (``donnees/prevention.csv``, with its sources)
turned into the steps of one person, for their age and sex.

An occurrence has a stable code (``dep-sein@52a``: the step and the age it opens at), a
window of dates, and a state: done (marked by the person, or a vaccination of the record
that matches the step's keywords and is dated on or after the window's opening — a
catch-up counts — or undated), dismissed, current, late (window closed less than a year
ago), upcoming. Pure functions: the selectors give them the record and the choices.
"""

from __future__ import annotations

import csv
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from pathlib import Path

TABLE = Path(__file__).resolve().parent / "donnees" / "prevention.csv"
FAMILLES = {
    "vaccination": "Vaccinations",
    "examen_enfant": "Examens obligatoires de l'enfant",
    "bucco_dentaire": "Prévention bucco-dentaire",
    "depistage": "Dépistages organisés des cancers",
}
HORIZON = timedelta(days=3 * 365)  # upcoming steps shown up to 3 years ahead
RETARD = timedelta(days=365)  # a missed step is still shown for a year


@dataclass(frozen=True)
class Age:
    nombre: int
    unite: str  # j, m, a

    @classmethod
    def lire(cls, texte: str) -> Age:
        texte = texte.strip()
        if len(texte) < 2 or texte[-1] not in "jma" or not texte[:-1].isdigit():
            raise ValueError(f"Âge illisible dans la table de prévention : {texte!r}")
        return cls(int(texte[:-1]), texte[-1])

    def ajouter(self, naissance: date, fois: int = 1) -> date:
        n = self.nombre * fois
        if self.unite == "j":
            return naissance + timedelta(days=n)
        mois = n * (12 if self.unite == "a" else 1)
        total = naissance.month - 1 + mois
        annee, mois0 = naissance.year + total // 12, total % 12 + 1
        for jour in (naissance.day, 30, 29, 28):  # 31 March + 1 month → 30 April
            try:
                return date(annee, mois0, jour)
            except ValueError:
                continue
        raise AssertionError("unreachable")

    def __str__(self) -> str:
        return f"{self.nombre}{self.unite}"


@dataclass(frozen=True)
class Etape:
    code: str
    famille: str
    intitule: str
    sexe: str
    debut: Age
    fin: Age
    periode: Age | None
    raison: str
    source: str
    mots_cles: tuple[str, ...]


def sans_accents(texte: str) -> str:
    decompose = unicodedata.normalize("NFKD", texte.lower())
    return "".join(c for c in decompose if not unicodedata.combining(c))


@cache
def etapes() -> tuple[Etape, ...]:
    """The table, read and checked once (codes unique, known families, readable ages)."""
    lues, codes = [], set()
    with TABLE.open(encoding="utf-8", newline="") as fichier:
        for ligne in csv.DictReader(fichier, delimiter=";"):
            if ligne["code"] in codes or ligne["famille"] not in FAMILLES:
                raise ValueError(f"Ligne invalide dans la table de prévention : {ligne['code']}")
            codes.add(ligne["code"])
            lues.append(
                Etape(
                    code=ligne["code"],
                    famille=ligne["famille"],
                    intitule=ligne["intitule"],
                    sexe=ligne["sexe"],
                    debut=Age.lire(ligne["debut"]),
                    fin=Age.lire(ligne["fin"]),
                    periode=Age.lire(ligne["periode"]) if ligne["periode"] else None,
                    raison=ligne["raison"],
                    source=ligne["source"],
                    mots_cles=tuple(m for m in ligne["mots_cles"].split("|") if m),
                )
            )
    return tuple(lues)


@dataclass
class Occurrence:
    etape: Etape
    code: str
    du: date
    au: date  # last day of the window
    etat: str = ""  # fait, ecarte, en_cours, en_retard, a_venir
    fait_par_dossier: bool = False
    extra: dict = field(default_factory=dict)

    @property
    def famille_libelle(self) -> str:
        return FAMILLES[self.etape.famille]


def _ouvertures(etape: Etape, naissance: date):
    fin = etape.fin.ajouter(naissance)
    if etape.periode is None:
        yield str(etape.debut), etape.debut.ajouter(naissance), fin
        return
    k = 0
    while True:
        ouverture = _decaler(etape, naissance, k)
        if ouverture >= fin:
            return
        suivante = min(_decaler(etape, naissance, k + 1), fin)
        age = (ouverture.year - naissance.year) if etape.debut.unite == "a" else k
        yield f"{age}{etape.debut.unite}", ouverture, suivante
        k += 1


def _decaler(etape: Etape, naissance: date, k: int) -> date:
    depart = etape.debut.ajouter(naissance)
    return etape.periode.ajouter(depart, k) if k else depart


def occurrences_de(naissance: date, sexe: str) -> list[Occurrence]:
    """Every occurrence of every step for this birth date and sex, in date order."""
    resultat = []
    for etape in etapes():
        if etape.sexe != "*" and etape.sexe != sexe:
            continue
        for age, du, fin in _ouvertures(etape, naissance):
            resultat.append(Occurrence(etape, f"{etape.code}@{age}", du, fin - timedelta(days=1)))
    return sorted(resultat, key=lambda o: (o.du, o.etape.code))


def _vaccine(occurrence: Occurrence, vaccinations: list[tuple[str, date | None]]) -> bool:
    if not occurrence.etape.mots_cles:
        return False
    for libelle, quand in vaccinations:
        texte = sans_accents(libelle)
        if any(mot in texte for mot in occurrence.etape.mots_cles):
            if quand is None or quand >= occurrence.du - timedelta(days=31):
                return True
    return False


def calendrier(
    *,
    naissance: date | None,
    sexe: str,
    aujourdhui: date,
    vaccinations: list[tuple[str, date | None]],
    suivis: dict[str, str],
) -> list[Occurrence]:
    """The occurrences worth showing today, each with its state."""
    if naissance is None:
        return []
    montrees = []
    for o in occurrences_de(naissance, sexe):
        if o.code in suivis:
            o.etat = suivis[o.code]
        elif o.etape.famille == "vaccination" and _vaccine(o, vaccinations):
            o.etat, o.fait_par_dossier = "fait", True
        elif o.du > aujourdhui:
            o.etat = "a_venir"
        elif o.au >= aujourdhui:
            o.etat = "en_cours"
        else:
            o.etat = "en_retard"
        if o.au >= aujourdhui - RETARD and o.du <= aujourdhui + HORIZON:
            montrees.append(o)
    # A missed window of a recurring step is not late once the next one is open: last
    # year's flu vaccine is replaced by this year's, which is "en cours".
    ouvertes = {o.etape.code: o.du for o in montrees if o.du <= aujourdhui}
    return [
        o
        for o in montrees
        if not (o.etat == "en_retard" and ouvertes.get(o.etape.code, o.du) > o.du)
    ]


def naissances_ouvrant(jours: list[date]) -> set[date]:
    """Birth dates for which some step opens on one of ``jours`` (the daily planning looks
    these profiles up by birth date, not the whole table). Inverting month arithmetic is
    not exact at month ends, so each candidate is taken with a few days of slack; the
    caller checks each profile with ``occurrences_de``."""
    candidats = set()
    for etape in etapes():
        for jour in jours:
            for k in range(_nombre_max(etape)):
                pas = etape.debut.nombre + (etape.periode.nombre * k if etape.periode else 0)
                if etape.periode and etape.periode.unite != etape.debut.unite:
                    break  # the table's periods share the unit of the start age
                approche = Age(pas, etape.debut.unite).ajouter(date(2000, 1, 1))
                base = jour - (approche - date(2000, 1, 1))
                candidats.update(base + timedelta(days=d) for d in range(-3, 4))
    return candidats


def _nombre_max(etape: Etape) -> int:
    if etape.periode is None:
        return 1
    return max(1, (etape.fin.nombre - etape.debut.nombre) // etape.periode.nombre + 1)
