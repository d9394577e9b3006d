"""Migrations as the owner, the processes as a role that may only add to the journal."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.db import connection

from espace_sante.embedded import url_base, url_role
from espace_sante.journal.droits import accorder_droits
from tests.journal.falsification import ROLE_APPLICATION, creer_role_application

pytestmark = pytest.mark.django_db


def _droit(table: str, droit: str) -> bool:
    with connection.cursor() as cur:
        cur.execute("SELECT has_table_privilege(%s, %s, %s)", [ROLE_APPLICATION, table, droit])
        return cur.fetchone()[0]


@pytest.mark.django_db(transaction=True)  # the migrate process must see committed state
def test_migrate_connects_as_the_owner_and_grants_the_application_role():
    creer_role_application()
    with connection.cursor() as cur:  # start from a role with no right at all
        cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE_APPLICATION}")
    base = url_base(os.environ["DATABASE_URL"], connection.settings_dict["NAME"])
    env = {
        **os.environ,
        "DATABASE_URL": url_role(base, ROLE_APPLICATION),
        "DATABASE_OWNER_URL": base,
    }
    resultat = subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )
    assert resultat.returncode == 0, resultat.stderr
    assert _droit("journal_entree", "INSERT") and _droit("journal_entree", "SELECT")
    assert not _droit("journal_entree", "UPDATE") and not _droit("journal_entree", "DELETE")
    assert not _droit("journal_entree", "TRUNCATE") and not _droit("journal_entree", "TRIGGER")
    assert _droit("journal_tetechaine", "UPDATE") and not _droit("journal_tetechaine", "DELETE")
    assert _droit("comptes_profil", "DELETE") and _droit("django_session", "DELETE")


def test_the_owner_is_never_granted_as_the_application_role():
    with connection.cursor() as cur:
        cur.execute("SELECT current_user")
        moi = cur.fetchone()[0]
    with pytest.raises(ImproperlyConfigured, match="DATABASE_OWNER_URL"):
        accorder_droits(role=moi)


def test_an_application_role_that_owns_the_journal_is_refused_with_the_fix():
    creer_role_application()
    with connection.cursor() as cur:
        cur.execute(f"ALTER TABLE journal_entree OWNER TO {ROLE_APPLICATION}")
    with pytest.raises(ImproperlyConfigured, match=f'REASSIGN OWNED BY "{ROLE_APPLICATION}"'):
        accorder_droits(role=ROLE_APPLICATION)


def test_no_application_role_configured_means_no_grant(settings, django_assert_num_queries):
    from espace_sante.journal.droits import apres_migration

    creer_role_application()
    with connection.cursor() as cur:  # a role with no right at all
        cur.execute(f"REVOKE ALL ON ALL TABLES IN SCHEMA public FROM {ROLE_APPLICATION}")
    settings.DATABASE_APP_ROLE = ""
    with django_assert_num_queries(0):  # not one GRANT (nor any statement) is sent
        apres_migration(sender=None)
    assert not _droit("journal_entree", "SELECT") and not _droit("comptes_profil", "SELECT")
    # The same call with the role configured does grant: the silence above is the setting's.
    settings.DATABASE_APP_ROLE = ROLE_APPLICATION
    apres_migration(sender=None)
    assert _droit("journal_entree", "INSERT") and _droit("comptes_profil", "SELECT")
    assert not _droit("journal_entree", "UPDATE")


def test_deploy_checks_want_an_owner_url_and_a_valid_signing_key(settings):
    settings.DATABASE_OWNER = None
    settings.JOURNAL_SIGNING_KEY = "pas-une-cle"
    ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert {"journal.W001", "journal.E001"} <= ids
    settings.DATABASE_OWNER = {"USER": "proprietaire"}
    settings.JOURNAL_SIGNING_KEY = "ZGV2LW9ubHktam91cm5hbC1zaWduaW5nLWtleS0zMmI="
    ids = {m.id for m in checks.run_checks(include_deployment_checks=True)}
    assert not {"journal.W001", "journal.E001"} & ids


def test_urls_of_another_role():
    assert url_role("postgres://postgres@//tmp/s/base", "app") == "postgres://app@//tmp/s/base"
    assert url_role("postgres://u:p@h:5432/b", "app") == "postgres://app@h:5432/b"
