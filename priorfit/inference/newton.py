"""The pieces of a (proximal) Newton step that the polishes share: a Hessian made positive definite,
the convergence test, and the backtracking line search on the true objective."""

from __future__ import annotations

import numpy as np

NO_DECREASE = "no further decrease of the log density in floating point"


def positive_definite(H: np.ndarray) -> np.ndarray:
    """``H`` with its eigenvalues made positive, after Jacobi scaling (sigma and coefficients
    can differ by many orders of magnitude), so that a Newton step always descends. A matrix
    that is already safely positive definite (its Cholesky factor exists, no pivot below 1e-6 of
    the unit diagonal) is returned as it is, without an eigendecomposition."""
    d = 1.0 / np.sqrt(np.maximum(np.abs(np.diag(H)), 1e-300))
    scaled = d[:, None] * H * d[None, :]
    try:
        if np.diag(np.linalg.cholesky(scaled)).min(initial=1.0) >= 1e-6:
            return H
    except np.linalg.LinAlgError:
        pass
    lam, Q = np.linalg.eigh(scaled)
    lam = np.maximum(np.abs(lam), 1e-12 * np.abs(lam).max(initial=1.0))
    return (Q * lam) @ Q.T / d[:, None] / d[None, :]


def converged(length2: float, previous: float, x: np.ndarray, step: np.ndarray) -> bool:
    """Whether a step of squared length ``length2`` (in posterior-sd units) ends the polish: too small to
    matter, or at rounding level and no longer shrinking (Newton's steps shrink quadratically until the
    gradient is rounding noise; an ill-conditioned Hessian, a nearly flat ridge penalty on wide data,
    keeps that noise at 1e-11 posterior sds); ``previous`` is the last step's."""
    return length2 <= 1e-24 or np.array_equal(x + step, x) or (length2 <= 1e-16 and length2 > previous / 4)


def backtrack(objective, x: np.ndarray, step: np.ndarray, predicted: float, length2: float) -> float | None:
    """The step length (1, 1/2, ...) at which ``objective`` decreases enough (Armijo, with the first-order
    change ``predicted``), or None where none does down to 1e-14. Near the mode, where the objective
    cannot resolve the decrease any more (``length2`` below 1e-8), the full step is taken."""
    f0, t = objective(x), 1.0
    close = length2 < 1e-8
    while t > 1e-14:
        trial = objective(x + t * step)
        if trial <= f0 + 1e-4 * t * predicted or (close and np.isfinite(trial)):
            return t
        t /= 2
    return None
