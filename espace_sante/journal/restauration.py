"""Re-anchoring the journal after a legitimate restore from a backup.

A database restored to an earlier point has chains that stop before what the signed
checkpoints and the witness saw: exactly what a truncation looks like. The operator who
holds the signing key then writes a **restore record**: one signed line of the checkpoint
sequence, of type "restauration", naming for each chain that went back the head it starts
again from and the head it had reached (what the restore lost), with the operator's name
and reason. Verification accepts each named head as the chain's new anchor and lists every
restore it finds; a chain the record does not name is judged as before.

A chain is re-anchored only if its going back is what a restore does: the chain left in
the database is intact (HMAC) and still matches every checkpoint up to its head, and
everything it lost was written *after* the newest entry the restored database holds (the
restore point): an entry the witness saw, or a checkpoint sealed, before that point would
be in the backup, so its absence is a deletion, refused and still reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Profil
from espace_sante.journal import points
from espace_sante.journal.enums import Action
from espace_sante.journal.models import HASH_ORIGINE, Entree, TeteChaine
from espace_sante.journal.selectors import Rupture, parcourir
from espace_sante.journal.services import ecrire, en_retard, verrouiller_points


@dataclass
class Reancrage:
    numero: int | None = None
    fichier: Path | None = None
    point_de_restauration: datetime | None = None
    # chain → (rank it starts again from, rank it had reached)
    reancrees: dict[str, tuple[int, int]] = field(default_factory=dict)
    refus: list[Rupture] = field(default_factory=list)


def _perte_inexpliquee(
    chaine: str, registre: points.Registre, rang: int, restauration: datetime | None
) -> str:
    """Why losing this chain's ranks above ``rang`` is not what a restore does, if so."""
    preuves = [
        (r, vu.quand, "le témoin hors base l'a vue écrite")
        for r, vu in registre.vus.vus.get(chaine, {}).items()
        if r > rang
    ]
    preuves += [
        (r, scelle.horodatage, f"le {scelle.libelle} l'a scellée")
        for r, scelle in registre.scelles.get(chaine, {}).items()
        if r > rang
    ]
    plancher = registre.planchers[chaine]
    preuves.append((plancher.rang, plancher.quand, f"le {plancher.libelle} l'atteste"))
    for r, quand, qui in sorted(preuves):
        moment = datetime.fromisoformat(quand)
        if restauration is not None and moment <= restauration:
            return (
                f"l'entrée de rang {r} manque alors que {qui} le "
                f"{timezone.localtime(moment):%d/%m/%Y à %H:%M:%S}, avant la dernière entrée "
                "de la base restaurée : ce n'est pas une restauration, des entrées ont été "
                "supprimées"
            )
    return ""


def _examiner(
    chaine: str, registre: points.Registre, tete: tuple[int, str], restauration
) -> Rupture | None:
    rang, empreinte = tete
    plancher = registre.planchers[chaine]
    if rang == plancher.rang:
        return Rupture(
            chaine,
            None,
            rang,
            "la dernière entrée a été réécrite : une restauration ne réécrit rien",
        )
    rupture, atteint, precedent = parcourir(chaine, scelles=registre.sceaux(chaine))
    if rupture is not None:
        return rupture
    if (atteint, precedent) != (rang, empreinte):
        return Rupture(chaine, None, rang, "la tête de chaîne ne désigne pas sa dernière entrée")
    if motif := _perte_inexpliquee(chaine, registre, rang, restauration):
        return Rupture(chaine, None, rang, motif)
    return None


def _journaliser(reancrage: Reancrage, *, motif: str, operateur: str) -> None:
    """One entry on the system chain, and one on each re-anchored profile's own history."""
    perdues = sum(jusqua - rang for rang, jusqua in reancrage.reancrees.values())
    commun = {"motif": motif, "operateur": operateur, "point": reancrage.numero}
    ecrire(
        action=Action.JOURNAL_RESTAURATION,
        role=Role.SYSTEME,
        acteur_libelle=operateur,
        details={**commun, "chaines": len(reancrage.reancrees), "entrees_perdues": perdues},
    )
    ids = {int(c.split(":", 1)[1]): c for c in reancrage.reancrees if c.startswith("profil:")}
    for profil in Profil.objects.filter(pk__in=ids):
        rang, jusqua = reancrage.reancrees[ids[profil.pk]]
        ecrire(
            action=Action.JOURNAL_RESTAURATION,
            role=Role.SYSTEME,
            acteur_libelle=operateur,
            profil=profil,
            details={**commun, "rang_restaure": rang, "rang_perdu": jusqua},
        )


def reancrer(*, motif: str, operateur: str) -> Reancrage:
    """Write the signed restore record for every chain that went back as a restore does.

    Run by an operator holding JOURNAL_SIGNING_KEY, after restoring the database, with
    web and workers stopped. Refused chains are returned: they stay reported.
    """
    reancrage = Reancrage()
    with transaction.atomic():
        verrouiller_points()
        registre = points.lire()
        tetes = {c: (r, h) for c, r, h in TeteChaine.objects.values_list("chaine", "rang", "hash")}
        restauration = Entree.objects.aggregate(dernier=Max("horodatage"))["dernier"]
        reancrage.point_de_restauration = restauration
        nouvelles, perdus = {}, {}
        for chaine, plancher in sorted(registre.planchers.items()):
            tete = tetes.get(chaine, (0, HASH_ORIGINE))
            if not en_retard(plancher, *tete):
                continue
            rupture = _examiner(chaine, registre, tete, restauration)
            if rupture is not None:
                reancrage.refus.append(rupture)
                continue
            nouvelles[chaine], perdus[chaine] = tete, [plancher.rang, plancher.hash]
            reancrage.reancrees[chaine] = (tete[0], plancher.rang)
        if not nouvelles:
            return reancrage
        reancrage.numero = registre.numero + 1
        # Written before the line, in the same transaction: the line names the heads
        # as they were restored, and these entries extend them.
        _journaliser(reancrage, motif=motif, operateur=operateur)
        reancrage.fichier = points.ajouter(
            registre,
            nouvelles,
            timezone.now(),
            type="restauration",
            motif=motif,
            operateur=operateur,
            point_de_restauration=restauration.isoformat() if restauration else None,
            perdus=perdus,
            temoins=registre.temoin.positions,
        )
    return reancrage
