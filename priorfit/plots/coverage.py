"""Held-out coverage: the share of held-out rows inside each interval kind (posterior predictive,
split conformal) against its nominal level, one panel per prior. On the diagonal an interval covers
what it promises on these rows; below it, it under-covers. The grey band is where an interval with
exactly its nominal coverage would land on that many rows (two binomial standard deviations)."""

from __future__ import annotations

from .common import fits_of, grid

MARKERS = {"posterior predictive": ("C0", "o"), "conformal": ("black", "x")}


def plot_coverage(comparison, prior=None):
    """The priors named (default: all) that have a held-out evaluation (``--holdout``, ``--test``).
    ``pc.data`` holds ``coverage`` and ``mean_width`` over ``prior``, ``kind`` and ``prob`` (NaN
    where a prior has no interval of that kind); ``pc.viz[kind]["coverage"]`` the markers by prior."""
    import numpy as np
    import xarray as xr

    from priorfit.errors import InputError

    fits = [fit for fit in fits_of(comparison, prior) if fit.holdout is not None]
    if not fits:
        raise InputError("The coverage plot needs a held-out evaluation; fit with --holdout FRACTION or --test DATA.")
    kinds = list(dict.fromkeys(s.kind for fit in fits for s in fit.holdout.intervals))
    probs = sorted({s.prob for fit in fits for s in fit.holdout.intervals})
    coverage = np.full((len(fits), len(kinds), len(probs)), np.nan)
    width = np.full_like(coverage, np.nan)
    for i, fit in enumerate(fits):
        for s in fit.holdout.intervals:
            coverage[i, kinds.index(s.kind), probs.index(s.prob)] = s.coverage
            width[i, kinds.index(s.kind), probs.index(s.prob)] = s.mean_width
    data = xr.Dataset({"coverage": (("prior", "kind", "prob"), coverage), "mean_width": (("prior", "kind", "prob"), width)},
                      coords={"prior": [fit.prior.name for fit in fits], "kind": kinds, "prob": probs})
    pc = grid(data[["coverage"]], ["prior"], figsize=(3.8 * len(fits), 3.8), col_wrap=len(fits))
    for kind in kinds:
        color, marker = MARKERS.get(kind, ("C1", "s"))
        pc.map(_markers, kind, data=data[["coverage"]].sel(kind=kind), color=color, marker=marker, label=kind)
    for fit in fits:
        ax = pc.get_target("coverage", {"prior": fit.prior.name})
        ax.plot([0, 1], [0, 1], color="0.8", linewidth=1, zorder=0)
        level = np.linspace(0, 1, 101)  # where an honest interval's coverage of these rows falls (2 binomial sds)
        spread = 2 * np.sqrt(level * (1 - level) / fit.holdout.rows)
        ax.fill_between(level, level - spread, level + spread, color="0.92", zorder=0, linewidth=0)
        ax.set(title=f"{fit.prior.name}: {fit.holdout.rows} held-out rows", xlabel="nominal level", ylabel="held-out coverage",
               xlim=(0, 1), ylim=(0, 1.02))
        ax.set_aspect("equal")
    handles, labels = pc.get_target("coverage", {"prior": fits[0].prior.name}).get_legend_handles_labels()
    pc.get_viz("figure").legend(handles=handles, labels=labels, loc="outside upper center", ncols=len(kinds), frameon=False)
    return pc


def _markers(da, target, **kwargs):
    """Coverage against the nominal level, one marker per level."""
    return target.plot(da["prob"].values, da.values, linestyle="-", linewidth=0.8, **kwargs)[0]
