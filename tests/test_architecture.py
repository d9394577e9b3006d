"""The house's walls, read from the code's own imports (``ast``, nothing is run).

- No import cycle between modules of the project, function-level imports included: a
  cycle hidden in a function body is still a cycle (the code of one half needs the
  other half to run). Imports under ``if TYPE_CHECKING:`` are left out: they never run.
- The kernel (``espace_sante``) imports no app.
- Feature apps import nothing of consentement but its policy face; the face imports
  nothing of consentement's own features (batches, notices, mediation, lifecycle).
- A feature app imports another feature app only through that app's declared face.
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

RACINE = Path(__file__).resolve().parent.parent
PAQUETS = ["espace_sante", "consentement", "dossier", "messagerie", "agenda", "catalogue"]
APPS = ["dossier", "messagerie", "agenda", "catalogue"]

# consentement's policy face: the actor and rules, their request glue, the ledger and the
# person's choices (``acces``), and what they stand on: the journal adapter, the enums and
# the models the policy reads. Migrations belong to consentement's models.
FACE_CONSENTEMENT = (
    "consentement.acces",
    "consentement.journal",
    "consentement.enums",
    "consentement.models",
)

# What each feature app lets the others import (its declared face).
FACES_APPS = {
    "dossier": ("dossier.public",),
    "messagerie": (),
    "agenda": (),
    "catalogue": (),
}


def _dans(module: str, prefixes) -> bool:
    return any(module == p or module.startswith(p + ".") for p in prefixes)


@cache
def modules() -> dict[str, Path]:
    """Dotted name -> file, for every module of the project's packages."""
    trouves = {}
    for paquet in PAQUETS:
        for chemin in (RACINE / paquet).rglob("*.py"):
            parties = chemin.relative_to(RACINE).with_suffix("").parts
            if parties[-1] == "__init__":
                parties = parties[:-1]
            trouves[".".join(parties)] = chemin
    return trouves


def _resoudre(nom: str) -> str | None:
    """The project module an imported name lands in (the longest prefix that is one)."""
    connus = modules()
    while nom:
        if nom in connus:
            return nom
        nom = nom.rpartition(".")[0]
    return None


def _sous_type_checking(noeud, parents) -> bool:
    while noeud in parents:
        noeud = parents[noeud]
        if isinstance(noeud, ast.If) and "TYPE_CHECKING" in ast.unparse(noeud.test):
            return True
    return False


@cache
def graphe() -> dict[str, set[str]]:
    """module -> the project modules it imports, at module level or inside a function."""
    aretes: dict[str, set[str]] = {}
    for module, chemin in modules().items():
        arbre = ast.parse(chemin.read_text(), filename=str(chemin))
        parents = {enfant: n for n in ast.walk(arbre) for enfant in ast.iter_child_nodes(n)}
        paquet = module if chemin.name == "__init__.py" else module.rpartition(".")[0]
        cibles = set()
        for noeud in ast.walk(arbre):
            if isinstance(noeud, ast.Import):
                noms = [alias.name for alias in noeud.names]
            elif isinstance(noeud, ast.ImportFrom):
                base = noeud.module or ""
                if noeud.level:
                    haut = paquet.split(".")[: len(paquet.split(".")) - noeud.level + 1]
                    base = ".".join([*haut, base] if base else haut)
                # ``from a import b``: the submodule a.b when there is one, else a itself.
                noms = [f"{base}.{alias.name}" for alias in noeud.names]
            else:
                continue
            if _sous_type_checking(noeud, parents):
                continue
            for nom in noms:
                cible = _resoudre(nom)
                if cible is not None and cible != module:
                    cibles.add(cible)
        aretes[module] = cibles
    return aretes


def cycles(aretes: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    bas: dict[str, int] = {}
    pile: list[str] = []
    sur_pile: set[str] = set()
    composantes = []
    compteur = 0
    for depart in sorted(aretes):
        if depart in index:
            continue
        travail = [(depart, iter(sorted(aretes[depart])))]
        index[depart] = bas[depart] = compteur
        compteur += 1
        pile.append(depart)
        sur_pile.add(depart)
        while travail:
            noeud, suivants = travail[-1]
            avance = False
            for suivant in suivants:
                if suivant not in index:
                    index[suivant] = bas[suivant] = compteur
                    compteur += 1
                    pile.append(suivant)
                    sur_pile.add(suivant)
                    travail.append((suivant, iter(sorted(aretes.get(suivant, ())))))
                    avance = True
                    break
                if suivant in sur_pile:
                    bas[noeud] = min(bas[noeud], index[suivant])
            if avance:
                continue
            travail.pop()
            if travail:
                bas[travail[-1][0]] = min(bas[travail[-1][0]], bas[noeud])
            if bas[noeud] == index[noeud]:
                composante = []
                while True:
                    membre = pile.pop()
                    sur_pile.discard(membre)
                    composante.append(membre)
                    if membre == noeud:
                        break
                if len(composante) > 1:
                    composantes.append(sorted(composante))
    return composantes


def _decrire(composante: list[str], aretes) -> str:
    liens = [f"{a} -> {b}" for a in composante for b in sorted(aretes[a]) if b in composante]
    return "cycle: " + ", ".join(composante) + "\n    " + "\n    ".join(liens)


def _imports(prefixe: str):
    for module, cibles in sorted(graphe().items()):
        if _dans(module, [prefixe]):
            for cible in sorted(cibles):
                yield module, cible


def test_le_detecteur_voit_un_cycle_cache_dans_une_fonction(tmp_path):
    """The detector itself: a loop closed by a function-level import is found."""
    aretes = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(aretes) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_aucun_cycle_d_import_entre_modules():
    aretes = graphe()
    assert len(aretes) > 200  # the whole project was read
    trouves = cycles(aretes)
    assert not trouves, "\n".join(_decrire(c, aretes) for c in trouves)


def test_le_noyau_n_importe_aucune_app():
    fautes = [f"{m} -> {c}" for m, c in _imports("espace_sante") if not _dans(c, ["espace_sante"])]
    assert not fautes, "\n".join(fautes)


def test_les_apps_n_importent_de_consentement_que_sa_face():
    fautes = [
        f"{module} -> {cible}"
        for app in APPS
        for module, cible in _imports(app)
        if _dans(cible, ["consentement"]) and not _dans(cible, FACE_CONSENTEMENT)
    ]
    assert not fautes, "\n".join(fautes)


def test_la_face_de_consentement_ne_depend_que_du_noyau_et_d_elle_meme():
    """Batches, notices, mediation and the lifecycle's services stay above the face."""
    fautes = [
        f"{module} -> {cible}"
        for face in FACE_CONSENTEMENT
        for module, cible in _imports(face)
        if not _dans(cible, ["espace_sante", *FACE_CONSENTEMENT])
    ]
    assert not fautes, "\n".join(fautes)


def test_les_apps_ne_se_parlent_que_par_leurs_faces():
    fautes = [
        f"{module} -> {cible}"
        for app in APPS
        for module, cible in _imports(app)
        for autre in APPS
        if autre != app and _dans(cible, [autre]) and not _dans(cible, FACES_APPS[autre])
    ]
    assert not fautes, "\n".join(fautes)
