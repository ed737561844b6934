"""ketnap.rules is pure Python: dates in, verdicts out, no Django anywhere in it (style.md; issue #3)."""

import ast
import subprocess
import sys
from pathlib import Path

import ketnap.rules

RULES_DIR = Path(ketnap.rules.__file__).parent


def test_no_module_of_the_rules_package_imports_django():
    offenders = []
    for path in sorted(RULES_DIR.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module]
            offenders += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "django"]
            offenders += [
                f"{path.name}: {name}"
                for name in names
                if name.startswith("ketnap.") and not name.startswith("ketnap.rules")
            ]
    assert offenders == []
    assert len(list(RULES_DIR.glob("*.py"))) >= 7  # the walk really read the package


def test_importing_every_rules_module_loads_no_django():
    modules = sorted(f"ketnap.rules.{p.stem}" for p in RULES_DIR.glob("*.py") if p.stem != "__init__")
    code = (
        "import sys, importlib\n"
        + "".join(f"importlib.import_module({m!r})\n" for m in modules)
        + ("print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))")
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"
