"""The benchmark and docs scripts stay in step with the API: every priorfit name they import, at
the top, inside a function or in the code they hand to a child process, resolves, and so does every attribute they read from an imported
priorfit module (``data.make_design``, ``priorfit.compare``). Nothing is run: the scripts fit
models for minutes."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
SCRIPTS = sorted([*(ROOT / "benchmarks").glob("*.py"), *(ROOT / "docs").glob("*.py")])


def _resolve(module: str, name: str | None = None):
    """The object ``from module import name`` (or ``import module``) binds; raises as Python would."""
    target = importlib.import_module(module)
    if name is None:
        return target
    try:
        return getattr(target, name)
    except AttributeError:
        return importlib.import_module(f"{module}.{name}")  # a submodule not imported by its package


def priorfit_uses(path: Path) -> list[tuple[int, str, object]]:
    """(line, what, resolver) for each priorfit import of a script and each attribute read from a bound priorfit module."""
    tree = ast.parse(path.read_text(), filename=str(path))
    uses = []
    for code, offset in [(tree, 0), *_child_scripts(tree)]:
        uses += _uses(code, offset)
    return sorted(uses, key=lambda use: use[0])


def _child_scripts(tree) -> list[tuple[ast.Module, int]]:
    """Python source held in string constants (the code a benchmark runs in a child process)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and "priorfit" in node.value and "import" in node.value:
            try:
                found.append((ast.parse(node.value), node.lineno - 1))
            except SyntaxError:
                continue  # text, not code
    return found


def _uses(tree, offset: int) -> list[tuple[int, str, object]]:
    uses, modules = [], {}  # local name -> dotted module it is bound to
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "priorfit":
                    uses.append((offset + node.lineno, f"import {alias.name}", lambda m=alias.name: _resolve(m)))
                    if alias.asname:
                        modules[alias.asname] = alias.name
                    else:
                        modules["priorfit"] = "priorfit"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and (node.module or "").split(".")[0] == "priorfit":
            for alias in node.names:
                uses.append((offset + node.lineno, f"from {node.module} import {alias.name}", lambda m=node.module, n=alias.name: _resolve(m, n)))
                modules[alias.asname or alias.name] = f"{node.module}.{alias.name}"
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in modules:
            dotted = modules[node.value.id]

            def attribute(dotted=dotted, attr=node.attr):
                module, _, name = dotted.rpartition(".")
                owner = _resolve(dotted) if not module else _resolve(module, name)
                if isinstance(owner, type(importlib)):  # a module: its attribute, or a submodule of it
                    return _resolve(owner.__name__, attr)
                return getattr(owner, attr)  # a class or function: ``Settings.field``

            uses.append((offset + node.lineno, f"{node.value.id}.{node.attr}", attribute))
    return uses


def test_the_walk_finds_every_import_line():
    """Each line of a script that starts with a priorfit import is among the uses checked below."""
    import re

    assert {p.stem for p in SCRIPTS} >= {"run_all", "default_compare", "make_figures"}
    for path in SCRIPTS:
        lines = [k for k, line in enumerate(path.read_text().splitlines(), 1) if re.match(r"\s*(from|import) priorfit\b", line)]
        found = {line for line, what, _ in priorfit_uses(path) if what.startswith(("from ", "import "))}
        assert set(lines) == found, path.name


@pytest.mark.parametrize("path", SCRIPTS, ids=[p.stem for p in SCRIPTS])
def test_every_priorfit_name_a_script_uses_resolves(path):
    broken = []
    for line, what, resolve in priorfit_uses(path):
        try:
            resolve()
        except (ImportError, AttributeError) as error:
            broken.append(f"{path.relative_to(ROOT)}:{line}: {what} ({type(error).__name__}: {error})")
    assert not broken, "\n".join(broken)


def test_a_moved_name_is_caught(tmp_path):
    """The check fails where a script names what priorfit no longer has."""
    script = tmp_path / "old.py"
    script.write_text("from priorfit.data import design as data\n\ndef main():\n"
                      "    from priorfit.model import PosteriorModel\n    return data.no_such_loader\n")
    failures = []
    for _, what, resolve in priorfit_uses(script):
        try:
            resolve()
        except (ImportError, AttributeError):
            failures.append(what)
    assert failures == ["from priorfit.model import PosteriorModel", "data.no_such_loader"]
