"""Shared fixtures. The compiled fits are session-scoped: a test module that needs a data set
and settings another module fits asks for the named result here instead of fitting it again
(each fit compiles its graphs, which dominates a run on a fresh machine).

The default run spreads the tests over the cores with pytest-xdist, and a fixture is computed
once in each worker that asks for it. So the tests are handed out in units (:func:`work_unit`):
a test file is one unit, so that its module fixtures and caches are computed once; the files
and tests that share one of the costly session fixtures below are one unit (:data:`ONE_WORKER`);
the golden masters' tests of one case are one unit (they share the case's run); and the tests of
the files in :data:`SPREAD`, which share nothing computed, are handed out one by one."""

from pathlib import Path

import pytest

from priorfit.data import design as data
from priorfit.data import sources

MODELS = Path(__file__).parents[1] / "models"

#: unit -> what shares its session fixtures (relative to tests/): test files, tests (``file::test``) and
#: the tests of a file with one parameter (``file[parameter]``)
ONE_WORKER = {
    "declared": ("models/test_likelihoods.py", "models/test_prior_options.py", "plots/test_plots.py", "results/test_predictions.py",
                 "results/test_holdout.py::test_bernoulli_rows_are_scored_by_brier_and_log_loss_of_the_posterior_mean",
                 "runs/test_declarations.py[breast-cancer]", "runs/test_declarations.py[poisson-counts]",
                 "runs/test_declarations.py[park-casella]"),
    "diabetes-default": ("results/test_golden.py[diabetes_default]", "results/test_schema.py", "report/test_explorer.py"),
    "mvnormal-rw2": ("results/test_golden.py[mvnormal_rw2]", "models/test_mvnormal.py"),
    "laplace-weights": ("results/test_golden.py[laplace_weights]", "models/test_weighted_laplace.py"),
    "group-laplace": ("results/test_golden.py[group_laplace]", "models/test_group_laplace.py"),
}

#: files whose tests share no fixture above function scope: handed out one by one
SPREAD = ("end_to_end/test_docs.py", "end_to_end/test_notebooks.py", "end_to_end/test_cli.py", "end_to_end/test_bad_input.py",
          "runs/test_declarations.py", "runs/test_estimator.py", "models/test_normalizers.py", "models/test_r2d2.py",
          "inference/test_inference.py", "data/test_inputs.py", "results/test_reproducible.py")

#: files whose tests with the same parameter share a cached run: one unit per parameter
BY_PARAMETER = ("results/test_golden.py",)

#: the draws of the shared declaration runs: enough for the likelihood tests' R-hat and divergence checks
DECLARED_DRAWS = {"draws": 300, "tune": 400, "chains": 2}

#: the golden master ``diabetes_default`` (the README's main job) and tests/results/test_schema.py's default run
DIABETES_DEFAULT = dict(X="diabetes")

#: one call for the golden master ``normal_fixed_sigma`` and tests/runs/test_comparison.py (defaults: 4 x 1000 draws)
DIABETES_NORMAL_FIXED = dict(X="diabetes", prior="normal", sigma=54.0, alpha=2.0, seed=1)

#: one call for the golden master ``mvnormal_rw2`` and tests/models/test_mvnormal.py
MVNORMAL_RW2 = dict(X="diabetes", prior="mvnormal", precision="rw2", alpha=0.5, sigma=54.0, standardize=False, draws=500, tune=500,
                    chains=2, seed=9)

#: one call for the golden master ``laplace_weights`` and tests/models/test_weighted_laplace.py (the weighted lasso)
LAPLACE_WEIGHTS = dict(X="diabetes", prior="laplace", weights=(1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0, 1.0, 0.7, 1.0), alpha=0.5,
                       sigma=54.0, standardize=False, draws=500, tune=500, chains=2, seed=10)

#: one call for the golden master ``group_laplace`` and tests/models/test_group_laplace.py (the group lasso): diabetes'
#: age+sex, bmi, bp and the six serum measurements s1..s6, as column numbers
GROUP_LAPLACE = dict(X="diabetes", prior="group_laplace", groups=[[0, 1], [2], [3], [4, 5, 6, 7, 8, 9]], alpha=0.4, sigma=54.0,
                     standardize=False, draws=500, tune=500, chains=2, seed=11)

#: sparse synthetic data under three priors, one with no twin: the plots, the identity profile and the reports
SPARSE_THREE = dict(X="synthetic:n=80,p=6,k=2,seed=3", prior="normal,laplace,horseshoe", draws=200, tune=300, chains=2, seed=1)


@pytest.fixture(scope="session")
def diabetes():
    return sources.load("diabetes")


@pytest.fixture(scope="session")
def diabetes_design(diabetes):
    return data.make_design(diabetes)


@pytest.fixture(scope="session")
def diabetes_default():
    """``priorfit.compare("diabetes")``, the README's main job: its golden master and the saved-files schema."""
    import priorfit

    return priorfit.compare(**DIABETES_DEFAULT)


@pytest.fixture(scope="session")
def diabetes_normal_fixed():
    import priorfit

    return priorfit.compare(**DIABETES_NORMAL_FIXED)


@pytest.fixture(scope="session")
def mvnormal_rw2():
    import priorfit

    return priorfit.compare(**MVNORMAL_RW2, progress=False)


@pytest.fixture(scope="session")
def laplace_weights():
    import priorfit

    return priorfit.compare(**LAPLACE_WEIGHTS, progress=False)


@pytest.fixture(scope="session")
def group_laplace():
    import priorfit

    return priorfit.compare(**GROUP_LAPLACE, progress=False)


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


def work_unit(nodeid: str) -> str:
    """The unit of work a test belongs to (the module's docstring), from its id
    (``tests/<file>::<test>[<parameter>]``)."""
    path, _, name = nodeid.partition("::")
    file = path.removeprefix("tests/")
    test, _, parameter = name.removesuffix("]").partition("[")
    for unit, members in ONE_WORKER.items():
        if {file, f"{file}::{test}", f"{file}[{parameter}]"} & set(members):
            return unit
    if file in BY_PARAMETER and parameter:
        return f"{file}[{parameter}]"
    return nodeid if file in SPREAD else file


@pytest.hookimpl(optionalhook=True)  # a hook of pytest-xdist: absent with -p no:xdist
def pytest_xdist_make_scheduler(config, log):
    """pytest-xdist's scope scheduling (largest units first) with :func:`work_unit` as the scope.
    (Its ``--dist loadgroup`` marks do not reach the scheduler under pytest 9.2: they are written
    into an attribute of the test item that pytest no longer reads.)"""
    from xdist.scheduler import LoadScopeScheduling

    class Scheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return work_unit(nodeid)

    return Scheduling(config, log)
