"""The numbers every fit of a twin uses: solver precision, tolerances, CV folds and grids, and the
unit a prior scale is measured in."""

from __future__ import annotations

from types import MappingProxyType

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
# the grid search of QuantileRegressor: its alpha_max, max_j |X_j' g| / n for a subgradient g of the
# pinball loss in [Q - 1, Q], is at most 1 on standardized columns whatever the scale of y
QUANTILE_ALPHAS = (-4, 0, 17)
# the grid searches of the penalties no library cross-validates: the bridge's alpha sum |w_j|^q (skglm's
# q = 1/2 and 2/3, priorfit's 1 < q < 2), whose units are those of y^(2-q) over X^q, and the Tikhonov
# alpha / 2 w'Qw, whose units depend on Q's: so the grid is wide
GRID_ALPHAS = (-6, 3, 28)
# skglm's weighted L1 in a grid search: a choice among those alphas needs no 1e-12 (its logistic fits
# near separation, at alpha 1e-6 on breast_cancer, took 3.8 s at 1e-12 and 1.8 s at this)
GRID_SEARCH_TOL = 1e-7
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
