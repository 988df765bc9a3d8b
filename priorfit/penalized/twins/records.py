"""The rows of the twin table: :class:`Twin` (a pair's estimator, objective, conversion and search),
:class:`Nearest` (the references of a pair without one), :class:`EmpiricalBayes`, and the lasso's
conversion, which the Laplace rows share (:data:`GAUSSIAN_L1`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from priorfit.errors import InputError
from priorfit.penalized.twins.estimators import _squared
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

    @property
    def loose(self) -> bool:
        """Whether the estimator's solver reaches only a looser agreement than :data:`TOLERANCE`
        (saga, for the L1 part of a logistic regression: also slow, tens of seconds a fit at a weak
        penalty on breast_cancer, at tol 1e-10 or started at the optimum alike)."""
        return self.tolerance > TOLERANCE

    def make_for_refits(self, value, fit_intercept: bool, **options):
        """:attr:`make`, for many refits whose spread or score is far coarser than the identity
        (bootstrap replicates, the folds of the CV log score): a twin whose solver reaches only a
        looser agreement than :data:`TOLERANCE` runs at :data:`LOOSE_TOL`; the same penalty, the
        same objective."""
        estimator = self.make(value, fit_intercept, **options)
        if self.loose and "tol" in estimator.get_params():
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


#: the lasso's conversion (Lasso, the elastic net, the weighted lasso): alpha = sigma^2 / (n b), k = n / sigma^2
GAUSSIAN_L1 = dict(
    alpha_from_scale=lambda s, sigma, n: sigma**2 / (n * s),
    scale_from_alpha=lambda alpha, sigma, n: sigma**2 / (n * alpha),
    objective_scale=lambda alpha, sigma, n: n / sigma**2,
)
