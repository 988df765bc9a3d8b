"""Posterior density of each coefficient (arviz-plots) beside its prior (where the belief started),
with vertical lines at the polished MAP, the penalized twin, OLS and the truth. With more than
:data:`MAX_PANELS` coefficients, the panels are those with the largest ``|posterior mean| / sd``
(the title says so).

The prior is each coefficient's marginal density (:meth:`priorfit.models.priors.Prior.marginal_density`):
exact at a fixed scale, a mixture over :data:`PRIOR_DRAWS` draws of random scales (the fit's
``prior`` group), at the noise sd the prior predictive check uses. It is drawn over the posterior's
range and does not rescale the panel: where it is taller than the posterior, it runs off the top."""

from __future__ import annotations

import numpy as np

from priorfit.diagnostics.dial import grid_through, prior_density_at
from priorfit.diagnostics.predictive import spaced

from .common import LINESTYLES, STYLES, figure_of, labeller, legend, one_fit, points, title

MAX_PANELS = 24
PRIOR_DRAWS = 400  # draws of the random scales averaged over for a hierarchical prior's marginal
GRID = 200  # points of each prior curve


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
        figure_kwargs={"figsize": (3.2 * min(p, 4), 2.6 * rows), "layout": "constrained"}, labeller=labeller(),
    )
    panels = [pc.get_target("coef", {"feature": f}) for f in features]
    limits = [ax.get_ylim() for ax in panels]  # the posterior's: a taller prior runs off the top
    curves = prior_curves(comparison, fit, features)
    if curves is not None:
        pc.map(_curve, "prior", data=curves, color=PRIOR_COLOR, linewidth=1.3)
    shown = []
    for kind in ("ols", "truth", "penalized", "map"):
        data = points(comparison, fit, kind)
        if data is None:
            continue
        pc.map(visuals.vline, kind, data=data.sel(feature=features), color=STYLES[kind]["color"],
               linestyle=LINESTYLES[kind], linewidth=1.3)
        shown.append(kind)
    for ax, (bottom, top) in zip(panels, limits):
        ax.set_ylim(bottom, top)
    figure = figure_of(pc)
    subset = "" if p == comparison.data.p else f" ({p} of {comparison.data.p} coefficients: largest |mean|/sd)"
    title(figure, f"{fit.prior.name} prior: posterior densities{subset}")
    legend(figure, shown, {"prior": PRIOR_COLOR} if curves is not None else None, as_lines=True, fit=fit)
    return pc


PRIOR_COLOR = "C1"


def prior_curves(comparison, fit, features):
    """Each shown coefficient's prior density over its posterior's range (``coef`` over feature x
    point, the values in the coordinate ``x``), or None where no coefficient's marginal is proper."""
    import xarray as xr

    coef = fit.tree["posterior"]["coef"].sel(feature=features)
    low, high = coef.min(("chain", "draw")).values, coef.max(("chain", "draw")).values
    p = comparison.data.p
    columns = [list(comparison.data.features).index(f) for f in features]
    mu = fit.prior.mu_vector(p)[columns]
    x = grid_through(low, high, mu, GRID)  # GRID x shown
    density = prior_density_at(fit.prior, x, columns, p, fit.dispersion if fit.family.has_dispersion else None, _scale_draws(fit))
    if not np.isfinite(density).any():
        return None
    return xr.Dataset({"coef": (("point", "feature"), density)},
                      coords={"feature": features, "x": (("point", "feature"), x)})


def _scale_draws(fit) -> dict | None:
    """At most :data:`PRIOR_DRAWS` evenly spaced draws of the prior's random scales (the ``prior`` group)."""
    if "prior" not in fit.tree.children:
        return None
    group = fit.tree["prior"].to_dataset()
    flat = {name: group[name].stack(sample=("chain", "draw")).transpose("sample", ...).values for name in group.data_vars}
    total = len(next(iter(flat.values())))
    pick = spaced(total, min(total, PRIOR_DRAWS))
    return {name: values[pick] for name, values in flat.items()}


def _curve(da, target, **kwargs):
    """``da`` against its coordinate ``x`` (one coefficient's prior curve)."""
    return target.plot(da["x"].values, da.values, **kwargs)[0]
