"""What ``/sante/pret`` and ``/sante/metriques`` measure. Counts and ages only: no person,
no health data, no identifier.

Each check gives a status: ``ok``, ``degrade`` (the portal serves, something waits) or
``indisponible``. Only the database makes the process unready (503): with Redis down the
pages answer from PostgreSQL and the work waits in its rows, so taking every web process
out of the load balancer would turn a degradation into an outage.

The feature apps add their own checks by name in ``SANTE_CONTROLES`` (the kernel imports
no app): a function returning a ``Controle``.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

from django.conf import settings
from django.db import DatabaseError, connection
from django.db.models import Min
from django.utils import timezone
from django.utils.module_loading import import_string

from espace_sante.lib import disjoncteur

OK, DEGRADE, INDISPONIBLE, INCONNU = "ok", "degrade", "indisponible", "inconnu"


@dataclass
class Controle:
    nom: str
    statut: str
    # name → (value, Prometheus help): counts and ages in seconds.
    mesures: dict[str, tuple[float, str]] = field(default_factory=dict)


def age(quand: datetime | None) -> float:
    return max(0.0, (timezone.now() - quand).total_seconds()) if quand else 0.0


def base() -> Controle:
    debut = time.monotonic()
    try:
        connection.ensure_connection()
        with connection.cursor() as curseur:
            curseur.execute("SELECT 1")
    except DatabaseError:
        connection.close()  # the next request connects afresh
        return Controle("base", INDISPONIBLE, {"base_disponible": (0, "PostgreSQL répond")})
    duree = time.monotonic() - debut
    return Controle(
        "base",
        OK,
        {
            "base_disponible": (1, "PostgreSQL répond"),
            "base_latence_secondes": (round(duree, 4), "durée d'un SELECT 1"),
        },
    )


def redis() -> Controle:
    try:
        disjoncteur.appeler(settings.REDIS_URL, lambda client: client.ping())
    except disjoncteur.Indisponible:
        return Controle("redis", DEGRADE, {"redis_disponible": (0, "Redis répond")})
    return Controle("redis", OK, {"redis_disponible": (1, "Redis répond")})


def _cles_file(nom: str) -> list[str]:
    # kombu's Redis transport keeps a queue as one list per priority step (0, 3, 6, 9).
    return [nom, *(f"{nom}\x06\x16{p}" for p in (3, 6, 9))]


def file() -> Controle:
    cles = _cles_file(settings.CELERY_TASK_DEFAULT_QUEUE)
    try:
        profondeur = sum(
            disjoncteur.appeler(
                settings.CELERY_BROKER_URL, lambda client: [client.llen(c) for c in cles]
            )
        )
    except disjoncteur.Indisponible:
        return Controle("file", INCONNU)
    statut = DEGRADE if profondeur > settings.SANTE_FILE_MAX else OK
    return Controle(
        "file", statut, {"taches_en_file": (profondeur, "tâches en attente d'un worker")}
    )


def journal() -> Controle:
    """The last signed checkpoint of the journal, and how long entries have waited for one."""
    from espace_sante.journal.models import Entree

    dernier = _dernier_point()
    attente = Entree.objects.all()
    if dernier is not None:
        attente = attente.filter(horodatage__gt=dernier)
    non_scelle = age(attente.aggregate(m=Min("horodatage"))["m"])
    statut = OK if non_scelle <= 3 * settings.JOURNAL_CHECKPOINT_SECONDS + 60 else DEGRADE
    mesures = {
        "journal_non_scelle_secondes": (
            round(non_scelle),
            "âge de la plus ancienne entrée après le dernier point de contrôle",
        )
    }
    if dernier is not None:
        mesures["journal_point_de_controle_age_secondes"] = (
            round(age(dernier)),
            "âge du dernier point de contrôle signé",
        )
    return Controle("journal", statut, mesures)


def temoin() -> Controle:
    """The journal's witness outside the database: can this host append to it, and did an
    append fail (or a line turn out unreadable) lately, on any host."""
    import os

    from espace_sante.journal import points
    from espace_sante.journal import temoin as journal_temoin

    dossier = points.dossier()
    # Missing is fine when its parent lets the first append create it.
    accessible = dossier if dossier.exists() else dossier.parent
    inscriptible = accessible.is_dir() and os.access(accessible, os.W_OK | os.X_OK)
    echec = journal_temoin.dernier_echec()
    statut = OK if inscriptible and echec is None else DEGRADE
    mesures = {
        "journal_temoin_inscriptible": (int(inscriptible), "le témoin hors base peut être écrit")
    }
    if echec is not None:
        mesures["journal_temoin_echec_age_secondes"] = (
            round(age(echec)),
            "âge du dernier échec d'écriture (ou ligne illisible) du témoin hors base",
        )
    return Controle("temoin", statut, mesures)


def _dernier_point() -> datetime | None:
    """Time of the last checkpoint line: the end of the newest file (never the whole set)."""
    from espace_sante.journal import points

    dossier = points.dossier()
    fichiers = sorted(dossier.glob("points-*.jsonl")) if dossier.is_dir() else []
    if not fichiers:
        return None
    with fichiers[-1].open("rb") as flux:
        flux.seek(0, 2)
        flux.seek(max(0, flux.tell() - 64 * 1024))
        lignes = flux.read().splitlines()
    try:
        return datetime.fromisoformat(json.loads(lignes[-1])["horodatage"])
    except (IndexError, ValueError, KeyError, TypeError):
        return None


def notifications() -> Controle:
    from espace_sante.notifications.models import Notification

    attente = Notification.objects.filter(envoye_le__isnull=True)
    plus_ancienne = age(attente.aggregate(m=Min("cree_le"))["m"])
    statut = OK if plus_ancienne <= settings.SANTE_RETARD_MAX_SECONDES else DEGRADE
    return Controle(
        "notifications",
        statut,
        {
            "notifications_en_attente": (attente.count(), "notifications pas encore envoyées"),
            "notification_attente_secondes": (
                round(plus_ancienne),
                "âge de la plus ancienne notification en attente",
            ),
        },
    )


def tous() -> list[Controle]:
    """Every check; those that read the database are skipped when it is down."""
    resultat = [base(), redis(), file()]
    if resultat[0].statut == OK:
        for fonction in [
            journal,
            temoin,
            notifications,
            *map(import_string, settings.SANTE_CONTROLES),
        ]:
            try:
                resultat.append(fonction())
            except DatabaseError:
                resultat.append(Controle(fonction.__name__, INCONNU))
    return resultat


def statut_global(controles: list[Controle]) -> str:
    statuts = {c.nom: c.statut for c in controles}
    if statuts["base"] != OK:
        return INDISPONIBLE
    return OK if set(statuts.values()) == {OK} else DEGRADE
