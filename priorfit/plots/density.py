"""Posterior density of each coefficient (arviz-plots) with vertical lines at the polished MAP,
the penalized twin, OLS and the truth. With more than :data:`MAX_PANELS` coefficients, the
panels are those with the largest ``|posterior mean| / sd`` (the title says so)."""

from __future__ import annotations

import numpy as np

from .common import LINESTYLES, STYLES, figure_of, labeller, legend, one_fit, points, title

MAX_PANELS = 24


def shown_features(comparison, fit) -> list[str]:
    """The features drawn: all of them, or the :data:`MAX_PANELS` with the most posterior
    evidence (largest ``|mean| / sd``), in their original order."""
    features = list(comparison.data.features)
    if len(features) <= MAX_PANELS:
        return features
    coef = fit.tree["posterior"]["coef"]
    evidence = np.abs(coef.mean(("chain", "draw")).values) / coef.std(("chain", "draw")).values
    keep = np.sort(np.argsort(-evidence, kind="stable")[:MAX_PANELS])
    return [features[j] for j in keep]


def plot_density(comparison, prior: str | None = None):
    """One prior (default: the first): ``pc.viz[<estimate>]["coef"]`` are the vertical lines
    by feature."""
    import arviz as az
    from arviz_plots import visuals

    fit = one_fit(comparison, prior, "density")
    features = shown_features(comparison, fit)
    p = len(features)
    rows = -(-p // 4)
    pc = az.plot_dist(
        fit.tree, var_names=["coef"], coords={"feature": features}, kind="kde", ci_kind="hdi",
        ci_prob=comparison.settings.hdi_prob, col_wrap=min(p, 4),
        figure_kwargs={"figsize": (3.2 * min(p, 4), 2.8 * rows)}, labeller=labeller(),
    )
    shown = []
    for kind in ("ols", "truth", "penalized", "map"):
        data = points(comparison, fit, kind)
        if data is None:
            continue
        pc.map(visuals.vline, kind, data=data.sel(feature=features), color=STYLES[kind]["color"],
               linestyle=LINESTYLES[kind], linewidth=1.3)
        shown.append(kind)
    figure = figure_of(pc)
    subset = "" if p == comparison.data.p else f" ({p} of {comparison.data.p} coefficients: largest |mean|/sd)"
    title(figure, f"{fit.prior.name} prior: posterior densities{subset}")
    legend(figure, shown, as_lines=True, fit=fit)
    return pc
