"""How each twin's estimator is made (scikit-learn and glum, imported inside the factories, so that
listing the table stays instant) and its objective's loss, in NumPy."""

from __future__ import annotations

import numpy as np

from priorfit.penalized.twins.numbers import (
    BAYESIAN_RIDGE, GRID_ALPHAS, COORDINATE_DESCENT, GLUM_ALPHAS, LOGISTIC_CS, POISSON_ALPHAS, QUANTILE_ALPHAS, RIDGE_ALPHAS,
    SEARCH_MAX_ITER, cv_folds,
)


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


def _quantile_regressor(quantile):
    """scikit-learn's QuantileRegressor, a linear program solved by HiGHS (``quantile``: the median
    for the Laplace likelihood; the family's Q, passed as an option, for the quantile likelihood)."""

    def make(alpha, fit_intercept, **options):
        from sklearn.linear_model import QuantileRegressor

        return QuantileRegressor(quantile=options.get("quantile", quantile), alpha=alpha, fit_intercept=fit_intercept,
                                 solver="highs")

    return make


def _quantile_cv(quantile):
    def search(fit_intercept, n, **options):
        from sklearn.linear_model import QuantileRegressor
        from sklearn.metrics import make_scorer, mean_pinball_loss
        from sklearn.model_selection import GridSearchCV

        # scikit-learn has no QuantileRegressorCV: a grid search on the mean pinball loss
        q = options.get("quantile", quantile)
        return GridSearchCV(
            QuantileRegressor(quantile=q, fit_intercept=fit_intercept, solver="highs"),
            {"alpha": np.logspace(*QUANTILE_ALPHAS)}, cv=cv_folds(n),
            scoring=make_scorer(mean_pinball_loss, alpha=q, greater_is_better=False),
        )

    return search


def _glum_ridge(alpha, fit_intercept):
    """The bridge penalty at q = 2, ``alpha ||w||^2``, as glum's Gaussian GLM with its ``alpha / 2
    ||w||^2`` at twice the alpha (its closed-form solve; Ridge's alpha would be ``2 n alpha``)."""
    from glum import GeneralizedLinearRegressor

    return GeneralizedLinearRegressor(family="normal", alpha=2.0 * alpha, l1_ratio=0.0, fit_intercept=fit_intercept,
                                      gradient_tol=1e-12)


def _glum_ridge_cv(fit_intercept, n):
    from glum import GeneralizedLinearRegressorCV

    return GeneralizedLinearRegressorCV(family="normal", l1_ratio=0.0, fit_intercept=fit_intercept, cv=cv_folds(n),
                                        n_alphas=GLUM_ALPHAS)


def _skglm_bridge(q):
    """skglm's least squares with its ``L0_5`` (q = 1/2) or ``L2_3`` (q = 2/3) penalty
    (:class:`~priorfit.penalized.bridge.SkglmBridge`)."""

    def make(alpha, fit_intercept, **_):
        from priorfit.penalized.bridge import SkglmBridge

        return SkglmBridge(alpha=alpha, q=q, fit_intercept=fit_intercept)

    return make


def _bridge_regression(q):
    def make(alpha, fit_intercept, **_):
        from priorfit.penalized.bridge import BridgeRegression

        return BridgeRegression(alpha=alpha, q=q, fit_intercept=fit_intercept)

    return make


def _grid_cv(make, scoring="neg_mean_squared_error"):
    """A grid search of ``alpha`` for a penalty no library cross-validates (the bridge, Tikhonov with a
    matrix): on the mean squared error, or with ``scoring`` None the estimator's own score."""

    def search(fit_intercept, n, **_):
        from sklearn.model_selection import GridSearchCV

        return GridSearchCV(make(1.0, fit_intercept), {"alpha": np.logspace(*GRID_ALPHAS)}, cv=cv_folds(n), scoring=scoring)

    return search


def _weighted_l1(weights, family, tol=1e-12):
    """skglm's GLM of ``family`` with ``alpha sum v_j |w_j|`` (:class:`~priorfit.penalized.weighted_l1.WeightedL1GLM`),
    solved to ``tol``."""

    def make(alpha, fit_intercept, **_):
        from priorfit.penalized.weighted_l1 import WeightedL1GLM

        return WeightedL1GLM(alpha=alpha, weights=weights, family=family, fit_intercept=fit_intercept, tol=tol)

    return make


def _group_lasso(groups, family, tol=1e-12):
    """skglm's GLM of ``family`` with ``alpha sum_g sqrt(|g|) ||w_g||`` (:class:`~priorfit.penalized.group_lasso.GroupLassoGLM`),
    solved to ``tol``."""

    def make(alpha, fit_intercept, **_):
        from priorfit.penalized.group_lasso import GroupLassoGLM

        return GroupLassoGLM(alpha=alpha, groups=groups, family=family, fit_intercept=fit_intercept, tol=tol)

    return make


def _tikhonov(precision, family):
    """glum's GLM of ``family`` with the penalty ``alpha / 2 w'Qw`` (:class:`~priorfit.penalized.tikhonov.TikhonovGLM`;
    ``precision`` gives Q for the data's columns)."""

    def make(alpha, fit_intercept, **_):
        from priorfit.penalized.tikhonov import TikhonovGLM

        return TikhonovGLM(alpha=alpha, precision=precision, family=family, fit_intercept=fit_intercept)

    return make


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


def _horseshoe_nearest(fit_intercept, n, **_):
    from sklearn.linear_model import ARDRegression

    return {"LassoCV": _lasso_cv(fit_intercept, n), "ARDRegression": ARDRegression(fit_intercept=fit_intercept)}


def _robust_nearest(fit_intercept, n, **_):
    # the robust losses nearest to a Student-t likelihood (none is its mode): Huber's, with
    # scikit-learn's defaults (epsilon 1.35, a small L2 penalty), and the unpenalized median (L1)
    from sklearn.linear_model import HuberRegressor, QuantileRegressor

    return {"HuberRegressor": HuberRegressor(fit_intercept=fit_intercept, max_iter=1000),
            "QuantileRegressor (median)": QuantileRegressor(quantile=0.5, alpha=0.0, fit_intercept=fit_intercept, solver="highs")}


def _nearest_params(name, estimator) -> dict:
    if name == "HuberRegressor":
        return {"epsilon": float(estimator.epsilon), "alpha": float(estimator.alpha), "scale": float(estimator.scale_)}
    if name == "QuantileRegressor (median)":
        return {"quantile": 0.5, "alpha": 0.0}
    # ARDRegression's alpha_ is the noise precision, not a penalty: name it as its docs do
    if name == "ARDRegression":
        return {"noise_precision": float(estimator.alpha_)}
    if name == "LogisticRegressionCV":
        return {"C": float(estimator.C_), "l1_ratio": 1.0}
    if name in ("PoissonRegressor (GridSearchCV)", "QuantileRegressor (GridSearchCV)"):
        return {"alpha": float(estimator.best_params_["alpha"])}
    return {"alpha": float(estimator.alpha_)}


def _median_nearest(fit_intercept, n, **options):
    # the L1-penalized quantile regression chosen by cross-validation: the nearest penalized estimate
    # for a prior whose mode is not a QuantileRegressor's (a Normal or sparse prior with a Laplace or
    # quantile likelihood)
    return {"QuantileRegressor (GridSearchCV)": _quantile_cv(0.5)(fit_intercept, n, **options)}


# -- the objectives, in NumPy -----------------------------------------------------------------------
def _pinball(y, eta, quantile=0.5, **_):  # sum of rho_Q(y - eta) = (y - eta)(Q - 1[y < eta])
    r = y - eta
    return float(np.sum(r * (quantile - (r < 0))))


def _squared(y, eta, **_):
    r = y - eta
    return r @ r


def _log_loss(y, eta, **_):  # sum of -log p(y_i), y in {0, 1}
    return float(np.sum(np.logaddexp(0.0, eta) - y * eta))


def _poisson_deviance(y, eta, **_):  # 2 sum(y log(y / mu) - y + mu), with 0 log 0 = 0
    mu = np.exp(eta)
    return 2.0 * float(np.sum(np.where(y > 0, y * np.log(np.where(y > 0, y, 1.0) / mu), 0.0) - y + mu))


def _elastic(d, l1_ratio):  # r ||d||_1 + (1 - r) / 2 ||d||^2
    return l1_ratio * np.abs(d).sum() + (1.0 - l1_ratio) / 2.0 * (d @ d)

