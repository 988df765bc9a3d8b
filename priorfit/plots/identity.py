"""The identity made visible: the negative log posterior and the penalized objective (times
``k``) along one coefficient, other coordinates at the mode. They coincide up to a constant;
both curves are shown relative to their value at the mode."""

from __future__ import annotations

from . import STYLES


def draw(comparison, fit):
    import matplotlib.pyplot as plt
    import numpy as np

    profile = fit.identity
    at_mode = np.flatnonzero(profile.grid == fit.mode.point["coef"][list(comparison.data.features).index(profile.feature)])[0]
    figure, ax = plt.subplots(figsize=(6.4, 4.2), layout="constrained")
    ax.plot(profile.grid, profile.neg_log_posterior - profile.neg_log_posterior[at_mode], color="C0", linewidth=3,
            alpha=0.5, gid="neg_log_posterior", label="−log p(w | y)  (PyMC model)")
    ax.plot(profile.grid, profile.scaled_objective - profile.scaled_objective[at_mode], color="black", linestyle="--",
            gid="scaled_objective", label=f"k · J(w)  ({fit.penalized.estimator} objective, k = {profile.k:.4g})")
    ax.axvline(profile.grid[at_mode], color=STYLES["map"]["color"], linewidth=1, gid="map", label="MAP = penalized estimate")
    ax.set(xlabel=f"coefficient {profile.feature} (others at the mode)", ylabel="relative to the mode")
    ax.set_title(
        f"{fit.prior.name} prior ↔ {fit.penalized.estimator} (alpha = {profile.alpha:.4g}): "
        f"max deviation {profile.max_deviation:.1e} over {len(profile.grid)} points",
        fontsize=10,
    )
    ax.legend(frameon=False, fontsize=9)
    return figure
