"""Shrinkage: each coefficient's penalized estimate and posterior mean against OLS, per prior.
Points below the diagonal in magnitude were shrunk towards the prior location."""

from __future__ import annotations

from . import STYLES, points


def draw(comparison):
    import matplotlib.pyplot as plt
    import numpy as np

    fits = comparison.fits
    figure, axes = plt.subplots(1, len(fits), figsize=(4.2 * len(fits), 4.2), squeeze=False, layout="constrained")
    ols = points(comparison, fits[0], "ols")["coef"].values
    for ax, fit in zip(axes[0], fits):
        mean = fit.coefficients["mean"].to_numpy()[: comparison.data.p]
        penalized = fit.penalized.coef
        limit = np.abs(np.concatenate([ols, mean, penalized])).max() * 1.08
        ax.plot([-limit, limit], [-limit, limit], color="0.8", linewidth=1, zorder=0, label="no shrinkage")
        ax.axhline(0, color="0.9", linewidth=0.8, zorder=0)
        ax.scatter(ols, penalized, gid="penalized", color=STYLES["penalized"]["color"], marker=STYLES["penalized"]["marker"])
        ax.scatter(ols, mean, gid="posterior_mean", color="C0", marker="o", facecolors="none")
        for j, name in enumerate(comparison.data.features):
            ax.annotate(name, (ols[j], mean[j]), fontsize=7, color="0.4", xytext=(3, 3), textcoords="offset points")
        ax.set(title=f"{fit.prior.name} ↔ {fit.twin_label(shown=True)}", xlabel="OLS coefficient", ylabel="estimate", xlim=(-limit, limit), ylim=(-limit, limit))
        ax.set_aspect("equal")
    from matplotlib.lines import Line2D

    figure.legend(
        handles=[
            Line2D([], [], linestyle="", color=STYLES["penalized"]["color"], marker=STYLES["penalized"]["marker"], label=STYLES["penalized"]["label"]),
            Line2D([], [], linestyle="", marker="o", markerfacecolor="none", color="C0", label="posterior mean"),
        ],
        loc="outside upper center", ncols=2, frameon=False,
    )
    return figure
