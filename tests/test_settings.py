import os
import subprocess
import sys

import pytest
from django.conf import settings


def _demarrer(env_extra: dict) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if k not in {"TESTING", "SECRET_KEY"}}
    env.update({"DEBUG": "false", **env_extra})
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
    )


SECRETS = {
    "SECRET_KEY": "x" * 60,
    "ENCRYPTION_KEYS": "k:" + "A" * 43 + "=",
    "HASH_KEY": "h",
    "JOURNAL_KEY": "j" * 40,
    "JOURNAL_SIGNING_KEY": "A" * 43 + "=",
}


@pytest.mark.parametrize("variable", list(SECRETS))
def test_production_refuses_to_start_without_a_secret(variable):
    secrets = {**SECRETS, variable: ""}
    resultat = _demarrer({**secrets, "DJANGO_SETTINGS_MODULE": "espace_sante.settings"})
    assert resultat.returncode != 0
    assert f"La variable d'environnement {variable}" in resultat.stderr


def test_secrets_can_come_from_files(tmp_path):
    fichier = tmp_path / "secret"
    fichier.write_text("cle-secrete-depuis-un-fichier-" + "x" * 40)
    secrets = {k: v for k, v in SECRETS.items() if k != "SECRET_KEY"}
    secrets["SECRET_KEY_FILE"] = str(fichier)
    resultat = _demarrer({**secrets, "DJANGO_SETTINGS_MODULE": "espace_sante.settings"})
    assert resultat.returncode == 0, resultat.stderr


@pytest.mark.parametrize(
    "proprietaire",
    ["postgres://proprietaire@h/autre_base", "postgres://application@h/base"],
)
def test_the_owner_url_must_name_the_same_database_with_another_role(proprietaire):
    resultat = _demarrer(
        {
            **SECRETS,
            "DATABASE_URL": "postgres://application@h/base",
            "DATABASE_OWNER_URL": proprietaire,
            "DJANGO_SETTINGS_MODULE": "espace_sante.settings",
        }
    )
    assert resultat.returncode != 0 and "DATABASE_OWNER_URL doit désigner" in resultat.stderr


def test_csp_forbids_inline_scripts_and_framing(client, db):
    reponse = client.get("/compte/connexion/")
    politique = reponse.headers["Content-Security-Policy"]
    script_src = next(d for d in politique.split(";") if d.strip().startswith("script-src"))
    assert "unsafe-inline" not in script_src
    assert "frame-ancestors 'none'" in politique


def test_scripts_carry_the_nonce_announced_in_the_csp_header(client, db):
    import re

    reponse = client.get("/compte/connexion/")
    nonce = re.search(r"'nonce-([^']+)'", reponse.headers["Content-Security-Policy"]).group(1)
    scripts = re.findall(r"<script[^>]*>", reponse.text)
    assert scripts and all(f'nonce="{nonce}"' in s for s in scripts)
