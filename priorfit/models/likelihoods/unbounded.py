"""When a GLM's likelihood has no maximum along a direction: complete or quasi-complete separation of
binary labels (Albert & Anderson 1984), and its analogue for counts (Haberman 1974). Along such a
direction the likelihood rises toward a limit, so a flat prior on it leaves the posterior improper.
Each is a linear program (HiGHS, through SciPy)."""

from __future__ import annotations

import numpy as np

#: a direction counts when it moves the linear predictor by more than this, summed over rows (the
#: columns scaled to a largest |value| of 1, the direction to |v| <= 1)
TOLERANCE = 1e-7


def _scaled(Z: np.ndarray) -> np.ndarray:
    return Z / np.maximum(np.abs(Z).max(axis=0), 1e-300)


def separated(Z: np.ndarray, y: np.ndarray) -> bool:
    """Whether some ``v`` has ``s_i z_i'v >= 0`` for every row, with a positive sum (``s = 2y - 1``):
    the labels are separated, completely or quasi-completely, along ``Z v``."""
    from scipy.optimize import linprog

    S = np.where(np.asarray(y) > 0, 1.0, -1.0)[:, None] * _scaled(Z)
    result = linprog(-S.sum(axis=0), A_ub=-S, b_ub=np.zeros(len(S)), bounds=(-1.0, 1.0), method="highs")
    return bool(result.status == 0 and -result.fun > TOLERANCE * len(S))


def counts_unbounded(Z: np.ndarray, y: np.ndarray) -> bool:
    """Whether some ``v`` has ``z_i'v = 0`` on every positive count and ``z_i'v <= 0`` on the zeros,
    with a negative sum: the Poisson likelihood rises toward its value without those zeros."""
    from scipy.optimize import linprog

    Z, positive = _scaled(Z), np.asarray(y) > 0
    zeros = Z[~positive]
    if not len(zeros):
        return False
    equal = dict(A_eq=Z[positive], b_eq=np.zeros(int(positive.sum()))) if positive.any() else {}
    result = linprog(zeros.sum(axis=0), A_ub=zeros, b_ub=np.zeros(len(zeros)), bounds=(-1.0, 1.0), method="highs", **equal)
    return bool(result.status == 0 and -result.fun > TOLERANCE * len(Z))
