"""How stubborn the belief is as data grow (``priorfit rows``): one panel per chosen coefficient, its
posterior mean (line) and HDI (band) against the number of rows seen (log axis), one colour per
alpha (one fixed prior), and the prior's location theta_0 as a dashed line."""

from __future__ import annotations

from .common import band, grid, line


def _level(da, target, **kwargs):
    return target.axhline(da.item(), **kwargs)


def plot_rows(result, prior: str | None = None):
    """A ``RowsResult`` (``priorfit.rows``) of its one prior (``prior``, when given, must be it).
    ``pc.data`` holds ``mean``, ``hdi_low`` and ``hdi_high`` over ``alpha``, ``rows`` and ``feature``;
    ``pc.viz["mean"|"band"]["coef"]`` are the lines and bands by alpha and feature, ``pc.viz["theta_0"]``
    the prior locations."""
    import numpy as np
    import xarray as xr

    from priorfit.errors import InputError

    if prior is not None and prior != result.prior:
        raise InputError(f"These rows are of the {result.prior} prior, not {prior!r}.")
    features = list(result.features)
    dims = ("alpha", "rows", "feature")
    data = xr.Dataset({name: (dims, getattr(result, name)) for name in ("mean", "hdi_low", "hdi_high")},
                      coords={"alpha": result.alphas, "rows": result.counts, "feature": features})
    k = len(features)
    colours = [f"C{a % 10}" for a in range(len(result.alphas))]
    pc = grid(data[["mean"]].rename({"mean": "coef"}), ["feature"], figsize=(3.8 * min(k, 3), 3.4 * -(-k // 3)),
              col_wrap=min(k, 3), aes={"color": ["alpha"]}, color=colours)
    pc.map(band, "band", data=data[["hdi_low"]].rename({"hdi_low": "coef"}),
           top=data["hdi_high"], alpha=0.18, linewidth=0)
    pc.map(line, "mean", data=data[["mean"]].rename({"mean": "coef"}), linewidth=1.6)
    theta = xr.Dataset({"coef": ("feature", np.asarray(result.mu, dtype=float))}, coords={"feature": features})
    pc.map(_level, "theta_0", data=theta, ignore_aes={"color"}, color="0.3", linestyle="--", linewidth=1.0)
    from matplotlib.lines import Line2D
    from matplotlib.ticker import NullLocator

    from .common import title

    for f in features:
        ax = pc.get_target("coef", {"feature": f})
        ax.set_xscale("log")
        ax.set_xticks(result.counts, [str(m) for m in result.counts], minor=False)
        ax.xaxis.set_minor_locator(NullLocator())
        ax.set(title=f, xlabel="rows seen")

    figure = pc.get_viz("figure")
    handles = [Line2D([], [], color=c, label=f"alpha {a:.3g} (scale {s:.3g})") for a, s, c in zip(result.alphas, result.scales, colours)]
    handles.append(Line2D([], [], color="0.3", linestyle="--", label="θ0 (the prior's location)"))
    figure.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(handles), frameon=False,
                  fontsize=8)
    title(figure, f"{result.prior} prior: the posterior as rows are seen ({result.method}, {result.hdi_prob:.0%} HDI)")
    return pc
