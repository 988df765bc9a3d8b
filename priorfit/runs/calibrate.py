"""Simulation-based calibration (Talts, Betancourt, Simpson, Vehtari & Gelman 2018).

For each simulation: draw every random quantity from the prior of the very model that is fitted
(PyMC's prior predictive; for a density PyMC cannot draw, the elastic net's Potential, its scale
and sigma first and then exact draws of the coefficients given them), draw y from the likelihood
on a fixed seeded design X (n x p, standard normal, standardized and centred as the settings say),
sample the posterior with NUTS and record the rank of each truth (every coefficient, and the
intercept, sigma, the global scale and the likelihood's own parameters, such as Student-t's nu, where
they are random) among ``L`` thinned draws. If the
posterior is right, every rank is uniform on 0..L: a chi-square test says how far it is, on as many
bins (at most 10) as let each bin expect at least 5 ranks. The coverage of the central 50% and 90%
credible intervals is recorded beside that of the penalized twin's percentile bootstrap on the same
data (priors with an exact twin, at a fixed scale and sigma): the bootstrap of a penalized estimate
is not a calibrated interval for these coefficients, and SBC shows by how much.

The settings are compare's (:class:`priorfit.settings.Settings`), with SBC's own defaults for the
sampling budget (2 chains x 400 draws, 400 tuning steps) and a scale of 1 where compare would
cross-validate one (a data-dependent prior is not a prior SBC can draw from) or would refuse a pair
without a twin for want of one. An improper prior
cannot be drawn from, so it gets a proper stand-in that the result names: Jeffreys' sigma becomes
``sigma ~ HalfNormal(1)``, the flat intercept ``intercept ~ Normal(0, 1)``.

One model is compiled per worker; each simulation changes its data through ``pm.Data``. Sims
run in parallel with joblib, or on a dask cluster when a client is active.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

from priorfit.data.design import from_arrays, make_design
from priorfit.errors import InputError
from priorfit.models import priors
from priorfit.penalized import twins

MAX_BINS = 10
MIN_EXPECTED = 5  # ranks each chi-square bin must expect
LEVELS = (0.5, 0.9)
STAND_IN = 1.0  # the scale of the proper stand-ins for Jeffreys' sigma and the flat intercept
# SBC's own defaults of compare's settings: many posteriors, each a small one
DEFAULTS = {"draws": 400, "tune": 400, "chains": 2}
TWIN_SCALE = 1.0  # the prior scale where compare would cross-validate one


def _edges(bins: int, thinned: int) -> np.ndarray:
    return np.linspace(0, thinned + 1, bins + 1)


def _widths(bins: int, thinned: int) -> np.ndarray:
    return np.histogram(np.arange(thinned + 1), bins=_edges(bins, thinned))[0]  # ranks per bin


def min_sims(thinned: int) -> int:
    """The fewest simulations whose ranks fill 2 bins with at least MIN_EXPECTED expected each."""
    return math.ceil(MIN_EXPECTED * (thinned + 1) / _widths(2, thinned).min())


def chi_square_bins(sims: int, thinned: int) -> int:
    """The most bins (at most 10) in which each expects at least MIN_EXPECTED of ``sims`` ranks."""
    for bins in range(MAX_BINS, 1, -1):
        if sims * _widths(bins, thinned).min() / (thinned + 1) >= MIN_EXPECTED:
            return bins
    raise InputError(
        f"{sims} simulations are too few for the chi-square test of rank uniformity: each bin must expect at least "
        f"{MIN_EXPECTED} ranks, so it needs at least {min_sims(thinned)} simulations."
    )


@dataclass
class Calibration:
    """Ranks (sims x parameters, each in 0..``thinned``) and interval coverage of one prior x likelihood."""

    prior: str
    likelihood: str
    n: int
    p: int
    thinned: int  # L: posterior draws per rank
    ranks: np.ndarray
    covered: dict  # "posterior" / "bootstrap" -> level -> (sims x parameters) booleans (bootstrap: coefficients)
    settings: dict = field(default_factory=dict)
    skipped: int = 0  # simulations whose y could not be fitted (a constant target, an overflowing count)
    parameters: tuple = ()  # what each column of ranks is: coef[j], then intercept, sigma, global_scale, nu if random
    stand_ins: dict = field(default_factory=dict)  # improper prior -> the proper one SBC drew from and fitted

    def __post_init__(self):
        if not self.parameters:
            self.parameters = tuple(f"coef[{j}]" for j in range(self.ranks.shape[1]))

    @property
    def sims(self) -> int:
        return len(self.ranks)

    @property
    def bins(self) -> int:
        """Chi-square bins: at most 10, each expecting at least 5 ranks."""
        return chi_square_bins(self.sims, self.thinned)

    @property
    def edges(self) -> np.ndarray:
        """The :attr:`bins` bin edges over the ranks 0..L (the test's and the histograms')."""
        return _edges(self.bins, self.thinned)

    def pvalues(self) -> np.ndarray:
        """Chi-square uniformity p-value of each parameter's ranks (:attr:`bins` bins of 0..L)."""
        from scipy.stats import chisquare

        edges = _edges(self.bins, self.thinned)
        expected = self.sims * _widths(self.bins, self.thinned) / (self.thinned + 1)
        return np.array([chisquare(np.histogram(r, bins=edges)[0], expected).pvalue for r in self.ranks.T])

    def coverage(self, kind: str = "posterior") -> dict:
        """Share of (sim, parameter) pairs whose interval at each level holds the truth."""
        return {level: float(np.mean(hit)) for level, hit in self.covered.get(kind, {}).items()}

    def to_dict(self) -> dict:
        return {
            "prior": self.prior, "likelihood": self.likelihood, "n": self.n, "p": self.p, "sims": self.sims,
            "skipped": self.skipped, "thinned_draws": self.thinned, "settings": self.settings,
            "stand_ins": self.stand_ins, "parameters": list(self.parameters), "chi_square_bins": self.bins,
            "uniformity_pvalues": [float(v) for v in self.pvalues()],
            "coverage": {kind: {str(k): v for k, v in self.coverage(kind).items()} for kind in self.covered},
            "ranks": self.ranks.tolist(),
        }

    def plot(self):
        """Rank histograms (``priorfit.plots.ranks``): an arviz-plots ``PlotCollection``."""
        from priorfit.plots.ranks import plot_ranks

        return plot_ranks(self)


@dataclass
class Plan:
    """What one calibration fits and draws from: validated settings, the proper stand-ins, the prior."""

    config: object  # Settings
    n: int
    p: int
    thinned: int
    noise: object  # the fixed sigma, the (proper) SigmaPrior of an estimated one, or None
    intercept_sd: float | None
    prior: priors.Prior  # the prior the truths are drawn from
    fitted: priors.Prior  # the prior fitted (another scale with fit_scale)
    description: str
    stand_ins: dict

    @property
    def likelihood(self):
        return self.config.family()

    @property
    def sigma(self) -> float | None:
        return self.noise if isinstance(self.noise, float) else None


def plan(prior: str = "normal", likelihood: str = "gaussian", *, sims: int = 100, n: int = 50, p: int = 3,
         thinned: int = 99, bootstrap: int = 100, fit_scale: float | None = None, **settings) -> Plan:
    """Validate a calibration request (one sentence for bad input; no PyMC) and resolve its prior."""
    from priorfit.models.likelihoods import HalfNormal, Jeffreys
    from priorfit.command_settings import UNUSED_BY, refuse_unused
    from priorfit.settings import from_user
    from priorfit.validation import integer, positive

    defaults = {f: v for f, v in DEFAULTS.items()}
    config = from_user({**defaults, **settings, "prior": prior, "likelihood": likelihood, "bootstrap": bootstrap})
    if len(config.prior) != 1:
        raise InputError(f"calibrate takes one prior; {', '.join(config.prior)} were given.")
    n, p = integer(n, "n", 3, 100_000), integer(p, "p", 1, 100)
    sims, thinned = integer(sims, "sims", 2, 100_000), integer(thinned, "thinned", 2, 10**6)
    if not 2 <= thinned <= config.chains * config.draws:
        raise InputError(f"thinned {thinned} is not allowed; it must lie between 2 and chains x draws ({config.chains * config.draws}).")
    if sims < min_sims(thinned):
        chi_square_bins(sims, thinned)  # raises: the sentence names the minimum
    refuse_unused("calibrate", {name: getattr(config, name) for name in UNUSED_BY["calibrate"]})
    name, family = config.prior[0], config.family()
    if isinstance(config.mu, tuple) and len(config.mu) != p:
        raise InputError(f"The prior location mu has {len(config.mu)} entries but p = {p}; give one number, or one per coefficient.")
    stand_ins = {}
    noise = None
    if family.has_dispersion:
        if config.sigma is not None:
            noise = float(config.sigma)
        elif isinstance(config.sigma_prior, Jeffreys):
            noise = HalfNormal(STAND_IN)
            stand_ins["sigma"] = (f"sigma ~ HalfNormal({STAND_IN:g}) in place of Jeffreys' improper p(sigma) ∝ 1/sigma, "
                                  "which cannot be drawn from")
        else:
            noise = config.sigma_prior
    intercept_sd = None
    if config.intercept:
        intercept_sd = STAND_IN
        stand_ins["intercept"] = (f"intercept ~ Normal(0, {STAND_IN:g}) in place of the flat (improper) intercept prior, "
                                  "which cannot be drawn from")
    if config.penalty(name) is not None and family.has_dispersion and config.sigma is None:
        raise InputError(
            f"{twins.twin(name, config.likelihood, config).hyperparameter} converts to a prior scale through a fixed sigma, "
            "but sigma is estimated; give the prior's scale instead (--scale), or fix sigma."
        )
    design = make_design(from_arrays(_design(n, p, config.seed), _placeholder(n), name="sbc"),
                         standardize=config.standardize, intercept=config.intercept)
    config = config.for_features(design.features)  # groups by name or column number, checked to partition them
    prior_obj, description = _resolve(name, family, config, design, noise)
    fitted = prior_obj
    if fit_scale is not None:
        if prior_obj.scale is None:
            raise InputError(f"fit_scale applies to a fixed scale; the {name} prior's scale here is random.")
        fitted = prior_obj.with_scale(positive(fit_scale, "fit_scale"))
    return Plan(config, n, p, thinned, noise, intercept_sd, prior_obj, fitted, description, stand_ins)


def _resolve(name, family, config, design, noise):
    """The prior with numbers for its hyperparameters, as compare resolves them, without CV."""
    import dataclasses

    from priorfit.models.likelihoods import SigmaPrior
    from priorfit.runs.compare import resolve_hyperparameters

    cls = priors.get(name)
    scale = (config.scale or {}).get(name)
    # the noise sd that the priors' own defaults are measured in: the fixed sigma or its prior's
    # scale; a GLM's pseudo-sigma near the middle
    sd = (noise.scale if isinstance(noise, SigmaPrior) else noise) if family.has_dispersion else 2.0
    if twins.twin(name, family.name, config) is None:
        if scale is None and cls.needs_scale(config, design):  # where compare would refuse the pair without a scale
            return priors.create(name, TWIN_SCALE, config), f"scale {TWIN_SCALE:g} (calibrate's default: the pair has no twin)"
        return cls.default(config, scale=scale, sigma=sd, effect_scale=2.0 * sd, design=design)
    if scale is None and config.penalty(name) is None:
        config = dataclasses.replace(config, scale={name: TWIN_SCALE})
        prior, _ = resolve_hyperparameters(design, name, family, config, config.sigma, None)
        return prior, f"scale {TWIN_SCALE:g} (calibrate's default: a cross-validated scale depends on the data)"
    prior, hyper = resolve_hyperparameters(design, name, family, config, config.sigma, None)
    return prior, hyper.source


def calibrate(prior: str = "normal", likelihood: str = "gaussian", *, sims: int = 100, n: int = 50, p: int = 3,
              thinned: int = 99, bootstrap: int = 100, jobs: int = 1, fit_scale: float | None = None,
              **settings) -> Calibration:
    """SBC of ``prior`` x ``likelihood``: ``sims`` simulations on a seeded ``n x p`` design.

    ``settings`` are compare's (:class:`priorfit.settings.Settings`: scale, sigma, sigma_prior,
    intercept, standardize, scale_by_sigma, l1_ratio, p0, slab_scale, r2_mean, mu, draws, tune,
    chains, seed, ...), with SBC's defaults of 2 chains x 400 draws and 400 tuning steps, and a
    prior scale of 1 where compare would cross-validate it. Improper priors (Jeffreys' sigma, the
    flat intercept) are replaced by the proper stand-ins :attr:`Calibration.stand_ins` names.
    ``fit_scale`` fits with another scale than the one the data were drawn with (a deliberately
    wrong model, to show that the test can fail). Each posterior is thinned to ``thinned`` draws.
    ``bootstrap`` resamples of the twin per simulation (0: none). ``jobs`` workers run the sims
    (joblib; a dask cluster when a client is active).
    """
    from priorfit.runtime import cluster

    spec = plan(prior, likelihood, sims=sims, n=n, p=p, thinned=thinned, bootstrap=bootstrap, fit_scale=fit_scale,
                **settings)
    config = spec.config
    recorded = {**config.as_dict(), "prior": config.prior[0], "sims": sims, "n": spec.n, "p": spec.p, "thinned": thinned,
                "fit_scale": fit_scale, "prior_params": _jsonable(spec.prior.params()), "hyperparameters": spec.description}
    truth = _truths(spec, sims)
    chunks = [list(range(k, sims, jobs)) for k in range(jobs)]
    task = _Chunk(spec, truth)
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
    if len(done) < min_sims(thinned):
        raise InputError(f"Only {len(done)} of {sims} simulations gave data that can be fitted; use more sims or another scale.")
    covered = {kind: {level: np.array([r[kind][level] for r in done]) for level in LEVELS}
               for kind in ("posterior", "bootstrap") if done[0].get(kind) is not None}
    return Calibration(spec.prior.name, config.likelihood, spec.n, spec.p, thinned, np.array([r["ranks"] for r in done]),
                       covered, recorded, skipped=sims - len(done), parameters=tuple(truth), stand_ins=spec.stand_ins)


def _jsonable(params: dict) -> dict:
    return {k: (v.tolist() if isinstance(v, np.ndarray) else v) for k, v in params.items()}


# independent random streams: default_rng([seed, STREAM, ...]) for each use
DESIGN, TRUTH, DATA, INTERCEPT = 0, 1, 2, 3


def _design(n, p, seed):
    return np.random.default_rng([seed, DESIGN]).standard_normal((n, p))


def _model(spec: Plan, prior, y):
    from priorfit.models.posterior import PosteriorModel

    X = _design(spec.n, spec.p, spec.config.seed)
    design = make_design(from_arrays(X, y, name="sbc"), standardize=spec.config.standardize, intercept=spec.config.intercept)
    start = spec.sigma if spec.sigma is not None else (spec.noise.scale if spec.noise is not None else None)
    model = PosteriorModel(design, prior, spec.likelihood, spec.noise, plugin_sigma=start, whiten=spec.config.whiten,
                           intercept_sd=spec.intercept_sd)
    return model, X


def _placeholder(n):
    return np.arange(n, dtype=float) % 2  # a valid y of every family, to build the model once


def _truths(spec: Plan, sims: int) -> dict:
    """The true value of every ranked parameter in each simulation: ``name -> (sims,)`` array."""
    from priorfit.models.posterior import prior_predictive

    model, _ = _model(spec, spec.prior, _placeholder(spec.n))
    seed, p = spec.config.seed, spec.p
    random = {v.name for v in (*model.pymc.free_RVs, *model.pymc.deterministics)}  # not pm.Data of the same name
    scalars = [v for v in ("sigma", "global_scale", *spec.likelihood.estimated()) if v in random]
    exact = type(spec.prior).draw is not priors.Prior.draw  # a Potential: PyMC cannot draw the coefficients
    names = scalars if exact else ["coef", *scalars]
    drawn = {}
    if names:
        prior = prior_predictive(model.pymc, names, sims, seed)["prior"]
        drawn = {v: prior[v].values.reshape(sims, -1) for v in names}
    if exact:
        s = drawn["global_scale"][:, 0] if "global_scale" in drawn else np.full(sims, spec.prior.scale)
        if spec.prior.by_sigma:  # the scale is in units of sigma: drawn first, then the coefficients given it
            s = s * (drawn["sigma"][:, 0] if "sigma" in drawn else spec.sigma)
        drawn["coef"] = spec.prior.draw(p, sims, np.random.default_rng([seed, TRUTH]), scale=s)
    out = {f"coef[{j}]": drawn["coef"][:, j] for j in range(p)}
    if spec.intercept_sd is not None:
        out["intercept"] = np.random.default_rng([seed, INTERCEPT]).normal(0.0, spec.intercept_sd, sims)
    for v in scalars:
        out[v] = drawn[v][:, 0]
    return out


@dataclass
class _Chunk:
    """The simulations of one worker: one compiled model, new data per simulation."""

    spec: Plan
    truth: dict

    def __call__(self, indices):
        from priorfit import inference
        from priorfit.runtime.notices import quiet_pytensor

        quiet_pytensor()
        spec, config = self.spec, self.spec.config
        likelihood, p = spec.likelihood, spec.p
        model, X = _model(spec, spec.fitted, _placeholder(spec.n))
        names = list(self.truth)
        out = []
        for i in indices:
            truth = np.array([self.truth[v][i] for v in names])
            w = truth[:p]
            c = self.truth["intercept"][i] if "intercept" in self.truth else 0.0
            sigma = self.truth["sigma"][i] if "sigma" in self.truth else (spec.sigma or 1.0)
            family = likelihood.at_draws({name: self.truth[name][i] for name in likelihood.estimated()})
            rng = np.random.default_rng([config.seed, DATA, i])
            try:
                y = family.simulate(model.design.X @ w + c, sigma, rng)  # a heavy-tailed draw can overflow a count
                design = make_design(from_arrays(X, y, name="sbc"), standardize=config.standardize, intercept=config.intercept)
            except (InputError, ValueError):  # a constant or non-finite target: nothing to fit
                out.append((i, None))
                continue
            model.set_data(**likelihood.data_values(design, model.form))
            tree = inference.sample(model, sampler=config.sampler, draws=config.draws, tune=config.tune, chains=config.chains,
                                    seed=config.seed * 100_003 + i, target_accept=config.target_accept or model.prior.target_accept)
            posterior = tree["posterior"]
            draws = np.column_stack([posterior["coef"].values.reshape(-1, p),
                                     *[posterior[v].values.reshape(-1, 1) for v in names[p:]]])
            kept = draws[np.linspace(0, len(draws) - 1, spec.thinned).round().astype(int)]
            result = {"ranks": (kept < truth).sum(axis=0), "posterior": _covered(draws, truth)}
            result["bootstrap"] = self._bootstrap(design, model.prior, likelihood, w, i)
            out.append((i, result))
        return out

    def _bootstrap(self, design, prior, likelihood, w, i):
        from priorfit.penalized.bootstrap import bootstrap

        spec = self.spec
        twin = twins.twin(prior, likelihood)
        # a fixed alpha needs a fixed scale and a fixed sigma
        fixed = prior.scale is not None and (spec.sigma is not None or not likelihood.has_dispersion)
        if twin is None or not spec.config.bootstrap or not fixed:
            return None
        sigma = spec.sigma if likelihood.has_dispersion else 1.0
        value = twin.penalty(prior, sigma, design.n)
        boot = bootstrap(design, prior, likelihood, value, spec.config.bootstrap, seed=spec.config.seed * 100_003 + i,
                         prob=0.9)
        return _covered(boot.coef, w)


def _covered(samples: np.ndarray, truth: np.ndarray) -> dict:
    """Per level: whether the central interval of ``samples`` (draws x k) holds each truth."""
    out = {}
    for level in LEVELS:
        low, high = np.quantile(samples, [(1 - level) / 2, (1 + level) / 2], axis=0)
        out[level] = (low <= truth) & (truth <= high)
    return out


# The calibration table (benchmarks/calibration_table.py, the slow tests). BASELINE is the model of
# the prior x likelihood rows: sigma fixed at 1, no intercept, unstandardized, with the options a
# likelihood needs; Poisson counts overflow for heavy-tailed draws, and a skipped simulation biases
# SBC, so smaller scales there (the horseshoe's is its fixed global scale).
BASELINE = {"sigma": 1.0, "intercept": False, "standardize": False}
LIKELIHOOD_OPTIONS = {"quantile": {"quantile": 0.25}, "student_t": {"nu": 4.0}}
ROW_SCALES = {"poisson": {"normal": 0.5, "laplace": 0.5, "group_laplace": 0.5, "elasticnet": 0.5, "bridge": 0.5, "mvnormal": 0.5,
                          "horseshoe": 0.05}}  # likelihood -> prior -> scale


#: the mvnormal prior's precision in the table (p = 3): the first-difference penalty D'D plus I / 2, of
#: full rank (a proper prior, as SBC's draws of the truth need); its correlations are -0.43 and 0.19
PROPER_PRECISION = ((1.5, -1.0, 0.0), (-1.0, 2.5, -1.0), (0.0, -1.0, 1.5))
#: the group Laplace prior's groups in the table (p = 3): a pair and one alone
TABLE_GROUPS = ((0, 1), (2,))
PRIOR_OPTIONS = {"mvnormal": {"precision": PROPER_PRECISION}, "group_laplace": {"groups": TABLE_GROUPS}}  # prior -> its rows' options


def matrix_settings(prior: str, likelihood: str) -> dict:
    """compare's settings of the table's ``prior`` x ``likelihood`` row."""
    from priorfit.models.likelihoods import Likelihood

    settings = {**BASELINE, **LIKELIHOOD_OPTIONS.get(likelihood, {}), **PRIOR_OPTIONS.get(prior, {})}
    if not Likelihood.registry[likelihood].has_dispersion:
        del settings["sigma"]
    if prior in ROW_SCALES.get(likelihood, {}):
        settings["scale"] = ROW_SCALES[likelihood][prior]
    return settings


# The settings rows: each a name, a prior, a likelihood and compare's settings, the baseline model
# changed where the name says.
SETTINGS_ROWS = {
    "sigma-halfnormal": ("normal", "gaussian", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1"}),
    "sigma-jeffreys-stand-in": ("laplace", "gaussian", {**BASELINE, "sigma": "estimate"}),
    "intercept": ("normal", "gaussian", {**BASELINE, "intercept": True}),
    "standardized": ("laplace", "gaussian", {**BASELINE, "standardize": True, "intercept": True}),
    "normal-hyper-halfcauchy": ("normal", "gaussian", {**BASELINE, "scale": "hyper:halfcauchy:1"}),
    "normal-hyper-halfnormal": ("normal", "gaussian", {**BASELINE, "scale": "hyper:halfnormal:1"}),
    "laplace-hyper-halfcauchy": ("laplace", "gaussian", {**BASELINE, "scale": "hyper:halfcauchy:1"}),
    "laplace-hyper-halfnormal": ("laplace", "gaussian", {**BASELINE, "scale": "hyper:halfnormal:1"}),
    "elasticnet-hyper-halfcauchy": ("elasticnet", "gaussian", {**BASELINE, "scale": "hyper:halfcauchy:1"}),
    "elasticnet-hyper-halfnormal": ("elasticnet", "gaussian", {**BASELINE, "scale": "hyper:halfnormal:1"}),
    "normal-by-sigma": ("normal", "gaussian", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1", "scale_by_sigma": True}),
    "laplace-by-sigma": ("laplace", "gaussian", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1", "scale_by_sigma": True}),
    "elasticnet-by-sigma": ("elasticnet", "gaussian", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1",
                                           "scale_by_sigma": True}),
    "elasticnet-l1-0.2": ("elasticnet", "gaussian", {**BASELINE, "l1_ratio": 0.2}),
    "elasticnet-l1-0.8": ("elasticnet", "gaussian", {**BASELINE, "l1_ratio": 0.8}),
    "regularized-horseshoe-p0-slab": ("regularized_horseshoe", "gaussian", {**BASELINE, "p0": 2, "slab_scale": 1.0, "slab_df": 6}),
    "r2d2-settings": ("r2d2", "gaussian", {**BASELINE, "r2_mean": 0.3, "r2_precision": 5.0, "r2d2_concentration": 1.0}),
    "compare-defaults": ("laplace", "gaussian", {}),  # sigma and the intercept by their stand-ins, standardized
    # the kinked and heavy-tailed likelihoods with their dispersion s estimated under a proper prior,
    # an intercept and a standardized design
    "laplace-likelihood-s-halfnormal": ("laplace", "laplace", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1"}),
    "laplace-likelihood-standardized": ("normal", "laplace", {**BASELINE, "standardize": True, "intercept": True}),
    "quantile-0.25-s-halfnormal": ("laplace", "quantile", {**BASELINE, "quantile": 0.25, "sigma": "estimate",
                                                             "sigma_prior": "halfnormal:1"}),
    "quantile-0.9-intercept": ("normal", "quantile", {**BASELINE, "quantile": 0.9, "intercept": True, "sigma": "estimate",
                                                        "sigma_prior": "halfnormal:1"}),
    "student_t-s-halfnormal": ("normal", "student_t", {**BASELINE, "nu": 4.0, "sigma": "estimate", "sigma_prior": "halfnormal:1"}),
    "student_t-nu-1-intercept": ("laplace", "student_t", {**BASELINE, "nu": 1.0, "intercept": True}),
    "student_t-nu-estimated": ("normal", "student_t", {**BASELINE, "nu": "estimate", "sigma": "estimate",
                                                       "sigma_prior": "halfnormal:1"}),
    # p large against n: there sigma is not pinned by the rows, and a missing normalizer of the
    # sigma-scaled elastic net shows (at n = 50, p = 3 it does not)
    "elasticnet-by-sigma-wide": ("elasticnet", "gaussian", {**BASELINE, "sigma": "estimate", "sigma_prior": "halfnormal:1",
                                                "scale_by_sigma": True}),
    # the bridge prior below 1 (skglm's L0_5), with a random scale, and sigma-scaled: its normalizer
    # log(2 b Gamma(1 + 1/q)) is part of the joint density when b is random
    "bridge-q-0.5": ("bridge", "gaussian", {**BASELINE, "bridge_q": 0.5}),
    "bridge-q-1.5-hyper-halfnormal": ("bridge", "gaussian", {**BASELINE, "bridge_q": 1.5, "scale": "hyper:halfnormal:1"}),
    "bridge-q-0.7-by-sigma": ("bridge", "gaussian", {**BASELINE, "bridge_q": 0.7, "scale": 1.0, "sigma": "estimate",
                                                     "sigma_prior": "halfnormal:1", "scale_by_sigma": True}),
    # the weighted lasso: a Laplace scale b / v_j per coefficient
    "laplace-weights": ("laplace", "gaussian", {**BASELINE, "weights": (1.0, 2.0, 0.5)}),
    "laplace-weights-bernoulli": ("laplace", "bernoulli", {"intercept": False, "standardize": False, "weights": (1.0, 2.0, 0.5)}),
    # the multivariate normal prior (Tikhonov with a matrix) with a random scale, and sigma-scaled: its
    # normalizer r log tau is part of the joint density when tau is random
    "mvnormal-hyper-halfnormal": ("mvnormal", "gaussian", {**BASELINE, "precision": PROPER_PRECISION, "scale": "hyper:halfnormal:1"}),
    "mvnormal-by-sigma": ("mvnormal", "gaussian", {**BASELINE, "precision": PROPER_PRECISION, "scale": 1.0, "sigma": "estimate",
                                                   "sigma_prior": "halfnormal:1", "scale_by_sigma": True}),
    # the group Laplace prior (the group lasso) with a random scale, and sigma-scaled: its normalizer
    # sum_g m log(sqrt(m) / b) is part of the joint density when b is random
    "group-laplace-hyper-halfnormal": ("group_laplace", "gaussian", {**BASELINE, "groups": TABLE_GROUPS,
                                                                     "scale": "hyper:halfnormal:1"}),
    "group-laplace-by-sigma": ("group_laplace", "gaussian", {**BASELINE, "groups": TABLE_GROUPS, "scale": 1.0, "sigma": "estimate",
                                                             "sigma_prior": "halfnormal:1", "scale_by_sigma": True}),
}
DESIGNS = {"elasticnet-by-sigma-wide": {"n": 20, "p": 10}}  # the others: n = 50, p = 3
# the rows whose prior density is a Potential with a random scale: they need the elastic net's
# normalizer -p log Z(s, r) (issue 14, item 1)
NEEDS_NORMALIZER = ("elasticnet-hyper-halfcauchy", "elasticnet-hyper-halfnormal", "elasticnet-by-sigma",
                    "elasticnet-by-sigma-wide", "bridge-q-1.5-hyper-halfnormal", "bridge-q-0.7-by-sigma",
                    "mvnormal-hyper-halfnormal", "mvnormal-by-sigma", "group-laplace-hyper-halfnormal", "group-laplace-by-sigma")
