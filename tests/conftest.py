"""Shared fixtures. The compiled fits are session-scoped: a test module that needs a data set
and settings another module fits asks for the named result here instead of fitting it again
(each fit compiles its graphs, which dominates a run on a fresh machine)."""

from pathlib import Path

import pytest

from priorfit.data import design as data
from priorfit.data import sources

MODELS = Path(__file__).parents[1] / "models"

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
