"""Forest plot of one prior: the posterior of each coefficient (50% and HDI bars, arviz-plots)
with the polished MAP, the penalized twin, OLS and the truth overlaid as markers."""

from __future__ import annotations

from .common import figure_of, labeller, legend, marker_kwargs, one_fit, points, title

OVERLAYS = ("ols", "truth", "penalized", "map")  # drawn in this order, the MAP on top


def overlay(plot_collection, data, kind: str) -> None:
    """Markers of one point estimate (``data``: ``coef`` over ``feature``) on the forest column."""
    from arviz_plots import visuals

    zorder = {"map": 3, "penalized": 4}.get(kind, 2.5)
    plot_collection.map(visuals.scatter_x, kind, data=data, coords={"column": "forest"}, zorder=zorder, **marker_kwargs(kind))


def plot_forest(comparison, prior: str | None = None):
    """One prior (default: the first): posterior intervals with its MAP and penalized estimate
    (and OLS, truth); ``pc.viz[<estimate>]["coef"]`` are the markers by feature."""
    import arviz as az

    fit = one_fit(comparison, prior, "forest")
    hdi = comparison.settings.hdi_prob
    pc = az.plot_forest(fit.tree, var_names=["coef"], combined=True, ci_kind="hdi", ci_probs=(0.5, hdi), labeller=labeller())
    shown = []
    for kind in OVERLAYS:
        data = points(comparison, fit, kind)
        if data is not None:
            overlay(pc, data, kind)
            shown.append(kind)
    figure = figure_of(pc)
    title(figure, f"{fit.prior.name} prior: posterior 50% and {hdi:.0%} HDI; penalized: {fit.twin_label(shown=True)}")
    legend(figure, shown, fit=fit)
    return pc
