"""Prior against posterior for the random scales of a hierarchical prior (the horseshoe's global
and local scales), on a log10 axis: how far the data moved them."""

from __future__ import annotations

from .common import grid


def _stairs(da, target, *, edges, **kwargs):
    """A density histogram (``da``: the heights) over ``edges``."""
    return target.stairs(da.values, edges, fill=True, **kwargs)


def _span(da, target, **kwargs):
    """A shaded band over the x interval ``da`` (low, high)."""
    return target.axvspan(*da.values, **kwargs)


def _intervals(da, target, **kwargs):
    """One horizontal line per row of ``da`` (feature x bound: low, high) at y = its ``y``."""
    return target.hlines(da["y"].values, da.isel(bound=0).values, da.isel(bound=1).values, **kwargs)


def _markers(da, target, *, y, **kwargs):
    """Round markers at x = ``da``, y = ``y``."""
    return target.plot(da.values, y.values, "o", **kwargs)[0]


def plot_scales(comparison, prior: str | None = None):
    """One prior with random scales (default: the first fitted). ``pc.data`` holds the log10
    posterior draws of ``global_scale`` (where the prior has one) and ``local_scale``; ``pc.viz``
    the histograms ``global_prior`` / ``global_posterior``, the prior band ``local_prior`` and the
    posterior intervals ``local_posterior`` and medians ``local_median``."""
    import numpy as np
    import xarray as xr

    from priorfit.errors import InputError

    from .common import one_fit

    fit = one_fit(comparison, prior, "scales")
    if "prior" not in fit.tree.children:
        raise InputError(f"The {fit.prior.name} prior has no random scales to plot; the horseshoe has.")
    tree, prob = fit.tree, comparison.settings.hdi_prob
    names = [name for name in ("global_scale", "local_scale") if name in tree["prior"].data_vars]
    prior_draws = np.log10(tree["prior"].to_dataset()[names])
    data = np.log10(tree["posterior"].to_dataset()[names])
    has_global = "global_scale" in names
    pc = grid(data, ["__variable__"], figsize=(11 if len(names) == 2 else 6, 4.2))
    if has_global:
        both = np.concatenate([prior_draws["global_scale"].values.ravel(), data["global_scale"].values.ravel()])
        edges = np.linspace(*np.quantile(both, [0.005, 0.995]), 60)
        for group, draws, color in (("prior", prior_draws, "0.6"), ("posterior", data, "C0")):
            heights, _ = np.histogram(draws["global_scale"].values.ravel(), bins=edges, density=True)
            pc.map(_stairs, f"global_{group}", data=xr.Dataset({"global_scale": ("bin", heights)}), edges=edges,
                   color=color, alpha=0.6, linewidth=0, label=group)
        ax = pc.get_target("global_scale", {})
        ax.set(xlabel="log10 global scale τ", ylabel="density", title="global scale")
        ax.legend(frameon=False)
    # a hyperprior on the scale of a Normal, Laplace or elastic-net prior has a global scale only
    if "local_scale" in names:
        features = list(comparison.data.features)
        tail = (1 - prob) / 2
        local_prior = np.quantile(prior_draws["local_scale"].values, [tail, 1 - tail])
        pc.map(_span, "local_prior", data=xr.Dataset({"local_scale": ("bound", local_prior)}), color="0.85",
               label=f"prior {prob:.0%} interval (every coefficient)")
        local = data["local_scale"].stack(sample=("chain", "draw")).transpose("feature", "sample").values
        low, median, high = np.quantile(local, [tail, 0.5, 1 - tail], axis=1)
        y = xr.DataArray(np.arange(len(features))[::-1], dims="feature", coords={"feature": features})
        bounds = xr.Dataset({"local_scale": (("feature", "bound"), np.stack([low, high], axis=1))},
                            coords={"feature": features, "y": y})
        pc.map(_intervals, "local_posterior", data=bounds, color="C0", label=f"posterior {prob:.0%} interval")
        pc.map(_markers, "local_median", data=xr.Dataset({"local_scale": ("feature", median)}), y=y, color="C0",
               label="posterior median")
        ax = pc.get_target("local_scale", {})
        ax.set_yticks(y.values, features)
        ax.set(xlabel="log10 local scale λ_j", title="local scales")
        ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
    pc.get_viz("figure").suptitle(f"{fit.prior.name} prior: its scales, prior against posterior", fontweight="bold")
    return pc
