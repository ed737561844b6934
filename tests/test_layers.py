"""The layers point down (style.md): rules ← domain apps ← ketnap.scope ← web/api. A domain app never imports a
screen nor the Scope, every HTML screen lives in ketnap.web (issue #12: one rule for where screens live), and no
import runs back up a layer: the apps' imports make no cycle, nor do the modules of stats."""

import ast
import itertools
from collections import defaultdict
from pathlib import Path

import ketnap

SRC = Path(ketnap.__file__).parent
DOMAIN_APPS = ("accounts", "audit", "registry", "pipeline", "stats", "documents", "imports", "demo", "privacy", "ops")


def imported_modules(path: Path) -> list[str]:
    names = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names += [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return names


def test_no_domain_app_imports_the_web_or_the_api():
    offenders = []
    for app in DOMAIN_APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            offenders += [
                f"{path.relative_to(SRC)}: {name}"
                for name in imported_modules(path)
                if name.startswith(("ketnap.web", "ketnap.api"))
            ]
    assert offenders == []


def test_no_domain_module_asks_the_scope():
    """ketnap.scope reads the models of pipeline, audit and privacy (what of them a user may see), so it sits above
    the domain apps: a domain module asks accounts.grants (the roles over the tree, which Scope extends). The
    importers are an interface (a file in, through the domain, for a user) and ask the Scope like a screen."""
    offenders = []
    for app in DOMAIN_APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            if app == "imports":
                continue
            offenders += [
                f"{path.relative_to(SRC)}: {name}"
                for name in imported_modules(path)
                if name == "ketnap.scope" or name.startswith("ketnap.scope.")
            ]
    assert offenders == []


def test_the_grants_know_the_roles_and_the_tree_only():
    """What every write service asks before it writes reaches back into no domain app (pipeline, audit…): the one
    other module it reads is audit.context, a leaf (who is acting, SYSTEM), which imports nothing of ketnap."""
    names = {name for name in imported_modules(SRC / "accounts" / "grants.py") if name.startswith("ketnap.")}
    assert names, "the walk read the module"
    allowed = ("ketnap.accounts.models", "ketnap.registry.", "ketnap.audit.context")
    assert {name for name in names if not name.startswith(allowed)} == set()
    assert not [n for n in imported_modules(SRC / "audit" / "context.py") if n.startswith("ketnap.")]


def test_screens_live_in_the_web_package_only():
    """No domain app keeps views or URLs of its own; the API is the one other interface."""
    strays = [
        str(path.relative_to(SRC))
        for app in DOMAIN_APPS
        for name in ("views.py", "urls.py")
        for path in [SRC / app / name]
        if path.exists()
    ]
    assert strays == []
    assert (SRC / "web" / "views" / "pipeline.py").exists()  # the walk looks where the screens are


def test_views_import_no_private_helper_of_another_module():
    offenders = []
    for path in sorted((SRC / "web").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("ketnap."):
                offenders += [f"{path.name}: {node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
    assert offenders == []


# --- no import back up a layer ---------------------------------------------------------------------------------------
def module_name(path: Path) -> str:
    parts = path.relative_to(SRC.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {
    module_name(path): path for path in sorted(SRC.rglob("*.py")) if "migrations" not in path.relative_to(SRC).parts
}


def ketnap_imports(path: Path) -> list[tuple[int, str]]:
    """(line, module) of every import of ketnap at any depth of the module (a function's, a TYPE_CHECKING block's:
    a local import hides a dependency, it does not remove it); `from package import module` names the module."""
    here = module_name(path)
    package = here if path.name == "__init__.py" else here.rpartition(".")[0]
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: none today, but one would not slip past
                kept = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join([*kept, base] if base else kept)
            found += [
                (node.lineno, f"{base}.{alias.name}" if f"{base}.{alias.name}" in MODULES else base)
                for alias in node.names
            ]
    return [(line, name) for line, name in found if name == "ketnap" or name.startswith("ketnap.")]


def app_of(module: str) -> str:
    """The first name under ketnap: an app (registry…) or a top-level module (scope, printing, vietnamese…). The
    registry's write services are a layer of their own: they ask accounts.grants (roles over the tree, which reads
    the registry's models) before they write."""
    if module == "ketnap.registry.services" or module.startswith("ketnap.registry.services."):
        return "registry.services"
    parts = module.split(".")
    if len(parts) > 2 and parts[2] == "management":  # an app's commands: a front door, like the screens
        return f"{parts[1]}.commands"
    return parts[1] if len(parts) > 1 else module


def dependency_graph(node_of) -> dict[str, dict[str, str]]:
    """{node: {node it imports: where (the first import making the edge)}}, for the modules `node_of` names."""
    graph: dict[str, dict[str, str]] = defaultdict(dict)
    for module, path in MODULES.items():
        source = node_of(module)
        for line, name in ketnap_imports(path):
            target = node_of(name)
            if source is not None and target is not None and target != source:
                graph[source].setdefault(target, f"{path.relative_to(SRC)}:{line} imports {name}")
    return graph


def cycles(graph: dict[str, dict[str, str]]) -> list[str]:
    """Each strongly connected group of nodes, told as one of its shortest cycles with the imports making it."""
    reach = {node: _reachable(graph, node) for node in graph}
    seen: set[str] = set()
    told = []
    for node in sorted(graph):
        if node in seen or node not in reach[node]:
            continue
        group = {other for other in reach[node] if node in reach.get(other, ())}
        seen |= group
        path = _shortest_cycle(graph, node)
        told.append(
            " → ".join(path)
            + " ("
            + "; ".join(graph[a][b] for a, b in itertools.pairwise(path))
            + f"; all of {sorted(group)})"
        )
    return told


def _reachable(graph, start: str) -> set[str]:
    found, todo = set(), [start]
    while todo:
        for target in graph.get(todo.pop(), {}):
            if target not in found:
                found.add(target)
                todo.append(target)
    return found


def _shortest_cycle(graph, start: str) -> list[str]:
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph.get(node, {})):
                if target == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [*reversed(path), start]
                if target not in came_from:
                    came_from[target] = node
                    following.append(target)
        frontier = following
    return [start]


def test_no_cycle_between_the_apps():
    """Layers from the bottom (what the code needs, not a wish): rules, vietnamese, printing… (leaves) ← audit (who
    acted, the append-only log) ← registry (the tree, people, memberships) ← accounts (roles over the tree, grants) ←
    registry.services (writes, each authorised) ← pipeline ← stats ← privacy (the read log, the subject's export) ←
    scope ← documents, imports, ops ← api ← web ← demo. An import back up a layer makes a cycle, told with the imports
    that make it."""
    graph = dependency_graph(app_of)
    assert "registry" in graph["pipeline"] and "audit" in graph["registry"]  # the walk read the imports
    found = cycles(graph)
    assert not found, "\n".join(found)


def test_no_cycle_among_the_modules_of_stats():
    graph = dependency_graph(lambda module: module if module.startswith("ketnap.stats.") else None)
    assert "ketnap.stats.figures" in graph["ketnap.stats.funnel"]  # the walk read the imports
    found = cycles(graph)
    assert not found, "\n".join(found)


def test_the_cycle_finder_names_a_cycle():
    graph = {"a": {"b": "a.py:1 imports b"}, "b": {"c": "b.py:2 imports c"}, "c": {"a": "c.py:3 imports a"}, "d": {}}
    assert cycles(graph) == [
        "a → b → c → a (a.py:1 imports b; b.py:2 imports c; c.py:3 imports a; all of ['a', 'b', 'c'])"
    ]
