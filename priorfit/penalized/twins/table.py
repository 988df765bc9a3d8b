"""The table: one row per (prior, likelihood) pair with a twin (its estimator, objective, conversion
and search), the nearest references of the pairs without one, and the empirical-Bayes choices."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from priorfit.errors import InputError
from priorfit.penalized.twins.estimators import (
    _bayesian_ridge, _bayesian_ridge_params, _bayesian_ridge_scale, _bridge_regression, _elastic, _elastic_net, _elastic_net_cv, _glum_poisson, _glum_poisson_cv, _glum_ridge, _glum_ridge_cv, _horseshoe_nearest, _lasso, _lasso_cv, _log_loss, _logistic, _logistic_cv, _logistic_elastic_net, _median_nearest, _nearest_params, _pinball, _quantile_cv, _quantile_regressor, _poisson, _poisson_cv, _poisson_deviance, _ridge, _ridge_cv, _robust_nearest, _skglm_bridge, _squared, _grid_cv, _tikhonov,
)
from priorfit.penalized.twins.numbers import LOOSE_TOL, TOLERANCE, unit



@dataclass(frozen=True)
class Twin:
    """The penalized estimator whose minimizer is the posterior mode of (prior, likelihood).

    The callables take the twin's penalty value (``alpha``, or ``C`` where ``hyperparameter`` says
    so), the dispersion ``d`` (1 for families without one) and ``n``; the elastic-net rows also
    take the prior's ``l1_ratio`` (keyword ``l1_ratio``, see :meth:`options`).
    """

    prior: str
    likelihood: str
    estimator: str
    objective: str  # the estimator's objective, as its docstring (or user guide) writes it
    documented: str  # text of the installed estimator's docstring that states the objective or its penalty
    conversion: str  # the formula, for people
    alpha_from_scale: Callable[[float, float, int], float]  # (scale, dispersion, n) -> penalty value
    scale_from_alpha: Callable[[float, float, int], float]  # (penalty value, dispersion, n) -> scale
    make: Callable[..., Any]  # (value, fit_intercept, **options) -> unfitted estimator
    search: Callable[..., Any]  # (fit_intercept, n, **options) -> cross-validated estimator
    # J(w) = objective_value(loss(y, eta), n, w - mu, value, **options) with eta = X w + c; and the
    # factor k in -log p(w | y) = k * J(w) + const, k = objective_scale(value, dispersion, n): the
    # identity on the whole objective, not only at its minimum
    loss: Callable[[np.ndarray, np.ndarray], float]  # summed over rows: squared error, log loss, deviance
    objective_value: Callable[..., float]
    objective_scale: Callable[[float, float, int], float]
    hyperparameter: str = "alpha"  # the estimator's name of its penalty value: "alpha" or "C"
    best: Callable[[Any], float] = lambda search: float(search.alpha_)  # the value a fitted search chose
    tolerance: float = TOLERANCE  # relative MAP-vs-estimate agreement the estimator's solver can reach
    # the likelihood family's settings the estimator takes (QuantileRegressor's quantile), bound by :func:`twin`
    likelihood_options: dict = field(default_factory=dict)

    def value_of(self, scale, dispersion, n: int, by_sigma: bool = False):
        """The penalty value (alpha or C) of a prior of ``scale``, measured in :func:`unit`."""
        return self.alpha_from_scale(scale * unit(dispersion, by_sigma), dispersion, n)

    def scale_of(self, value, dispersion, n: int, by_sigma: bool = False):
        """The prior scale, measured in :func:`unit`, of the penalty ``value`` (alpha or C)."""
        return self.scale_from_alpha(value, dispersion, n) / unit(dispersion, by_sigma)

    def penalty(self, prior, dispersion, n: int):
        """The penalty value of ``prior`` (a fixed scale; sigma-scaled or not) at ``dispersion``."""
        return self.value_of(prior.scale, dispersion, n, prior.by_sigma)

    def make_for_refits(self, value, fit_intercept: bool, **options):
        """:attr:`make`, for many refits whose spread or score is far coarser than the identity
        (bootstrap replicates, the folds of the CV log score): a twin whose solver reaches only a
        looser agreement than :data:`TOLERANCE` runs at :data:`LOOSE_TOL`; the same penalty, the
        same objective."""
        estimator = self.make(value, fit_intercept, **options)
        if self.tolerance > TOLERANCE and "tol" in estimator.get_params():
            estimator.set_params(tol=LOOSE_TOL)
        return estimator

    def options(self, prior) -> dict:
        """The parameters the estimator takes besides its penalty value: the prior's own
        (``l1_ratio``) and the likelihood family's (``quantile``)."""
        return ({"l1_ratio": prior.l1_ratio} if prior.name == "elasticnet" else {}) | self.likelihood_options

    def objective_at(self, design, w, intercept, mu, value, **options) -> float:
        """The estimator's objective on ``design`` at coefficients ``w`` and ``intercept`` (``mu``:
        the prior location, whose offset the penalized side fits). A design without rows has the
        squared loss from its sufficient statistics."""
        if design.has_rows:
            loss = self.loss(design.y, design.X @ w + (0.0 if intercept is None else intercept), **options)
        elif self.loss is _squared:
            from priorfit.data.sufficient import moments

            loss = moments(design.stats, design).rss(np.asarray(w), intercept)
        else:
            raise InputError(f"The {self.estimator} objective needs the rows of the data.")
        return float(self.objective_value(loss, design.n, np.asarray(w) - mu, value, **options))


@dataclass(frozen=True)
class Nearest:
    """For a pair without a twin: estimators shown beside it for reference, labelled as such."""

    prior: str
    likelihood: str
    reason: str
    names: tuple[str, ...]
    estimators: Callable[..., dict[str, Any]]  # (fit_intercept, n, **likelihood options) -> unfitted, by name
    params: Callable[[str, Any], dict]  # (name, fitted estimator) -> its fitted hyperparameters


@dataclass(frozen=True)
class EmpiricalBayes:
    """A choice of the prior scale by type-II maximum likelihood (the evidence), shown beside the
    twin's cross-validation when the scale is random."""

    estimator: str
    make: Callable[[bool], Any]  # (fit_intercept) -> unfitted estimator
    params: Callable[[Any], dict]  # fitted estimator -> its hyperparameters, named for what they are
    scale: Callable[[dict, bool], float]  # (params, by_sigma) -> the prior scale, measured in :func:`unit`



_GAUSSIAN_L1 = dict(
    alpha_from_scale=lambda s, sigma, n: sigma**2 / (n * s),
    scale_from_alpha=lambda alpha, sigma, n: sigma**2 / (n * alpha),
    objective_scale=lambda alpha, sigma, n: n / sigma**2,
)
_LOGISTIC = dict(hyperparameter="C", objective_scale=lambda C, d, n: 1.0 / C, best=lambda search: float(search.C_))
_C_IS_THE_SCALE = dict(alpha_from_scale=lambda s, d, n: s, scale_from_alpha=lambda C, d, n: C)
# QuantileRegressor (HiGHS), at the quantile of the likelihood: the median, or the family's Q (an option)
_QUANTILE = dict(documented="Regularization constant that multiplies the L1 penalty term", make=_quantile_regressor(0.5),
                 search=_quantile_cv(0.5), loss=_pinball, best=lambda search: float(search.best_params_["alpha"]))
_LOGISTIC_DOC = "`l1_ratio * L1 + (1 - l1_ratio) * L2`"

TWINS: dict[tuple[str, str], Twin] = {
    (t.prior, t.likelihood): t
    for t in (
        Twin(
            "normal", "gaussian", "Ridge",
            objective="||y - Xw||^2_2 + alpha * ||w||^2_2",
            documented="||y - Xw||^2_2 + alpha * ||w||^2_2",
            conversion="alpha = sigma^2 / tau^2",
            alpha_from_scale=lambda tau, sigma, n: sigma**2 / tau**2,
            scale_from_alpha=lambda alpha, sigma, n: sigma / np.sqrt(alpha),
            make=_ridge,
            search=_ridge_cv,
            loss=_squared,
            objective_value=lambda loss, n, d, alpha: loss + alpha * (d @ d),
            objective_scale=lambda alpha, sigma, n: 1.0 / (2.0 * sigma**2),
        ),
        Twin(
            "laplace", "gaussian", "Lasso",
            objective="(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1",
            documented="(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1",
            conversion="alpha = sigma^2 / (n b)",
            make=_lasso,
            search=_lasso_cv,
            loss=_squared,
            objective_value=lambda loss, n, d, alpha: loss / (2.0 * n) + alpha * np.abs(d).sum(),
            **_GAUSSIAN_L1,
        ),
        Twin(
            "elasticnet", "gaussian", "ElasticNet",
            objective="1 / (2 * n_samples) * ||y - Xw||^2_2 + alpha * l1_ratio * ||w||_1 + 0.5 * alpha * (1 - l1_ratio) * ||w||^2_2",
            documented=r"\frac{1}{2 n_{\rm samples}} \cdot \|y - X w\|_2^2 + \alpha \cdot {\rm l1\_{ratio}} \cdot \|w\|_1 "
                       r"+ 0.5 \cdot \alpha \cdot (1 - {\rm l1\_{ratio}}) \cdot \|w\|_2^2",
            conversion="alpha = sigma^2 / (n s), l1_ratio = r",
            make=_elastic_net,
            search=_elastic_net_cv,
            loss=_squared,
            objective_value=lambda loss, n, d, alpha, l1_ratio: loss / (2.0 * n) + alpha * _elastic(d, l1_ratio),
            **_GAUSSIAN_L1,
        ),
        Twin(
            "normal", "bernoulli", "LogisticRegression",
            objective="C * sum(log_loss) + 1/2 * ||w||^2_2",
            documented=_LOGISTIC_DOC,
            conversion="C = tau^2",
            alpha_from_scale=lambda tau, d, n: tau**2,
            scale_from_alpha=lambda C, d, n: np.sqrt(C),
            make=_logistic(0.0),
            search=_logistic_cv(0.0),
            loss=_log_loss,
            objective_value=lambda loss, n, d, C: C * loss + (d @ d) / 2.0,
            **_LOGISTIC,
        ),
        Twin(
            "laplace", "bernoulli", "LogisticRegression",
            objective="C * sum(log_loss) + ||w||_1",
            documented=_LOGISTIC_DOC,
            conversion="C = b",
            make=_logistic(1.0),
            search=_logistic_cv(1.0),
            loss=_log_loss,
            objective_value=lambda loss, n, d, C: C * loss + np.abs(d).sum(),
            tolerance=1e-5,
            **_LOGISTIC,
            **_C_IS_THE_SCALE,
        ),
        Twin(
            "elasticnet", "bernoulli", "LogisticRegression",
            objective="C * sum(log_loss) + l1_ratio * ||w||_1 + (1 - l1_ratio) / 2 * ||w||^2_2",
            documented=_LOGISTIC_DOC,
            conversion="C = s, l1_ratio = r",
            make=_logistic_elastic_net,
            search=_logistic_cv(None),
            loss=_log_loss,
            objective_value=lambda loss, n, d, C, l1_ratio: C * loss + _elastic(d, l1_ratio),
            tolerance=1e-5,
            **_LOGISTIC,
            **_C_IS_THE_SCALE,
        ),
        Twin(
            "normal", "poisson", "PoissonRegressor",
            objective="1 / (2 * n_samples) * sum(deviance) + alpha / 2 * ||w||^2_2",
            documented="Constant that multiplies the L2 penalty term",
            conversion="alpha = 1 / (n tau^2)",
            alpha_from_scale=lambda tau, d, n: 1.0 / (n * tau**2),
            scale_from_alpha=lambda alpha, d, n: 1.0 / np.sqrt(n * alpha),
            make=_poisson,
            search=_poisson_cv,
            loss=_poisson_deviance,
            objective_value=lambda loss, n, d, alpha: loss / (2.0 * n) + alpha / 2.0 * (d @ d),
            objective_scale=lambda alpha, d, n: float(n),
            best=lambda search: float(search.best_params_["alpha"]),
        ),
        Twin(
            "laplace", "poisson", "GeneralizedLinearRegressor",
            objective="1/(2*sum(s)) * deviance(y, h(X*w); s) + alpha * ||w||_1",
            documented="1/(2*sum(s)) * deviance(y, h(X*w); s) + alpha * l1_ratio * ||P1*w||_1",
            conversion="alpha = 1 / (n b) (glum, l1_ratio = 1)",
            alpha_from_scale=lambda b, d, n: 1.0 / (n * b),
            scale_from_alpha=lambda alpha, d, n: 1.0 / (n * alpha),
            make=_glum_poisson(1.0),
            search=_glum_poisson_cv(1.0),
            loss=_poisson_deviance,
            objective_value=lambda loss, n, d, alpha: loss / (2.0 * n) + alpha * np.abs(d).sum(),
            objective_scale=lambda alpha, d, n: float(n),
        ),
        Twin(
            "elasticnet", "poisson", "GeneralizedLinearRegressor",
            objective="1/(2*sum(s)) * deviance(y, h(X*w); s) + alpha * l1_ratio * ||w||_1 + 1/2 * alpha * (1 - l1_ratio) * ||w||_2^2",
            documented="1/(2*sum(s)) * deviance(y, h(X*w); s) + alpha * l1_ratio * ||P1*w||_1",
            conversion="alpha = 1 / (n s), l1_ratio = r (glum)",
            alpha_from_scale=lambda s, d, n: 1.0 / (n * s),
            scale_from_alpha=lambda alpha, d, n: 1.0 / (n * alpha),
            make=_glum_poisson(None),
            search=_glum_poisson_cv(None),
            loss=_poisson_deviance,
            objective_value=lambda loss, n, d, alpha, l1_ratio: loss / (2.0 * n) + alpha * _elastic(d, l1_ratio),
            objective_scale=lambda alpha, d, n: float(n),
        ),
        Twin(
            "laplace", "laplace", "QuantileRegressor",
            objective="(1 / n_samples) * sum(pinball_0.5(y - Xw)) + alpha * ||w||_1",
            conversion="alpha = s / (2 n b), quantile = 0.5",
            alpha_from_scale=lambda b, s, n: s / (2.0 * n * b),
            scale_from_alpha=lambda alpha, s, n: s / (2.0 * n * alpha),
            objective_value=lambda loss, n, d, alpha: loss / n + alpha * np.abs(d).sum(),
            objective_scale=lambda alpha, s, n: 2.0 * n / s,
            **_QUANTILE,
        ),
        Twin(
            "laplace", "quantile", "QuantileRegressor",
            objective="(1 / n_samples) * sum(pinball_Q(y - Xw)) + alpha * ||w||_1",
            conversion="alpha = s / (n b), quantile = Q",
            alpha_from_scale=lambda b, s, n: s / (n * b),
            scale_from_alpha=lambda alpha, s, n: s / (n * alpha),
            objective_value=lambda loss, n, d, alpha, quantile: loss / n + alpha * np.abs(d).sum(),
            objective_scale=lambda alpha, s, n: n / s,
            **_QUANTILE,
        ),
    )
}

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


#: (prior, likelihood) -> the row, from the prior's options (a Prior, or Settings): pairs whose twin
#: depends on them
VARIANTS: dict[tuple[str, str], Callable[[Any], Twin | None]] = {
    ("bridge", "gaussian"): lambda options: bridge_twin(float(options.bridge_q)),
    **{("mvnormal", likelihood): (lambda options, likelihood=likelihood: mvnormal_twin(options.precision, likelihood))
       for likelihood in _TIKHONOV},
}

_NO_MODE = "no penalized estimator exists: the density has a pole at mu, so there is no meaningful posterior mode"
_NO_MODE_SCALES = ("no penalized estimator exists: with random scales the joint density is unbounded as a scale goes to 0, "
                   "so there is no meaningful posterior mode")
_NO_TWIN_T = ("no penalized estimator exists: minus the Student-t log likelihood is not a convex loss of any "
              "scikit-learn estimator; Huber's loss and the median (L1) are the nearest robust losses")
_SPARSE_NEAREST = {  # likelihood -> (names, estimators)
    "gaussian": (("LassoCV", "ARDRegression"), _horseshoe_nearest),
    "bernoulli": (("LogisticRegressionCV",), lambda fit_intercept, n, **_: {"LogisticRegressionCV": _logistic_cv(1.0)(fit_intercept, n)}),
    "poisson": (("PoissonRegressor (GridSearchCV)",),
                lambda fit_intercept, n, **_: {"PoissonRegressor (GridSearchCV)": _poisson_cv(fit_intercept, n)}),
    **{likelihood: (("QuantileRegressor (GridSearchCV)",), _median_nearest) for likelihood in ("laplace", "quantile")},
}
_NO_TWIN_PINBALL = ("no penalized estimator exists: scikit-learn's QuantileRegressor, the pinball loss, takes an L1 "
                    "penalty only; its cross-validated L1 fit is the nearest")
_NO_TWIN_BRIDGE_Q = ("no penalized estimator exists for this q: below 1 the L_q penalty is solved by skglm at q = 1/2 and 2/3 "
                     "only (the identity at random points stands alone); LassoCV is the nearest convex penalty")
_NO_TWIN_BRIDGE = ("no penalized estimator is paired: priorfit pairs the bridge penalty with least squares (the gaussian "
                   "likelihood) only")
NEAREST: dict[tuple[str, str], Nearest] = {
    **{
        (prior, likelihood): Nearest(prior, likelihood, _NO_MODE if prior != "r2d2" else _NO_MODE_SCALES, names, estimators,
                                     _nearest_params)
        for prior in ("horseshoe", "regularized_horseshoe", "r2d2")
        for likelihood, (names, estimators) in _SPARSE_NEAREST.items()
    },
    **{
        (prior, "student_t"): Nearest(prior, "student_t", _NO_TWIN_T, ("HuberRegressor", "QuantileRegressor (median)"),
                                      _robust_nearest, _nearest_params)
        for prior in ("normal", "laplace", "elasticnet", "horseshoe", "regularized_horseshoe", "r2d2")
    },
    **{
        (prior, likelihood): Nearest(prior, likelihood, _NO_TWIN_PINBALL, *_SPARSE_NEAREST[likelihood], _nearest_params)
        for prior in ("normal", "elasticnet") for likelihood in ("laplace", "quantile")
    },
    ("bridge", "gaussian"): Nearest("bridge", "gaussian", _NO_TWIN_BRIDGE_Q, ("LassoCV",),
                                    lambda fit_intercept, n, **_: {"LassoCV": _lasso_cv(fit_intercept, n)}, _nearest_params),
    **{
        ("bridge", likelihood): Nearest("bridge", likelihood, _NO_TWIN_BRIDGE, names, estimators, _nearest_params)
        for likelihood, (names, estimators) in _SPARSE_NEAREST.items() if likelihood != "gaussian"
    },
    ("bridge", "student_t"): Nearest("bridge", "student_t", _NO_TWIN_T, ("HuberRegressor", "QuantileRegressor (median)"),
                                     _robust_nearest, _nearest_params),
}

# (prior, likelihood) -> its empirical-Bayes choice of the scale (the evidence needs the rows)
EMPIRICAL_BAYES: dict[tuple[str, str], EmpiricalBayes] = {
    ("normal", "gaussian"): EmpiricalBayes("BayesianRidge", _bayesian_ridge, _bayesian_ridge_params, _bayesian_ridge_scale),
}


def twin(prior, likelihood, settings=None) -> Twin | None:
    """The exact twin of (prior, likelihood), or None when there is none (see :func:`nearest`).

    ``prior`` is a :class:`~priorfit.models.priors.Prior`, or a prior's name with the ``settings``
    that hold its options (the rows of :data:`VARIANTS` depend on them: the bridge's q).
    ``likelihood`` is the family's name, or the family itself, whose settings the estimator takes
    (:meth:`~priorfit.models.likelihoods.Likelihood.twin_options`: the quantile Q) are then bound
    to the row."""
    name = prior if isinstance(prior, str) else prior.name
    family = likelihood if isinstance(likelihood, str) else likelihood.name
    variant = VARIANTS.get((name, family))
    if variant is not None:
        source = settings if isinstance(prior, str) else prior
        if source is None:
            raise TypeError(f"the {name} prior's twin depends on its options: pass the prior, or the settings")
        row = variant(source)
    else:
        row = TWINS.get((name, family))
    options = {} if isinstance(likelihood, str) else likelihood.twin_options()
    return replace(row, likelihood_options=options) if row is not None and options else row


def nearest(prior: str, likelihood: str) -> Nearest:
    """The reference estimators of a pair without a twin."""
    try:
        return NEAREST[(prior, likelihood)]
    except KeyError:
        raise InputError(
            f"The {prior} prior has no penalized counterpart with the {likelihood} likelihood; "
            f"pairs priorfit knows: {', '.join(f'{p}+{lik}' for p, lik in (*TWINS, *NEAREST))}."
        ) from None


def rows() -> list[dict[str, str]]:
    """The table for people (``priorfit priors`` and the README), in registry order."""
    out = []
    for (prior, likelihood), t in TWINS.items():
        out.append({"prior": prior, "likelihood": likelihood, "estimator": t.estimator, "objective": t.objective, "conversion": t.conversion})
    for q in BRIDGE_EXPONENTS:
        t = bridge_twin(q)
        out.append({"prior": f"bridge (q = {q:.4g})", "likelihood": "gaussian", "estimator": t.estimator, "objective": t.objective,
                    "conversion": t.conversion})
    for likelihood in _TIKHONOV:
        t = mvnormal_twin(None, likelihood)
        out.append({"prior": "mvnormal", "likelihood": likelihood, "estimator": t.estimator, "objective": t.objective,
                    "conversion": t.conversion})
    for (prior, likelihood), t in NEAREST.items():
        names = ", ".join(t.names)
        out.append({"prior": prior, "likelihood": likelihood, "estimator": f"none (nearest: {names})", "objective": "", "conversion": t.reason})
    return out
