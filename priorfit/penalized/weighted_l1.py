"""skglm's weighted L1 penalty on the three GLM datafits: the weighted (adaptive) lasso.

skglm 0.5's ``WeightedL1(alpha, weights)`` is ``alpha sum_j v_j |w_j|`` (its ``value``), with the
datafits ``Quadratic`` ``||y - Xw - c||^2 / (2n)``, ``Logistic`` ``(1/n) sum log(1 + exp(-y_i eta_i))``
(labels +-1) and ``Poisson`` ``(1/n) sum (exp(eta_i) - y_i eta_i)``. Its solvers' own intercepts
are avoided: ``ProxNewton`` with an intercept and ``WeightedL1`` fails on the weights' length (it adds
the penalty of the intercept too), and ``AndersonCD``'s intercept of the logistic datafit stalls
once every coefficient is 0 (measured on breast_cancer at alpha 1: its stopping criterion stayed at
1.5e-3). So every fit appends a column of ones with weight 0 (unpenalized, a coordinate like the
others) and runs ``ProxNewton``, which takes all three datafits.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data

#: family -> (skglm's datafit, the target it takes from y, the mean of y at eta, the loss of a row up to a
#: constant in y: the datafit's summand)
DATAFITS = {
    "gaussian": ("Quadratic", lambda y: y, lambda eta: eta, lambda y, eta: (y - eta) ** 2 / 2.0),
    "bernoulli": ("Logistic", lambda y: 2.0 * y - 1.0, lambda eta: 1.0 / (1.0 + np.exp(-eta)),
                  lambda y, eta: np.logaddexp(0.0, eta) - y * eta),
    "poisson": ("Poisson", lambda y: y, np.exp, lambda y, eta: np.exp(eta) - y * eta),
}
FAMILIES = tuple(DATAFITS)


class SkglmGLM(RegressorMixin, BaseEstimator):
    """What skglm's penalized GLMs share once fitted (``coef_``, ``intercept_``, ``family``): the linear
    predictor, the mean response, and the score: minus the datafit on the rows it is given (the mean
    negative log likelihood, up to a constant), which a grid search maximizes."""

    def decision_function(self, X):
        check_is_fitted(self)
        return validate_data(self, X, reset=False) @ self.coef_ + self.intercept_

    def predict(self, X):
        """The mean response: ``eta``, its logistic, or its exponential."""
        return DATAFITS[self.family][2](self.decision_function(X))

    def score(self, X, y, sample_weight=None):
        loss = DATAFITS[self.family][3](np.asarray(y, dtype=float), self.decision_function(X))
        return -float(np.average(loss, weights=sample_weight))


class WeightedL1GLM(SkglmGLM):
    """skglm's GLM of ``family`` with the penalty ``alpha sum_j v_j |w_j|`` (``weights``: v), from w = 0,
    to a gradient tolerance of ``tol``."""

    def __init__(self, alpha: float = 1.0, weights=None, family: str = "gaussian", fit_intercept: bool = True, tol: float = 1e-12):
        self.alpha, self.weights, self.family, self.fit_intercept, self.tol = alpha, weights, family, fit_intercept, tol

    def _datafit(self):
        from skglm import datafits

        return getattr(datafits, DATAFITS[self.family][0])()

    def fit(self, X, y):
        import warnings

        from numba.core.errors import NumbaPerformanceWarning
        from skglm import GeneralizedLinearEstimator
        from skglm.penalties import WeightedL1
        from skglm.solvers import ProxNewton

        X, y = validate_data(self, X, y, y_numeric=True)
        if self.family not in FAMILIES:
            raise ValueError(f"family {self.family!r}: use one of {', '.join(FAMILIES)}.")
        weights = np.ones(X.shape[1]) if self.weights is None else np.asarray(self.weights, dtype=float)
        # the intercept as an unpenalized column of ones (see the module docstring)
        design = np.column_stack([X, np.ones(len(X))]) if self.fit_intercept else X
        penalty = WeightedL1(self.alpha, np.append(weights, 0.0) if self.fit_intercept else weights)
        solver = ProxNewton(tol=self.tol, fit_intercept=False, max_iter=200, max_pn_iter=10_000)
        fitted = GeneralizedLinearEstimator(self._datafit(), penalty, solver)
        with warnings.catch_warnings():
            # numba's note that its gradient loop reads columns of a C-ordered X: a matter of speed only
            warnings.filterwarnings("ignore", category=NumbaPerformanceWarning)
            fitted.fit(design, DATAFITS[self.family][1](y))
        coef = np.ravel(np.asarray(fitted.coef_, dtype=float))
        self.coef_, self.intercept_ = (coef[:-1], float(coef[-1])) if self.fit_intercept else (coef, 0.0)
        return self
