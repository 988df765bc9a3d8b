"""The scikit-learn side: penalized estimates on exactly the design the model sees.

Both sides get the same model-scale X (standardized or not) and the same intercept
handling (``fit_intercept`` = the model's flat-prior intercept). A prior centred at ``mu``
is the penalty on ``w - mu``: the estimator fits ``y - X mu`` and ``mu`` is added back.
Which estimator, and how its alpha converts, comes from :mod:`priorfit.twins`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import gram, twins
from .data import Design


@dataclass(frozen=True)
class Estimate:
    """One fitted penalized estimator: its coefficients, intercept and fitted hyperparameters."""

    coef: np.ndarray
    intercept: float | None
    params: dict


@dataclass(frozen=True)
class PenalizedFit:
    """The exact twin's estimate, or (``exact`` False) the nearest estimators' for reference."""

    estimator: str  # the twin, or the first of the nearest
    exact: bool
    estimates: dict[str, Estimate] = field(default_factory=dict)  # by estimator name

    @property
    def coef(self) -> np.ndarray:
        return self.estimates[self.estimator].coef

    @property
    def intercept(self) -> float | None:
        return self.estimates[self.estimator].intercept

    @property
    def params(self) -> dict:
        return self.estimates[self.estimator].params


def _fit(estimator, design: Design, mu: np.ndarray):
    """Fit on the design with the prior location ``mu`` as an offset of ``y`` (the Gaussian;
    settings refuse ``mu != 0`` for the GLMs, whose estimators take no offset)."""
    import warnings

    with warnings.catch_warnings():
        # glum at gradient_tol 1e-12 may reach rounding level before its line search can make
        # progress; the estimate is then as good as it gets (the agreement with the MAP says how good)
        warnings.filterwarnings("ignore", "Line search failed", category=Warning)
        return estimator.fit(design.X, design.y - design.X @ mu if np.any(mu) else design.y)


def fit_estimator(estimator, design: Design, mu: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Fit a scikit-learn estimator (see :func:`_fit`); its coefficients and intercept. A design
    without rows fits the square-root design of its statistics (:mod:`priorfit.gram`); a
    cross-validated search there is replaced by the search from the per-fold statistics and a
    fit at the penalty it chose."""
    if not design.has_rows:
        if type(estimator).__name__ in gram.SEARCHES:
            estimator.alpha_ = gram.cross_validate(estimator, design, mu, design.intercept)  # as a fitted search has it
            estimator = gram.refit(estimator, estimator.alpha_)
        return gram.fit(estimator, gram.moments(design.stats, design), mu, design.intercept)
    _fit(estimator, design, mu)
    best = getattr(estimator, "best_estimator_", estimator)  # a grid search: its refitted estimator
    intercept = float(np.ravel(best.intercept_)[0]) if design.intercept else None
    return np.ravel(np.asarray(best.coef_, dtype=float)) + mu, intercept


def fit(design: Design, prior, likelihood: str, alpha: float | None) -> PenalizedFit:
    """The exact twin of (prior, likelihood) at ``alpha``, or, without one, the nearest ones."""
    mu = prior.mu_vector(design.p)
    twin = twins.twin(prior.name, likelihood)
    if twin is not None and alpha is None:  # a random scale: the penalty chosen by the data instead
        estimates = {}
        for name, (estimator, params) in choices(design, twin, prior, likelihood).items():
            coef, intercept = fit_estimator(estimator, design, mu)
            estimates[name] = Estimate(coef, intercept, params(estimator) | {"fit_intercept": design.intercept})
        return PenalizedFit(next(iter(estimates)), False, estimates)
    if twin is not None:
        options = twin.options(prior)
        coef, intercept = fit_estimator(twin.make(alpha, design.intercept, **options), design, mu)
        params = {twin.hyperparameter: float(alpha), **options, "fit_intercept": design.intercept}
        return PenalizedFit(twin.estimator, True, {twin.estimator: Estimate(coef, intercept, params)})
    reference = twins.nearest(prior.name, likelihood)
    estimates = {}
    for name, estimator in reference.estimators(design.intercept, design.n).items():
        if not design.has_rows and not gram.supports(estimator):
            continue  # ARDRegression's evidence needs the rows
        coef, intercept = fit_estimator(estimator, design, mu)
        estimates[name] = Estimate(coef, intercept, reference.params(name, estimator) | {"fit_intercept": design.intercept})
    return PenalizedFit(reference.names[0], False, estimates)


def choices(design: Design, twin: twins.Twin, prior, likelihood: str) -> dict:
    """The ways to choose the penalty from the data, as estimators to fit (``name -> (estimator,
    fitted parameters)``): the twin's cross-validation and, for the Normal prior with the Gaussian
    likelihood, empirical Bayes (BayesianRidge's type-II maximum likelihood)."""
    from sklearn.linear_model import BayesianRidge

    search = twin.search(design.intercept, design.n, **twin.options(prior))
    out = {type(search).__name__: (search, lambda fitted: {twin.hyperparameter: twin.best(fitted)})}
    if (prior.name, likelihood) == ("normal", "gaussian") and design.has_rows:  # its evidence needs the rows
        out["BayesianRidge"] = (
            BayesianRidge(fit_intercept=design.intercept, tol=1e-10, max_iter=10_000),
            # lambda_ is the coefficients' precision, alpha_ the noise precision (not a penalty)
            lambda fitted: {"coef_precision": float(fitted.lambda_), "noise_precision": float(fitted.alpha_)},
        )
    return out


def cv_alpha(design: Design, twin: twins.Twin, prior) -> tuple[float, str]:
    """The penalty value (alpha or C) the twin's cross-validation picks, and which search picked it."""
    search = twin.search(design.intercept, design.n, **twin.options(prior))
    name = type(search).__name__
    if not design.has_rows:
        return gram.cross_validate(search, design, prior.mu_vector(design.p), design.intercept), f"{name} ({design.folds.kind} folds, from X'X)"
    _fit(search, design, prior.mu_vector(design.p))
    return twin.best(search), name if name != "GridSearchCV" else f"GridSearchCV({type(search.estimator).__name__})"


@dataclass(frozen=True)
class Uniqueness:
    """Whether two solutions of one penalized problem are two optima of it: the same objective and
    the same fitted values, while the columns active in either are rank deficient. Under an L1
    penalty (no quadratic part) the optimum is then a set, not a point: the fitted values are
    unique (the loss is strictly convex in them), the coefficients along the null space of the
    active columns are not."""

    objective_rel_diff: float  # |J(a) - J(b)| / |J(b)|
    fitted_rel_diff: float  # ||eta_a - eta_b|| / ||eta_b - mean(eta_b)||
    active: int  # columns nonzero (off mu) in either solution
    rank: int  # rank of those columns (centred with an intercept)
    unidentified: tuple[str, ...]  # the active columns the null space moves

    def not_unique(self, tolerance: float) -> bool:
        """Both are optima: rank deficient, equal objectives (to ``OBJECTIVE_TOLERANCE``) and equal
        fitted values (to the twin's ``tolerance``, as its coefficients would be)."""
        return (self.rank < self.active and self.objective_rel_diff <= OBJECTIVE_TOLERANCE
                and self.fitted_rel_diff <= tolerance)


# two optima of one objective differ by rounding in it; a non-optimal point that is 1e-6 away in the
# coefficients is typically ~1e-12 away in the objective (second order), one 1e-3 away by ~1e-6
OBJECTIVE_TOLERANCE = 1e-9
# eigenvalues of the active columns' Gram matrix below this times the largest count as zero: exact
# collinearity leaves rounding of ~1e-16 there; a singular value ratio of 1e-6 is collinear for any solver
RANK_TOLERANCE = 1e-12


def uniqueness(design: Design, twin: twins.Twin, prior, alpha: float, a: tuple, b: tuple) -> Uniqueness:
    """Compare two solutions ``a`` and ``b`` (each ``(coef, intercept)``, model scale, uncentred
    intercept) of ``twin``'s objective at ``alpha``: objectives, fitted values, and the rank of the
    columns active in either."""
    mu = prior.mu_vector(design.p)
    options = twin.options(prior)
    objective = [twin.objective_at(design, w, c, mu, alpha, **options) for w, c in (a, b)]
    objective_rel = abs(objective[0] - objective[1]) / max(abs(objective[1]), 1e-300)
    wa, wb = np.asarray(a[0], dtype=float), np.asarray(b[0], dtype=float)
    active = (wa != mu) | (wb != mu)
    if design.has_rows:
        eta = [design.X @ w + (0.0 if c is None else c) for w, c in (a, b)]
        fitted_rel = float(np.linalg.norm(eta[0] - eta[1]) / max(np.linalg.norm(eta[1] - eta[1].mean()), 1e-300))
        X = design.X - design.x_mean if design.intercept else design.X
        gram_active = X[:, active].T @ X[:, active]
    else:  # the Gaussian from X'X: the intercepts are ybar - xbar'w, so eta_a - eta_b = Xc (wa - wb)
        m = gram.moments(design.stats, design)
        m = m if design.intercept else gram.uncentred(m)
        d = wa - wb
        fitted_rel = float(np.sqrt(max(d @ m.gram @ d, 0.0) / max((wb - mu) @ m.gram @ (wb - mu), 1e-300)))
        gram_active = m.gram[np.ix_(active, active)]
    names = np.asarray(design.features, dtype=object)[active]
    rank, moved = int(active.sum()), ()
    if rank:
        lam, vectors = np.linalg.eigh((gram_active + gram_active.T) / 2.0)
        null = lam <= RANK_TOLERANCE * lam.max(initial=0.0)
        rank = int((~null).sum())
        if null.any():
            loading = np.abs(vectors[:, null]).max(axis=1)
            moved = tuple(str(v) for v in names[loading > 1e-6])
    return Uniqueness(float(objective_rel), fitted_rel, int(active.sum()), rank, moved)


def ols(design: Design) -> Estimate:
    """The unpenalized least-squares fit on the same design (minimum-norm when p >= n)."""
    from sklearn.linear_model import LinearRegression

    if not design.has_rows:
        m = gram.moments(design.stats, design)
        m = m if design.intercept else gram.uncentred(m)
        coef = np.linalg.lstsq(m.gram, m.xty, rcond=None)[0]
        intercept = float(m.y_mean - m.x_mean @ coef) if design.intercept else None
        return Estimate(coef, intercept, {"fit_intercept": design.intercept})
    fitted = LinearRegression(fit_intercept=design.intercept).fit(design.X, design.y)
    intercept = float(fitted.intercept_) if design.intercept else None
    return Estimate(np.asarray(fitted.coef_, dtype=float), intercept, {"fit_intercept": design.intercept})
