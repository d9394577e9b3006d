"""Every query of a hot page uses an index on the person tables, at national scale (issue 25).

The database is seeded: the patient's record (documents, measures, history, inbox), and
two thousand other people (profiles by COPY, as a batch writes them, then each given a
copy of the patient's documents, measures, conversations and history), then ANALYZEd.
The planner is then told the nation's size (PostgreSQL 18's ``pg_restore_relation_stats``
and ``pg_restore_attribute_stats``): each person table 1,000 times what was seeded, at
least one row per person, and in each profile column as many distinct profiles as there
are people — so it plans as it would with two million people. Each page's queries, as
the page ran them, are EXPLAINed: a sequential scan of a person table fails the test
(``_expliquer`` says how the tables seeded with a row or two are checked).
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from consentement.services import cycle
from espace_sante import distribution
from espace_sante.comptes import copie
from espace_sante.lib import crypto
from tests.catalogue.factories import jeton_complet
from tests.conftest import connecter
from tests.dossier.test_vues import ouvrir_acces
from tests.messagerie.outils import conversations_en_masse
from tests.test_requetes_pages import PAGES_PATIENT, _remplir

pytestmark = pytest.mark.django_db
AUTRES = 2000
ECHELLE = 1000
# Tables whose rows are copied to every other person: (table, extra column rewrites).
COPIEES = {
    "dossier_document": {},
    "dossier_mesure": {},
    "messagerie_conversation": {},
    "journal_entree": {"chaine": "'profil:' || p.id", "rang": "e.rang + p.id * 100000"},
}


# Seeded by the thousand: their plans are the planner's real choice at scale.
SEMEES = {"comptes_profil", *COPIEES}


def _autres_profils() -> None:
    ids = copie.ids_allouer(AUTRES)
    hacher = crypto.keyed_hasher("nir")
    nouveaux = []
    for k, (i, public_id) in enumerate(zip(ids, copie.public_ids(AUTRES), strict=True)):
        nir = f"1850{k % 9 + 1}75{k:06d}"[:13]
        nouveaux.append(
            copie.NouveauProfil(
                id=i,
                public_id=public_id,
                texte=("Dupont", "", "Jean", "M", "75056", "", "", "", "", ""),
                date_naissance=timezone.localdate().replace(year=1985, month=1, day=1),
                nir=nir,
                nir_hash=hacher(nir),
                lot_ligne=k,
                code_hash="0" * 64,
            )
        )
    maintenant = timezone.now()
    copie.profils_copier(
        nouveaux,
        lot_numero=0,
        cree_le=maintenant,
        limite_opposition=timezone.localdate(),
        expiration_code=maintenant + cycle.VALIDITE_CODE,
    )


def _copier_a_chacun(profil) -> None:
    """Give each other person a copy of the patient's rows (fresh public ids)."""
    with connection.cursor() as cur:
        for table, reecrire in COPIEES.items():
            cur.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = %s"
                " AND column_name <> 'id' ORDER BY ordinal_position",
                [table],
            )
            colonnes = [c for (c,) in cur.fetchall()]
            valeurs = {c: f"e.{c}" for c in colonnes}
            valeurs |= {"public_id": "gen_random_uuid()", "profil_id": "p.id", **reecrire}
            if table == "journal_entree":
                valeurs["profil_id"] = "p.id"
            cur.execute(
                f"INSERT INTO {table} ({', '.join(colonnes)}) SELECT "
                f"{', '.join(valeurs[c] for c in colonnes)} FROM {table} e, "
                "(SELECT id FROM comptes_profil WHERE id <> %s) p WHERE e.profil_id = %s",
                [profil.pk, profil.pk],
            )


def _colonnes_de_profil(modele) -> list[str]:
    return [
        f.column
        for f in modele._meta.concrete_fields
        if f.is_relation
        and f.related_model is not None
        and f.related_model._meta.label == "comptes.Profil"
    ]


def _echelle_nationale() -> None:
    """ANALYZE what was seeded, then scale each person table to the nation: at least one
    row per person, and as many distinct profiles in each profile column as people.
    (A table seeded with one row would otherwise look like one person's, and a Seq Scan
    of it would be the right plan.)"""
    personnes = AUTRES * ECHELLE
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
        for modele in distribution.modeles_personnels():
            table = modele._meta.db_table
            cur.execute(
                "SELECT reltuples, relpages FROM pg_class WHERE oid = %s::regclass", [table]
            )
            lignes, pages = cur.fetchone()
            lignes, pages = max(lignes, 1), max(pages, 1)
            facteur = max(ECHELLE, personnes / lignes)
            cur.execute(
                "SELECT pg_restore_relation_stats('schemaname', 'public', 'relname', %s,"
                " 'reltuples', %s::real, 'relpages', %s::integer)",
                [table, lignes * facteur, int(pages * facteur)],
            )
            for colonne in _colonnes_de_profil(modele):
                cur.execute(
                    "SELECT pg_restore_attribute_stats('schemaname', 'public', 'relname', %s,"
                    " 'attname', %s, 'inherited', false, 'null_frac', 0::real,"
                    " 'avg_width', 8, 'n_distinct', %s::real)",
                    [table, colonne, float(personnes)],
                )


def _parcours_sequentiels(plan: dict, tables: set[str]) -> list[str]:
    trouves = []
    if plan.get("Node Type") == "Seq Scan" and plan.get("Relation Name") in tables:
        trouves.append(plan["Relation Name"])
    for enfant in plan.get("Plans", []):
        trouves += _parcours_sequentiels(enfant, tables)
    return trouves


def _expliquer(requetes: list[str]) -> list[str]:
    """Each query planned twice. As the planner would at national scale (the tables seeded
    by the thousand — a Seq Scan there is a real plan). And with sequential scans priced
    out (``enable_seqscan = off``): a person table still read sequentially then has no
    index that can serve the query at all — which covers the tables seeded with a row or
    two, whose plan PostgreSQL sizes on their real pages, whatever the statistics say."""
    tables = distribution.tables_personnelles()
    fautes = []
    with transaction.atomic(), connection.cursor() as cur:
        for reglage in ("on", "off"):
            cur.execute(f"SET LOCAL enable_seqscan = {reglage}")
            for sql in requetes:
                if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
                    continue
                cur.execute(f"EXPLAIN (FORMAT JSON) {sql}")
                (plan,) = cur.fetchone()
                plan = plan if isinstance(plan, list) else json.loads(plan)
                for table in _parcours_sequentiels(plan[0]["Plan"], tables):
                    if reglage == "off" or table in SEMEES:
                        fautes.append(f"Seq Scan sur {table} : {sql[:300]}")
    return sorted(set(fautes))


def _requetes_de(client, url: str, **entetes) -> list[str]:
    with CaptureQueriesContext(connection) as capture:
        reponse = client.get(url, **entetes)
        if reponse.streaming:
            b"".join(reponse.streaming_content)
    assert reponse.status_code == 200, url
    return [q["sql"] for q in capture.captured_queries]


@pytest.fixture
def base_nationale(patient, professionnel):
    profil, pro = patient.profil, professionnel.professionnel
    ouvrir_acces(professionnel, profil)
    _remplir(profil, patient, pro, 5)
    conversations_en_masse(profil, pro, 20)
    _autres_profils()
    _copier_a_chacun(profil)
    _echelle_nationale()
    return profil


def test_the_hot_pages_and_the_api_use_an_index_on_every_person_table(
    client, patient, professionnel, base_nationale
):
    """One seeding for every page (it is the test's cost): the patient's pages, the
    professional's patient page, and ``Patient/$everything`` read by a connected service."""
    profil = base_nationale
    requetes = []
    connecter(client, patient)
    for nom in [*PAGES_PATIENT, "messagerie:accueil"]:
        client.get(reverse(nom))  # the session's first save is not the page's cost
        requetes += _requetes_de(client, reverse(nom))
    client.logout()
    connecter(client, professionnel)
    url = reverse("dossier:pro_dossier", args=[profil.public_id])
    client.get(url)
    requetes += _requetes_de(client, url)
    client.logout()
    valeur = jeton_complet(patient, profil, valeur="plans-" + uuid.uuid4().hex, nom="Plans")
    url = f"/fhir/Patient/{profil.public_id}/$everything"
    requetes += _requetes_de(client, url, HTTP_AUTHORIZATION=f"Bearer {valeur}")
    assert len(requetes) > 40
    fautes = _expliquer(requetes)
    assert not fautes, "\n".join(fautes)


def test_a_query_no_index_can_serve_is_caught(db):
    """The check itself: documents filtered on a column no index covers are read
    sequentially, whatever the planner's costs."""
    fautes = _expliquer(["SELECT id FROM dossier_document WHERE titre = 'x'"])
    assert fautes and "dossier_document" in fautes[0]
