"""The penalized side's own checks: whether two solutions are both optima of a problem whose
solution is not unique, and whether a cross-validated penalty lies inside its grid."""

import numpy as np
import pytest

from priorfit.data import design as data
from priorfit.data import sources
from priorfit.models import priors
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins


def _duplicated(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    X = np.column_stack([X, X[:, 0]])
    y = 2 * X[:, 0] + X[:, 1] + rng.standard_normal(n)
    return data.from_arrays(X, y, features=["a", "b", "c", "a_copy"])


@pytest.mark.parametrize("rows", [True, False])
def test_two_splits_of_duplicate_columns_are_both_lasso_optima(rows):
    dataset = _duplicated()
    design = data.make_design(dataset) if rows else sources.summarize(dataset, standardize=True, intercept=True)
    twin, prior, alpha = twins.twin("laplace", "gaussian"), priors.Laplace(1.0), 0.05
    lasso = penalized.fit(design, prior, "gaussian", alpha)
    w, b = lasso.coef, lasso.intercept
    assert w[0] > 0 and w[3] > 0 and w[2] == 0  # sklearn's split of the weight between the copies
    # the weight moved between the copies, with the same sign: the same L1 norm and fitted values
    even = w.copy()
    even[0] = even[3] = (w[0] + w[3]) / 2
    u = penalized.uniqueness(design, twin, prior, alpha, (even, b), (w, b))
    assert u.not_unique(twin.tolerance)
    assert u.objective_rel_diff < 1e-13 and u.fitted_rel_diff < 1e-12 and (u.active, u.rank) == (3, 2)
    assert u.unidentified == ("a", "a_copy")
    # the same fitted values with a copy of the opposite sign: a larger L1 norm, so no optimum
    opposite = w.copy()
    opposite[0], opposite[3] = w[0] + w[3] + 0.1, -0.1
    u = penalized.uniqueness(design, twin, prior, alpha, (opposite, b), (w, b))
    assert u.fitted_rel_diff < 1e-12 and u.objective_rel_diff > 1e-4 and not u.not_unique(twin.tolerance)


def test_distinct_columns_are_identified():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 4))
    dataset = data.from_arrays(X, X @ [2.0, 1.0, 0.0, 0.5] + rng.standard_normal(200))
    design, twin, prior = data.make_design(dataset), twins.twin("laplace", "gaussian"), priors.Laplace(1.0)
    lasso = penalized.fit(design, prior, "gaussian", 0.05)
    w, b = lasso.coef, lasso.intercept
    # a point near the optimum: full rank, and its objective and fitted values differ
    u = penalized.uniqueness(design, twin, prior, 0.05, (w + 1e-3, b), (w, b))
    assert u.rank == u.active == 4 and u.unidentified == () and not u.not_unique(twin.tolerance)
    assert u.objective_rel_diff > 1e-7


# -- cross-validated penalties on the edge of their grid --------------------------------------------
def _raw(n, scale, coef, seed, family="gaussian"):
    """Unstandardized columns of sd ``scale``: the penalty that fits scales with them, beyond a fixed grid."""
    rng = np.random.default_rng(seed)
    X = scale * rng.standard_normal((n, len(coef)))
    eta = X @ (np.asarray(coef) / scale)
    if family == "bernoulli":
        y = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(float)
    else:
        y = eta + rng.standard_normal(n)
    return data.from_arrays(X, y)


@pytest.mark.parametrize(("scale", "beyond"), [(1000.0, "top"), (1e-3, "bottom")])
@pytest.mark.parametrize("rows", [True, False])
def test_ridge_grid_is_extended_until_the_choice_is_inside(scale, beyond, rows):
    from sklearn.linear_model import Ridge, RidgeCV
    from sklearn.model_selection import GridSearchCV, KFold

    dataset = _raw(2000, scale, [0.5] * 5, seed=0)
    design = (data.make_design(dataset, standardize=False) if rows
              else sources.summarize(dataset, standardize=False, intercept=True))
    twin = twins.twin("normal", "gaussian")
    default = twin.search(True, design.n).alphas
    value, label, choice = penalized.cv_choice(design, twin, priors.Normal(1.0))
    assert choice.interior and choice.extensions == 1 and not (default[0] <= value <= default[-1])
    assert label.endswith(f", its grid extended 1 time beyond its {beyond}")
    assert choice.sentence("normal") == (f"normal: {choice.search} chose alpha = {value:.4g} inside its grid "
                                         f"[{choice.low:.3g}, {choice.high:.3g}], extended 1 time")
    # the same choice as the search over the wide grid from the start
    wide = np.logspace(-7, 5, 121) if beyond == "bottom" else np.logspace(-4, 8, 121)
    if rows:
        direct = RidgeCV(alphas=wide).fit(design.X, design.y).alpha_
    else:
        direct = GridSearchCV(Ridge(), {"alpha": wide}, cv=KFold(5), scoring="neg_mean_squared_error").fit(
            dataset.X, dataset.y).best_params_["alpha"]
    assert value == pytest.approx(direct, rel=1e-9)


def test_lasso_on_pure_noise_chooses_the_empty_model_and_says_so():
    rng = np.random.default_rng(0)
    design = data.make_design(data.from_arrays(rng.standard_normal((500, 5)), rng.standard_normal(500)))
    value, _, choice = penalized.cv_choice(design, twins.twin("laplace", "gaussian"), priors.Laplace(1.0))
    assert choice.edge == "upper" and choice.plateau and choice.extensions == 0 and value == choice.high
    fitted = penalized.fit(design, priors.Laplace(1.0), "gaussian", value)
    assert np.all(fitted.coef == 0)  # alpha_max: every coefficient at mu
    assert choice.sentence("laplace") == (
        f"laplace: LassoCV chose alpha = {value:.4g}, the largest value of its grid [{choice.low:.3g}, {value:.3g}], where "
        "every coefficient is at the prior location, as at any stronger penalty: cross-validation prefers the empty model "
        "and does not choose the scale; give --alpha or --scale, or a random scale (hyper:)")


@pytest.mark.parametrize("rows", [True, False])
def test_lasso_grid_is_extended_below_its_bottom(rows):
    """LassoCV's own grid reaches 1e-3 alpha_max, where its default tolerance limits the fits; a
    search of one decade puts the optimum below its bottom, and the extension finds it."""
    import dataclasses

    from sklearn.linear_model import LassoCV

    rng = np.random.default_rng(2)
    X = rng.standard_normal((1000, 4))
    dataset = data.from_arrays(X, X @ [1.0, 1.0, 0.5, 0.0] + rng.standard_normal(1000))
    design = data.make_design(dataset) if rows else sources.summarize(dataset, standardize=True, intercept=True)
    narrow = dataclasses.replace(twins.twin("laplace", "gaussian"),
                                 search=lambda fit_intercept, n: LassoCV(eps=0.3, alphas=10, cv=5, fit_intercept=fit_intercept))
    value, label, choice = penalized.cv_choice(design, narrow, priors.Laplace(1.0))
    assert choice.interior and choice.extensions >= 1 and value < 0.3 * choice.high
    assert label.endswith(f"its grid extended {choice.extensions} time{'s' * (choice.extensions > 1)} beyond its bottom")


def test_logistic_grid_is_extended_and_pure_noise_is_reported():
    twin = twins.twin("normal", "bernoulli")
    dataset = _raw(2000, 1e-3, [1.0, -1.0, 0.5], seed=1, family="bernoulli")  # C = tau^2 beyond 1e3
    value, label, choice = penalized.cv_choice(data.make_design(dataset, standardize=False), twin, priors.Normal(1.0))
    assert choice.interior and choice.extensions >= 1 and value > 1e3 and "beyond its top" in label
    rng = np.random.default_rng(0)
    noise = data.from_arrays(rng.standard_normal((2000, 5)), (rng.random(2000) < 0.5).astype(float))
    value, label, choice = penalized.cv_choice(data.make_design(noise), twin, priors.Normal(1.0))
    assert choice.edge == "lower" and choice.extensions == twins.MAX_EXTENSIONS and value == choice.low
    assert choice.sentence("normal") == (
        f"normal: LogisticRegressionCV chose C = {value:.4g}, the smallest value of its grid [{value:.3g}, 1e+03], "
        "extended 3 times: the optimum lies beyond it (a stronger penalty), so this is no cross-validated choice; "
        "give --C or --scale, or a random scale (hyper:)")


@pytest.mark.slow  # 160 Poisson fits: ~10 s on a busy 2-core machine (the logistic test covers a GLM by default)
def test_poisson_grid_search_is_extended_beyond_its_top():
    rng = np.random.default_rng(3)
    X = 100.0 * rng.standard_normal((400, 3))
    y = rng.poisson(np.exp(X @ (np.array([0.3, -0.2, 0.1]) / 100.0))).astype(float)
    twin = twins.twin("normal", "poisson")
    default = twin.search(True, 400).param_grid["alpha"]
    value, label, choice = penalized.cv_choice(data.make_design(data.from_arrays(X, y), standardize=False), twin,
                                               priors.Normal(1.0))
    assert choice.interior and value > default[-1] and choice.low == default[0]
    assert label == "GridSearchCV(PoissonRegressor), its grid extended 1 time beyond its top"


def test_glum_grid_is_extended_below_its_bottom():
    """glum's path starts at alpha_max too; a path of one decade puts the optimum below it."""
    import dataclasses

    from glum import GeneralizedLinearRegressorCV

    rng = np.random.default_rng(4)
    X = rng.standard_normal((300, 3))
    y = rng.poisson(np.exp(0.5 + X @ [0.5, -0.4, 0.3])).astype(float)
    narrow = dataclasses.replace(
        twins.twin("laplace", "poisson"),
        search=lambda fit_intercept, n: GeneralizedLinearRegressorCV(family="poisson", l1_ratio=1.0, fit_intercept=fit_intercept,
                                                                     cv=5, n_alphas=5, min_alpha_ratio=0.1))
    value, label, choice = penalized.cv_choice(data.make_design(data.from_arrays(X, y)), narrow, priors.Laplace(1.0))
    assert choice.interior and choice.extensions >= 1 and value < 0.1 * choice.high
    assert label.startswith("GeneralizedLinearRegressorCV, its grid extended") and label.endswith("beyond its bottom")


def test_l1_logistic_on_pure_noise_stops_at_the_empty_model():
    rng = np.random.default_rng(1)
    noise = data.from_arrays(rng.standard_normal((500, 4)), (rng.random(500) < 0.5).astype(float))
    design = data.make_design(noise)
    value, label, choice = penalized.cv_choice(design, twins.twin("laplace", "bernoulli"), priors.Laplace(1.0))
    # every C up to about 1 / max |X'(y - ybar)| fits no coefficient; saga's inexact intercept picks one of them
    assert np.all(penalized.fit(design, priors.Laplace(value), "bernoulli", value).coef == 0)
    assert choice.plateau and not choice.chosen and choice.extensions == 0 and label == "LogisticRegressionCV"
    assert choice.sentence("laplace") == (
        f"laplace: LogisticRegressionCV chose C = {value:.4g}, inside its grid [0.001, 1e+03], where every coefficient is "
        "at the prior location, as at any stronger penalty: cross-validation prefers the empty model and does not choose "
        "the scale; give --C or --scale, or a random scale (hyper:)")


def test_random_scale_cross_validation_says_when_it_chose_nothing():
    import xarray as xr

    from priorfit.models import likelihoods
    from priorfit.results.records import Hyperparameters
    from priorfit.runs import compare as comparison

    rng = np.random.default_rng(0)
    design = data.make_design(data.from_arrays(rng.standard_normal((500, 5)), rng.standard_normal(500)))
    prior = priors.Laplace(1.0)
    pen = penalized.fit(design, prior, "gaussian", None)  # no fixed alpha: the penalty chosen by the data
    grid = pen.grids["LassoCV"]
    assert grid.plateau and pen.estimates["LassoCV"].params["alpha"] == grid.value
    posterior = xr.Dataset({"global_scale": (("chain", "draw"), rng.uniform(0.5, 1.5, (2, 100)))})
    tree = xr.DataTree.from_dict({"posterior": posterior})
    choices = comparison._scale_choices(design, prior, likelihoods.get("gaussian"), Hyperparameters("hyperprior", None, dispersion=1.0),
                                        pen, tree, 0.9)
    assert choices[0].method == "cross-validation (LassoCV; the empty model, no choice)"
