"""The package's layout rules (#13), read from the source with ast:

- no module imports another module's `_private` names (`from cleaner.x import _y`, or
  `x._y` through an imported module): what one module shares with another is public;
- the cleaning (cleaner/core), the rules (cleaner/rules) and the site rule files (cleaner/sites)
  never import the run side (cleaner/run: CLI, workers, reports).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "cleaner"
NO_RUN_SIDE = ("core", "rules", "sites")


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in sorted(PACKAGE.rglob("*.py"))}


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def imports(tree: ast.AST, here: str) -> list[tuple[int, str, str | None]]:
    """(line, module, name) for every import of a cleaner module (name None for `import x`);
    relative imports resolved against `here`."""
    found: list[tuple[int, str, str | None]] = []
    package = here if MODULES.get(here, Path()).name == "__init__.py" else here.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            module = node.module or ""
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{module}" if module else base
            if module == "cleaner" or module.startswith("cleaner."):
                found += [(node.lineno, module, a.name) for a in node.names]
        elif isinstance(node, ast.Import):
            found += [
                (node.lineno, a.name, None)
                for a in node.names
                if a.name == "cleaner" or a.name.startswith("cleaner.")
            ]
    return found


def private_imports(source: str, here: str) -> list[str]:
    """Every use in `source` (the module `here`) of another module's private name."""
    tree = ast.parse(source)
    problems = []
    modules: dict[str, str] = {}  # local name -> the cleaner module it stands for
    for line, module, name in imports(tree, here):
        if name is None:
            continue
        if f"{module}.{name}" in MODULES:  # `from cleaner.core import html`: a module
            modules[name] = f"{module}.{name}"
        elif is_private(name) and module != here:
            problems.append(f"{here}:{line}: imports {name} from {module}")
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in modules
            and is_private(node.attr)
            and modules[node.value.id] != here
        ):
            problems.append(f"{here}:{node.lineno}: uses {modules[node.value.id]}.{node.attr}")
    return problems


def run_side_imports(source: str, here: str) -> list[str]:
    return [
        f"{here}:{line}: imports {module}" + (f".{name}" if name else "")
        for line, module, name in imports(ast.parse(source), here)
        if module == "cleaner.run"
        or module.startswith("cleaner.run.")
        or (module == "cleaner" and name == "run")
    ]


def test_no_module_imports_another_modules_private_names():
    problems = [
        p for name, path in MODULES.items() for p in private_imports(path.read_text(), name)
    ]
    assert not problems, "private names imported across modules:\n" + "\n".join(problems)


@pytest.mark.parametrize("part", NO_RUN_SIDE)
def test_core_rules_and_sites_never_import_the_run_side(part):
    problems = [
        p
        for name, path in MODULES.items()
        if name.startswith(f"cleaner.{part}.") or name == f"cleaner.{part}"
        for p in run_side_imports(path.read_text(), name)
    ]
    assert not problems, "the run side imported by:\n" + "\n".join(problems)


# The checks themselves must be able to fail.


@pytest.mark.parametrize(
    "source",
    [
        "from cleaner.core.html import _tidy\n",
        "def f():\n    from cleaner.run.files import Item, _walk\n",
        "from cleaner.core import html\nx = html._DATE_META\n",
        "from . import html\nx = html._tidy\n",
        "from .html import _tidy\n",
    ],
)
def test_a_private_import_is_found(source):
    assert private_imports(source, "cleaner.core.pagemeta")


@pytest.mark.parametrize(
    "source",
    [
        "from cleaner.core.html import tidy\n",
        "import datetime as _dt\nfrom dateutil import parser as _p\n",
        "from cleaner.core.metadata import DATE_META as _DATE_META\n",
        "from cleaner.core import html\nx = html.tidy\n",
    ],
)
def test_public_imports_pass(source):
    assert not private_imports(source, "cleaner.core.pagemeta")


@pytest.mark.parametrize(
    "source",
    [
        "from cleaner.run.files import walk\n",
        "import cleaner.run.cli\n",
        "def f():\n    from cleaner.run import workers\n",
        "from cleaner import run\n",
        "from ..run import report\n",
    ],
)
def test_a_run_side_import_is_found(source):
    assert run_side_imports(source, "cleaner.core.pipeline")


def test_other_imports_are_not_run_side():
    assert not run_side_imports(
        "from cleaner.core import runs\nimport cleaner.rules.registry\nfrom cleaner.sites import rulefile\n",
        "cleaner.core.pipeline",
    )
