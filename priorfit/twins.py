"""The penalized twins: one table keyed by (prior, likelihood), the only place conversions live.

A posterior mode is a penalized estimate: with likelihood ``L`` and a prior of scale ``s``,
``argmax log p(w | y) = argmin J_alpha(w)`` for the estimator's objective ``J_alpha`` when
``alpha`` is converted from ``s`` (and the likelihood's dispersion ``d``, e.g. the Gaussian
noise sd, and the number of rows ``n``) as the row says. The objectives are written as the
installed scikit-learn's docstrings write them (a test checks the text against them).

===========  ==========  ===============  ============================================  ===========================
prior        likelihood  estimator        objective                                     conversion
===========  ==========  ===============  ============================================  ===========================
normal       gaussian    Ridge            ``||y - Xw||^2_2 + alpha * ||w||^2_2``          ``alpha = sigma^2 / tau^2``
laplace      gaussian    Lasso            ``(1/(2n)) ||y - Xw||^2_2 + alpha * ||w||_1``   ``alpha = sigma^2 / (n b)``
horseshoe    gaussian    (none)           nearest shown: LassoCV, ARDRegression
===========  ==========  ===============  ============================================  ===========================

A prior centred at ``mu != 0`` is the penalty on ``w - mu``: the estimator fits ``y - X mu``
and ``mu`` is added back. scikit-learn is imported inside the factories, so that listing the
table stays instant. Adding a likelihood or a prior adds rows here; nothing else converts.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from .errors import InputError


@dataclass(frozen=True)
class Twin:
    """The penalized estimator whose minimizer is the posterior mode of (prior, likelihood)."""

    prior: str
    likelihood: str
    estimator: str
    objective: str  # as the estimator's docstring writes it
    conversion: str  # the formula, for people
    alpha_from_scale: Callable[[float, float, int], float]  # (scale, dispersion, n) -> alpha
    scale_from_alpha: Callable[[float, float, int], float]  # (alpha, dispersion, n) -> scale
    make: Callable[[float, bool], Any]  # (alpha, fit_intercept) -> unfitted estimator
    search: Callable[[bool, int], Any]  # (fit_intercept, n) -> cross-validated estimator with alpha_
    # the objective itself, J(w) = objective_value(residual, w - mu, alpha), and the factor k in
    # -log p(w | y) = k * J(w) + const at this dispersion and n (the identity on the whole objective)
    objective_value: Callable[[np.ndarray, np.ndarray, float], float] = None
    objective_scale: Callable[[float, int], float] = None

    def objective_at(self, X, y, w, intercept, mu, alpha) -> float:
        """The estimator's objective at coefficients ``w`` and ``intercept`` (``mu``: the prior
        location, whose offset the penalized side fits)."""
        residual = y - X @ w - (0.0 if intercept is None else intercept)
        return float(self.objective_value(residual, np.asarray(w) - mu, alpha))


@dataclass(frozen=True)
class Nearest:
    """For a prior without a twin: estimators shown beside it for reference, labelled as such."""

    prior: str
    likelihood: str
    reason: str
    names: tuple[str, ...]
    estimators: Callable[[bool, int], dict[str, Any]]  # (fit_intercept, n) -> unfitted, by name
    params: Callable[[str, Any], dict]  # (name, fitted estimator) -> its fitted hyperparameters


def _ridge(alpha, fit_intercept):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")


def _ridge_cv(fit_intercept, n):
    from sklearn.linear_model import RidgeCV

    # efficient leave-one-out over a grid wide enough for standardized or raw designs
    return RidgeCV(alphas=np.logspace(-4, 5, 91), fit_intercept=fit_intercept)


def _lasso(alpha, fit_intercept):
    from sklearn.linear_model import Lasso

    # tol is relative to the dual gap; this makes the estimate exact to ~1e-10
    return Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000)


def _lasso_cv(fit_intercept, n):
    from sklearn.linear_model import LassoCV

    return LassoCV(cv=min(5, n), fit_intercept=fit_intercept, max_iter=100_000)


def _horseshoe_nearest(fit_intercept, n):
    from sklearn.linear_model import ARDRegression

    return {"LassoCV": _lasso_cv(fit_intercept, n), "ARDRegression": ARDRegression(fit_intercept=fit_intercept)}


def _nearest_params(name, estimator) -> dict:
    # ARDRegression's alpha_ is the noise precision, not a penalty: name it as its docs do
    if name == "ARDRegression":
        return {"noise_precision": float(estimator.alpha_)}
    return {"alpha": float(estimator.alpha_)}


TWINS: dict[tuple[str, str], Twin] = {
    (t.prior, t.likelihood): t
    for t in (
        Twin(
            "normal", "gaussian", "Ridge",
            objective="||y - Xw||^2_2 + alpha * ||w||^2_2",
            conversion="alpha = sigma^2 / tau^2",
            alpha_from_scale=lambda tau, sigma, n: sigma**2 / tau**2,
            scale_from_alpha=lambda alpha, sigma, n: sigma / np.sqrt(alpha),
            make=_ridge,
            search=_ridge_cv,
            objective_value=lambda r, w, alpha: r @ r + alpha * (w @ w),
            objective_scale=lambda sigma, n: 1.0 / (2.0 * sigma**2),
        ),
        Twin(
            "laplace", "gaussian", "Lasso",
            objective="(1 / (2 * n_samples)) * ||y - Xw||^2_2 + alpha * ||w||_1",
            conversion="alpha = sigma^2 / (n b)",
            alpha_from_scale=lambda b, sigma, n: sigma**2 / (n * b),
            scale_from_alpha=lambda alpha, sigma, n: sigma**2 / (n * alpha),
            make=_lasso,
            search=_lasso_cv,
            objective_value=lambda r, w, alpha: (r @ r) / (2.0 * len(r)) + alpha * np.abs(w).sum(),
            objective_scale=lambda sigma, n: n / sigma**2,
        ),
    )
}

NEAREST: dict[tuple[str, str], Nearest] = {
    ("horseshoe", "gaussian"): Nearest(
        "horseshoe", "gaussian",
        reason="no penalized estimator exists: the density has a pole at mu, so there is no meaningful posterior mode",
        names=("LassoCV", "ARDRegression"),
        estimators=_horseshoe_nearest,
        params=_nearest_params,
    ),
}


def twin(prior: str, likelihood: str) -> Twin | None:
    """The exact twin of (prior, likelihood), or None when there is none (see :func:`nearest`)."""
    return TWINS.get((prior, likelihood))


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
    for (prior, likelihood), t in NEAREST.items():
        names = ", ".join(t.names)
        out.append({"prior": prior, "likelihood": likelihood, "estimator": f"none (nearest: {names})", "objective": "", "conversion": t.reason})
    return out
