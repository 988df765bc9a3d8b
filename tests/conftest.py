"""Shared fixtures. The compiled fits are session-scoped: a test module that needs a data set
and settings another module fits asks for the named result here instead of fitting it again
(each fit compiles its graphs, which dominates a run on a fresh machine).

The default run spreads the tests over the cores with pytest-xdist (``--dist loadgroup``), and a
fixture is computed once per worker that asks for it. So :func:`pytest_collection_modifyitems`
keeps together what shares a computed fit: the test files that share a session fixture below
run in one worker (:data:`ONE_WORKER`), every other file with a module-scoped fixture runs in
one worker, and a test that reaches a shared fit some other way (``request.getfixturevalue``, a
cache) carries its own ``xdist_group`` mark."""

from pathlib import Path

import pytest

from priorfit.data import design as data
from priorfit.data import sources

MODELS = Path(__file__).parents[1] / "models"

#: xdist group -> the test files (relative to tests/) that share its session fixtures
ONE_WORKER = {
    "declared": ("models/test_likelihoods.py", "models/test_prior_options.py"),  # and runs/test_declarations.py's shared runs
    "sparse_three": ("plots/test_plots.py", "diagnostics/test_identity.py", "report/test_report.py"),
    "diabetes_normal_fixed": ("runs/test_comparison.py",),  # and the golden master of the same call
}

#: the draws of the shared declaration runs: enough for the likelihood tests' R-hat and divergence checks
DECLARED_DRAWS = {"draws": 300, "tune": 400, "chains": 2}

#: one call for the golden master ``normal_fixed_sigma`` and tests/runs/test_comparison.py (defaults: 4 x 1000 draws)
DIABETES_NORMAL_FIXED = dict(X="diabetes", prior="normal", sigma=54.0, alpha=2.0, seed=1)

#: sparse synthetic data under three priors, one with no twin: the plots, the identity profile and the reports
SPARSE_THREE = dict(X="synthetic:n=80,p=6,k=2,seed=3", prior="normal,laplace,horseshoe", draws=200, tune=300, chains=2, seed=1)


@pytest.fixture(scope="session")
def diabetes():
    return sources.load("diabetes")


@pytest.fixture(scope="session")
def diabetes_design(diabetes):
    return data.make_design(diabetes)


@pytest.fixture(scope="session")
def diabetes_normal_fixed():
    import priorfit

    return priorfit.compare(**DIABETES_NORMAL_FIXED)


@pytest.fixture(scope="session")
def sparse_three():
    import priorfit

    return priorfit.compare(**SPARSE_THREE, progress=False)


@pytest.fixture(scope="session")
def sparse_three_saved(sparse_three, tmp_path_factory):
    """``sparse_three`` saved with its plots and reports; tests copy the folder before changing it."""
    out = tmp_path_factory.mktemp("sparse") / "run"
    sparse_three.save(out)
    return sparse_three, out


def _declared(name, tmp_path_factory):
    from priorfit.runs import declarations

    declaration = declarations.load(MODELS / f"{name}.toml")
    result, out = declaration.run(tmp_path_factory.mktemp("declared") / declaration.name, progress=False, plots=False,
                                  **DECLARED_DRAWS)
    return declaration, result, out


@pytest.fixture(scope="session")
def declared_breast_cancer(tmp_path_factory):
    """models/breast-cancer.toml (logistic regression under three priors): the declaration test and the likelihood tests."""
    return _declared("breast-cancer", tmp_path_factory)


@pytest.fixture(scope="session")
def declared_poisson_counts(tmp_path_factory):
    """models/poisson-counts.toml (Poisson regression under three priors): the declaration test and the likelihood tests."""
    return _declared("poisson-counts", tmp_path_factory)


@pytest.fixture(scope="session")
def declared_park_casella(tmp_path_factory):
    """models/park-casella.toml (the Bayesian lasso, sigma-scaled): the declaration test and the prior-option tests."""
    return _declared("park-casella", tmp_path_factory)


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marks (it appends the group to the test ids)
def pytest_collection_modifyitems(config, items):
    """Give every test that shares a computed fit with others the ``xdist_group`` of that fit
    (see the module's docstring); the others are spread one by one."""
    tests = Path(__file__).parent
    by_file = {file: group for group, files in ONE_WORKER.items() for file in files}
    for item in items:
        if item.get_closest_marker("xdist_group"):
            continue
        file = item.path.relative_to(tests).as_posix()
        if file in by_file:
            item.add_marker(pytest.mark.xdist_group(by_file[file]))
        elif _uses_a_module_fixture(item):
            item.add_marker(pytest.mark.xdist_group(file))


def _uses_a_module_fixture(item) -> bool:
    definitions = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return any(fixtures and fixtures[-1].scope == "module" for fixtures in definitions.values())
