"""Forest plot across priors: each prior's posterior side by side per coefficient (arviz-plots,
one colour per prior), with each prior's polished MAP where it has one."""

from __future__ import annotations

from .common import figure_of, fits_of, labeller, legend, points, title
from .forest import overlay


def plot_forest_all(comparison, prior=None):
    """The priors named (default: all); ``pc.viz["map"]["coef"]`` are the MAP markers by
    ``model`` (the prior) and feature, None where a prior has no meaningful mode."""
    import arviz as az
    import numpy as np
    import xarray as xr

    fits = fits_of(comparison, prior)
    trees = {fit.prior.name: fit.tree for fit in fits}
    hdi = comparison.settings.hdi_prob
    pc = az.plot_forest(trees, var_names=["coef"], combined=True, ci_kind="hdi", ci_probs=(0.5, hdi), labeller=labeller())
    nan = xr.Dataset({"coef": ("feature", np.full(comparison.data.p, np.nan))}, coords={"feature": list(comparison.data.features)})
    maps = [points(comparison, fit, "map") for fit in fits]
    data = xr.concat([m if m is not None else nan for m in maps], dim=xr.Variable("model", list(trees)))
    overlay(pc, data, "map")
    figure = figure_of(pc)
    shown = "all priors" if prior is None else "priors " + ", ".join(trees)
    title(figure, f"{shown}: posterior 50% and {hdi:.0%} HDI")
    colors = pc.aes["color"]["mapping"]
    legend(figure, ["map"], {name: colors.sel(model=name).item() for name in trees})
    return pc
