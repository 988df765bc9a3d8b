"""The identity made visible: along one coefficient, other coordinates at the mode, the negative
log posterior and the penalized objective coincide up to ``-log p(w | y) = k * J(w) + c``,
with ``k`` from the twin table (Ridge: ``1 / (2 sigma^2)``, Lasso: ``n / sigma^2``).

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
    pinned = np.flatnonzero(w == mu)
    if prior.l1_weight() and pinned.size:
        return int(pinned[0])
    return int(np.argmax(np.abs(w - mu)))


def profile(model, point: dict, twin, penalty, sd: np.ndarray, *, points: int = 201) -> Profile:
    """The profile through the mode ``point`` of ``model`` (a PosteriorModel), for ``twin`` at
    ``penalty`` (the alpha and dispersion at which the identity holds), over +-4 posterior sds
    (``sd``, per coefficient)."""
    design, prior = model.design, model.prior
    j = coordinate(design, prior, point)
    half_width = 4.0 * float(sd[j])
    evaluate = model.derivatives()
    names = [v.name for v in model.mode_model.value_vars]
    values = {name: np.array(point[name], dtype=float) for name in names}
    mu = prior.mu_vector(design.p)
    k = float(twin.objective_scale(penalty.dispersion, design.n))
    center = float(point["coef"][j])
    grid = center + np.linspace(-half_width, half_width, points)
    grid = np.unique(np.append(grid, center))  # the mode itself is on the grid
    neg_logp, objective = [], []
    for value in grid:
        values["coef"] = np.array(point["coef"], dtype=float)
        values["coef"][j] = value
        neg_logp.append(-float(evaluate(**values)[0]))
        intercept = None
        if design.intercept:
            intercept = float(values["intercept_centred"]) - values["coef"] @ design.x_mean
        objective.append(k * twin.objective_at(design.X, design.y, values["coef"], intercept, mu, penalty.alpha))
    neg_logp, objective = np.array(neg_logp), np.array(objective)
    gap = neg_logp - objective
    at_mode = gap[np.flatnonzero(grid == center)[0]]
    return Profile(design.features[j], grid, neg_logp, objective, k, float(penalty.alpha), float(np.abs(gap - at_mode).max()))
