"""The house: folders by pipeline stage whose imports only go down, no import circle, no module
over 500 lines (docs/development.md, "Layout"). Read from the source with ``ast``, lazy imports
inside functions included: an import that runs later is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "priorfit"

# the floors, from the ground up: a module may import its own floor's modules and those below
FLOORS = [
    ("errors", "version"),
    ("validation", "runtime"),
    ("data",),
    ("penalized",),
    ("models",),
    ("inference",),
    ("diagnostics",),
    ("settings", "command_settings"),
    ("report", "plots"),
    ("results",),
    ("runs",),
    ("cli", "__init__"),
]
FLOOR = {room: k for k, rooms in enumerate(FLOORS) for room in rooms}
MAX_LINES = 500


def _name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _room(module: str) -> str:
    parts = module.split(".")
    return "__init__" if len(parts) == 1 else parts[1]


def _imports(module: str) -> set[str]:
    """The priorfit modules ``module`` imports, anywhere in its body."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "priorfit"}
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.split(".")[0] != "priorfit":
                continue
            for alias in node.names:  # a submodule by name, or a name defined in the module
                sub = f"{target}.{alias.name}"
                found.add(sub if sub in MODULES else target)
    found.discard(module)
    return {name for name in found if name in MODULES}


GRAPH = {module: _imports(module) for module in MODULES}


def test_every_room_has_a_floor():
    assert {_room(module) for module in MODULES} <= set(FLOOR), set(map(_room, MODULES)) - set(FLOOR)


@pytest.mark.parametrize("module", sorted(MODULES))
def test_imports_only_go_down(module):
    up = sorted(other for other in GRAPH[module] if FLOOR[_room(other)] > FLOOR[_room(module)])
    assert not up, f"{module} imports from a higher floor: {up}"


def _circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, circles = {}, {}, [], set(), []

    def visit(v):
        index[v] = low[v] = len(index)
        stack.append(v)
        on_stack.add(v)
        for w in sorted(graph.get(v, ())):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return circles


def test_no_import_circle():
    assert not _circles(GRAPH)


def test_the_checks_can_fail():
    """The circle finder on a graph with a circle of three beside a chain, and the import reader on
    a module whose imports are known (a lazy one among them)."""
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [["a", "b", "c"]]
    assert {"priorfit.data.design", "priorfit.models.posterior"} <= _imports("priorfit.runs.compare")
    assert "priorfit.runs.compare" in _imports("priorfit")  # lazy, inside __getattr__


@pytest.mark.parametrize("module", sorted(MODULES))
def test_no_module_over_500_lines(module):
    lines = len(MODULES[module].read_text().splitlines())
    assert lines <= MAX_LINES, f"{module} has {lines} lines"


def test_the_xdist_units_keep_shared_fits_together():
    """tests/conftest.py's units: a file is one unit, a golden case's two tests one, the tests of a
    shared declared run one, and a file in SPREAD is handed out test by test."""
    import conftest

    golden = "tests/results/test_golden.py::test_{}_match_golden[sigma_estimated]"
    assert conftest.work_unit(golden.format("exact_quantities")) == conftest.work_unit(golden.format("posterior_summaries"))
    assert conftest.work_unit(golden.format("exact_quantities")) != conftest.work_unit(golden.format("x").replace("sigma_estimated", "p_greater_than_n"))
    shared = ["tests/runs/test_declarations.py::test_each_shipped_declaration_runs[breast-cancer]",
              "tests/models/test_likelihoods.py::test_logistic_json_names_c",
              "tests/results/test_holdout.py::test_bernoulli_rows_are_scored_by_brier_and_log_loss_of_the_posterior_mean"]
    assert {conftest.work_unit(n) for n in shared} == {"declared"}
    assert conftest.work_unit("tests/results/test_holdout.py::test_the_split_is_seeded") == "results/test_holdout.py"
    spread = "tests/runs/test_declarations.py::test_each_shipped_declaration_runs[diabetes]"
    assert conftest.work_unit(spread) == spread
