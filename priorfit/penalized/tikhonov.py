"""Tikhonov regularization with a matrix: glum's GLM with the penalty ``alpha / 2 w' Q w``.

glum's ``GeneralizedLinearRegressor(alpha, P2=Q, l1_ratio=0)`` minimizes
``1/(2 sum s) deviance(y, h(Xw + c); s) + alpha / 2 w' P2 w`` for the normal, binomial and Poisson
families. Its check that ``P2`` is positive semi-definite has an absolute tolerance (an eigenvalue
above ``-10 eps``), which a singular ``Q`` with large entries fails by rounding: the matrix passed is
``Q / c`` and the penalty ``alpha c`` (``c`` the largest eigenvalue of Q), the same objective.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class TikhonovGLM(RegressorMixin, BaseEstimator):
    """glum's GLM with the Tikhonov penalty ``alpha / 2 w' Q w`` (``precision``: the matrix, or the
    :class:`~priorfit.models.priors.mvnormal.Precision` that gives it for the columns of X: rw1 and
    rw2 are as wide as the data), solved to glum's tightest gradient tolerance. Its score is glum's
    D^2 (the share of the null deviance explained), which a grid search maximizes."""

    def __init__(self, alpha: float = 1.0, precision=None, family: str = "normal", fit_intercept: bool = True):
        self.alpha, self.precision, self.family, self.fit_intercept = alpha, precision, family, fit_intercept

    def matrix(self, p: int) -> np.ndarray:
        if hasattr(self.precision, "of"):
            return self.precision.of(p)
        return np.asarray(self.precision, dtype=float)

    def fit(self, X, y):
        import warnings

        from glum import GeneralizedLinearRegressor

        X, y = validate_data(self, X, y, y_numeric=True)
        Q = self.matrix(X.shape[1])
        c = float(np.linalg.eigvalsh(Q)[-1])
        self.glm_ = GeneralizedLinearRegressor(
            family=self.family, alpha=self.alpha * c, P2=Q / c, l1_ratio=0.0, fit_intercept=self.fit_intercept,
            gradient_tol=1e-12, step_size_tol=1e-14, max_iter=1000,
        )
        with warnings.catch_warnings():
            # at gradient_tol 1e-12 glum may reach rounding level before its line search can progress
            warnings.filterwarnings("ignore", "Line search failed", category=Warning)
            # a weak penalty in a grid search's fold: the logistic's probabilities reach 0 or 1
            warnings.filterwarnings("ignore", "Sigmoid function too close to 0 or 1", category=UserWarning)
            self.glm_.fit(X, y)
        self.coef_ = np.asarray(self.glm_.coef_, dtype=float)
        self.intercept_ = float(self.glm_.intercept_) if self.fit_intercept else 0.0
        return self

    def predict(self, X):
        """The mean response (the probability for the binomial, the rate for the Poisson)."""
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return self.glm_.predict(X)

    def score(self, X, y, sample_weight=None):
        check_is_fitted(self)
        return float(self.glm_.score(validate_data(self, X, reset=False), y, sample_weight=sample_weight))
