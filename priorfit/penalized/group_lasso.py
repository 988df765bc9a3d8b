"""skglm's group lasso on the three GLM datafits: ``alpha sum_g sqrt(|g|) ||w_g||_2``.

skglm 0.5's ``WeightedGroupL2(alpha, weights, grp_ptr, grp_indices)`` is ``alpha sum_g weights_g
||w_g||`` (its ``value``), with the datafits ``QuadraticGroup`` ``||y - Xw||^2 / (2n)``,
``LogisticGroup`` ``(1/n) sum log(1 + exp(-y_i eta_i))`` (labels +-1) and ``PoissonGroup`` ``(1/n)
sum (exp(eta_i) - y_i eta_i)``: the weighted lasso's (:mod:`priorfit.penalized.weighted_l1`, whose
table of targets, means and losses this module shares). The weights are Yuan & Lin's ``sqrt(|g|)``.
The intercept is a column of ones in a group of its own with weight 0 (unpenalized), as the
weighted lasso's is. ``GroupBCD`` solves the Gaussian (``QuadraticGroup`` has no Hessian for
``GroupProxNewton``), ``GroupProxNewton`` the others (``PoissonGroup`` has no Lipschitz constants
for ``GroupBCD``).
"""

from __future__ import annotations

import numpy as np
from sklearn.utils.validation import validate_data

from priorfit.penalized.weighted_l1 import DATAFITS, FAMILIES, SkglmGLM

#: family -> skglm's group datafit and the solver that takes it (see the module docstring), with its settings
GROUP_DATAFITS = {
    "gaussian": ("QuadraticGroup", "GroupBCD", {"max_iter": 1000, "max_epochs": 100_000}),
    "bernoulli": ("LogisticGroup", "GroupProxNewton", {"max_iter": 200, "max_pn_iter": 10_000}),
    "poisson": ("PoissonGroup", "GroupProxNewton", {"max_iter": 200, "max_pn_iter": 10_000}),
}


class GroupLassoGLM(SkglmGLM):
    """skglm's GLM of ``family`` with the penalty ``alpha sum_g sqrt(|g|) ||w_g||`` (``groups``: the
    column numbers of each group, a partition of the features, or a
    :class:`~priorfit.models.priors.group_laplace.Groups`), from w = 0, to a tolerance ``tol`` on the
    distance to the subdifferential."""

    def __init__(self, alpha: float = 1.0, groups=None, family: str = "gaussian", fit_intercept: bool = True,
                 tol: float = 1e-12):
        self.alpha, self.groups, self.family, self.fit_intercept, self.tol = alpha, groups, family, fit_intercept, tol

    def partition(self, p: int) -> list[np.ndarray]:
        """The groups' column numbers: ``groups.of(p)`` of the prior's groups, the lists given, or each feature alone."""
        if self.groups is None:
            return [np.array([j]) for j in range(p)]
        if hasattr(self.groups, "of"):
            return self.groups.of(p)
        return [np.asarray(group, dtype=int) for group in self.groups]

    def fit(self, X, y):
        import warnings

        from numba.core.errors import NumbaPerformanceWarning
        from skglm import GeneralizedLinearEstimator, datafits, solvers
        from skglm.penalties import WeightedGroupL2
        from skglm.utils.data import grp_converter

        X, y = validate_data(self, X, y, y_numeric=True)
        if self.family not in FAMILIES:
            raise ValueError(f"family {self.family!r}: use one of {', '.join(FAMILIES)}.")
        p = X.shape[1]
        groups = [list(map(int, group)) for group in self.partition(p)]
        weights = [np.sqrt(len(group)) for group in groups]
        if self.fit_intercept:  # the intercept as an unpenalized group of its own (see the module docstring)
            X, groups, weights = np.column_stack([X, np.ones(len(X))]), [*groups, [p]], [*weights, 0.0]
        indices, pointers = grp_converter(groups, X.shape[1])
        datafit_name, solver_name, solver_settings = GROUP_DATAFITS[self.family]
        datafit = getattr(datafits, datafit_name)(pointers, indices)
        penalty = WeightedGroupL2(self.alpha, np.asarray(weights, dtype=float), pointers, indices)
        solver = getattr(solvers, solver_name)(tol=self.tol, **solver_settings)
        fitted = GeneralizedLinearEstimator(datafit, penalty, solver)
        with warnings.catch_warnings():
            # numba's note that its gradient loop reads columns of a C-ordered X: a matter of speed only
            warnings.filterwarnings("ignore", category=NumbaPerformanceWarning)
            # GroupBCD's Anderson extrapolation on a singular system: skglm then keeps the plain iterate
            warnings.filterwarnings("ignore", category=RuntimeWarning, module="skglm.utils.anderson")
            fitted.fit(np.asfortranarray(X), DATAFITS[self.family][1](y))
        coef = np.ravel(np.asarray(fitted.coef_, dtype=float))
        self.coef_, self.intercept_ = (coef[:-1], float(coef[-1])) if self.fit_intercept else (coef, 0.0)
        return self
