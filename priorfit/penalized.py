"""The scikit-learn side: penalized estimates on exactly the design the model sees.

Both sides get the same model-scale X (standardized or not) and the same intercept
handling (``fit_intercept`` = the model's flat-prior intercept). A prior centred at ``mu``
is the penalty on ``w - mu``: the estimator fits ``y - X mu`` and ``mu`` is added back.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from .data import Design
from .priors import Normal, Prior


@dataclass
class PenalizedFit:
    """A penalized estimate: its estimator, parameters, and whether it is the exact twin."""

    estimator: str
    params: dict
    exact: bool
    coef: np.ndarray
    intercept: float | None
    nearest: dict[str, dict] = field(default_factory=dict)  # other estimators, by name


def _fit(estimator, design: Design, mu: np.ndarray):
    estimator.fit(design.X, design.y - design.X @ mu)
    intercept = float(estimator.intercept_) if design.intercept else None
    return np.asarray(estimator.coef_, dtype=float) + mu, intercept


def fit(design: Design, prior: Prior, alpha: float | None) -> PenalizedFit:
    """The exact counterpart at ``alpha``, or, for priors without one, the nearest ones."""
    mu = prior.mu_vector(design.p)
    if prior.exact:
        estimator = prior.estimator(alpha, design.intercept)
        coef, intercept = _fit(estimator, design, mu)
        return PenalizedFit(
            type(estimator).__name__,
            {"alpha": float(alpha), "fit_intercept": design.intercept},
            True,
            coef,
            intercept,
        )
    nearest = {}
    for name, estimator in prior.estimators(design.intercept, design.n).items():
        coef, intercept = _fit(estimator, design, mu)
        params = {"alpha": float(estimator.alpha_)} if hasattr(estimator, "alpha_") else {}
        nearest[name] = {"coef": coef, "intercept": intercept, "params": params}
    first = next(iter(nearest))
    return PenalizedFit(
        first,
        nearest[first]["params"] | {"fit_intercept": design.intercept},
        False,
        nearest[first]["coef"],
        nearest[first]["intercept"],
        nearest,
    )


def cv_alpha(design: Design, prior_class: type[Prior], mu: np.ndarray) -> tuple[float, str]:
    """The alpha the counterpart's cross-validation picks, and which search picked it."""
    search = prior_class.cv_estimator(design.intercept, design.n)
    search.fit(design.X, design.y - design.X @ mu)
    return float(search.alpha_), type(search).__name__


def plugin_sigma(design: Design) -> tuple[float, str]:
    """A rough noise sd for turning an alpha into a prior scale when sigma is estimated.

    The OLS residual sd, ``sqrt(RSS / (n - p - 1))`` (``n - p`` without intercept), when
    that has degrees of freedom left; otherwise the leave-one-out residual sd of RidgeCV.
    """
    dof = design.n - design.p - int(design.intercept)
    if dof > 0:
        beta, *_ = np.linalg.lstsq(design.gram, design.xty, rcond=None)
        rss = max(design.yty - beta @ design.xty, 0.0)
        return float(np.sqrt(rss / dof)), f"OLS residual sd (RSS / {dof} degrees of freedom)"
    search = Normal.cv_estimator(design.intercept, design.n)
    search.set_params(store_cv_results=True).fit(design.X, design.y)
    # leave-one-out squared errors at the chosen alpha: the in-sample residuals would be ~0
    best = int(np.flatnonzero(search.alphas == search.alpha_)[0])
    return float(np.sqrt(search.cv_results_[:, best].mean())), "RidgeCV leave-one-out residual sd (p >= n - 1: no OLS)"
