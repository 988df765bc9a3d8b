"""The regularization path: scikit-learn's path as lines, the posterior mean (dotted) with its
HDI band, and the polished MAP as markers on the lines, against the twin's alpha (log axis)."""

from __future__ import annotations

from .common import STYLES, band, grid, line, marker_kwargs


def _markers(da, target, **kwargs):
    """Every value of ``da`` (alpha x feature) at its alpha."""
    import numpy as np

    alpha = da["alpha"].values
    return target.scatter(np.repeat(alpha, da.sizes["feature"]), da.transpose("alpha", "feature").values.ravel(), **kwargs)


def plot_path(path, prior: str | None = None):
    """A ``PathResult`` (``priorfit.path``) of its one prior (``prior``, when given, must be it).
    ``pc.data`` holds ``penalized``, ``mean``, ``hdi_low``, ``hdi_high`` and ``map`` over
    ``alpha`` and ``feature``; ``pc.viz["penalized"|"mean"|"band"]["coef"]`` are the lines and
    bands by feature (one colour each), ``pc.viz["map"]["coef"]`` the MAP markers."""
    import numpy as np
    import xarray as xr

    from priorfit.errors import InputError

    if prior is not None and prior != path.prior:
        raise InputError(f"This path is of the {path.prior} prior, not {prior!r}.")
    features = list(path.features)
    dims = ("alpha", "feature")
    data = xr.Dataset(
        {name: (dims, getattr(path, name)) for name in ("penalized", "mean", "hdi_low", "hdi_high", "map")},
        coords={"alpha": path.alpha, "feature": features},
    )
    # one colour per feature; the zorder steps draw each feature's path line and mean line
    # together, feature after feature (the bands, zorder 1, stay below every line)
    p = len(features)
    pc = grid(data, figsize=(8, 5), aes={"color": ["feature"], "zorder": ["feature"]},
              color=[f"C{j % 10}" for j in range(p)], zorder=list(2 + np.arange(p) / (10 * p)))

    def coef(name):
        return data[[name]].rename({name: "coef"})

    pc.map(line, "penalized", data=coef("penalized"), linewidth=1.5)
    pc.map(band, "band", data=coef("hdi_low"), top=data["hdi_high"], alpha=0.12, zorder=1)
    pc.map(line, "mean", data=coef("mean"), linestyle=":", linewidth=1)
    style = marker_kwargs("map")
    pc.map(_markers, "map", data=coef("map"), ignore_aes="all", s=style["size"] * 0.5, marker=style["marker"],
           facecolors="none", edgecolors=style["color"], zorder=3, label=STYLES["map"]["label"])
    ax = pc.get_viz("plot")
    ax.set_xscale("log")
    ax.set(xlabel=f"{path.estimator} alpha (at the mode's sigma)", ylabel="coefficient (model scale)",
           title=f"{path.prior} prior: {path.estimator} path (lines), MAP (diamonds), posterior mean (dotted) "
                 f"and {path.hdi_prob:.0%} HDI (bands)")
    ax.title.set_fontsize(9)
    ax.legend(frameon=False)
    return pc
