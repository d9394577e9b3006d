"""Rechain every existing journal row under the keyed HMAC (JOURNAL_KEY), once.

Why rechain rather than keep the old rows with an "sha256" version flag: a verifier that
still accepted unkeyed rows would let whoever holds the database rewrite any of them
(or pass new ones off as old) with a hash anyone can compute, which is the very attack
this closes. After this migration there is one algorithm and nothing to downgrade to.

Rechaining must not launder a rewrite that already happened: each chain is first
verified under the old SHA-256, and a broken one stops the migration with its name,
for the operator to investigate (journal_verify on the previous release) before going
on. Stop web and workers while it runs: a row written meanwhile by the old code would
carry a plain hash and show up as tampered.

The trigger that refuses UPDATE on journal_entree is lifted for this transaction only;
only the owner of the table, which is who runs migrations, may do that.
"""

from django.db import migrations

from espace_sante.journal.empreinte import HASH_ORIGINE, empreinte, empreinte_sha256


def _rupture(chaine, rang, motif):
    return RuntimeError(
        f"Journal : la chaîne « {chaine} » est déjà rompue au rang {rang} ({motif}) sous "
        "l'ancien hachage SHA-256. Migration interrompue pour ne pas réécrire une falsification "
        "sous la nouvelle clé : examinez cette chaîne avant de relancer la migration."
    )


def _rechainer(Entree, TeteChaine, chaine):
    ancien, nouveau, rang, lot = HASH_ORIGINE, HASH_ORIGINE, 0, []
    for entree in Entree.objects.filter(chaine=chaine).order_by("rang").iterator(chunk_size=2000):
        if entree.rang != rang + 1 or entree.hash_precedent != ancien:
            raise _rupture(chaine, entree.rang, "entrée manquante ou réordonnée")
        if empreinte_sha256(entree) != entree.hash:
            raise _rupture(chaine, entree.rang, "contenu modifié")
        ancien, rang = entree.hash, entree.rang
        entree.hash_precedent = nouveau
        entree.hash = nouveau = empreinte(entree)
        lot.append(entree)
        if len(lot) >= 2000:
            Entree.objects.bulk_update(lot, ["hash_precedent", "hash"])
            lot = []
    Entree.objects.bulk_update(lot, ["hash_precedent", "hash"])
    tete = TeteChaine.objects.filter(chaine=chaine).first()
    if tete is not None:
        if (tete.rang, tete.hash) != (rang, ancien):
            raise _rupture(chaine, tete.rang, "entrées de fin de chaîne manquantes")
        TeteChaine.objects.filter(chaine=chaine).update(hash=nouveau)


def rechainer(apps, schema_editor):
    Entree = apps.get_model("journal", "Entree")
    TeteChaine = apps.get_model("journal", "TeteChaine")
    chaines = set(Entree.objects.values_list("chaine", flat=True).distinct())
    if not chaines:
        return
    _declencheur(schema_editor, "DISABLE")
    for chaine in sorted(chaines):
        _rechainer(Entree, TeteChaine, chaine)
    _declencheur(schema_editor, "ENABLE")


def _declencheur(schema_editor, etat):
    with schema_editor.connection.cursor() as cur:
        # ALTER TABLE refuses to run while deferred foreign-key checks are pending.
        cur.execute("SET CONSTRAINTS ALL IMMEDIATE")
        cur.execute(f"ALTER TABLE journal_entree {etat} TRIGGER journal_entree_ajout_seul")


class Migration(migrations.Migration):
    dependencies = [("journal", "0004_actions_du_dossier")]
    # Irreversible: going back would mean re-hashing without the key, i.e. reopening the hole.
    operations = [migrations.RunPython(rechainer)]
