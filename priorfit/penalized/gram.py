"""The Gaussian twins without the rows: fits and K-fold cross-validation from X'X.

A design too large to keep (or to copy) is reduced to its sufficient statistics
(:class:`priorfit.data.statistics.GramStats`, one pass). Everything the Gaussian side needs follows from
them exactly:

- **Fits.** With the centred Gram matrix ``G = Xc'Xc = Q diag(lam) Q'``, the *square-root
  design* ``R = diag(sqrt(lam)) Q'`` (p rows) and target ``r = diag(1/sqrt(lam)) Q' Xc'yc``
  (0 where ``lam = 0``: ``Xc'yc`` has no component there) satisfy, for every ``w``,
  ``||yc - Xc w||^2 = ||r - R w||^2 + (yc'yc - ||r||^2)``. scikit-learn's own Ridge, Lasso and
  ElasticNet fitted to ``(R, r)`` without an intercept therefore minimize the same objective
  as on ``(X, y)``; for the estimators whose loss is a mean over rows (``1 / (2 n_samples)``,
  :attr:`priorfit.penalized.twins.Twin.loss_per_row`) the p rows are scaled by ``sqrt(p / n)``. The
  intercept is ``mean(y) - mean(X)'w``, as scikit-learn computes it.
- **Cross-validation.** Per-fold statistics come from the same pass over the rows. A fold's
  training statistics are the merge of the others; its validation error at ``(w, b)`` is the
  quadratic form ``yy_v - 2 w'xy_v + w'xx_v w + n_v (ybar_v - b - xbar_v'w)^2``. The grids
  are scikit-learn's: LassoCV's and ElasticNetCV's ``geomspace(alpha_max, eps alpha_max)``
  with ``alpha_max = max |Xc'yc| / (n l1_ratio)``, RidgeCV's ``alphas``; the folds are
  ``KFold``'s contiguous ones for in-memory rows (so the choice is LassoCV's), hashed row
  numbers (:class:`priorfit.data.folds.RowFolds`) for files.

Without rows there is no PSIS-LOO (it needs each row's likelihood), no bootstrap and no
empirical-Bayes BayesianRidge or ARDRegression (their evidence needs the rows).
"""

from __future__ import annotations

import numpy as np

from priorfit.data.sufficient import SufficientStatistics, merge, on_design
from priorfit.penalized import twins


# -- fits ------------------------------------------------------------------------------------------
def square_root_design(m: SufficientStatistics, per_row: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(R, r)`` with ``||r - R w||^2 = ||yc - Xc w||^2 + const`` (times ``p / n`` if ``per_row``)."""
    lam, Q = np.linalg.eigh((m.gram + m.gram.T) / 2.0)
    keep = lam > lam.max(initial=0.0) * 1e-14
    root = np.sqrt(np.where(keep, lam, 0.0))
    R = root[:, None] * Q.T
    r = np.where(keep, (Q.T @ m.xty) / np.where(keep, root, 1.0), 0.0)
    if per_row:
        factor = np.sqrt(len(lam) / m.n)
        R, r = R * factor, r * factor
    return R, r


# the scikit-learn estimators fitted here, and whether their loss is a mean over rows
PER_ROW = {"Ridge": False, "Lasso": True, "ElasticNet": True, "TikhonovGLM": True}  # glum's normal family: 1/(2n)
SEARCHES = {"RidgeCV": "Ridge", "LassoCV": "Lasso", "ElasticNetCV": "ElasticNet"}


def supports(estimator) -> bool:
    return type(estimator).__name__ in PER_ROW or type(estimator).__name__ in SEARCHES


def refit(search, alpha: float):
    """The plain estimator of a search at the penalty it chose, solved to the twins' precision."""
    from sklearn import linear_model

    name = SEARCHES[type(search).__name__]
    options = {"l1_ratio": float(search.l1_ratio)} if name == "ElasticNet" else {}
    precision = {} if name == "Ridge" else twins.COORDINATE_DESCENT
    return getattr(linear_model, name)(alpha=alpha, **options, **precision)


def fit(estimator, design, mu: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Fit a scikit-learn Ridge, Lasso or ElasticNet to the square-root design of ``design``'s
    statistics (the prior location ``mu`` as an offset); its coefficients and intercept on the full rows."""
    intercept = design.intercept
    m = design.sufficient(mu)
    R, r = square_root_design(m, PER_ROW[type(estimator).__name__])
    estimator.set_params(fit_intercept=False).fit(R, r)
    w = np.ravel(np.asarray(estimator.coef_, dtype=float))
    estimator.set_params(fit_intercept=intercept)
    b = float(m.y_mean - m.x_mean @ w) if intercept else None
    return w + mu, b


# -- cross-validation ------------------------------------------------------------------------------
def _training(folds: list, k: int):
    return merge([s for j, s in enumerate(folds) if j != k])


def _path(kind: str, m: SufficientStatistics, alphas: np.ndarray, l1_ratio: float, *, tol: float, max_iter: int) -> np.ndarray:
    """Coefficients (alphas x p) of Ridge (``kind="ridge"``) or the elastic net along ``alphas``."""
    if kind == "ridge":
        lam, Q = np.linalg.eigh((m.gram + m.gram.T) / 2.0)
        z = Q.T @ m.xty
        return (z[None, :] / (lam[None, :] + alphas[:, None])) @ Q.T
    from sklearn.linear_model import enet_path

    R, r = square_root_design(m, per_row=True)
    _, coefs, _ = enet_path(R, r, l1_ratio=l1_ratio, alphas=alphas, tol=tol, max_iter=max_iter)
    return coefs.T


def grid(search, design, mu: np.ndarray) -> np.ndarray:
    """The penalties :func:`cross_validate` tries for ``search``: RidgeCV's ``alphas``, or LassoCV's
    and ElasticNetCV's ``geomspace(alpha_max, eps alpha_max, alphas)`` from the whole's statistics."""
    if type(search).__name__ == "RidgeCV":
        return np.asarray(search.alphas, dtype=float)
    l1_ratio = float(getattr(search, "l1_ratio", 1.0))
    whole = design.sufficient(mu)
    alpha_max = np.abs(whole.xty).max() / (whole.n * l1_ratio)
    return np.geomspace(alpha_max, alpha_max * search.eps, num=search.alphas)


def cross_validate(search, design, mu: np.ndarray) -> float:
    """The penalty that ``search`` (RidgeCV, LassoCV or ElasticNetCV, unfitted) would choose,
    by K-fold cross-validation from the per-fold statistics of ``design``: the mean over folds
    of the validation mean squared error, minimized over the search's grid (:func:`grid`)."""
    kind = {"RidgeCV": "ridge", "LassoCV": "enet", "ElasticNetCV": "enet"}[type(search).__name__]
    l1_ratio = float(getattr(search, "l1_ratio", 1.0))
    alphas = grid(search, design, mu)
    intercept = design.intercept
    raw = design.folds.parts
    folds = [on_design(design, s, mu) for s in raw]
    mse = np.zeros((len(folds), len(alphas)))
    for k, valid in enumerate(folds):
        train = on_design(design, _training(raw, k), mu)
        coefs = _path(kind, train, alphas, l1_ratio, tol=twins.CV_PATH_TOL, max_iter=search.max_iter if kind == "enet" else 0)
        for i, w in enumerate(coefs):
            b = float(train.y_mean - train.x_mean @ w) if intercept else None
            mse[k, i] = valid.rss(w, b) / valid.n
    return float(alphas[int(np.argmin(mse.mean(axis=0)))])
