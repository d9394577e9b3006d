"""Default profession matrix: which categories of the record each profession sees.

Loaded by a data migration; admins change it in Django admin. Principle: a
profession sees what its care needs. Every profession sees allergies and current
treatments (safety); advance directives and the organ-donation position go to those
who accompany the end of life (physicians, nurses) only.
"""

from __future__ import annotations

from consentement.enums import Categorie as C
from espace_sante.comptes.enums import Profession as P

SECURITE = {C.ALLERGIES, C.TRAITEMENTS}

DEFAUTS: dict[str, set[str]] = {
    P.MEDECIN: set(C.values),
    P.INFIRMIER: SECURITE
    | {
        C.COMPTE_RENDU,
        C.BIOLOGIE,
        C.ORDONNANCE,
        C.VACCINATION,
        C.HOSPITALISATION,
        C.ANTECEDENTS,
        C.MESURES,
        C.DIRECTIVES_ANTICIPEES,
        C.PERSONNES_A_PREVENIR,
    },
    P.SAGE_FEMME: SECURITE
    | {
        C.COMPTE_RENDU,
        C.BIOLOGIE,
        C.IMAGERIE,
        C.ORDONNANCE,
        C.VACCINATION,
        C.HOSPITALISATION,
        C.ANTECEDENTS,
        C.MESURES,
        C.PERSONNES_A_PREVENIR,
    },
    P.PHARMACIEN: SECURITE | {C.ORDONNANCE, C.VACCINATION, C.BIOLOGIE, C.MESURES},
    P.CHIRURGIEN_DENTISTE: SECURITE | {C.COMPTE_RENDU, C.IMAGERIE, C.ORDONNANCE, C.ANTECEDENTS},
    P.MASSEUR_KINESITHERAPEUTE: SECURITE
    | {C.COMPTE_RENDU, C.IMAGERIE, C.ORDONNANCE, C.ANTECEDENTS, C.MESURES},
}


def lignes(modele):
    return [
        modele(
            profession=profession, categorie=categorie, autorise=categorie in DEFAUTS[profession]
        )
        for profession in P.values
        for categorie in C.values
    ]


def initialiser(modele=None) -> None:
    """Insert the default rows that are missing (an admin's changes are kept)."""
    if modele is None:
        from consentement.models import MatriceProfession as modele
    modele.objects.bulk_create(lignes(modele), ignore_conflicts=True)
