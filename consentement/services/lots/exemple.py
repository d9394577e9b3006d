"""Generated insured-persons files: the README's example, the tests and the benchmark.

Every row is valid: NIR with its key and matching birth date and sex, real-looking
names, an email for most people and a postal address for the others. One row in
``part_mineurs`` is a minor whose two legal representatives are earlier rows of the file.
"""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta

from consentement.services.lots import COLONNES
from espace_sante.lib import nir as nir_lib

NOMS = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFÈVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "N'DIAYE",
]
PRENOMS_F = ["Marie", "Camille", "Léa", "Chloé", "Inès", "Zoé", "Anaïs", "Hélène"]
PRENOMS_M = ["Jean", "Lucas", "Hugo", "Noé", "Louis", "Gabriel", "Mathéo", "Jérôme"]
COMMUNES = [
    ("75056", "75011", "Paris"),
    ("69123", "69003", "Lyon"),
    ("13055", "13001", "Marseille"),
    ("31555", "31000", "Toulouse"),
    ("59350", "59000", "Lille"),
    ("2A004", "20000", "Ajaccio"),
]


def personne(
    i: int, rnd: random.Random, naissance: date, reps: tuple[str, str] = ("", "")
) -> list[str]:
    sexe = rnd.choice("12")
    lieu, cp, commune = COMMUNES[i % len(COMMUNES)]
    # Unique for i < 3 million: the département cycles with i, commune and order carry i.
    n13 = f"{sexe}{naissance.year % 100:02d}{naissance.month:02d}{lieu[:2]}{(i // 1000) % 1000:03d}{i % 1000:03d}"
    nir = n13 + nir_lib.cle(n13)
    prenom = rnd.choice(PRENOMS_M if sexe == "1" else PRENOMS_F)
    nom = rnd.choice(NOMS)
    avec_email = i % 10 != 0  # one person in ten gets a letter
    return [
        nir,
        nom,
        "",
        f"{prenom} {rnd.choice(PRENOMS_M + PRENOMS_F)}",
        naissance.isoformat() if i % 2 else naissance.strftime("%d/%m/%Y"),
        "M" if sexe == "1" else "F",
        lieu,
        f"{prenom.lower()}.{i}@exemple.fr" if avec_email else "",
        "06 12 34 56 78" if i % 3 == 0 else "",
        f"{i % 200 + 1} rue de la République",
        cp,
        commune,
        reps[0],
        reps[1],
    ]


def lignes(n: int, *, graine: int = 2026, part_mineurs: float = 0.1, debut: int = 0):
    """n valid rows; adults born 1940-2000, minors (after two adults) born 2012-2020."""
    rnd = random.Random(graine)
    precedents: list[str] = []
    for k in range(n):
        i = debut + k
        if len(precedents) >= 2 and rnd.random() < part_mineurs:
            naissance = date(2012, 1, 1) + timedelta(days=rnd.randrange(365 * 8))
            ligne = personne(i, rnd, naissance, (precedents[-1], precedents[-2]))
        else:
            naissance = date(1940, 1, 1) + timedelta(days=rnd.randrange(365 * 60))
            ligne = personne(i, rnd, naissance)
            precedents = (precedents + [ligne[0]])[-2:]
        yield ligne


def fichier(rangs, *, separateur: str = ",", bom: bool = False) -> bytes:
    tampon = io.StringIO()
    ecrivain = csv.writer(tampon, delimiter=separateur, lineterminator="\n")
    ecrivain.writerow(COLONNES)
    ecrivain.writerows(rangs)
    return (b"\xef\xbb\xbf" if bom else b"") + tampon.getvalue().encode()
