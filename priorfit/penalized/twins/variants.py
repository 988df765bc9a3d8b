"""The rows that depend on a prior's options, built from them: the bridge's exponent q, the
multivariate normal's precision matrix, the Laplace prior's weights, the group Laplace prior's
groups (:data:`VARIANTS`, which
:func:`~priorfit.penalized.twins.table.twin` consults before the fixed rows)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from priorfit.penalized.twins.estimators import (
    _bridge_regression, _glum_ridge, _glum_ridge_cv, _grid_cv, _group_lasso, _lasso, _lasso_cv, _log_loss, _poisson_deviance, _skglm_bridge,
    _squared, _tikhonov, _weighted_l1,
)
from priorfit.penalized.twins.numbers import GRID_SEARCH_TOL, TOLERANCE
from priorfit.penalized.twins.records import GAUSSIAN_L1, Twin

# -- the bridge prior's rows: one per exponent q (bound by :func:`twin` from the prior's bridge_q) ------
_GRID_BEST = lambda search: float(search.best_params_["alpha"])  # noqa: E731 - a grid search's choice
#: q -> (estimator, documented objective, factory, search, its choice, tolerance) of the exponents a library solves
_BRIDGE_SOLVERS = {
    0.5: ("skglm L0_5", "ell_(0.5)", _skglm_bridge(0.5), _grid_cv(_skglm_bridge(0.5)), _GRID_BEST, TOLERANCE),
    2.0 / 3.0: ("skglm L2_3", "ell_(2/3)", _skglm_bridge(2.0 / 3.0), _grid_cv(_skglm_bridge(2.0 / 3.0)), _GRID_BEST, TOLERANCE),
    1.0: ("Lasso", "(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1", _lasso, _lasso_cv,
          lambda search: float(search.alpha_), TOLERANCE),
    # glum's alpha / 2 w'P2w at P2 = I is alpha_glum = 2 alpha
    2.0: ("GeneralizedLinearRegressor", "1/2 * alpha * (1 - l1_ratio) * w*P2*w", _glum_ridge, _glum_ridge_cv,
          lambda search: float(search.alpha_) / 2.0, TOLERANCE),
}
#: the exponents of the README's table (``rows``): each solver's, and one between 1 and 2
BRIDGE_EXPONENTS = (0.5, 2.0 / 3.0, 1.0, 1.5, 2.0)


def _bridge_penalty(d, q):  # sum |d_j|^q
    return float(np.sum(np.abs(d) ** q))


def bridge_twin(q: float) -> Twin | None:
    """The twin of the bridge prior of exponent ``q`` with the Gaussian likelihood: the least squares
    of skglm's convention, ``(1/(2n)) ||y - Xw - c||^2 + alpha sum |w_j - mu_j|^q``, with ``alpha =
    sigma^2 / (n b^q)`` (``-log p(w | y) = (n / sigma^2) J(w) + const``). Its solver: skglm's
    ``L0_5`` and ``L2_3`` at q = 1/2 and 2/3, Lasso at 1, glum's Gaussian GLM at 2 (Ridge's alpha
    would be ``2 n alpha``), priorfit's :class:`~priorfit.penalized.bridge.BridgeRegression` for
    1 < q < 2; None for the other q < 1, which no library solves."""
    solver = next((row for exponent, row in _BRIDGE_SOLVERS.items() if np.isclose(q, exponent, rtol=0, atol=1e-12)), None)
    if solver is None and not 1.0 < q < 2.0:
        return None
    if solver is None:
        solver = ("BridgeRegression", "alpha sum |w_j|^q", _bridge_regression(q),
                  _grid_cv(_bridge_regression(q)), _GRID_BEST, TOLERANCE)
    estimator, documented, make, search, best, tolerance = solver
    return Twin(
        "bridge", "gaussian", estimator,
        objective=f"(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * sum |w_j|^{q:.4g}",
        documented=documented,
        conversion=f"alpha = sigma^2 / (n b^q), q = {q:.4g}",
        alpha_from_scale=lambda b, sigma, n: sigma**2 / (n * b**q),
        scale_from_alpha=lambda alpha, sigma, n: (sigma**2 / (n * alpha)) ** (1.0 / q),
        objective_scale=lambda alpha, sigma, n: n / sigma**2,
        make=make,
        search=search,
        loss=_squared,
        objective_value=lambda loss, n, d, alpha: loss / (2.0 * n) + alpha * _bridge_penalty(d, q),
        tolerance=tolerance,
        best=best,
    )


# -- the mvnormal prior's rows: glum's GLM with P2 = Q (bound by :func:`twin` from the prior's precision) --
#: likelihood -> (glum's family, the summed loss, its factor in glum's objective at n rows, the objective
#: for people, and the conversion's three callables: alpha from tau, tau from alpha, the factor k)
_TIKHONOV = {
    "gaussian": ("normal", _squared, lambda n: 1.0 / (2.0 * n), "(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha / 2 * w'Qw",
                 "alpha = sigma^2 / (n tau^2)", lambda tau, sigma, n: sigma**2 / (n * tau**2),
                 lambda alpha, sigma, n: sigma / np.sqrt(n * alpha), lambda alpha, sigma, n: n / sigma**2),
    "bernoulli": ("binomial", _log_loss, lambda n: 1.0 / n, "(1 / n_samples) * sum(log_loss) + alpha / 2 * w'Qw",
                  "alpha = 1 / (n tau^2)", lambda tau, d, n: 1.0 / (n * tau**2), lambda alpha, d, n: 1.0 / np.sqrt(n * alpha),
                  lambda alpha, d, n: float(n)),
    "poisson": ("poisson", _poisson_deviance, lambda n: 1.0 / (2.0 * n),
                "1 / (2 * n_samples) * sum(deviance) + alpha / 2 * w'Qw", "alpha = 1 / (n tau^2)",
                lambda tau, d, n: 1.0 / (n * tau**2), lambda alpha, d, n: 1.0 / np.sqrt(n * alpha), lambda alpha, d, n: float(n)),
}


def mvnormal_twin(precision, likelihood: str) -> Twin:
    """The twin of the mvnormal prior ``w ~ N(mu, tau^2 Q^-1)``: glum's ``GeneralizedLinearRegressor(alpha,
    P2=Q, l1_ratio=0)`` of the likelihood's family, whose objective is ``1/(2n) deviance + alpha / 2
    w'Qw`` (the deviance is the squared error, twice the log loss, the Poisson deviance), so that
    ``alpha = sigma^2 / (n tau^2)`` (gaussian) or ``1 / (n tau^2)``. ``precision`` gives Q for the
    data's columns (:class:`~priorfit.models.priors.mvnormal.Precision`; None only to list the table)."""
    family, loss, per_loss, objective, conversion, alpha_from_scale, scale_from_alpha, objective_scale = _TIKHONOV[likelihood]
    make = _tikhonov(precision, family)

    def objective_value(loss, n, d, alpha):
        return per_loss(n) * loss + alpha / 2.0 * float(d @ precision.of(len(d)) @ d)

    return Twin(
        "mvnormal", likelihood, "GeneralizedLinearRegressor",
        objective=objective,
        documented="1/2 * alpha * (1 - l1_ratio) * w*P2*w",
        conversion=f"{conversion} (glum, P2 = Q)",
        alpha_from_scale=alpha_from_scale,
        scale_from_alpha=scale_from_alpha,
        objective_scale=objective_scale,
        make=make,
        # the Gaussian's on the mean squared error, as the bridge's; a GLM's on glum's D^2 (its deviance)
        search=_grid_cv(make, scoring="neg_mean_squared_error" if likelihood == "gaussian" else None),
        loss=loss,
        objective_value=objective_value,
        best=_GRID_BEST,
    )


# -- the weighted Laplace prior's rows: skglm's WeightedL1 (bound by :func:`twin` from the prior's weights) --
#: likelihood -> (the summed loss, its factor in skglm's datafit at n rows, up to a constant in y, the
#: objective for people, and the conversion's three callables: alpha from b, b from alpha, the factor k)
_WEIGHTED_L1 = {
    "gaussian": (_squared, lambda n: 1.0 / (2.0 * n), "(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * sum_j v_j |w_j|",
                 "alpha = sigma^2 / (n b), b_j = b / v_j", *GAUSSIAN_L1.values()),
    "bernoulli": (_log_loss, lambda n: 1.0 / n, "(1 / n_samples) * sum(log_loss) + alpha * sum_j v_j |w_j|",
                  "alpha = 1 / (n b), b_j = b / v_j", lambda b, d, n: 1.0 / (n * b), lambda alpha, d, n: 1.0 / (n * alpha),
                  lambda alpha, d, n: float(n)),
    "poisson": (_poisson_deviance, lambda n: 1.0 / (2.0 * n), "1 / (2 * n_samples) * sum(deviance) + alpha * sum_j v_j |w_j|",
                "alpha = 1 / (n b), b_j = b / v_j", lambda b, d, n: 1.0 / (n * b), lambda alpha, d, n: 1.0 / (n * alpha),
                lambda alpha, d, n: float(n)),
}


def weighted_laplace_twin(weights, likelihood: str) -> Twin:
    """The twin of the Laplace prior with a scale ``b / v_j`` per coefficient: skglm's ``WeightedL1``
    penalty ``alpha sum_j v_j |w_j - mu_j|`` on its ``Quadratic``, ``Logistic`` or ``Poisson`` datafit
    (the mean negative log likelihood; the Poisson's is half the mean deviance up to a constant in
    y), so that ``alpha = sigma^2 / (n b)`` (gaussian) or ``1 / (n b)``: the lasso's conversion, and
    the weights ride along."""
    loss, per_loss, objective, conversion, alpha_from_scale, scale_from_alpha, objective_scale = _WEIGHTED_L1[likelihood]
    v = np.asarray(weights, dtype=float)
    family = likelihood
    make = _weighted_l1(v, family)
    return Twin(
        "laplace", likelihood, "skglm WeightedL1",
        objective=objective,
        documented="Weighted L1 penalty.",
        conversion=conversion,
        alpha_from_scale=alpha_from_scale,
        scale_from_alpha=scale_from_alpha,
        objective_scale=objective_scale,
        make=make,
        # skglm has no cross-validation: a grid on the held-out datafit, at a tolerance enough to choose
        search=_grid_cv(_weighted_l1(v, family, tol=GRID_SEARCH_TOL), scoring=None),
        loss=loss,
        objective_value=lambda loss, n, d, alpha: per_loss(n) * loss + alpha * float(np.abs(d) @ v),
        best=_GRID_BEST,
    )


# -- the group Laplace prior's rows: skglm's group lasso (bound by :func:`twin` from the prior's groups) --
#: likelihood -> the objective for people (the loss, its factor and the conversion are the weighted lasso's)
_GROUP_OBJECTIVES = {
    "gaussian": "(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * sum_g sqrt(|g|) ||w_g||_2",
    "bernoulli": "(1 / n_samples) * sum(log_loss) + alpha * sum_g sqrt(|g|) ||w_g||_2",
    "poisson": "1 / (2 * n_samples) * sum(deviance) + alpha * sum_g sqrt(|g|) ||w_g||_2",
}


def group_laplace_twin(groups, likelihood: str) -> Twin:
    """The twin of the group Laplace prior ``-log p(w_g) = sqrt(|g|) ||w_g - mu_g|| / b + const``: skglm's
    ``WeightedGroupL2`` penalty ``alpha sum_g sqrt(|g|) ||w_g - mu_g||`` on its ``QuadraticGroup``,
    ``LogisticGroup`` or ``PoissonGroup`` datafit, so that ``alpha = sigma^2 / (n b)`` (gaussian) or ``1 /
    (n b)``: the lasso's conversion (a group of one is the lasso). ``groups``: a
    :class:`~priorfit.models.priors.group_laplace.Groups`, resolved to column numbers before a fit."""
    loss, per_loss, _, conversion, alpha_from_scale, scale_from_alpha, objective_scale = _WEIGHTED_L1[likelihood]

    def objective_value(loss, n, d, alpha):
        return per_loss(n) * loss + alpha * sum(np.sqrt(len(g)) * np.linalg.norm(d[g]) for g in groups.of(len(d)))

    return Twin(
        "group_laplace", likelihood, "skglm WeightedGroupL2",
        objective=_GROUP_OBJECTIVES[likelihood],
        documented="Weighted Group L2 penalty.",
        conversion=conversion.replace("b_j = b / v_j", "weights sqrt(|g|)"),
        alpha_from_scale=alpha_from_scale,
        scale_from_alpha=scale_from_alpha,
        objective_scale=objective_scale,
        make=_group_lasso(groups, likelihood),
        # skglm has no cross-validation: a grid on the held-out datafit, at a tolerance enough to choose
        search=_grid_cv(_group_lasso(groups, likelihood, tol=GRID_SEARCH_TOL), scoring=None),
        loss=loss,
        objective_value=objective_value,
        best=_GRID_BEST,
    )


#: (prior, likelihood) -> the row, from the prior's options (a Prior, or Settings) and the pair's
#: fixed row (or None): pairs whose twin depends on them
VARIANTS: dict[tuple[str, str], Callable[[Any, Twin | None], Twin | None]] = {
    ("bridge", "gaussian"): lambda options, row: bridge_twin(float(options.bridge_q)),
    **{("mvnormal", likelihood): (lambda options, row, likelihood=likelihood: mvnormal_twin(options.precision, likelihood))
       for likelihood in _TIKHONOV},
    # the lasso's rows, or with weights skglm's weighted L1
    **{("laplace", likelihood): (lambda options, row, likelihood=likelihood: row if options.weights is None
                                 else weighted_laplace_twin(options.weights, likelihood))
       for likelihood in _WEIGHTED_L1},
    **{("group_laplace", likelihood): (lambda options, row, likelihood=likelihood: group_laplace_twin(options.groups, likelihood))
       for likelihood in _GROUP_OBJECTIVES},
}
