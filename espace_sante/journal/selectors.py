"""Reading the journal: a profile's history and chain verification."""

from __future__ import annotations

from dataclasses import dataclass

from espace_sante.journal.models import HASH_ORIGINE, Entree, TeteChaine


@dataclass(frozen=True)
class Rupture:
    chaine: str
    entree_id: int | None
    rang: int
    motif: str

    def __str__(self) -> str:
        ou = f"entrée n° {self.entree_id}" if self.entree_id else "fin de chaîne"
        return f"Chaîne « {self.chaine} », rang {self.rang} ({ou}) : {self.motif}"


def verifier_chaine(chaine: str) -> Rupture | None:
    """Walk one chain in order; return the first broken row, or None if intact."""
    attendu, precedent = 1, HASH_ORIGINE
    lignes = Entree.objects.filter(chaine=chaine).order_by("rang").iterator(chunk_size=2000)
    for entree in lignes:
        if entree.rang != attendu:
            motif = (
                f"l'entrée de rang {attendu} manque (supprimée ?)"
                if entree.rang > attendu
                else "rang dupliqué ou réordonné"
            )
            return Rupture(chaine, entree.pk, entree.rang, motif)
        if entree.hash_precedent != precedent:
            return Rupture(
                chaine, entree.pk, entree.rang, "ne suit pas l'entrée précédente (réordonnée ?)"
            )
        if entree.calculer_hash() != entree.hash:
            return Rupture(chaine, entree.pk, entree.rang, "contenu modifié après écriture")
        attendu, precedent = attendu + 1, entree.hash
    tete = TeteChaine.objects.filter(chaine=chaine).first()
    if tete is not None and (tete.rang != attendu - 1 or tete.hash != precedent):
        return Rupture(
            chaine, None, tete.rang, "des entrées en fin de chaîne manquent (supprimées ?)"
        )
    return None


def chaines() -> list[str]:
    noms = set(TeteChaine.objects.values_list("chaine", flat=True))
    noms.update(Entree.objects.values_list("chaine", flat=True).distinct())
    return sorted(noms)


def verifier_tout() -> list[Rupture]:
    return [r for c in chaines() if (r := verifier_chaine(c)) is not None]


def verifier_profil(profil) -> Rupture | None:
    return verifier_chaine(f"profil:{profil.pk}")
