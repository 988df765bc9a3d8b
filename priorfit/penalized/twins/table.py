"""The table: one row per (prior, likelihood) pair with a twin (its estimator, objective, conversion
and search), the nearest references of the pairs without one, and the empirical-Bayes choices. The
rows that depend on a prior's options are built in :mod:`priorfit.penalized.twins.variants`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from priorfit.errors import InputError
from priorfit.penalized.twins.estimators import (
    _bayesian_ridge, _bayesian_ridge_params, _bayesian_ridge_scale, _elastic, _elastic_net, _elastic_net_cv, _glum_poisson,
    _glum_poisson_cv, _horseshoe_nearest, _lasso, _lasso_cv, _log_loss, _logistic, _logistic_cv, _logistic_elastic_net,
    _median_nearest, _nearest_params, _pinball, _quantile_cv, _quantile_regressor, _poisson, _poisson_cv, _poisson_deviance, _ridge,
    _ridge_cv, _robust_nearest, _squared,
)
from priorfit.penalized.twins.records import GAUSSIAN_L1, EmpiricalBayes, Nearest, Twin
from priorfit.penalized.twins.variants import (
    _GROUP_OBJECTIVES, _TIKHONOV, _WEIGHTED_L1, BRIDGE_EXPONENTS, VARIANTS, bridge_twin, group_laplace_twin, mvnormal_twin,
    weighted_laplace_twin,
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
            **GAUSSIAN_L1,
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
            **GAUSSIAN_L1,
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
        for prior in ("normal", "laplace", "group_laplace", "elasticnet", "horseshoe", "regularized_horseshoe", "r2d2")
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
    that hold its options (the rows of :data:`VARIANTS` depend on them: the bridge's q, the mvnormal's
    precision, the Laplace prior's weights, the group Laplace prior's groups; a name alone has the row of their defaults where there is one).
    ``likelihood`` is the family's name, or the family itself, whose settings the estimator takes
    (:meth:`~priorfit.models.likelihoods.Likelihood.twin_options`: the quantile Q) are then bound
    to the row."""
    name = prior if isinstance(prior, str) else prior.name
    family = likelihood if isinstance(likelihood, str) else likelihood.name
    variant = VARIANTS.get((name, family))
    source = settings if isinstance(prior, str) else prior
    row = TWINS.get((name, family))
    if variant is not None and source is not None:
        row = variant(source, row)
    elif variant is not None and row is None:
        raise TypeError(f"the {name} prior's twin depends on its options: pass the prior, or the settings")
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
    for likelihood in _WEIGHTED_L1:
        t = weighted_laplace_twin(None, likelihood)
        out.append({"prior": "laplace (weights v_j)", "likelihood": likelihood, "estimator": t.estimator, "objective": t.objective,
                    "conversion": t.conversion})
    for likelihood in _GROUP_OBJECTIVES:
        t = group_laplace_twin(None, likelihood)
        out.append({"prior": "group_laplace", "likelihood": likelihood, "estimator": t.estimator, "objective": t.objective,
                    "conversion": t.conversion})
    for likelihood in _TIKHONOV:
        t = mvnormal_twin(None, likelihood)
        out.append({"prior": "mvnormal", "likelihood": likelihood, "estimator": t.estimator, "objective": t.objective,
                    "conversion": t.conversion})
    for (prior, likelihood), t in NEAREST.items():
        names = ", ".join(t.names)
        out.append({"prior": prior, "likelihood": likelihood, "estimator": f"none (nearest: {names})", "objective": "", "conversion": t.reason})
    return out
