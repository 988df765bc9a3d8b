"""Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018).

For each simulation: draw the coefficients from the prior (PyMC's prior predictive of the very
model that is fitted; exact draws for a density PyMC cannot draw, the elastic net's), draw y from the likelihood on a fixed seeded design X (n x p, standard
normal, no intercept; a Gaussian's sigma is fixed, so everything drawn is proper), sample the
posterior with NUTS and record the rank of each true coefficient among ``L`` thinned draws. If
the posterior is right, every rank is uniform on 0..L: a chi-square test on 10 bins per
coefficient says how far it is. The coverage of the central 50% and 90% credible intervals is
recorded beside that of the penalized twin's percentile bootstrap on the same data (priors with
an exact twin): the bootstrap of a penalized estimate is not a calibrated interval for these
coefficients, and SBC shows by how much.

One model is compiled per worker; each simulation changes its data through ``pm.Data``. Sims
run in parallel with joblib, or on a dask cluster when a client is active.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from . import likelihoods, priors, twins
from .data import from_arrays, make_design
from .errors import InputError

BINS = 10
LEVELS = (0.5, 0.9)


@dataclass
class Calibration:
    """Ranks (sims x p, each in 0..``thinned``) and interval coverage of one prior x likelihood."""

    prior: str
    likelihood: str
    n: int
    p: int
    thinned: int  # L: posterior draws per rank
    ranks: np.ndarray
    covered: dict  # "posterior" / "bootstrap" -> level -> (sims x p) booleans
    settings: dict = field(default_factory=dict)
    skipped: int = 0  # simulations whose y could not be fitted (a constant target, an overflowing count)

    @property
    def sims(self) -> int:
        return len(self.ranks)

    def pvalues(self) -> np.ndarray:
        """Chi-square uniformity p-value of each coefficient's ranks (10 equal bins of 0..L)."""
        from scipy.stats import chisquare

        edges = np.linspace(0, self.thinned + 1, BINS + 1)
        width = np.histogram(np.arange(self.thinned + 1), bins=edges)[0]  # ranks per bin (equal if L + 1 = 10 k)
        expected = self.sims * width / (self.thinned + 1)
        return np.array([chisquare(np.histogram(r, bins=edges)[0], expected).pvalue for r in self.ranks.T])

    def coverage(self, kind: str = "posterior") -> dict:
        """Share of (sim, coefficient) pairs whose interval at each level holds the truth."""
        return {level: float(np.mean(hit)) for level, hit in self.covered.get(kind, {}).items()}

    def to_dict(self) -> dict:
        return {
            "prior": self.prior, "likelihood": self.likelihood, "n": self.n, "p": self.p, "sims": self.sims,
            "skipped": self.skipped, "thinned_draws": self.thinned, "settings": self.settings,
            "uniformity_pvalues": [float(v) for v in self.pvalues()],
            "coverage": {kind: {str(k): v for k, v in self.coverage(kind).items()} for kind in self.covered},
            "ranks": self.ranks.tolist(),
        }

    def plot(self):
        """Rank histograms, one panel per coefficient, with the 99% band of a uniform histogram."""
        import matplotlib.pyplot as plt
        from scipy.stats import binom

        figure, axes = plt.subplots(1, self.p, figsize=(3.0 * self.p, 2.8), squeeze=False, layout="constrained")
        edges = np.linspace(0, self.thinned + 1, BINS + 1)
        low, high = binom.ppf([0.005, 0.995], self.sims, 1.0 / BINS)
        for j, (ax, pvalue) in enumerate(zip(axes[0], self.pvalues(), strict=True)):
            ax.axhspan(low, high, color="0.85", zorder=0)
            ax.hist(self.ranks[:, j], bins=edges, color="C0", edgecolor="white")
            ax.set_title(f"coef[{j}]  p = {pvalue:.2f}", fontsize=10)
            ax.set_xlabel("rank")
        figure.suptitle(f"SBC: {self.prior} prior, {self.likelihood} likelihood, {self.sims} simulations", fontweight="bold")
        return figure


def calibrate(prior: str = "normal", likelihood: str = "gaussian", *, sims: int = 100, n: int = 50, p: int = 3,
              scale: float | None = None, sigma: float = 1.0, thinned: int = 99, draws: int = 400, tune: int = 400,
              bootstrap: int = 100, seed: int = 0, jobs: int = 1, fit_scale: float | None = None) -> Calibration:
    """SBC of ``prior`` x ``likelihood``: ``sims`` simulations on a seeded ``n x p`` design.

    ``scale`` is the prior scale (default 1.0 for priors with a twin; the horseshoe family and
    R2-D2 use their own defaults); ``fit_scale`` fits with another scale than the one the data
    were drawn with (a deliberately wrong model, to show that the test can fail). Each posterior
    is 2 chains x ``draws``, thinned to ``thinned`` draws. ``jobs`` workers run the sims
    (joblib; a dask cluster when a client is active).
    """
    from . import cluster

    if sims < BINS:
        raise InputError(f"sims {sims} is not allowed; SBC needs at least {BINS} simulations (one per rank bin).")
    if not 2 * draws >= thinned >= BINS:
        raise InputError(f"thinned {thinned} is not allowed; it must lie between {BINS} and 2 x draws ({2 * draws}).")
    likelihood_obj = likelihoods.get(likelihood)
    settings = {"prior": prior, "likelihood": likelihood, "n": n, "p": p, "scale": scale, "sigma": sigma, "draws": draws,
                "tune": tune, "bootstrap": bootstrap, "seed": seed, "fit_scale": fit_scale}
    truth = _prior_draws(prior, likelihood_obj, n, p, scale, sigma, sims, seed)
    chunks = [list(range(k, sims, jobs)) for k in range(jobs)]
    task = _Chunk(prior, likelihood, n, p, scale if fit_scale is None else fit_scale, sigma, thinned, draws, tune,
                  bootstrap, seed, truth)
    client = cluster.active()
    if client is not None:
        results = cluster.map(task, chunks, client)
    elif jobs > 1:
        from joblib import Parallel, delayed

        results = Parallel(n_jobs=jobs)(delayed(task)(chunk) for chunk in chunks)
    else:
        results = [task(chunks[0])]
    rows = sorted((i, r) for result in results for i, r in result)
    done = [r for _, r in rows if r is not None]
    if len(done) < BINS:
        raise InputError(f"Only {len(done)} of {sims} simulations gave data that can be fitted; use more sims or another scale.")
    covered = {kind: {level: np.array([r[kind][level] for r in done]) for level in LEVELS}
               for kind in ("posterior", "bootstrap") if done[0].get(kind) is not None}
    return Calibration(prior, likelihood, n, p, thinned, np.array([r["ranks"] for r in done]), covered, settings,
                       skipped=sims - len(done))


# independent random streams: default_rng([seed, STREAM, ...]) for each use
DESIGN, TRUTH, DATA = 0, 1, 2


def _design(n, p, seed):
    return np.random.default_rng([seed, DESIGN]).standard_normal((n, p))


def _prior(name, likelihood, design, scale, sigma):
    """The prior with fixed hyperparameters: ``scale`` (1.0 by default) for priors with a twin, the
    prior's own default (from ``design``) for the others."""
    from .settings import Settings

    config = Settings(prior=name, likelihood=likelihood.name)
    if twins.twin(name, likelihood.name) is not None or scale is not None:
        return priors.create(name, 1.0 if scale is None else scale, config)
    noise = sigma if likelihood.has_dispersion else 2.0  # a GLM's pseudo-sigma near the middle
    return priors.get(name).default(config, scale=None, sigma=noise, effect_scale=2.0 * noise, design=design)[0]


def _model(name, likelihood, n, p, scale, sigma, y, seed):
    from .model import PosteriorModel

    X = _design(n, p, seed)
    design = make_design(from_arrays(X, y, name="sbc"), standardize=False, intercept=False)
    prior = _prior(name, likelihood, design, scale, sigma)
    dispersion = sigma if likelihood.has_dispersion else None
    return PosteriorModel(design, prior, likelihood, dispersion, plugin_sigma=dispersion), X


def _placeholder(n):
    return np.arange(n, dtype=float) % 2  # a valid y of every family, to build the model once


def _prior_draws(name, likelihood, n, p, scale, sigma, sims, seed) -> np.ndarray:
    from .model import prior_predictive

    model, _ = _model(name, likelihood, n, p, scale, sigma, _placeholder(n), seed)
    exact = model.prior.draw(p, sims, np.random.default_rng([seed, TRUTH]))
    if exact is not None:
        return exact
    return prior_predictive(model.pymc, ["coef"], sims, seed)["prior"]["coef"].values.reshape(sims, p)


@dataclass
class _Chunk:
    """The simulations of one worker: one compiled model, new data per simulation."""

    prior: str
    likelihood: str
    n: int
    p: int
    scale: float | None
    sigma: float
    thinned: int
    draws: int
    tune: int
    bootstrap: int
    seed: int
    truth: np.ndarray

    def __call__(self, indices):
        import warnings

        from . import inference

        warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
        likelihood = likelihoods.get(self.likelihood)
        model, X = _model(self.prior, likelihood, self.n, self.p, self.scale, self.sigma, _placeholder(self.n), self.seed)
        out = []
        for i in indices:
            w = self.truth[i]
            rng = np.random.default_rng([self.seed, DATA, i])
            try:
                y = likelihood.simulate(X @ w, self.sigma, rng)  # a heavy-tailed draw can overflow a count
                design = make_design(from_arrays(X, y, name="sbc"), standardize=False, intercept=False)
            except (InputError, ValueError):  # a constant or non-finite target: nothing to fit
                out.append((i, None))
                continue
            model.set_data(**likelihood.data_values(design, model.form))
            tree = inference.sample(model, draws=self.draws, tune=self.tune, chains=2, seed=self.seed * 100_003 + i,
                                    target_accept=model.prior.target_accept)
            coef = tree["posterior"]["coef"].values.reshape(-1, self.p)
            kept = coef[np.linspace(0, len(coef) - 1, self.thinned).round().astype(int)]
            result = {"ranks": (kept < w).sum(axis=0), "posterior": _covered(coef, w)}
            result["bootstrap"] = self._bootstrap(design, model.prior, likelihood, w, i)
            out.append((i, result))
        return out

    def _bootstrap(self, design, prior, likelihood, w, i):
        from .bootstrap import bootstrap

        twin = twins.twin(prior.name, likelihood.name)
        if twin is None or not self.bootstrap:
            return None
        value = twin.alpha_from_scale(prior.scale, self.sigma if likelihood.has_dispersion else 1.0, design.n)
        boot = bootstrap(design, prior, likelihood.name, value, self.bootstrap, seed=self.seed * 100_003 + i, prob=0.9)
        return _covered(boot.coef, w)


def _covered(samples: np.ndarray, truth: np.ndarray) -> dict:
    """Per level: whether the central interval of ``samples`` (draws x p) holds each truth."""
    out = {}
    for level in LEVELS:
        low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
        out[level] = (low <= truth) & (truth <= high)
    return out
