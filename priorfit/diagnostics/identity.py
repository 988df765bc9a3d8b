"""The identity on the whole objective: ``-log p(w | y) = k * J(w) + c`` with one ``k`` (from the
twin table: Ridge ``1 / (2 sigma^2)``, Lasso ``n / sigma^2``, LogisticRegression ``1 / C``, ...)
and one ``c``, at every ``w``, not only at the optimum.

Two views of it: :func:`random_points` evaluates both sides at many random points around the
mode and reports how far ``-log p - k J`` is from constant; :func:`profile` draws them along one
coefficient, the others at the mode.

For a kinked prior the coefficient shown is one the mode puts exactly on its location (if
any), so the kink of the L1 penalty can be seen sitting where the Laplace density peaks.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class Profile:
    """-log p and k * J along ``feature`` (others at the mode), and how far they differ."""

    feature: str
    grid: np.ndarray
    neg_log_posterior: np.ndarray
    scaled_objective: np.ndarray  # k * J(w)
    k: float
    alpha: float
    max_deviation: float  # max |(-log p - k J) - its value at the mode|, log-density units

    def to_dataset(self):
        import xarray as xr

        return xr.Dataset(
            {
                "neg_log_posterior": ("grid", self.neg_log_posterior),
                "scaled_objective": ("grid", self.scaled_objective),
            },
            coords={"grid": self.grid},
            attrs={"feature": self.feature, "k": self.k, "alpha": self.alpha, "max_deviation": self.max_deviation},
        )


def coordinate(design, prior, point: dict) -> int:
    """The coefficient to profile: one the mode puts exactly on ``mu`` (kinked priors), else the
    largest in magnitude."""
    w, mu = np.asarray(point["coef"]), prior.mu_vector(design.p)
    pinned = np.flatnonzero(~prior.active(w - mu))
    if prior.kink_groups(design.p) and pinned.size:
        return int(pinned[0])
    return int(np.argmax(np.abs(w - mu)))


@dataclass(frozen=True)
class RandomPoints:
    """``-log p - k J`` at random points: its spread is the identity's deviation."""

    points: int
    k: float
    c: float  # the mean of -log p - k J over the points
    max_deviation: float  # max |(-log p - k J) - c|, log-density units
    relative: float  # max_deviation / max |-log p|


class _Sides:
    """Both sides of the identity at coefficients (and intercept) of the mode model's values."""

    def __init__(self, model, point: dict, twin, penalty):
        self.model, self.twin, self.penalty = model, twin, penalty
        self.design = design = model.design
        self.functions = model.mode_functions()  # the value alone: no gradient or Hessian per point
        names = [v.name for v in model.mode_model.value_vars]
        self.values = {name: np.array(point[name], dtype=float) for name in names}
        self.mu = model.prior.mu_vector(design.p)
        self.options = twin.options(model.prior)
        self.k = float(twin.objective_scale(penalty.alpha, 1.0 if penalty.dispersion is None else penalty.dispersion, design.n))

    def __call__(self, coef: np.ndarray, intercept_centred: float | None) -> tuple[float, float]:
        design, values = self.design, dict(self.values)
        values["coef"] = coef
        intercept = None
        if design.intercept:
            values["intercept_centred"] = np.array(intercept_centred)
            intercept = float(intercept_centred) - coef @ design.x_mean
        neg_logp = -self.functions.value(self.functions.flat(values))
        J = self.twin.objective_at(design, coef, intercept, self.mu, self.penalty.alpha, **self.options)
        return neg_logp, self.k * J


def random_points(model, point: dict, twin, penalty, sd: np.ndarray, *, points: int = 200, seed: int = 0) -> RandomPoints:
    """Both sides at ``points`` random coefficient vectors (and intercepts) around the mode
    ``point``: each coordinate ``mode + 3 sd z``; for L1 priors a third of the coordinates are
    put exactly on ``mu``, where the penalty has its kink (a third of the groups, for a group penalty)."""
    sides = _Sides(model, point, twin, penalty)
    rng = np.random.default_rng(seed)
    center, p = np.asarray(point["coef"], dtype=float), model.design.p
    gaps, scale = [], 0.0
    kinks = model.prior.kink_groups(p)
    for _ in range(points):
        coef = center + 3.0 * sd[:p] * rng.standard_normal(p)
        for group, on_mu in zip(kinks, rng.random(len(kinks)) < 1 / 3):
            if on_mu:
                coef[group] = sides.mu[group]
        intercept = None
        if model.design.intercept:
            intercept = float(point["intercept_centred"]) + 3.0 * float(sd[p] if len(sd) > p else 1.0) * rng.standard_normal()
        neg_logp, kJ = sides(coef, intercept)
        gaps.append(neg_logp - kJ)
        scale = max(scale, abs(neg_logp))
    gaps = np.array(gaps)
    c = float(gaps.mean())
    deviation = float(np.abs(gaps - c).max())
    return RandomPoints(points, sides.k, c, deviation, deviation / scale)


def profile(model, point: dict, twin, penalty, sd: np.ndarray, *, points: int = 201) -> Profile:
    """The profile through the mode ``point`` of ``model`` (a PosteriorModel), for ``twin`` at
    ``penalty`` (the alpha and dispersion at which the identity holds), over +-4 posterior sds
    (``sd``, per coefficient)."""
    design, prior = model.design, model.prior
    j = coordinate(design, prior, point)
    half_width = 4.0 * float(sd[j])
    sides = _Sides(model, point, twin, penalty)
    center = float(point["coef"][j])
    grid = center + np.linspace(-half_width, half_width, points)
    grid = np.unique(np.append(grid, center))  # the mode itself is on the grid
    intercept = point.get("intercept_centred") if design.intercept else None
    neg_logp, objective = [], []
    for value in grid:
        coef = np.array(point["coef"], dtype=float)
        coef[j] = value
        a, b = sides(coef, intercept)
        neg_logp.append(a)
        objective.append(b)
    neg_logp, objective = np.array(neg_logp), np.array(objective)
    k = sides.k
    gap = neg_logp - objective
    at_mode = gap[np.flatnonzero(grid == center)[0]]
    return Profile(design.features[j], grid, neg_logp, objective, k, float(penalty.alpha), float(np.abs(gap - at_mode).max()))
