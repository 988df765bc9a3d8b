"""Forest plot: the posterior of each coefficient (HDI bars, arviz-plots) with the polished MAP,
the penalized twin, OLS and the truth overlaid as markers."""

from __future__ import annotations

from . import figure_of, labeller, legend, marker_kwargs, points, title


def _overlay(plot_collection, data, kind):
    from arviz_plots import visuals

    zorder = {"map": 3, "penalized": 4}.get(kind, 2.5)
    plot_collection.map(visuals.scatter_x, kind, data=data, coords={"column": "forest"}, zorder=zorder, **marker_kwargs(kind))


def draw(comparison, fit):
    """One prior: posterior intervals with its MAP and penalized estimate (and OLS, truth);
    returns the arviz-plots ``PlotCollection`` (its artists by visual name and feature)."""
    import arviz as az

    hdi = comparison.settings.hdi_prob
    pc = az.plot_forest(fit.tree, var_names=["coef"], combined=True, ci_kind="hdi", ci_probs=(0.5, hdi), labeller=labeller())
    shown = []
    for kind in ("ols", "truth", "penalized", "map"):
        data = points(comparison, fit, kind)
        if data is not None:
            _overlay(pc, data, kind)
            shown.append(kind)
    figure = figure_of(pc)
    title(figure, f"{fit.prior.name} prior: posterior 50% and {hdi:.0%} HDI; penalized: {fit.twin_label(shown=True)}")
    legend(figure, shown, fit=fit)
    return pc


def draw_all(comparison):
    """Every prior side by side per coefficient, with each prior's MAP where it has one."""
    import arviz as az
    import numpy as np
    import xarray as xr

    trees = {fit.prior.name: fit.tree for fit in comparison.fits}
    hdi = comparison.settings.hdi_prob
    pc = az.plot_forest(trees, var_names=["coef"], combined=True, ci_kind="hdi", ci_probs=(0.5, hdi), labeller=labeller())
    nan = xr.Dataset({"coef": ("feature", np.full(comparison.data.p, np.nan))}, coords={"feature": list(comparison.data.features)})
    maps = [points(comparison, fit, "map") for fit in comparison.fits]
    data = xr.concat([m if m is not None else nan for m in maps], dim=xr.Variable("model", list(trees)))
    _overlay(pc, data, "map")
    figure = figure_of(pc)
    title(figure, f"all priors: posterior 50% and {hdi:.0%} HDI")
    colors = pc.aes["color"]["mapping"]
    legend(figure, ["map"], {name: colors.sel(model=name).item() for name in trees})
    return pc
