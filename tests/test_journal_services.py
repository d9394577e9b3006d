"""The journal is written from services only (and the kernel, and each app's journal
constructors): a view, an API endpoint, a form, the admin, a task or the demo calls a
service, which journals the act in its transaction. And "the holder's own reads are not
history lines" is written once (``consentement.journal.par_autrui``)."""

from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

RACINE = Path(settings.BASE_DIR)

# Modules that are services by their role while not (yet) under a ``services`` name: the
# record's exports, the catalogue's deletion outbox and client registration, the OAuth
# library's adapter (the token it issues), the messaging's retention and SMTP gateway, and
# the policy face's own writes (the ledger, the person's choices, a professional opening a
# record: consentement's lifecycle, batches, notices and mediation sit under ``services/``).
SERVICES_PAR_ROLE = {
    "dossier/exports.py",
    "catalogue/suppression.py",
    "catalogue/oauth/clients.py",
    "catalogue/oauth/validateur.py",
    "messagerie/conservation.py",
    "messagerie/passerelle.py",
    "consentement/acces/choix.py",
    "consentement/acces/ouverture.py",
    "consentement/acces/registre.py",
}


def _module_journal(nom: str) -> bool:
    """A module whose functions write the journal: an app's ``journal`` or the kernel's
    writer (``espace_sante.journal.services``); the kernel's readers are not."""
    return nom == "espace_sante.journal.services" or (
        nom.endswith(".journal") and nom != "espace_sante.journal"
    )


def ecritures(source: str) -> list[tuple[int, str]]:
    """(line, call) of every journal write in ``source``: a call of a function of a journal
    module, by the module's name or imported by its own."""
    arbre = ast.parse(source)
    modules, fonctions = set(), set()
    for noeud in ast.walk(arbre):
        if isinstance(noeud, ast.ImportFrom) and noeud.module:
            for alias in noeud.names:
                if _module_journal(f"{noeud.module}.{alias.name}"):
                    modules.add(alias.asname or alias.name)
                elif _module_journal(noeud.module) and alias.name[:1].islower():
                    fonctions.add(alias.asname or alias.name)
        elif isinstance(noeud, ast.Import):
            modules |= {a.asname for a in noeud.names if a.asname and _module_journal(a.name)}
    trouves = []
    for noeud in ast.walk(arbre):
        if not isinstance(noeud, ast.Call):
            continue
        f = noeud.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            if f.value.id in modules and f.attr[:1].islower():
                trouves.append((noeud.lineno, f"{f.value.id}.{f.attr}"))
        elif isinstance(f, ast.Name) and f.id in fonctions:
            trouves.append((noeud.lineno, f.id))
    return trouves


def _permis(relatif: Path) -> bool:
    return (
        relatif.parts[0] == "espace_sante"  # the kernel
        or relatif.name == "journal.py"  # each app's constructors
        or relatif.stem == "services"
        or "services" in relatif.parts[:-1]
        or str(relatif) in SERVICES_PAR_ROLE
    )


def _modules():
    for chemin in sorted(RACINE.rglob("*.py")):
        relatif = chemin.relative_to(RACINE)
        if relatif.parts[0] in {".venv", "tests", "var", "bench"} or "migrations" in relatif.parts:
            continue
        yield relatif, chemin


def test_the_scan_sees_a_view_that_writes_the_journal():
    vue = (
        "from dossier import journal\n"
        "from consentement.journal import ecrire\n"
        "def document(request):\n"
        "    journal.document_consulte(request.acteur, None, page='fiche')\n"
        "    ecrire(request.acteur, 'x')\n"
        "    journal.Action.EXPORT\n"
    )
    assert ecritures(vue) == [(4, "journal.document_consulte"), (5, "ecrire")]


def test_only_services_the_kernel_and_journal_constructors_write_the_journal():
    fautes = [
        f"{relatif}:{ligne} {appel}"
        for relatif, chemin in _modules()
        if not _permis(relatif)
        for ligne, appel in ecritures(chemin.read_text())
    ]
    assert not fautes, "Écriture du journal hors d'un service : " + "; ".join(fautes)


def test_the_holders_own_reads_rule_is_written_once():
    """No app's journal module decides for itself that the holder's reads are not
    history lines: they all ask ``consentement.journal`` (``lecture``, ``par_autrui``)."""
    fautes = []
    for relatif, chemin in _modules():
        if relatif.name != "journal.py" or relatif == Path("consentement/journal.py"):
            continue
        for noeud in ast.walk(ast.parse(chemin.read_text())):
            if isinstance(noeud, ast.Attribute) and noeud.attr == "TITULAIRE":
                fautes.append(f"{relatif}:{noeud.lineno}")
    assert not fautes, "Règle « lectures du titulaire » réécrite : " + "; ".join(fautes)
