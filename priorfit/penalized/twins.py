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
from types import MappingProxyType
from typing import Any

import numpy as np

from priorfit.errors import InputError

# -- the numbers every fit of a twin uses: solver precision, tolerances, CV grids ---------------------
# scikit-learn's coordinate descent (Lasso, ElasticNet, lasso_path, the refit of a search from X'X):
# tol is relative to the dual gap; this makes the estimate exact to ~1e-10
COORDINATE_DESCENT = MappingProxyType({"tol": 1e-14, "max_iter": 1_000_000})
CV_PATH_TOL = 1e-12  # the per-fold elastic-net paths of a search from X'X (penalized.gram.cross_validate)
SEARCH_MAX_ITER = 100_000  # LassoCV's and ElasticNetCV's coordinate descent
BAYESIAN_RIDGE = MappingProxyType({"tol": 1e-10, "max_iter": 10_000})  # empirical Bayes (:data:`EMPIRICAL_BAYES`)
TOLERANCE = 1e-6  # relative MAP-vs-estimate agreement a tight solver reaches (:attr:`Twin.tolerance`)
# the solver tol of refits whose spread or score is far coarser than the identity (bootstrap replicates,
# the folds of the CV log score), for a twin whose solver only reaches a looser agreement than TOLERANCE
# (saga, for the L1 part of a logistic regression, where tol 1e-10 would take most of the time)
LOOSE_TOL = 1e-4

CV_FOLDS = 5  # K of the twins' K-fold searches (leave-one-out below K rows)
SCORE_FOLDS = 10  # K of the out-of-sample log score of the twin beside PSIS-LOO
RIDGE_ALPHAS = (-4, 5, 91)  # RidgeCV: np.logspace(*...), wide enough for standardized or raw designs
LOGISTIC_CS = (-3, 3, 13)  # LogisticRegressionCV's Cs
POISSON_ALPHAS = (-5, 1, 13)  # the grid search of PoissonRegressor
GLUM_ALPHAS = 20  # glum's default path of 100 alphas x 5 folds took 30 s at n = 400
GLUM_MIN_ALPHA_RATIO = (1e-6, 1e-2)  # glum's own default min_alpha_ratio, with n >= p and with n < p
MAX_EXTENSIONS = 3  # grid extensions beyond an edge before a choice there is reported as no choice
EXTENSION_DECADES = 3  # each extension adds 3 decades beyond the edge, at the grid's own density
# the points an extension adds to a grid that starts at alpha_max (its own density: LassoCV's 100
# alphas over eps = 1e-3, glum's 20 over its default min_alpha_ratio)
EXTENSION_POINTS = {"LassoCV": 100, "ElasticNetCV": 100, "GeneralizedLinearRegressorCV": 10}
PATH_EPS = 1e-2  # priorfit path: lasso_path's grid from alpha_max down to PATH_EPS alpha_max
PATH_DECADES = 2  # priorfit path: Ridge's grid, PATH_DECADES decades either side of RidgeCV's choice


def cv_folds(n: int, k: int = CV_FOLDS) -> int:
    """The number of folds of a K-fold search on ``n`` rows: ``k``, or leave-one-out below it."""
    return min(k, n)


def unit(dispersion, by_sigma: bool):
    """What a prior scale is measured in: the dispersion (the noise sd sigma) for a sigma-scaled
    prior (``--scale-by-sigma``, Park & Casella: ``b = sigma / lambda``), else 1 (coefficient units)."""
    return dispersion if by_sigma else 1.0


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

    @staticmethod
    def options(prior) -> dict:
        """The prior's own parameters the estimator takes besides its penalty value."""
        return {"l1_ratio": prior.l1_ratio} if prior.name == "elasticnet" else {}

    def objective_at(self, design, w, intercept, mu, value, **options) -> float:
        """The estimator's objective on ``design`` at coefficients ``w`` and ``intercept`` (``mu``:
        the prior location, whose offset the penalized side fits). A design without rows has the
        squared loss from its sufficient statistics."""
        if design.has_rows:
            loss = self.loss(design.y, design.X @ w + (0.0 if intercept is None else intercept))
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
    estimators: Callable[[bool, int], dict[str, Any]]  # (fit_intercept, n) -> unfitted, by name
    params: Callable[[str, Any], dict]  # (name, fitted estimator) -> its fitted hyperparameters


@dataclass(frozen=True)
class EmpiricalBayes:
    """A choice of the prior scale by type-II maximum likelihood (the evidence), shown beside the
    twin's cross-validation when the scale is random."""

    estimator: str
    make: Callable[[bool], Any]  # (fit_intercept) -> unfitted estimator
    params: Callable[[Any], dict]  # fitted estimator -> its hyperparameters, named for what they are
    scale: Callable[[dict, bool], float]  # (params, by_sigma) -> the prior scale, measured in :func:`unit`


# -- scikit-learn factories (imported inside, so that listing the table stays instant) ------------
def _ridge(alpha, fit_intercept):
    from sklearn.linear_model import Ridge

    return Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")


def _ridge_cv(fit_intercept, n):
    from sklearn.linear_model import RidgeCV

    # efficient leave-one-out
    return RidgeCV(alphas=np.logspace(*RIDGE_ALPHAS), fit_intercept=fit_intercept)


def _lasso(alpha, fit_intercept):
    from sklearn.linear_model import Lasso

    return Lasso(alpha=alpha, fit_intercept=fit_intercept, **COORDINATE_DESCENT)


def _lasso_cv(fit_intercept, n):
    from sklearn.linear_model import LassoCV

    return LassoCV(cv=cv_folds(n), fit_intercept=fit_intercept, max_iter=SEARCH_MAX_ITER)


def _elastic_net(alpha, fit_intercept, *, l1_ratio):
    from sklearn.linear_model import ElasticNet

    return ElasticNet(alpha=alpha, l1_ratio=l1_ratio, fit_intercept=fit_intercept, **COORDINATE_DESCENT)


def _elastic_net_cv(fit_intercept, n, *, l1_ratio):
    from sklearn.linear_model import ElasticNetCV

    return ElasticNetCV(l1_ratio=l1_ratio, cv=cv_folds(n), fit_intercept=fit_intercept, max_iter=SEARCH_MAX_ITER)


def _logistic(l1_ratio):
    """LogisticRegression at penalty mix ``l1_ratio`` (0: l2, 1: l1). lbfgs, newton-cholesky and
    saga leave the intercept unpenalized; liblinear would penalize it, so it is never used. An
    L1 part needs saga, whose tolerance limits the agreement to about 1e-5 relative."""

    def make(C, fit_intercept, **_):
        from sklearn.linear_model import LogisticRegression

        solver = "newton-cholesky" if l1_ratio == 0 else "saga"
        tol = 1e-12 if l1_ratio == 0 else 1e-10
        return LogisticRegression(
            C=C, l1_ratio=l1_ratio, fit_intercept=fit_intercept, solver=solver, tol=tol, max_iter=1_000_000
        )

    return make


def _logistic_elastic_net(C, fit_intercept, *, l1_ratio):
    return _logistic(l1_ratio)(C, fit_intercept)


def _logistic_cv(l1_ratio):
    def search(fit_intercept, n, **options):
        from sklearn.linear_model import LogisticRegressionCV

        ratio = options.get("l1_ratio", l1_ratio)
        return LogisticRegressionCV(
            Cs=np.logspace(*LOGISTIC_CS), l1_ratios=(ratio,), cv=cv_folds(n), fit_intercept=fit_intercept,
            solver="lbfgs" if ratio == 0 else "saga", max_iter=10_000, use_legacy_attributes=False,
            scoring="neg_log_loss",
        )

    return search


def _poisson(alpha, fit_intercept):
    from sklearn.linear_model import PoissonRegressor

    return PoissonRegressor(alpha=alpha, fit_intercept=fit_intercept, solver="newton-cholesky", tol=1e-12, max_iter=1000)


def _poisson_cv(fit_intercept, n):
    from sklearn.linear_model import PoissonRegressor
    from sklearn.model_selection import GridSearchCV

    # scikit-learn has no PoissonRegressorCV: a grid search on the mean Poisson deviance
    return GridSearchCV(
        PoissonRegressor(fit_intercept=fit_intercept, solver="newton-cholesky", max_iter=1000),
        {"alpha": np.logspace(*POISSON_ALPHAS)}, cv=cv_folds(n), scoring="neg_mean_poisson_deviance",
    )


def _glum_poisson(l1_ratio):
    """glum's elastic-net Poisson GLM (scikit-learn has no L1 Poisson), iterated to its tightest
    tolerance: its coordinate descent on the L1 part limits the agreement to about 1e-6."""

    def make(alpha, fit_intercept, **options):
        from glum import GeneralizedLinearRegressor

        return GeneralizedLinearRegressor(
            family="poisson", alpha=alpha, l1_ratio=options.get("l1_ratio", l1_ratio), fit_intercept=fit_intercept,
            gradient_tol=1e-12, step_size_tol=1e-14, max_iter=1000, max_inner_iter=1_000_000,
        )

    return make


def _glum_poisson_cv(l1_ratio):
    def search(fit_intercept, n, **options):
        from glum import GeneralizedLinearRegressorCV

        return GeneralizedLinearRegressorCV(
            family="poisson", l1_ratio=options.get("l1_ratio", l1_ratio), fit_intercept=fit_intercept, cv=cv_folds(n),
            n_alphas=GLUM_ALPHAS,
        )

    return search


def _bayesian_ridge(fit_intercept):
    from sklearn.linear_model import BayesianRidge

    return BayesianRidge(fit_intercept=fit_intercept, **BAYESIAN_RIDGE)


def _bayesian_ridge_params(fitted) -> dict:
    # lambda_ is the coefficients' precision, alpha_ the noise precision (not a penalty)
    return {"coef_precision": float(fitted.lambda_), "noise_precision": float(fitted.alpha_)}


def _bayesian_ridge_scale(params: dict, by_sigma: bool) -> float:
    """tau = 1 / sqrt(lambda_); for a sigma-scaled prior in units of the empirical-Bayes sigma
    (1 / sqrt(alpha_))."""
    tau = 1.0 / np.sqrt(params["coef_precision"])
    if by_sigma:
        tau *= np.sqrt(params["noise_precision"])
    return tau


def _horseshoe_nearest(fit_intercept, n):
    from sklearn.linear_model import ARDRegression

    return {"LassoCV": _lasso_cv(fit_intercept, n), "ARDRegression": ARDRegression(fit_intercept=fit_intercept)}


def _nearest_params(name, estimator) -> dict:
    # ARDRegression's alpha_ is the noise precision, not a penalty: name it as its docs do
    if name == "ARDRegression":
        return {"noise_precision": float(estimator.alpha_)}
    if name == "LogisticRegressionCV":
        return {"C": float(estimator.C_), "l1_ratio": 1.0}
    if name == "PoissonRegressor (GridSearchCV)":
        return {"alpha": float(estimator.best_params_["alpha"])}
    return {"alpha": float(estimator.alpha_)}


# -- the objectives, in NumPy -----------------------------------------------------------------------
def _squared(y, eta):
    r = y - eta
    return r @ r


def _log_loss(y, eta):  # sum of -log p(y_i), y in {0, 1}
    return float(np.sum(np.logaddexp(0.0, eta) - y * eta))


def _poisson_deviance(y, eta):  # 2 sum(y log(y / mu) - y + mu), with 0 log 0 = 0
    mu = np.exp(eta)
    return 2.0 * float(np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0) - y + mu))


def _elastic(d, l1_ratio):  # r ||d||_1 + (1 - r) / 2 ||d||^2
    return l1_ratio * np.abs(d).sum() + (1.0 - l1_ratio) / 2.0 * (d @ d)


_GAUSSIAN_L1 = dict(
    alpha_from_scale=lambda s, sigma, n: sigma**2 / (n * s),
    scale_from_alpha=lambda alpha, sigma, n: sigma**2 / (n * alpha),
    objective_scale=lambda alpha, sigma, n: n / sigma**2,
)
_LOGISTIC = dict(hyperparameter="C", objective_scale=lambda C, d, n: 1.0 / C, best=lambda search: float(search.C_))
_C_IS_THE_SCALE = dict(alpha_from_scale=lambda s, d, n: s, scale_from_alpha=lambda C, d, n: C)
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
    )
}

_NO_MODE = "no penalized estimator exists: the density has a pole at mu, so there is no meaningful posterior mode"
_NO_MODE_SCALES = ("no penalized estimator exists: with random scales the joint density is unbounded as a scale goes to 0, "
                   "so there is no meaningful posterior mode")
_SPARSE_NEAREST = {  # likelihood -> (names, estimators)
    "gaussian": (("LassoCV", "ARDRegression"), _horseshoe_nearest),
    "bernoulli": (("LogisticRegressionCV",), lambda fit_intercept, n: {"LogisticRegressionCV": _logistic_cv(1.0)(fit_intercept, n)}),
    "poisson": (("PoissonRegressor (GridSearchCV)",),
                lambda fit_intercept, n: {"PoissonRegressor (GridSearchCV)": _poisson_cv(fit_intercept, n)}),
}
NEAREST: dict[tuple[str, str], Nearest] = {
    **{
        (prior, likelihood): Nearest(prior, likelihood, _NO_MODE if prior != "r2d2" else _NO_MODE_SCALES, names, estimators,
                                     _nearest_params)
        for prior in ("horseshoe", "regularized_horseshoe", "r2d2")
        for likelihood, (names, estimators) in _SPARSE_NEAREST.items()
    },
}

# (prior, likelihood) -> its empirical-Bayes choice of the scale (the evidence needs the rows)
EMPIRICAL_BAYES: dict[tuple[str, str], EmpiricalBayes] = {
    ("normal", "gaussian"): EmpiricalBayes("BayesianRidge", _bayesian_ridge, _bayesian_ridge_params, _bayesian_ridge_scale),
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
