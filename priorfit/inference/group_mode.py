"""The polish of a group-penalized mode (the group Laplace prior): proximal Newton with the block soft threshold.

As :func:`priorfit.inference.mode.polish` does for an L1 term, each step minimizes the quadratic
model of the smooth part of ``-log p`` plus the exact ``sum_g lambda_g ||w_g - mu_g||``
(:func:`~priorfit.inference.group_subproblem.group_quadratic`, which puts whole groups exactly on
``mu``), then backtracks on the true objective. The certificate is the KKT condition of a group
norm: on a group off ``mu`` the full gradient is 0 (the norm is smooth there), on a group on ``mu``
the smooth gradient's norm is at most ``lambda_g``; and the Newton decrement on the groups off ``mu``.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from priorfit.inference.certificate import Certificate
from priorfit.inference.group_subproblem import group_quadratic
from priorfit.inference.newton import NO_DECREASE, backtrack, converged, positive_definite


class _Groups:
    """The group norms' terms at a point of the mode model's flat vector: the blocks of ``coef``, their
    weights ``lambda_g`` (at the current sigma for a sigma-scaled prior), and the split of PyMC's
    gradient and Hessian into the smooth part and the norms'."""

    def __init__(self, model, functions):
        prior = model.prior
        coef = functions.slice("coef")
        p = coef.stop - coef.start
        self.blocks = [coef.start + group for group in prior.partition(p)]
        self.base = prior.group_weights(p)
        self.mu = np.zeros(functions.size)
        self.mu[coef] = prior.mu_vector(p)
        self.by_sigma, self.fixed_sigma = prior.by_sigma, model.sigma
        self.log_sigma = functions.slice("sigma_log__") if "sigma_log__" in functions.names else None

    def weights(self, x) -> np.ndarray:
        if not self.by_sigma:
            return self.base
        sigma = float(np.exp(x[self.log_sigma][0])) if self.log_sigma is not None else float(self.fixed_sigma)
        return self.base / sigma

    def norms(self, x) -> np.ndarray:
        return np.array([np.linalg.norm(x[block] - self.mu[block]) for block in self.blocks])

    def smooth_gradient(self, x, gradient, weights):
        """Minus PyMC's gradient without the norms' (which it gives off mu and takes as 0 on mu)."""
        g = -np.asarray(gradient, dtype=float)
        for block, weight, norm in zip(self.blocks, weights, self.norms(x)):
            if norm > 0:
                g[block] -= weight * (x[block] - self.mu[block]) / norm
        return g

    def norm_hessian(self, x, weights, size) -> np.ndarray:
        """The norms' Hessian (``lambda_g (I - u u') / ||d_g||`` off mu), on the flat vector."""
        H = np.zeros((size, size))
        for block, weight, norm in zip(self.blocks, weights, self.norms(x)):
            if norm > 0:
                u = (x[block] - self.mu[block]) / norm
                H[np.ix_(block, block)] = weight * (np.eye(len(block)) - np.outer(u, u)) / norm
        return H

    def on_mu(self, x) -> np.ndarray:
        """The mask of the coordinates in a group on mu."""
        out = np.zeros(len(x), dtype=bool)
        for block, norm in zip(self.blocks, self.norms(x)):
            out[block] = norm == 0
        return out


def group_polish(model, start: dict, *, max_iter: int = 100, progress: Callable[[str], None] | None = None,
                 explain: bool = False):
    """Exact mode of ``model`` (a :class:`~priorfit.models.posterior.PosteriorModel` with a grouped prior)
    near ``start``, and its :class:`Certificate` (and, with ``explain``, why it stopped short, or None).

    The working set is every coordinate but the groups on mu whose condition ``||g_g|| <= lambda_g``
    holds; the Hessian is formed on it. Near the mode this is Newton's method on the groups off mu
    with the others held there, and it converges quadratically. At most ``max_iter`` steps."""
    functions = model.mode_functions()
    say = progress or (lambda text: None)
    groups = _Groups(model, functions)

    def objective(x):
        value = -functions.value(x)
        return value if np.isfinite(value) else np.inf

    x = functions.flat(start)
    size = len(x)
    stop, previous = f"the limit of {max_iter} Newton steps", np.inf
    for iteration in range(max_iter):
        weights = groups.weights(x)
        _, gradient = functions.gradient(x)
        g = groups.smooth_gradient(x, gradient, weights)
        norms = groups.norms(x)
        work = np.ones(size, dtype=bool)
        for block, weight, norm in zip(groups.blocks, weights, norms):
            if norm == 0 and np.linalg.norm(g[block]) <= weight:
                work[block] = False  # on mu, and its condition holds: stays for this step
        index = np.flatnonzero(work)
        H = -functions.hessian(x, work) - groups.norm_hessian(x, weights, size)[np.ix_(index, index)]
        Hp = positive_definite(H)
        position = {j: k for k, j in enumerate(index)}
        kept = [k for k, block in enumerate(groups.blocks) if work[block[0]]]
        local = [np.array([position[j] for j in groups.blocks[k]]) for k in kept]
        d = x - groups.mu
        step = np.zeros(size)
        step[work], kinks = group_quadratic(g[work], Hp, d[work], local, weights[kept])
        to_mu = [groups.blocks[k] for k, kink in zip(kept, kinks) if kink]
        penalty_change = sum(w * (np.linalg.norm(d[b] + step[b]) - n) for b, w, n in zip(groups.blocks, weights, norms))
        predicted = g @ step + penalty_change
        length2 = step[work] @ Hp @ step[work]
        say(f"polish: Newton step {iteration + 1} on {int(work.sum())} of {size} coordinates, "
            f"step {np.sqrt(max(length2, 0.0)):.1e} posterior sd")
        if converged(length2, previous, x, step):
            for block in to_mu:
                x[block] = groups.mu[block]
            stop = None
            break
        previous = length2
        t = backtrack(objective, x, step, predicted, length2)
        if t is None:
            stop = NO_DECREASE
            break
        x = x + t * step
        if t == 1.0:
            for block in to_mu:
                x[block] = groups.mu[block]  # exactly, not up to rounding

    point = functions.point(x)
    certificate = _certificate(functions, groups, x)
    return (point, certificate, stop) if explain else (point, certificate)


def _certificate(functions, groups: _Groups, x) -> Certificate:
    """The KKT certificate: the full gradient off the groups on mu, and on each group on mu the excess
    of its smooth gradient's norm over ``lambda_g`` (relative: over ``lambda_g``)."""
    weights = groups.weights(x)
    _, gradient = functions.gradient(x)
    full = -np.asarray(gradient, dtype=float)  # PyMC's: the norms' gradient off mu, 0 on mu
    on_mu = groups.on_mu(x)
    free = ~on_mu
    excess = np.array([np.linalg.norm(full[block]) - weight
                       for block, weight in zip(groups.blocks, weights) if on_mu[block[0]]])
    relative = np.array([np.linalg.norm(full[block]) / weight - 1.0
                         for block, weight in zip(groups.blocks, weights) if on_mu[block[0]]])
    try:
        decrement2 = float(full[free] @ np.linalg.solve(positive_definite(-functions.hessian(x, free)), full[free]))
    except np.linalg.LinAlgError:
        decrement2 = float("inf")
    return Certificate(
        kind="kkt",
        value=float(max(np.abs(full[free]).max(initial=0.0), excess.max(initial=0.0))),
        newton_decrement=float(np.sqrt(decrement2)) if np.isfinite(decrement2) else float("inf"),
        kkt_relative=float(max(relative.max(initial=0.0), 0.0)),
    )
