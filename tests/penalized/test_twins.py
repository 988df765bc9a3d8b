"""The (prior, likelihood) twin table: conversions, objectives as scikit-learn documents them,
and the README showing the same table."""

import re
from pathlib import Path

import numpy as np
import pytest

from priorfit.penalized import twins


@pytest.mark.parametrize("key", list(twins.TWINS))
def test_conversion_round_trips(key):
    twin = twins.TWINS[key]
    for alpha in (1e-3, 0.5, 40.0):
        scale = twin.scale_from_alpha(alpha, 2.5, 137)
        assert twin.alpha_from_scale(scale, 2.5, 137) == pytest.approx(alpha, rel=1e-14)


def test_conversion_constants():
    # Ridge: alpha = sigma^2 / tau^2 (no 1/n); Lasso: alpha = sigma^2 / (n b)
    assert twins.twin("normal", "gaussian").alpha_from_scale(2.0, 3.0, 100) == pytest.approx(9.0 / 4.0)
    assert twins.twin("laplace", "gaussian").alpha_from_scale(2.0, 3.0, 100) == pytest.approx(9.0 / 200.0)


@pytest.mark.parametrize("key", list(twins.TWINS))
def test_objective_is_the_installed_docstring(key):
    twin = twins.TWINS[key]
    options = {"l1_ratio": 0.3} if key[0] == "elasticnet" else {}
    estimator = twin.make(1.0, True, **options)
    assert type(estimator).__name__ == twin.estimator

    def squash(text):
        return re.sub(r"\s+", "", text)

    assert squash(twin.documented) in squash(type(estimator).__doc__)
    assert twin.search(True, 50, **options).fit  # a cross-validated search


def test_nearest_names_match_the_estimators():
    for ref in twins.NEAREST.values():
        assert tuple(ref.estimators(True, 20)) == ref.names


def test_readme_table_is_the_twin_table():
    readme = (Path(__file__).parents[2] / "README.md").read_text()
    for row in twins.rows():
        line = f"| {row['prior']} | {row['likelihood']} | {row['estimator']} |"
        assert line in readme, line
        if row["objective"]:  # pipes inside a Markdown table cell are escaped
            objective = row["objective"].replace("|", "\\|")
            assert f"`{objective}` | `{row['conversion']}` |" in readme, objective


DATA = {"gaussian": "diabetes", "bernoulli": "breast_cancer", "poisson": "synthetic:n=300,p=10,k=3,family=poisson",
        "laplace": "diabetes", "quantile": "diabetes"}


@pytest.mark.parametrize("key", list(twins.TWINS))
def test_the_installed_estimator_minimizes_the_written_objective(key):
    """The constants of each objective checked against scikit-learn numerically: its fitted
    coefficients are the minimum of the objective as written here (a wrong factor would give a
    first-order decrease in some direction)."""
    from priorfit.data import design as data
    from priorfit.data import sources

    twin = twins.TWINS[key]
    design = data.make_design(sources.load(DATA[key[1]]))
    options = {"l1_ratio": 0.3} if key[0] == "elasticnet" else {"quantile": 0.3} if key[1] == "quantile" else {}
    value = {"alpha": 0.05, "C": 0.05}[twin.hyperparameter] if key[1] != "poisson" else 0.01
    fitted = twin.make(value, True, **options).fit(design.X, design.y)
    w, c = np.ravel(fitted.coef_), float(np.ravel(fitted.intercept_)[0])

    def J(w, c):
        return twin.objective_at(design, w, c, 0.0, value, **options)

    best, rng = J(w, c), np.random.default_rng(0)
    for _ in range(20):
        d, dc = rng.standard_normal(design.p), rng.standard_normal()
        d[w == 0] *= rng.random() < 0.5  # also directions that keep the zeros
        for eps in (1e-4, -1e-4):
            assert J(w + eps * d, c + eps * dc) >= best - 1e-9 * abs(best)


def test_a_sigma_scaled_scale_is_measured_in_sigma():
    from priorfit.models import priors

    ridge, lasso = twins.twin("normal", "gaussian"), twins.twin("laplace", "gaussian")
    # tau = 2 sigma at sigma = 3: alpha = sigma^2 / (2 sigma)^2 = 1/4; unscaled tau = 2: 9/4
    assert ridge.value_of(2.0, 3.0, 100, by_sigma=True) == pytest.approx(0.25, rel=1e-15)
    assert ridge.value_of(2.0, 3.0, 100) == pytest.approx(2.25, rel=1e-15)
    assert ridge.scale_of(0.25, 3.0, 100, by_sigma=True) == pytest.approx(2.0, rel=1e-15)
    # b = 2 sigma: alpha = sigma^2 / (n 2 sigma) = 3 / 200
    assert lasso.value_of(2.0, 3.0, 100, by_sigma=True) == pytest.approx(0.015, rel=1e-15)
    prior = priors.Laplace(2.0)
    assert lasso.penalty(prior, 3.0, 100) == lasso.value_of(2.0, 3.0, 100)
    prior.by_sigma = True
    assert lasso.penalty(prior, 3.0, 100) == lasso.value_of(2.0, 3.0, 100, by_sigma=True)


def test_only_a_loose_solver_is_loosened_for_refits():
    assert twins.LOOSE_TOL == 1e-4 and twins.TOLERANCE == 1e-6
    loose = [key for key, t in twins.TWINS.items() if t.tolerance > twins.TOLERANCE]
    assert loose == [("laplace", "bernoulli"), ("elasticnet", "bernoulli")]  # saga
    for key, t in twins.TWINS.items():
        options = {"l1_ratio": 0.5} if key[0] == "elasticnet" else {}
        exact, refit = t.make(0.5, True, **options).get_params(), t.make_for_refits(0.5, True, **options).get_params()
        assert refit == (exact | {"tol": twins.LOOSE_TOL} if key in loose else exact), key


def test_empirical_bayes_scale_and_the_cv_folds():
    evidence = twins.EMPIRICAL_BAYES[("normal", "gaussian")]
    params = {"coef_precision": 4.0, "noise_precision": 9.0}  # tau = 1/2; sigma = 1/3, so tau = 1.5 sigma
    assert evidence.scale(params, False) == 0.5 and evidence.scale(params, True) == pytest.approx(1.5, rel=1e-15)
    assert evidence.make(True).get_params()["tol"] == 1e-10
    assert [twins.cv_folds(n) for n in (3, 5, 400)] == [3, 5, 5]
    assert twins.cv_folds(7, twins.SCORE_FOLDS) == 7 and twins.cv_folds(400, twins.SCORE_FOLDS) == 10
    assert twins.twin("laplace", "gaussian").search(True, 400).cv == 5
