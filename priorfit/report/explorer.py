"""The explorer: a slider over the penalty that moves, for a chosen coefficient, the prior density,
the profile likelihood, the posterior density, the penalized estimate and the MAP, and beside it the
coefficient's path (posterior mean and HDI band, penalized path, MAP) with the current alpha marked;
a second slider over the rows seen (the Normal prior with the Gaussian likelihood in closed form; the
others by NUTS on nested subsamples with ``explorer_rows``).

Everything is precomputed (the fits' ``dial`` groups, :mod:`priorfit.diagnostics.dial`), so the page
stays one self-contained file: Bokeh draws (BokehJS inline, 1.4 MB; plotly.js would be 4.7 MB, over
the explorer's 2 MB budget) and a short script moves the figures' data sources when a control moves.
The controls are plain HTML: ``<select id="explorer-prior">``, ``<select id="explorer-coefficient">``,
``<input type="range" id="penalty-slider">`` and ``<input type="range" id="rows-slider">``. In
Jupyter, ``Comparison.explore()`` shows the same page in a frame.
"""

from __future__ import annotations

import html
import json
import re

import numpy as np

def fits_with_dial(comparison) -> list:
    return [fit for fit in comparison.fits if "dial" in fit.tree.children]


def payload(fit) -> dict:
    """One fit's dial as plain lists (4 significant digits), what the page's script reads."""
    dial = fit.tree["dial"].to_dataset()
    out = {"prior": fit.prior.name, "features": [str(f) for f in dial["feature"].values],
           "fitted": int(dial.attrs["fitted_point"]), "estimator": str(dial.attrs["estimator"]),
           "hyperparameter": str(dial.attrs["hyperparameter"]), "hdi_prob": float(dial.attrs["hdi_prob"]),
           "sigma_fixed": bool(dial.attrs["sigma_fixed"]), "dispersion": float(dial.attrs["dispersion"])}
    for name in ("alpha", "scale", "pareto_k", "weights_ess", "penalized", "map", "x", "prior_density", "posterior_density",
                 "likelihood", "mu", "mean", "sd", "hdi_low", "hdi_high", "rows_mean", "rows_sd", "prior_sd", "identity_alpha",
                 "rows_hdi_low", "rows_hdi_high", "rows_pareto_k", "rows_x", "rows_prior_density", "rows_posterior_density"):
        if name in dial:
            out[name] = _rounded(dial[name].values)
    out["trusted"] = [bool(t) for t in dial["trusted"].values]
    if "rows_trusted" in dial:
        out["rows_trusted"] = dial["rows_trusted"].values.astype(bool).tolist()
    out["rows_method"] = str(dial.attrs.get("rows_method", "none"))
    coef = fit.tree["posterior"]["coef"].sel(feature=dial["feature"].values)
    evidence = np.abs(coef.mean(("chain", "draw")).values) / coef.std(("chain", "draw")).values
    out["shown"] = int(np.argmax(evidence))  # the coefficient shown first: the most evident
    if "rows" in dial.coords:
        out["rows"] = [int(m) for m in dial["rows"].values]
    return out


def _rounded(values: np.ndarray):
    values = np.asarray(values, dtype=float)
    flat = [None if not np.isfinite(v) else float(f"{v:.4g}") for v in values.ravel()]
    return np.array(flat, dtype=object).reshape(values.shape).tolist()


def _figures():
    """The two Bokeh figures, their sources named ``dial-density`` and ``dial-path`` (what the script
    moves), empty until the script fills them."""
    from bokeh.layouts import row
    from bokeh.models import ColumnDataSource, Span
    from bokeh.plotting import figure

    density = ColumnDataSource({"x": [], "prior": [], "posterior": [], "likelihood": []}, name="dial-density")
    path = ColumnDataSource({"alpha": [], "mean": [], "low": [], "high": [], "penalized": [], "map": []}, name="dial-path")
    left = figure(width=520, height=340, title="prior, likelihood and posterior at this alpha", x_axis_label="coefficient",
                  y_axis_label="density", tools="pan,wheel_zoom,reset,save", name="dial-density-figure")
    left.line("x", "prior", source=density, color="#ff7f0e", line_width=2, legend_label="prior")
    left.line("x", "likelihood", source=density, color="#7f7f7f", line_width=2, line_dash="dashed", legend_label="profile likelihood")
    left.line("x", "posterior", source=density, color="#1f77b4", line_width=2.5, legend_label="posterior")
    for name, color, dash, label in (("penalized-mark", "black", "dashed", "penalized twin"), ("map-mark", "#d62728", "solid", "MAP"),
                                     ("mu-mark", "#2ca02c", "dotted", "theta_0")):
        span = Span(location=0, dimension="height", line_color=color, line_dash=dash, line_width=1.5, name=name)
        left.add_layout(span)
        left.line([0.0], [float("nan")], color=color, line_dash=dash, line_width=1.5, legend_label=label)  # its legend entry
    left.legend.location, left.legend.label_text_font_size = "top_left", "9pt"
    right = figure(width=520, height=340, title="the coefficient along the penalty", x_axis_type="log", x_axis_label="alpha",
                   y_axis_label="coefficient", tools="pan,wheel_zoom,reset,save", name="dial-path-figure")
    right.varea("alpha", "low", "high", source=path, color="#1f77b4", alpha=0.2, legend_label="posterior HDI")
    right.line("alpha", "mean", source=path, color="#1f77b4", line_width=2, legend_label="posterior mean")
    right.line("alpha", "penalized", source=path, color="black", line_dash="dashed", line_width=1.5, legend_label="penalized path")
    right.scatter("alpha", "map", source=path, color="#d62728", marker="diamond", fill_color=None, size=8, legend_label="MAP")
    right.add_layout(Span(location=1, dimension="height", line_color="#9467bd", line_width=2, name="alpha-mark"))
    right.legend.location, right.legend.label_text_font_size = "top_right", "9pt"
    return row(left, right)


_SCRIPT = r"""
(function () {
  const all = JSON.parse(document.getElementById("explorer-data").textContent);
  const $ = (id) => document.getElementById(id);
  const prior = $("explorer-prior"), coefficient = $("explorer-coefficient"), penalty = $("penalty-slider"), rows = $("rows-slider");
  const fmt = (v) => (v === null || Number.isNaN(v) ? "none" : String(Number(Number(v).toPrecision(4))));
  const normal = (x, m, s) => Math.exp(-0.5 * ((x - m) / s) ** 2) / (Math.sqrt(2 * Math.PI) * s);
  function fill() {
    const d = all[prior.value];
    coefficient.replaceChildren(...d.features.map((f, j) => new Option(f, j)));  // names as text, never as HTML
    coefficient.value = d.shown;
    penalty.max = d.alpha.length - 1; penalty.value = d.fitted;
    rows.disabled = !d.rows; rows.max = d.rows ? d.rows.length - 1 : 0; rows.value = rows.max;
    update();
  }
  function update() {
    const doc = Bokeh.documents[0], d = all[prior.value], j = +coefficient.value, i = +penalty.value;
    const r = d.rows ? +rows.value : -1, full = !d.rows || r === d.rows.length - 1;
    const get = (name) => doc.get_model_by_name(name);
    let x = d.x[j], post = d.posterior_density[i][j], pri = d.prior_density[i][j], lik = d.likelihood[j];
    const kept = (rows) => rows.map((m, q) => (d.trusted[q] ? m[j] : NaN));  // untrusted weights: a gap in the path
    let mean = kept(d.mean), low = kept(d.hdi_low), high = kept(d.hdi_high);
    const nuts = !full && !!d.rows_posterior_density;
    if (nuts) {  // NUTS on the first rows.value rows at the fitted alpha, reweighted along the dial
      const ok = (q) => d.rows_trusted[q][r];
      x = d.rows_x[j]; post = d.rows_posterior_density[i][r][j]; pri = d.rows_prior_density[i][j]; lik = x.map(() => NaN);
      mean = d.rows_mean.map((a, q) => (ok(q) ? a[r][j] : NaN));
      low = d.rows_hdi_low.map((a, q) => (ok(q) ? a[r][j] : NaN)); high = d.rows_hdi_high.map((a, q) => (ok(q) ? a[r][j] : NaN));
    } else if (!full) {  // the closed form on the first rows.value rows: Gaussian, computed here
      const m = d.rows_mean[i][r][j], s = d.rows_sd[i][r][j], z = d.z;
      const lo = Math.min(x[0], m - 4 * s), hi = Math.max(x[x.length - 1], m + 4 * s);
      x = x.map((_, k) => lo + (hi - lo) * k / (x.length - 1));
      post = x.map((v) => normal(v, m, s)); pri = x.map((v) => normal(v, d.mu[j], d.prior_sd[i])); lik = x.map(() => NaN);
      mean = d.rows_mean.map((a) => a[r][j]);
      low = d.rows_mean.map((a, q) => a[r][j] - z * d.rows_sd[q][r][j]); high = d.rows_mean.map((a, q) => a[r][j] + z * d.rows_sd[q][r][j]);
    }
    const nan = (a) => a.map((v) => (v === null ? NaN : v));
    get("dial-density").data = {x: x, prior: nan(pri), posterior: nan(post), likelihood: nan(lik)};
    get("dial-path").data = {alpha: d.alpha, mean: mean, low: low, high: high,
                             penalized: full ? nan(d.penalized.map((p) => p[j])) : d.alpha.map(() => NaN),
                             map: full ? nan(d.map.map((p) => p[j])) : d.alpha.map(() => NaN)};
    const pen = get("penalized-mark"), map = get("map-mark");
    pen.visible = full && d.penalized[i][j] !== null; if (pen.visible) pen.location = d.penalized[i][j];
    map.visible = full && d.map[i][j] !== null; if (map.visible) map.location = d.map[i][j];
    get("mu-mark").location = d.mu[j];
    get("alpha-mark").location = d.alpha[i];
    const k = full ? d.pareto_k[i] : nuts ? d.rows_pareto_k[i][r] : null, trusted = full ? d.trusted[i] : nuts ? d.rows_trusted[i][r] : true;
    $("penalty-value").textContent = `${d.hyperparameter} = ${fmt(d.alpha[i])} (prior scale ${fmt(d.scale[i])})` +
      (!full && !nuts ? ": closed form on the rows below" : i === d.fitted ? (full ? ": the fit itself" : ": NUTS on the rows below") :
       `: reweighted${full ? "" : " from NUTS on the rows below"}, Pareto k ${fmt(k)}` + (full ? `, ESS ${Math.round(d.weights_ess[i])}` : "") +
       (trusted ? "" : " (not trusted: refit with priorfit " + (full ? "path)" : "rows)")));
    get("dial-path-figure").below[0].axis_label = d.hyperparameter;  // alpha, or C
    $("rows-value").textContent = !d.rows ? "all rows (no closed form for this prior; --explorer-rows fits NUTS on subsamples)" :
      full ? `all ${d.rows[d.rows.length - 1]} rows: the fit` :
      nuts ? `first ${d.rows[r]} rows: NUTS at the fitted ${d.hyperparameter}, reweighted to the others` :
      `first ${d.rows[r]} rows: closed form at sigma = ${fmt(d.dispersion)}` + (d.sigma_fixed ? "" : " (the twin's; exact only with a fixed sigma)");
    document.getElementById("explorer").dataset.state = `${prior.value}|${j}|${i}|${r}`;
  }
  function start() {
    if (!(window.Bokeh && Bokeh.documents && Bokeh.documents.length)) { setTimeout(start, 50); return; }
    prior.addEventListener("change", fill); coefficient.addEventListener("change", update);
    penalty.addEventListener("input", update); rows.addEventListener("input", update);
    fill();
  }
  start();
})();
"""


def section(comparison) -> str:
    """The explorer's HTML (BokehJS, the figures, the controls, the data and the script), or "" where no fit has a dial."""
    from bokeh.embed import components
    from bokeh.embed.bundle import bundle_for_objs_and_resources
    from bokeh.resources import INLINE
    from scipy.stats import norm

    fits = fits_with_dial(comparison)
    if not fits:
        return ""
    data = {}
    for fit in fits:
        data[fit.prior.name] = payload(fit)
        data[fit.prior.name]["z"] = float(norm.ppf(0.5 + data[fit.prior.name]["hdi_prob"] / 2))
    layout = _figures()
    script, div = _stable_ids(*components(layout))
    bundle = bundle_for_objs_and_resources([layout], INLINE)
    library = "".join(f"<script>{js}</script>" for js in bundle.js_raw)
    options = "".join(f"<option value='{html.escape(name)}'>{html.escape(name)}</option>" for name in data)
    others = [fit.prior.name for fit in comparison.fits if fit not in fits]
    note = (f" {', '.join(others)}: no dial (a random scale has no one alpha to turn, or there is no exact twin)." if others else "")
    controls = (
        "<p class='facts'>Each alpha's posterior is this fit's draws reweighted to that prior (Pareto-smoothed; no refit). "
        "The rows slider fits nested subsamples of the rows: in closed form for the Normal prior with the Gaussian likelihood, by "
        f"NUTS at the fitted alpha, reweighted along the dial, for the others with --explorer-rows.{html.escape(note)}</p>"
        f"<label>prior <select id='explorer-prior'>{options}</select></label> "
        "<label>coefficient <select id='explorer-coefficient'></select></label><br>"
        "<label>penalty <input type='range' id='penalty-slider' min='0' max='1' step='1' style='width:320px'></label> "
        "<span id='penalty-value'></span><br>"
        "<label>rows <input type='range' id='rows-slider' min='0' max='0' step='1' style='width:320px'></label> <span id='rows-value'></span>"
    )
    blob = json.dumps(data, separators=(",", ":")).replace("</", "<\\/")
    return (f"<section id='explorer'><h2>The penalty dial</h2>{library}{controls}{div}{script}"
            f"<script type='application/json' id='explorer-data'>{blob}</script><script>{_SCRIPT}</script></section>")


#: the ids Bokeh gives the document and its models: a counter (``p1006``) and random UUIDs
_IDS = re.compile(r"\bp\d{4,}\b|\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b")


def _stable_ids(*texts: str) -> list[str]:
    """``texts`` with Bokeh's ids renamed ``dial1``, ``dial2``, ... in order of appearance, so that a
    report rebuilt from its folder is the same file."""
    mapping: dict[str, str] = {}
    return [_IDS.sub(lambda m: mapping.setdefault(m.group(0), f"dial{len(mapping) + 1}"), text) for text in texts]


def page(comparison) -> str:
    """The explorer alone, as one self-contained page."""
    body = section(comparison) or "<p>No fit of this comparison has a penalty dial.</p>"
    return (f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>priorfit explorer</title></head>"
            f"<body style='font-family: system-ui, sans-serif'>{body}</body></html>")


class Explorer:
    """What ``Comparison.explore()`` returns: Jupyter shows the explorer in a frame (``_repr_html_``);
    :meth:`save` writes it as one page."""

    def __init__(self, comparison):
        self.html = page(comparison)

    def _repr_html_(self) -> str:
        return (f"<iframe srcdoc=\"{html.escape(self.html, quote=True)}\" style='width:100%;height:620px;border:0'"
                " sandbox='allow-scripts'></iframe>")

    def save(self, path) -> None:
        from pathlib import Path

        Path(path).write_text(self.html)
