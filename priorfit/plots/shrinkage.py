"""Shrinkage: each coefficient's penalized estimate and posterior mean against OLS, one panel
per prior. Points below the diagonal in magnitude were shrunk towards the prior location."""

from __future__ import annotations

from .common import STYLES, fits_of, grid, points, scatter


def plot_shrinkage(comparison, prior=None):
    """The priors named (default: all). ``pc.data`` holds the ``penalized`` and ``posterior_mean``
    coefficients over ``prior`` and ``feature``, with the ``ols`` ones as a coordinate;
    ``pc.viz["penalized"]["coef"]`` and ``pc.viz["posterior_mean"]["coef"]`` their markers by prior."""
    import numpy as np
    import xarray as xr
    from matplotlib.lines import Line2D

    fits = fits_of(comparison, prior)
    features = list(comparison.data.features)
    p = comparison.data.p
    ols = points(comparison, fits[0], "ols")["coef"].values
    data = xr.Dataset(
        {"penalized": (("prior", "feature"), np.array([fit.penalized.coef for fit in fits], dtype=float)),
         "posterior_mean": (("prior", "feature"), np.array([fit.coefficients["mean"].to_numpy()[:p] for fit in fits], dtype=float))},
        coords={"prior": [fit.prior.name for fit in fits], "feature": features, "ols": ("feature", ols)},
    )
    pc = grid(data, ["prior"], figsize=(4.2 * len(fits), 4.2), col_wrap=len(fits))
    pc.map(scatter, "penalized", data=data[["penalized"]].rename(penalized="coef"), x=data["ols"],
           color=STYLES["penalized"]["color"], marker=STYLES["penalized"]["marker"])
    pc.map(scatter, "posterior_mean", data=data[["posterior_mean"]].rename(posterior_mean="coef"), x=data["ols"],
           color="C0", marker="o", facecolors="none")
    for fit in fits:
        ax = pc.get_target("coef", {"prior": fit.prior.name})
        shown = data.sel(prior=fit.prior.name)
        limit = np.abs(np.concatenate([ols, shown["posterior_mean"].values, shown["penalized"].values])).max() * 1.08
        ax.plot([-limit, limit], [-limit, limit], color="0.8", linewidth=1, zorder=0, label="no shrinkage")
        ax.axhline(0, color="0.9", linewidth=0.8, zorder=0)
        for j, name in enumerate(features):
            ax.annotate(name, (ols[j], shown["posterior_mean"].values[j]), fontsize=7, color="0.4", xytext=(3, 3),
                        textcoords="offset points")
        ax.set(title=f"{fit.prior.name} ↔ {fit.twin_label(shown=True)}", xlabel="OLS coefficient", ylabel="estimate",
               xlim=(-limit, limit), ylim=(-limit, limit))
        ax.set_aspect("equal")
    pc.get_viz("figure").legend(
        handles=[
            Line2D([], [], linestyle="", color=STYLES["penalized"]["color"], marker=STYLES["penalized"]["marker"],
                   label=STYLES["penalized"]["label"]),
            Line2D([], [], linestyle="", marker="o", markerfacecolor="none", color="C0", label="posterior mean"),
        ],
        loc="outside upper center", ncols=2, frameon=False,
    )
    return pc
