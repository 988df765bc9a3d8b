"""The bridge penalty's estimators, ``(1/(2n)) ||y - Xw - c||^2 + alpha sum |w_j|^q`` minimized:
skglm's at q = 1/2 and 2/3 (:class:`SkglmBridge`, in scikit-learn's form so that it clones), and
priorfit's own for 1 < q < 2 (:class:`BridgeRegression`).

No well-kept library solves the L_q penalty for these exponents (skglm has q = 1/2 and 2/3,
scikit-learn q = 1 and 2), so this is the penalized side's own minimizer, written from the
objective alone: an independent check of the posterior mode, which PyMC's find_MAP and the
polish find from the log density. The objective is strictly convex and continuously
differentiable; its Hessian ``X'X/n + alpha q (q-1) diag|w|^(q-2)`` grows without bound only at
``w_j = 0``, where the minimizer has a coefficient only if the loss is flat there. So: L-BFGS from
the least-squares-like start, then damped Newton steps to the rounding level of the gradient.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted, validate_data


class BridgeRegression(RegressorMixin, BaseEstimator):
    """Least squares with the bridge penalty ``alpha sum |w_j|^q`` (skglm's convention for its
    ``L0_5`` and ``L2_3`` penalties), for ``1 < q < 2``; the intercept is not penalized."""

    def __init__(self, alpha: float = 1.0, q: float = 1.5, fit_intercept: bool = True, tol: float = 1e-13, max_iter: int = 200):
        self.alpha, self.q, self.fit_intercept, self.tol, self.max_iter = alpha, q, fit_intercept, tol, max_iter

    def objective(self, X, y, coef, intercept=0.0) -> float:
        r = y - X @ coef - intercept
        return float(r @ r / (2 * len(y)) + self.alpha * np.sum(np.abs(coef) ** self.q))

    def fit(self, X, y):
        from scipy.optimize import minimize

        X, y = validate_data(self, X, y, y_numeric=True)
        if not 1.0 < self.q < 2.0:
            raise ValueError(f"BridgeRegression takes 1 < q < 2, not q = {self.q!r}.")
        n, alpha, q = len(y), float(self.alpha), float(self.q)
        x_mean = X.mean(axis=0) if self.fit_intercept else np.zeros(X.shape[1])
        y_mean = float(y.mean()) if self.fit_intercept else 0.0
        Xc, yc = X - x_mean, y - y_mean  # the intercept's optimum, c = mean(y - Xw), taken out
        G, b = Xc.T @ Xc / n, Xc.T @ yc / n

        def value(w):
            return 0.5 * w @ G @ w - b @ w + alpha * np.sum(np.abs(w) ** q)

        def gradient(w):
            return G @ w - b + alpha * q * np.sign(w) * np.abs(w) ** (q - 1.0)

        w = np.linalg.lstsq(G + alpha * np.eye(len(b)), b, rcond=None)[0]
        w = minimize(value, w, jac=gradient, method="L-BFGS-B", options={"ftol": 0.0, "gtol": 1e-14, "maxiter": 10_000}).x
        self.n_iter_ = 0
        g = gradient(w)
        for self.n_iter_ in range(1, self.max_iter + 1):
            if np.abs(g).max() <= self.tol * max(1.0, np.abs(b).max()):
                break
            with np.errstate(divide="ignore"):
                curvature = alpha * q * (q - 1.0) * np.abs(w) ** (q - 2.0)
            step = -np.linalg.solve(G + np.diag(np.minimum(curvature, 1e300)), g)
            # a Newton step that shrinks the gradient is taken whole (near the minimum the objective's
            # decrease is below its rounding); otherwise backtrack on the objective
            t, f0 = 1.0, value(w)
            while t > 1e-12 and np.abs(gradient(w + t * step)).max() >= np.abs(g).max() and value(w + t * step) > f0 + 1e-4 * t * (g @ step):
                t /= 2
            if t <= 1e-12 or np.array_equal(w + t * step, w):
                break
            w = w + t * step
            g = gradient(w)
        self.coef_ = w
        self.intercept_ = float(y_mean - x_mean @ w) if self.fit_intercept else 0.0
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X @ self.coef_ + self.intercept_


class SkglmBridge(RegressorMixin, BaseEstimator):
    """skglm's least squares with its non-convex ``L0_5`` (q = 1/2) or ``L2_3`` (q = 2/3) penalty,
    ``alpha sum |w_j|^q``, by coordinate descent with Anderson acceleration to a fixed point of its
    closed-form thresholding (``ws_strategy="fixpoint"``: the subdifferential test of skglm 0.5
    counts every zero as optimal for these penalties), from w = 0: a local minimum. (skglm's own
    estimator holds its penalty as an object, which scikit-learn's ``clone`` cannot rebuild.)"""

    def __init__(self, alpha: float = 1.0, q: float = 0.5, fit_intercept: bool = True, tol: float = 1e-12):
        self.alpha, self.q, self.fit_intercept, self.tol = alpha, q, fit_intercept, tol

    def fit(self, X, y):
        from skglm import GeneralizedLinearEstimator
        from skglm.datafits import Quadratic
        from skglm.penalties import L0_5, L2_3
        from skglm.solvers import AndersonCD

        X, y = validate_data(self, X, y, y_numeric=True)
        if self.q not in (0.5, 2.0 / 3.0):
            raise ValueError(f"skglm solves q = 1/2 and 2/3, not q = {self.q!r}.")
        penalty = L0_5(self.alpha) if self.q == 0.5 else L2_3(self.alpha)
        solver = AndersonCD(tol=self.tol, ws_strategy="fixpoint", fit_intercept=self.fit_intercept, max_iter=1000)
        fitted = GeneralizedLinearEstimator(Quadratic(), penalty, solver).fit(X, y)
        self.coef_, self.intercept_ = np.asarray(fitted.coef_, dtype=float), float(fitted.intercept_)
        return self

    def predict(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, reset=False)
        return X @ self.coef_ + self.intercept_
