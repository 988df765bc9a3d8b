"""How stubborn the belief is as data grow: one panel per chosen coefficient, its posterior mean
(line) and HDI (band) against the number of rows seen (log axis), one colour per alpha (one fixed
prior), and the prior's location theta_0 as a dashed line.

:func:`plot_rows` draws it for a comparison's fit from its penalty dial (the Normal prior with the
Gaussian likelihood: the closed form on nested subsamples, at :data:`SHOWN` of the dial's alphas);
:func:`draw_rows` draws any such result, as ``priorfit rows`` gives it (``RowsResult.plot``)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from priorfit.diagnostics.dial import MIN_DRAWS

from .common import band, grid, line, one_fit, title

SHOWN = 4  # alphas of the dial drawn: its ends and two between, a factor 10 apart
FEATURES = 3  # the coefficients drawn: the most evident (largest |posterior mean| / sd)


def _level(da, target, **kwargs):
    return target.axhline(da.item(), **kwargs)


@dataclass
class _Rows:
    """What :func:`draw_rows` reads (the fields of ``priorfit.runs.rows.RowsResult`` it uses)."""

    prior: str
    features: tuple
    mu: np.ndarray
    alphas: np.ndarray
    scales: np.ndarray
    counts: np.ndarray
    mean: np.ndarray
    hdi_low: np.ndarray
    hdi_high: np.ndarray
    method: str
    hdi_prob: float


def plot_rows(comparison, prior: str | None = None):
    """One prior (default: the first) whose fit has the dial's rows (the Normal prior with the
    Gaussian likelihood in closed form, the others by NUTS with ``explorer_rows``). ``pc.data``,
    ``pc.viz`` as :func:`draw_rows` says."""
    from scipy.stats import norm

    from priorfit.errors import InputError

    fit = one_fit(comparison, prior, "rows")
    if "dial" not in fit.tree.children or "rows" not in fit.tree["dial"].coords:
        raise InputError(f"The rows plot of a comparison needs the closed form of the Normal prior with the Gaussian likelihood "
                         f"or --explorer-rows (and at least {MIN_DRAWS} draws); the {fit.prior.name} fit has none, so its "
                         "posterior on fewer rows takes priorfit rows.")
    dial = fit.tree["dial"].to_dataset()
    points = np.unique(np.linspace(0, dial.sizes["point"] - 1, SHOWN).round().astype(int))
    coef = fit.tree["posterior"]["coef"].sel(feature=dial["feature"].values)
    evidence = np.abs(coef.mean(("chain", "draw")).values) / coef.std(("chain", "draw")).values
    columns = np.sort(np.argsort(-evidence, kind="stable")[:FEATURES])
    mean = dial["rows_mean"].values[points][..., columns]
    if dial.attrs.get("rows_method") == "NUTS":  # reweighted along the dial: an untrusted point is a gap
        kept = dial["rows_trusted"].values[points][..., None]
        mean, low, high = (np.where(kept, dial[name].values[points][..., columns], np.nan)
                           for name in ("rows_mean", "rows_hdi_low", "rows_hdi_high"))
        method = "NUTS at the fitted alpha, reweighted"
    else:
        z = norm.ppf(0.5 + float(dial.attrs["hdi_prob"]) / 2)
        sd = dial["rows_sd"].values[points][..., columns]
        low, high = mean - z * sd, mean + z * sd
        method = "closed form" + ("" if dial.attrs["sigma_fixed"] else ", at the twin's sigma")
    view = _Rows(fit.prior.name, tuple(str(f) for f in dial["feature"].values[columns]), dial["mu"].values[columns],
                 dial["alpha"].values[points], dial["scale"].values[points], dial["rows"].values, mean, low, high, method,
                 float(dial.attrs["hdi_prob"]))
    return draw_rows(view)


def draw_rows(result):
    """A ``RowsResult`` (``priorfit.rows``), or the view of a dial's rows. ``pc.data`` holds ``mean``, ``hdi_low`` and ``hdi_high`` over ``alpha``, ``rows`` and ``feature``;
    ``pc.viz["mean"|"band"]["coef"]`` are the lines and bands by alpha and feature, ``pc.viz["theta_0"]``
    the prior locations."""
    import xarray as xr

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
