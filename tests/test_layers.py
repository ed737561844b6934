"""The layers point down (style.md): rules ← domain apps ← accounts.scope ← web/api. A domain app never imports a
screen nor the Scope, and every HTML screen lives in ketnap.web (issue #12: one rule for where screens live)."""

import ast
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
    """accounts.scope reads the models of pipeline, audit and privacy (what of them a user may see), so it sits above
    the domain apps: a domain module asks accounts.grants (the roles over the tree, which Scope extends). The
    importers are an interface (a file in, through the domain, for a user) and ask the Scope like a screen."""
    offenders = []
    for app in DOMAIN_APPS:
        for path in sorted((SRC / app).rglob("*.py")):
            if app == "imports" or path == SRC / "accounts" / "scope.py":
                continue
            offenders += [
                f"{path.relative_to(SRC)}: {name}"
                for name in imported_modules(path)
                if name == "ketnap.accounts.scope" or name.startswith("ketnap.accounts.scope.")
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
