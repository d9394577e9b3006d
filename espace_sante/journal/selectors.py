"""Reading the journal: chain verification, against the signed checkpoints.

A chain is intact when every row follows the one before it, its HMAC matches its
content, the head row names its last entry, every (rank, hash) that a signed
checkpoint recorded or the witness saw committed is still there, no rank was seen with
two hashes (a fork: the tail erased and written again), and the chain reaches the
highest head that a checkpoint, the witness or a restore record saw. The last two tests are the ones that do
not trust the database at all: checkpoints and witness live outside it (points.py,
temoin.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from espace_sante.journal import points
from espace_sante.journal.models import HASH_ORIGINE, Entree, TeteChaine
from espace_sante.journal.points import Anomalie, Registre, Scelle


@dataclass(frozen=True)
class Rupture:
    chaine: str
    entree_id: int | None
    rang: int
    motif: str

    def __str__(self) -> str:
        ou = f"entrée n° {self.entree_id}" if self.entree_id else "fin de chaîne"
        return f"Chaîne « {self.chaine} », rang {self.rang} ({ou}) : {self.motif}"


def _motif_ligne(entree: Entree, attendu: int, precedent: str, scelle: Scelle | None) -> str:
    if entree.rang != attendu:
        if entree.rang > attendu:
            return f"l'entrée de rang {attendu} manque (supprimée ?)"
        return "rang dupliqué ou réordonné"
    if entree.hash_precedent != precedent:
        return "ne suit pas l'entrée précédente (réordonnée ?)"
    if entree.calculer_hash() != entree.hash:
        return "contenu modifié après écriture (ou empreinte calculée sans la clé du journal)"
    if scelle is not None and scelle.hash != entree.hash:
        return f"ne correspond plus au {scelle.libelle} : la chaîne a été réécrite"
    return ""


def parcourir(
    chaine: str,
    *,
    depuis: tuple[int, str] = (0, HASH_ORIGINE),
    jusqua: int | None = None,
    scelles: dict[int, Scelle] | None = None,
) -> tuple[Rupture | None, int, str]:
    """Walk a chain in order after ``depuis`` (rank, hash), up to ``jusqua``.

    Return the first broken row (or None) and the (rank, hash) reached.
    """
    (rang, precedent), scelles = depuis, scelles or {}
    lignes = Entree.objects.filter(chaine=chaine, rang__gt=rang)
    if jusqua is not None:
        lignes = lignes.filter(rang__lte=jusqua)
    for entree in lignes.order_by("rang").iterator(chunk_size=2000):
        motif = _motif_ligne(entree, rang + 1, precedent, scelles.get(entree.rang))
        if motif:
            return Rupture(chaine, entree.pk, entree.rang, motif), rang, precedent
        rang, precedent = entree.rang, entree.hash
    return None, rang, precedent


def verifier_chaine(chaine: str, *, registre: Registre | None = None) -> Rupture | None:
    """The first broken row of one chain, or None if intact (checkpoints included)."""
    registre = points.lire(chaine=chaine) if registre is None else registre
    if fourche := rupture_fourche(chaine, registre):
        return fourche
    rupture, rang, precedent = parcourir(chaine, scelles=registre.sceaux(chaine))
    if rupture is not None:
        return rupture
    tete = TeteChaine.objects.filter(chaine=chaine).first()
    if tete is not None and (tete.rang != rang or tete.hash != precedent):
        return Rupture(
            chaine, None, tete.rang, "des entrées en fin de chaîne manquent (supprimées ?)"
        )
    plancher = registre.planchers.get(chaine)
    if plancher is not None and plancher.rang > rang:
        return Rupture(
            chaine,
            None,
            rang,
            f"la chaîne s'arrête au rang {rang} alors que le {plancher.libelle} atteste le rang "
            f"{plancher.rang} : des entrées ont été supprimées et la tête de chaîne a reculé "
            "(ou la base a été restaurée sans réancrage : journal_restauration)",
        )
    if plancher is not None and plancher.rang == rang and plancher.hash != precedent:
        return Rupture(
            chaine,
            None,
            rang,
            f"la dernière entrée n'a plus l'empreinte attestée par le {plancher.libelle} : "
            "la fin de la chaîne a été réécrite",
        )
    return None


def rupture_fourche(chaine: str, registre: Registre) -> Rupture | None:
    """Two different hashes seen committed at one rank, with no restore between them."""
    for rang, premier, ensuite in registre.fourches(chaine)[:1]:
        return Rupture(
            chaine,
            None,
            rang,
            f"deux entrées différentes ont été vues au rang {rang} : d'abord par le "
            f"{premier.libelle}, puis par le {ensuite.libelle} — la fin de la chaîne a été "
            "effacée puis réécrite (ou la base restaurée sans réancrage : journal_restauration)",
        )
    return None


def chaines(registre: Registre | None = None) -> list[str]:
    """Every chain the database or the checkpoints know (a chain may vanish from one)."""
    noms = set(TeteChaine.objects.values_list("chaine", flat=True))
    noms.update(Entree.objects.values_list("chaine", flat=True).distinct())
    if registre is not None:
        noms.update(registre.planchers)
        noms.update(registre.vus.fourches)
    return sorted(noms)


def verifier(a_verifier: list[str] | None = None) -> list[Rupture | Anomalie]:
    """Check the checkpoint files, then each chain (all of them by default)."""
    registre = points.lire(chaine=a_verifier[0] if a_verifier and len(a_verifier) == 1 else None)
    noms = chaines(registre) if a_verifier is None else a_verifier
    ruptures = [r for c in noms if (r := verifier_chaine(c, registre=registre)) is not None]
    return [*registre.anomalies, *ruptures]


def verifier_tout() -> list[Rupture | Anomalie]:
    return verifier()


def verifier_profil(profil) -> Rupture | Anomalie | None:
    """What the patient's "Vérifier" shows: their chain, and checkpoints one can trust.

    A damaged checkpoint file means the chain can no longer be vouched for: say so. An
    unreadable witness line names no chain: it is the operator's (journal_verify, the
    health check), never shown as tampering of this patient's record.
    """
    resultats = verifier([f"profil:{profil.pk}"])
    return next((r for r in resultats if not getattr(r, "exploitation", False)), None)
