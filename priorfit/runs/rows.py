"""How stubborn the belief is as data grow: the posterior of chosen coefficients against the number
of rows seen, for a few penalties, one prior held fixed along each line.

The rows come in one seeded order, and each subsample is a first part of it, so a larger subsample
holds every smaller one (nested). Each alpha, given in the twin's units at the full data's rows and
noise sd, becomes one prior scale, which stays as the rows grow: the belief is fixed, the data grow.
A large alpha's posterior stays near the prior's location theta_0 (``mu``) until many rows have
been seen. The subsamples keep the full data's standardization (``Design.take``), so every
coefficient is in one unit.

For the Normal prior with the Gaussian likelihood and a fixed sigma the posterior is Gaussian in
closed form (:func:`priorfit.diagnostics.closed_form.normal_posterior`); otherwise NUTS fits every
subsample at every alpha, one compiled model per subsample (the scale changes by
``set_prior_scale``).
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from priorfit import inference
from priorfit.errors import InputError
from priorfit.inference import budget
from priorfit.diagnostics.sensitivity import posterior_summary
from priorfit.runs.path import prepared
from priorfit.runs.subsamples import subsample_model
from priorfit.runtime.folders import write_folder
from priorfit.runtime.progress import Progress

DEFAULT_FACTORS = (0.1, 1.0, 10.0, 100.0)  # the default alphas: these times cross-validation's choice
DEFAULT_COUNTS = 8  # row counts of the default grid, geometric up to every row
DEFAULT_FEATURES = 3  # the coefficients shown by default: the largest |penalized - mu| at CV's alpha


@dataclass
class RowsResult:
    """The posterior of the chosen coefficients at each alpha (one fixed prior scale) and row count."""

    prior: str
    estimator: str
    features: tuple[str, ...]  # the chosen coefficients
    mu: np.ndarray  # (k,) their prior location theta_0
    alphas: np.ndarray  # (A,) in the twin's units, at the full data
    scales: np.ndarray  # (A,) the prior scale each alpha is, held as the rows grow
    counts: np.ndarray  # (R,) rows seen
    mean: np.ndarray  # (A, R, k)
    sd: np.ndarray
    hdi_low: np.ndarray
    hdi_high: np.ndarray
    method: str  # "closed form" or "NUTS"
    hdi_prob: float
    sigma: str  # how sigma was treated: fixed at a value, or estimated
    timings: dict = field(default_factory=dict)

    def to_dict(self) -> dict:
        lines = []
        for a, alpha in enumerate(self.alphas):
            lines.append({"alpha": float(alpha), "prior_scale": float(self.scales[a]), "points": [
                {"rows": int(m), "coefficients": [
                    {"name": f, "mean": float(self.mean[a, r, j]), "sd": float(self.sd[a, r, j]),
                     "hdi_low": float(self.hdi_low[a, r, j]), "hdi_high": float(self.hdi_high[a, r, j])}
                    for j, f in enumerate(self.features)]}
                for r, m in enumerate(self.counts)]})
        return {"prior": self.prior, "estimator": self.estimator, "posterior": self.method, "sigma": self.sigma,
                "hdi_prob": self.hdi_prob, "mu": dict(zip(self.features, map(float, self.mu))), "alphas": lines,
                "timings": self.timings}

    def to_json(self) -> str:
        from priorfit.results.schema import plain

        return json.dumps(plain(self.to_dict()), indent=2)

    def sentence(self) -> str:
        """How far each alpha's posterior mean is from theta_0 at the fewest and at all the rows, in posterior sds."""
        parts = []
        for a, alpha in enumerate(self.alphas):
            first, last = (np.max(np.abs(self.mean[a, r] - self.mu) / self.sd[a, r]) for r in (0, -1))
            parts.append(f"alpha {alpha:.4g}: {first:.2g} sd from theta_0 at {self.counts[0]} rows, {last:.2g} at {self.counts[-1]}")
        return f"{self.prior} prior, {self.method}, largest |mean - theta_0| / sd: " + "; ".join(parts)

    def plot(self):
        """The rows plot (``priorfit.plots.rows``): an arviz-plots ``PlotCollection``."""
        from priorfit.plots.rows import draw_rows

        return draw_rows(self)


def rows(X="diabetes", y=None, *, target=None, alphas=None, counts=None, features=None, progress: bool = True,
         **settings) -> RowsResult:
    """Run it. ``alphas``: the alphas (twin's units, at the full data; default
    :data:`DEFAULT_FACTORS` times cross-validation's choice); ``counts``: the row counts (default
    :data:`DEFAULT_COUNTS` of them, geometric from 10 or p + 2 to every row); ``features``: the
    coefficients shown (default the :data:`DEFAULT_FEATURES` largest penalized ones at CV's alpha);
    ``settings`` as for :func:`priorfit.compare`, one prior with a twin (default normal)."""
    from priorfit.diagnostics import closed_form
    from priorfit.models.priors import create
    from priorfit.penalized import fits as penalized
    from priorfit.runs.compare import _check_proper
    from priorfit.validation import integer, positive

    config, name, twin, design, likelihood = prepared("rows", X, y, target, settings, default_prior="normal")
    report = Progress(progress)
    estimated = likelihood.has_dispersion and config.sigma is None
    plugin = likelihood.plugin_dispersion(design) if estimated else None
    dispersion = config.sigma if config.sigma is not None else (plugin.value if plugin else 1.0)
    unit_prior = create(name, 1.0, config)
    mu = unit_prior.mu_vector(design.p)
    timings: dict = {}
    start = time.perf_counter()
    chosen = None
    if alphas is None or features is None:
        with report.step(f"{twin.estimator}: cross-validation's alpha"):
            chosen, _ = penalized.cv_alpha(design, twin, unit_prior)
    alphas = chosen * np.array(DEFAULT_FACTORS) if alphas is None else np.array([positive(a, "alpha") for a in alphas], dtype=float)
    scales = np.array([twin.scale_of(a, dispersion, design.n, unit_prior.by_sigma) for a in alphas])
    if counts is None:
        counts = closed_form.nested_counts(design, DEFAULT_COUNTS)
    else:
        counts = np.array(sorted({integer(c, "rows", 1, design.n) for c in counts}))
    columns = _columns(design, features, None if features is not None else penalized.penalized_path(design, twin, unit_prior, [chosen])[0] - mu)
    subsamples = closed_form.nested_subsamples(design, counts, config.seed)
    for sub in subsamples:
        _check_proper(config, sub, likelihood)
    exact = closed_form.applies(unit_prior, likelihood.name, config.sigma)
    if not exact:
        budget.check(config, design, likelihood, runs=len(counts) * len(alphas))
    shape = (len(alphas), len(counts), design.p)
    out = {key: np.zeros(shape) for key in ("mean", "sd", "hdi_low", "hdi_high")}
    timings["setup"] = time.perf_counter() - start
    start = time.perf_counter()
    if exact:
        from scipy.stats import norm

        z = norm.ppf(0.5 + config.hdi_prob / 2)  # a Gaussian's HDI is its central interval
        m, s = closed_form.nested_normal_posteriors(subsamples, unit_prior, scales, config.sigma)
        out["mean"], out["sd"], out["hdi_low"], out["hdi_high"] = m, s, m - z * s, m + z * s
    else:
        for r, sub in enumerate(subsamples):
            with report.step(f"{counts[r]} rows: building the model"):
                model = subsample_model(sub, create(name, float(scales[0]), config), likelihood, config, dispersion, len(scales))
            for a, scale in enumerate(scales):
                with report.step(f"{counts[r]} rows, alpha {alphas[a]:.4g}: NUTS", spinner=False):
                    model.set_prior_scale(float(scale))
                    tree = inference.sample(model, sampler=config.sampler, draws=config.draws, tune=config.tune,
                                            chains=config.chains, seed=config.seed,
                                            target_accept=config.target_accept or model.prior.target_accept)
                draws = tree["posterior"].to_dataset()
                out["mean"][a, r], out["sd"][a, r], out["hdi_low"][a, r], out["hdi_high"][a, r] = posterior_summary(
                    draws[["coef"]], config.hdi_prob)
    timings["posteriors"] = time.perf_counter() - start
    sigma = f"fixed at {config.sigma:g}" if config.sigma is not None else ("estimated" if estimated else "none")
    pick = {key: values[..., columns] for key, values in out.items()}
    return RowsResult(name, twin.estimator, tuple(design.features[j] for j in columns), mu[columns], alphas, scales, counts,
                      pick["mean"], pick["sd"], pick["hdi_low"], pick["hdi_high"], "closed form" if exact else "NUTS",
                      config.hdi_prob, sigma, timings)


def _columns(design, features, shrunk) -> list[int]:
    """The columns of the coefficients shown: those named, or the :data:`DEFAULT_FEATURES` largest
    ``|shrunk|`` (the penalized estimate less mu), in the design's order."""
    names = list(design.features)
    if features is None:
        return sorted(np.argsort(-np.abs(shrunk), kind="stable")[:DEFAULT_FEATURES].tolist())
    wanted = [f.strip() for f in features.split(",")] if isinstance(features, str) else list(features)
    unknown = [f for f in wanted if f not in names]
    if unknown or not wanted:
        raise InputError(f"Feature {', '.join(map(repr, unknown)) or repr('')} is not in the data; the features are: {', '.join(names)}.")
    return sorted(names.index(f) for f in dict.fromkeys(wanted))


def write_rows(result: RowsResult, out, *, force: bool = False, plot: bool = True) -> Path:
    """Write rows.json and rows.png into ``out``."""

    def fill(tmp: Path) -> None:
        (tmp / "rows.json").write_text(result.to_json() + "\n")
        if plot:
            from priorfit.plots import write_png

            write_png(result.plot(), tmp / "rows.png", bbox_inches="tight")

    return write_folder(out, fill, force=force)
