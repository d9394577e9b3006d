"""Writing to the journal: one private appender, one typed constructor per event.

Callers never build an Entree themselves; they call the constructor for what
happened, inside the same transaction as the act it records.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from django.db import connection, transaction
from django.db.models.sql import InsertQuery
from django.utils import timezone

from espace_sante.comptes.enums import Role
from espace_sante.comptes.models import Profil, User
from espace_sante.journal import actions, points, temoin
from espace_sante.journal.enums import Action
from espace_sante.journal.models import HASH_ORIGINE, Entree, TeteChaine
from espace_sante.journal.selectors import Rupture, parcourir, rupture_fourche

logger = logging.getLogger(__name__)


def cle_de_chaine(*, profil: Profil | None, acteur: User | None) -> str:
    if profil is not None:
        return f"profil:{profil.pk}"
    if acteur is not None:
        return f"acteur:{acteur.pk}"
    return "systeme"


def _tete_avancer(cur, chaine: str) -> tuple[int, str]:
    """Take the next rank of the chain (creating its head if new); return (rank, previous
    hash). The row stays locked until the transaction ends: writers of one chain queue
    here, writers of other chains never wait."""
    cur.execute(
        "INSERT INTO journal_tetechaine (chaine, rang, hash) VALUES (%s, 1, %s) "
        "ON CONFLICT (chaine) DO UPDATE SET rang = journal_tetechaine.rang + 1 "
        "RETURNING rang, hash",
        [chaine, HASH_ORIGINE],
    )
    return cur.fetchone()


def _inserer(cur, entree: Entree) -> int:
    """Insert the entry and move the head's hash to it, in one statement."""
    champs = [f for f in Entree._meta.concrete_fields if not f.primary_key]
    requete = InsertQuery(Entree)
    requete.insert_values(champs, [entree])
    insertion, parametres = requete.get_compiler(connection=cur.db).as_sql()[0]
    cur.execute(
        f"WITH e AS ({insertion} RETURNING id) "
        "UPDATE journal_tetechaine SET hash = %s WHERE chaine = %s RETURNING (SELECT id FROM e)",
        [*parametres, entree.hash, entree.chaine],
    )
    return cur.fetchone()[0]


def ecrire(
    *,
    action: str,
    role: Role,
    acteur: User | None = None,
    profil: Profil | None = None,
    pour_le_compte_de: Profil | None = None,
    objet: Any = None,
    objet_type: str = "",
    objet_id: str = "",
    details: dict | None = None,
    acteur_libelle: str = "",
) -> Entree:
    """The one function that writes the journal: every app's constructors call it.

    Two round trips: take the chain's next rank (locking its head), then insert the entry
    and move the head. Inside the caller's transaction when there is one (the entry and
    the act it records commit together), else in its own. Once it commits, the new head
    is appended to the witness outside the database (temoin.py).
    """
    actions.valider(action)
    if objet is not None:
        objet_type = objet_type or objet._meta.label_lower
        objet_id = objet_id or str(getattr(objet, "public_id", None) or objet.pk)
    entree = Entree(
        acteur=acteur,
        acteur_libelle=acteur_libelle or (str(acteur) if acteur else ""),
        role=role,
        profil=profil,
        pour_le_compte_de=pour_le_compte_de,
        action=action,
        objet_type=objet_type,
        objet_id=objet_id,
        details=details or {},
        chaine=cle_de_chaine(profil=profil, acteur=acteur),
    )
    with transaction.atomic(savepoint=False), connection.cursor() as cur:
        entree.rang, precedent = _tete_avancer(cur, entree.chaine)
        entree.hash_precedent = precedent if entree.rang > 1 else HASH_ORIGINE
        entree.hash = entree.calculer_hash()
        entree.pk = _inserer(cur, entree)
        transaction.on_commit(partial(temoin.noter, entree.chaine, entree.rang, entree.hash))
    entree._state.adding, entree._state.db = False, "default"
    return entree


_ecrire = ecrire  # the kernel's own constructors below


# --- Authentication -------------------------------------------------------------


def journaliser_connexion(*, user: User, role: Role, ip: str = "") -> Entree:
    return _ecrire(action=Action.CONNEXION, role=role, acteur=user, details={"ip": ip})


def journaliser_connexion_echec(*, user: User | None, ip: str = "") -> Entree:
    return _ecrire(
        action=Action.CONNEXION_ECHEC,
        role=Role.ANONYME,
        acteur=user,
        details={"ip": ip},
    )


def journaliser_deconnexion(*, user: User, role: Role, ip: str = "") -> Entree:
    return _ecrire(action=Action.DECONNEXION, role=role, acteur=user, details={"ip": ip})


def journaliser_otp_verifie(*, user: User, role: Role, methode: str, ip: str = "") -> Entree:
    return _ecrire(
        action=Action.OTP_VERIFIE,
        role=role,
        acteur=user,
        details={"methode": methode, "ip": ip},
    )


def journaliser_otp_echec(*, user: User, role: Role, ip: str = "") -> Entree:
    return _ecrire(action=Action.OTP_ECHEC, role=role, acteur=user, details={"ip": ip})


def journaliser_otp_appareil(
    *, user: User, role: Role, methode: str, retire: bool = False
) -> Entree:
    action = Action.OTP_CODES_SECOURS if methode == "secours" else Action.OTP_APPAREIL_AJOUTE
    if retire:
        action = Action.OTP_APPAREIL_RETIRE
    return _ecrire(action=action, role=role, acteur=user, details={"methode": methode})


def journaliser_verrouillage(*, user: User | None, portee: str, motif: str, ip: str = "") -> Entree:
    return _ecrire(
        action=Action.VERROUILLAGE,
        role=Role.ANONYME if user is None else Role.SYSTEME,
        acteur=user,
        details={"portee": portee, "motif": motif, "ip": ip},
    )


# --- Operations -------------------------------------------------------------------


def journaliser_rotation_cles(*, cle_active: str, compte: int) -> Entree:
    return _ecrire(
        action=Action.CLES_ROTATION,
        role=Role.SYSTEME,
        details={"cle_active": cle_active, "objets_reenveloppes": compte},
    )


# --- Signed checkpoints of the chain heads -----------------------------------------------

# One checkpoint writer at a time, whichever process runs it (beat's task or the
# command): two lines chained to the same predecessor would read as a forged sequence.
_VERROU_POINTS = 0x6A6F75726E616C  # "journal"


@dataclass
class PointEcrit:
    numero: int | None = None
    fichier: Path | None = None
    tetes: int = 0
    refus: list[Rupture] = field(default_factory=list)


def point_de_controle_ecrire() -> PointEcrit:
    """Checkpoint every chain head that moved since the last checkpoint.

    A head is sealed only if its chain still holds the last sealed (rank, hash) and every
    (rank, hash) the witness outside the database saw committed, saw no rank with two
    hashes (a fork), runs on intact, and has not gone back behind what the witness saw:
    sealing a rewritten, truncated or rolled-back chain would make it look legitimate to
    every later verification. Refused chains are returned (and logged) for the operator,
    and what the witness saw of them is carried in the line ("planchers", "temoins_dus"),
    so it stays owed; the others are sealed all the same.
    """
    resultat = PointEcrit()
    with transaction.atomic():
        verrouiller_points()
        # The witness is read before the heads: a head it saw was committed before.
        registre = points.lire()
        tetes, refus, vues = {}, set(), set()
        lignes = TeteChaine.objects.filter(rang__gt=0).order_by("chaine")
        for chaine, rang, empreinte in lignes.values_list("chaine", "rang", "hash").iterator():
            vues.add(chaine)
            dernier, plancher = registre.dernier(chaine), registre.planchers.get(chaine)
            scelle = dernier is not None and (dernier.rang, dernier.hash) == (rang, empreinte)
            temoigne = chaine in registre.vus.vus
            if scelle and not temoigne and not en_retard(plancher, rang, empreinte):
                continue
            rupture = _prolongement(chaine, registre, rang, empreinte)
            if rupture is not None:
                refus.add(chaine)
                resultat.refus.append(rupture)
            elif not scelle:
                tetes[chaine] = (rang, empreinte)
        for chaine in sorted(set(registre.planchers) - vues):  # a head gone, or back to 0
            if (plancher := registre.planchers[chaine]).rang > 0:
                refus.add(chaine)
                resultat.refus.append(_recul(chaine, plancher, 0))
        for rupture in resultat.refus:
            logger.error("Point de contrôle refusé — %s", rupture)
        for anomalie in registre.anomalies:
            if anomalie.exploitation:
                logger.error("Point de contrôle — %s", anomalie)
                temoin.signaler_illisible()
        if tetes:
            dus = {c: registre.planchers[c] for c in sorted(refus) if c in registre.planchers}
            resultat.fichier = points.ajouter(
                registre,
                tetes,
                timezone.now(),
                temoins=registre.temoin.positions,
                planchers={c: [p.rang, p.hash] for c, p in dus.items()},
                temoins_dus={c: _temoins_dus(registre, c) for c in sorted(refus)},
            )
            resultat.numero, resultat.tetes = registre.numero + 1, len(tetes)
    return resultat


def _temoins_dus(registre: points.Registre, chaine: str) -> list[list]:
    """Every (rank, hash, when) the witness saw of a refused chain, forks' both sides."""
    vus = list(registre.vus.vus.get(chaine, {}).values())
    vus += [ensuite for _, ensuite in registre.vus.fourches.get(chaine, [])]
    return [[v.rang, v.hash, v.quand] for v in sorted(vus, key=lambda v: (v.rang, v.quand))]


def verrouiller_points() -> None:
    with connection.cursor() as cur:
        cur.execute("SELECT pg_advisory_xact_lock(%s)", [_VERROU_POINTS])


def en_retard(plancher: points.Plancher | None, rang: int, empreinte: str) -> bool:
    """Is the head (rang, empreinte) behind the least its chain must reach?"""
    if plancher is None:
        return False
    return rang < plancher.rang or (rang == plancher.rang and empreinte != plancher.hash)


def _recul(chaine: str, plancher: points.Plancher, rang: int) -> Rupture:
    return Rupture(
        chaine,
        None,
        rang,
        f"la tête de chaîne a reculé : le {plancher.libelle} atteste le rang {plancher.rang}, "
        f"la base s'arrête au rang {rang} (entrées supprimées, ou base restaurée : voir "
        "journal_restauration)",
    )


def _prolongement(
    chaine: str, registre: points.Registre, rang: int, empreinte: str
) -> Rupture | None:
    """Why the head (rang, empreinte) does not extend the last sealed one, lost a
    witnessed (rank, hash), or went back behind what was seen outside the database."""
    dernier, plancher = registre.dernier(chaine), registre.planchers.get(chaine)
    if fourche := rupture_fourche(chaine, registre):
        return fourche
    if en_retard(plancher, rang, empreinte):
        return _recul(chaine, plancher, rang)
    depuis = (0, HASH_ORIGINE)
    if dernier is not None:
        scellee = Entree.objects.filter(chaine=chaine, rang=dernier.rang).first()
        if scellee is None or scellee.hash != dernier.hash or rang < dernier.rang:
            return Rupture(
                chaine,
                scellee.pk if scellee else None,
                dernier.rang,
                f"ne correspond plus au {dernier.libelle} : la chaîne a été réécrite ou "
                "sa tête a reculé",
            )
        # Walk from the seal, unless the witness saw a rank at or below it (rare).
        if min(registre.vus.vus.get(chaine, {}), default=rang + 1) > dernier.rang:
            depuis = (dernier.rang, dernier.hash)
    rupture, atteint, precedent = parcourir(
        chaine, depuis=depuis, jusqua=rang, scelles=registre.sceaux(chaine)
    )
    if rupture is None and (atteint, precedent) != (rang, empreinte):
        rupture = Rupture(chaine, None, rang, "la tête de chaîne ne désigne pas sa dernière entrée")
    return rupture
