"""Posterior density of each coefficient (arviz-plots) with vertical lines at the polished MAP,
the penalized twin, OLS and the truth."""

from __future__ import annotations

from . import LINESTYLES, STYLES, figure_of, labeller, legend, points, title


def draw(comparison, fit):
    """Returns the arviz-plots ``PlotCollection`` (its artists by visual name and feature)."""
    import arviz as az
    from arviz_plots import visuals

    p = comparison.data.p
    rows = -(-p // 4)
    pc = az.plot_dist(
        fit.tree, var_names=["coef"], kind="kde", ci_kind="hdi", ci_prob=comparison.settings.hdi_prob,
        col_wrap=min(p, 4), figure_kwargs={"figsize": (3.2 * min(p, 4), 2.8 * rows)}, labeller=labeller(),
    )
    shown = []
    for kind in ("ols", "truth", "penalized", "map"):
        data = points(comparison, fit, kind)
        if data is None:
            continue
        pc.map(visuals.vline, kind, data=data, color=STYLES[kind]["color"], linestyle=LINESTYLES[kind], linewidth=1.3)
        shown.append(kind)
    figure = figure_of(pc)
    title(figure, f"{fit.prior.name} prior: posterior densities")
    legend(figure, shown, as_lines=True, fit=fit)
    return pc
