"""The identity made visible: the negative log posterior and the penalized objective (times
``k``) along one coefficient, other coordinates at the mode. They coincide up to a constant;
both curves are shown relative to their value at the mode."""

from __future__ import annotations

from .common import STYLES, grid, line, one_fit, vline


def plot_identity(comparison, prior: str | None = None):
    """One prior (default: the first) with an exact twin and a mode. ``pc.data`` holds the two
    curves over ``value`` (the coefficient's values); ``pc.viz`` their lines and the ``map`` line."""
    import numpy as np
    import xarray as xr

    from priorfit.errors import InputError

    fit = one_fit(comparison, prior, "identity")
    profile = fit.identity
    if profile is None:
        raise InputError(f"The {fit.prior.name} prior has no identity profile: it needs an exact penalized twin and a mode.")
    at_mode = np.flatnonzero(profile.grid == fit.mode.point["coef"][list(comparison.data.features).index(profile.feature)])[0]
    data = xr.Dataset(
        {"neg_log_posterior": ("value", profile.neg_log_posterior - profile.neg_log_posterior[at_mode]),
         "scaled_objective": ("value", profile.scaled_objective - profile.scaled_objective[at_mode])},
        coords={"value": profile.grid}, attrs={"feature": profile.feature},
    )
    pc = grid(data, figsize=(6.4, 4.2))
    pc.map(line, "neg_log_posterior", data=data[["neg_log_posterior"]], color="C0", linewidth=3, alpha=0.5,
           label="−log p(w | y)  (PyMC model)")
    pc.map(line, "scaled_objective", data=data[["scaled_objective"]], color="black", linestyle="--",
           label=f"k · J(w)  ({fit.penalized.estimator} objective, k = {profile.k:.4g})")
    pc.map(vline, "map", data=xr.Dataset({"coef": profile.grid[at_mode]}), color=STYLES["map"]["color"], linewidth=1,
           label="MAP = penalized estimate")
    ax = pc.get_viz("plot")
    ax.set(xlabel=f"coefficient {profile.feature} (others at the mode)", ylabel="relative to the mode")
    ax.set_title(
        f"{fit.prior.name} prior ↔ {fit.penalized.estimator} (alpha = {profile.alpha:.4g}): "
        f"max deviation {profile.max_deviation:.1e} over {len(profile.grid)} points",
        fontsize=10,
    )
    ax.legend(frameon=False, fontsize=9)
    return pc
