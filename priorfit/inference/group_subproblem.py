"""The group polish's subproblem: a quadratic plus a norm per group, minimized exactly.

Each proximal Newton step of :func:`priorfit.inference.group_mode.group_polish` minimizes the
quadratic model of the smooth part of ``-log p`` plus the exact ``sum_g lambda_g ||w_g - mu_g||``
of the group Laplace prior; this module solves that problem (pure NumPy, no model), as
:mod:`priorfit.inference.l1_subproblem` solves the lasso's.
"""

from __future__ import annotations

import numpy as np


def block_minimum(A_values: np.ndarray, A_vectors: np.ndarray, c: np.ndarray, weight: float) -> np.ndarray:
    """argmin_z c'z + z'Az/2 + weight ||z||, for A positive definite given by its eigenvalues and
    eigenvectors: 0 where ``||c|| <= weight`` (the block soft threshold), else ``-(A + (weight / r) I)^-1 c``
    with ``r = ||z||`` the root of ``sum_i c_i^2 / (a_i r + weight)^2 = 1`` (decreasing in r;
    bracketed by 0 and ``(||c|| - weight) / min a``, solved by safeguarded Newton to rounding)."""
    norm_c = float(np.linalg.norm(c))
    if norm_c <= weight:
        return np.zeros_like(c)
    e = A_vectors.T @ c
    e2 = e * e
    low, high = 0.0, (norm_c - weight) / float(A_values.min())
    r = high
    for _ in range(200):
        denominator = A_values * r + weight
        f = float(np.sum(e2 / denominator**2)) - 1.0
        if f > 0:
            low = r
        else:
            high = r
        slope = float(-2.0 * np.sum(e2 * A_values / denominator**3))
        step = r - f / slope if slope < 0 else 0.5 * (low + high)
        new = step if low < step < high else 0.5 * (low + high)
        if new == r or high - low <= 4e-16 * high:
            r = new
            break
        r = new
    return -(A_vectors @ (e / (A_values + weight / r)))


def group_quadratic(g, H, offset, blocks, weights, *, max_sweeps: int = 10_000):
    """argmin_s g's + s'Hs/2 + sum_k weights_k ||offset_k + s_k||, and which blocks it puts on their
    kink (``offset_k + s_k = 0``).

    ``blocks`` are index arrays into s (disjoint); the coordinates in none of them (an intercept, a
    log sigma) are smooth, one more block without a norm. ``H`` must be positive definite. Block
    coordinate descent, each block solved exactly (:func:`block_minimum`, which puts it exactly on
    its kink). Once the pattern of blocks on their kink has held for a few sweeps, the blocks off it
    are solved together by Newton's method on their optimality condition (smooth there); its answer
    ends the descent where every condition holds (a block on its kink with ``||c_k|| <= weights_k``),
    so an ill-conditioned H costs a few Newton steps, not thousands of sweeps. Near the mode the step
    is an exact Newton step of the polish. The descent also ends when a sweep moves nothing by more
    than rounding (relative, in posterior-sd units), or after ``max_sweeps``.
    """
    g, H, offset = np.asarray(g, dtype=float), np.asarray(H, dtype=float), np.asarray(offset, dtype=float)
    weights = np.asarray(weights, dtype=float)
    problem = _Problem(g, H, offset, blocks, weights)
    spectra = [np.linalg.eigh(H[np.ix_(block, block)]) for block in blocks]
    smooth = problem.smooth
    smooth_factor = np.linalg.cholesky(H[np.ix_(smooth, smooth)]) if len(smooth) else None
    sd = problem.sd
    s = np.zeros(len(g))
    residual = g.copy()  # g + H s

    def move(block, new):
        delta = new - s[block]
        if np.any(delta):
            residual[:] += H[:, block] @ delta
            s[block] = new
        return float(np.max(np.abs(delta) / sd[block], initial=0.0))

    previous, held, wait = None, 0, 3
    for _ in range(max_sweeps):
        largest = 0.0
        for block, (values, vectors), weight in zip(blocks, spectra, weights):
            A = H[np.ix_(block, block)]
            c = residual[block] - A @ s[block] - A @ offset[block]
            largest = max(largest, move(block, block_minimum(values, vectors, c, float(weight)) - offset[block]))
        if smooth_factor is not None:
            b = residual[smooth] - H[np.ix_(smooth, smooth)] @ s[smooth]
            largest = max(largest, move(smooth, -np.linalg.solve(smooth_factor.T, np.linalg.solve(smooth_factor, b))))
        if largest <= 1e-13 * max(1.0, float(np.max(np.abs(s) / sd, initial=0.0))):
            break
        pattern = problem.on_kink(s)
        held = held + 1 if pattern == previous else 0
        previous = pattern
        if held >= wait:  # the pattern has held: try Newton's answer for it (less often after each miss)
            refined = problem.newton(s, pattern)
            if problem.optimal(refined, pattern):
                s = refined
                break
            held, wait = 0, 2 * wait
    pattern = problem.on_kink(s)
    return problem.newton(s, pattern), pattern


class _Problem:
    """The subproblem's pieces: its objective, the blocks on their kink, the Newton solve off them and
    the optimality check."""

    def __init__(self, g, H, offset, blocks, weights):
        self.g, self.H, self.offset, self.blocks, self.weights = g, H, offset, blocks, weights
        in_block = np.zeros(len(g), dtype=bool)
        for block in blocks:
            in_block[block] = True
        self.smooth = np.flatnonzero(~in_block)
        self.sd = 1.0 / np.sqrt(np.diag(H))

    def objective(self, s) -> float:
        return float(self.g @ s + s @ self.H @ s / 2.0
                     + sum(w * np.linalg.norm(self.offset[b] + s[b]) for b, w in zip(self.blocks, self.weights)))

    def on_kink(self, s) -> list[bool]:
        return [not np.any(self.offset[block] + s[block]) for block in self.blocks]

    def gradient(self, s, on_kink):
        """The gradient off the kinks (``g + H s + weight_k z_k / ||z_k||``), and each kinked block's
        ``||c_k||`` (which must not exceed its weight)."""
        gradient = self.g + self.H @ s
        kinked = []
        for block, weight, kink in zip(self.blocks, self.weights, on_kink):
            if kink:
                kinked.append(float(np.linalg.norm(gradient[block])))
                gradient[block] = 0.0
            else:
                z = self.offset[block] + s[block]
                gradient[block] += weight * z / np.linalg.norm(z)
        return gradient, np.array(kinked)

    def optimal(self, s, on_kink) -> bool:
        """Every optimality condition holds to rounding: the gradient off the kinks, and ``||c_k|| <= weight_k``
        on them, within 1e-10 of the terms the gradient sums (``|g| + |H| |s|``, in posterior-sd units)."""
        gradient, kinked = self.gradient(s, on_kink)
        terms = (np.abs(self.g) + np.abs(self.H) @ np.abs(s)) * self.sd
        tolerance = 1e-10 * max(1.0, float(np.max(terms)))
        excess = (kinked - self.weights[np.asarray(on_kink, dtype=bool)]) * np.array(
            [self.sd[block].max() for block, kink in zip(self.blocks, on_kink) if kink])
        return float(np.max(np.abs(gradient) * self.sd)) <= tolerance and bool(np.all(excess <= tolerance))

    def newton(self, s, on_kink, *, steps: int = 30):
        """``s`` refined by Newton's method on the optimality condition of the blocks off their kink and the
        smooth coordinates, the kinked blocks held there; each step backtracks until it lowers the objective
        or the gradient (in posterior-sd units) without putting a block on its kink, and the refinement stops
        when none does."""
        fixed = np.zeros(len(self.g), dtype=bool)
        for block, kink in zip(self.blocks, on_kink):
            fixed[block] = kink
        free = np.flatnonzero(~fixed)
        if not len(free):
            return s
        best = self.objective(s)
        for _ in range(steps):
            gradient, _ = self.gradient(s, on_kink)
            size = float(np.linalg.norm(gradient * self.sd))
            curvature = self.H.copy()
            for block, weight, kink in zip(self.blocks, self.weights, on_kink):
                if not kink:
                    z = self.offset[block] + s[block]
                    norm = float(np.linalg.norm(z))
                    curvature[np.ix_(block, block)] += weight * (np.eye(len(block)) - np.outer(z, z) / norm**2) / norm
            try:
                step = -np.linalg.solve(curvature[np.ix_(free, free)], gradient[free])
            except np.linalg.LinAlgError:
                return s
            t = 1.0
            while t > 1e-10:
                trial = s.copy()
                trial[free] += t * step
                value = self.objective(trial)
                crossed = any(not kink and not np.any(self.offset[b] + trial[b]) for b, kink in zip(self.blocks, on_kink))
                # a lower objective, or a smaller gradient: near the answer the objective's rounding (of s'Hs, at
                # the size of s) hides the decrease that the gradient still shows
                if not crossed and (value < best or np.linalg.norm(self.gradient(trial, on_kink)[0] * self.sd) < size):
                    break
                t /= 2
            else:
                return s
            s, best = trial, min(best, value)
            if np.max(np.abs(t * step) / self.sd[free], initial=0.0) <= 1e-15 * max(1.0, float(np.max(np.abs(s) / self.sd))):
                break
        return s
