"""The regularization path: over a grid of penalties, scikit-learn's own path beside the polished
MAP and the posterior (mean and HDI band) at every point, on one compiled model.

The prior scale enters the model as ``pm.Data``, so each grid point changes it with
``PosteriorModel.set_prior_scale`` (nutpie's ``with_data``) instead of recompiling. With sigma
estimated, the identity holds at the alpha of the MAP sigma; that alpha is the point's x value,
and scikit-learn's path is computed at exactly those alphas.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from priorfit import inference
from priorfit.inference import budget
from priorfit.errors import InputError
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins
from priorfit.runtime.folders import write_folder
from priorfit.runtime.progress import Progress
from priorfit.diagnostics.sensitivity import MAX_PARETO_K, MIN_ESS_SHARE, posterior_summary, weights_trusted


@dataclass
class PathResult:
    """One row per grid point: nominal and identity alphas, MAP, twin, posterior mean and band."""

    prior: str
    features: tuple[str, ...]
    hdi_prob: float
    nominal_alpha: np.ndarray  # (points,)
    alpha: np.ndarray  # the twin's alpha at the mode's dispersion (x axis)
    map: np.ndarray  # (points, p)
    penalized: np.ndarray  # scikit-learn's path at ``alpha``
    mean: np.ndarray
    hdi_low: np.ndarray
    hdi_high: np.ndarray
    max_rel_diff: np.ndarray  # per point: max |MAP - penalized| / max |penalized - mu|
    estimator: str = ""
    timings: dict = field(default_factory=dict)
    sd: np.ndarray | None = None  # posterior sd (points, p)
    method: list[str] = field(default_factory=list)  # per point: "fit", "refit" or "reweighted" (--reweight)
    pareto_k: np.ndarray | None = None  # per point: the Pareto k of its weights (NaN where none were tried)
    ess: np.ndarray | None = None  # per point: the effective sample size of those weights, 1 / sum w^2
    anchor: np.ndarray | None = None  # per point: the fitted point whose draws were reweighted (-1: none)

    def to_dict(self) -> dict:
        points = []
        for i in range(len(self.alpha)):
            points.append({
                "posterior": self.method[i],
                "pareto_k": None if np.isnan(self.pareto_k[i]) else float(self.pareto_k[i]),
                "weights_ess": None if np.isnan(self.ess[i]) else float(self.ess[i]),
                "reweighted_from_alpha": float(self.alpha[self.anchor[i]]) if self.anchor[i] >= 0 else None,
                "nominal_alpha": float(self.nominal_alpha[i]),
                "alpha": float(self.alpha[i]),
                "max_rel_diff": float(self.max_rel_diff[i]),
                "same_zero_pattern": bool(np.array_equal(self.map[i] == 0, self.penalized[i] == 0)),
                "coefficients": [
                    {"name": f, "map": float(self.map[i, j]), "penalized": float(self.penalized[i, j]), "mean": float(self.mean[i, j]),
                     "sd": float(self.sd[i, j]), "hdi_low": float(self.hdi_low[i, j]), "hdi_high": float(self.hdi_high[i, j])}
                    for j, f in enumerate(self.features)
                ],
            })
        return {"prior": self.prior, "estimator": self.estimator, "hdi_prob": self.hdi_prob, "points": points, "timings": self.timings}

    def reweighting_sentence(self) -> str:
        """Which points were fitted, reweighted or refitted, and why."""
        fitted = [f"{self.alpha[i]:.4g}" for i, m in enumerate(self.method) if m == "fit"]
        refit = [f"{self.alpha[i]:.4g} (k {self.pareto_k[i]:.2f}, ESS {self.ess[i]:.0f})" for i, m in enumerate(self.method) if m == "refit"]
        return (f"posterior: NUTS at alpha {', '.join(fitted)}; {self.method.count('reweighted')} points reweighted from the fits' draws "
                f"(Pareto k at most {MAX_PARETO_K}, weights' ESS at least {MIN_ESS_SHARE:.0%} of the draws)"
                + (f"; refitted where they were not: {', '.join(refit)}" if refit else "; none refitted"))

    def to_json(self) -> str:
        from priorfit.results.schema import plain

        return json.dumps(plain(self.to_dict()), indent=2)

    def plot(self):
        """The path plot (``priorfit.plots.path``): an arviz-plots ``PlotCollection``."""
        from priorfit.plots.path import plot_path

        return plot_path(self)


def grid(design, twin, prior, count: int) -> np.ndarray:
    """``count`` alphas: scikit-learn's lasso_path grid for the Lasso, a log grid around RidgeCV's
    choice for Ridge (largest first, as scikit-learn orders paths)."""
    mu = prior.mu_vector(design.p)
    X, y = design.X - design.x_mean, design.offset_target(mu)
    y = y - y.mean() if design.intercept else y
    if twin.estimator == "Lasso":
        from sklearn.linear_model import lasso_path

        alphas, _, _ = lasso_path(X, y, alphas=count, eps=twins.PATH_EPS)
        return alphas
    chosen, _ = penalized.cv_alpha(design, twin, prior)
    return chosen * np.logspace(twins.PATH_DECADES, -twins.PATH_DECADES, count)


def prepared(command: str, X, y, target, settings: dict, default_prior: str = "laplace"):
    """``(config, prior name, twin, design, likelihood)`` of a run over penalties of one prior with a
    penalized twin (``priorfit path``, ``priorfit rows``), its settings checked and its posterior proper."""
    from priorfit.command_settings import refuse_unused
    from priorfit.data import intake
    from priorfit.data.design import make_design
    from priorfit.runs.compare import _check_proper
    from priorfit.settings import from_user

    refuse_unused(command, settings)  # first: its sentence says why the command, not which prior, takes no such setting
    config = from_user({"prior": default_prior, **settings})
    if len(config.prior) != 1:
        raise InputError(f"priorfit {command} takes one prior; {', '.join(config.prior)} were given.")
    name = config.prior[0]
    twin = twins.twin(name, config.family(), config)
    if (name, config.likelihood) in twins.VARIANTS and (name, config.likelihood) not in twins.TWINS:
        # its twin depends on its options (the bridge's q, the mvnormal's precision): not on a path yet
        raise InputError(f"priorfit {command} does not run the {name} prior yet; use normal, laplace or elasticnet.")
    if twin is None:
        raise InputError(f"The {name} prior has no penalized twin, so it has no {'path' if command == 'path' else 'penalties to set'}; "
                         "use normal or laplace.")
    dataset, with_intercept = intake.dataset(X, y, target=target, formula=config.formula, missing=config.missing)
    config = replace(config, intercept=config.intercept and with_intercept)  # a formula's - 1 fits none
    likelihood = config.family()
    encoded, _ = likelihood.encode_y(dataset.y, dataset.name)
    dataset = replace(dataset, y=encoded)
    design = make_design(dataset, standardize=config.standardize, intercept=config.intercept)
    _check_proper(config, design, likelihood)
    return config, name, twin, design, likelihood


def path(X="diabetes", y=None, *, target=None, alphas=10, reweight: bool = False, progress: bool = True, **settings) -> PathResult:
    """Run the path. ``alphas`` is a count (a grid as :func:`grid` makes it) or the alphas
    themselves, in the twin's units; ``settings`` as for :func:`priorfit.compare`, one prior.
    ``reweight``: NUTS once, at the grid's middle point, and the other points' posteriors by
    importance reweighting of its draws (refitted where the Pareto k says the weights cannot be
    trusted); otherwise NUTS at every point."""
    import time

    from priorfit.models.posterior import PosteriorModel
    from priorfit.models.priors import create

    config, name, twin, design, likelihood = prepared("path", X, y, target, settings)
    report = Progress(progress)
    points = int(alphas) if isinstance(alphas, (int, np.integer)) and not isinstance(alphas, bool) else len(alphas)
    budget.check(config, design, likelihood, runs=points)  # before the grid's fits
    mu = np.broadcast_to(np.asarray(config.mu, dtype=float), (design.p,)).copy()
    if isinstance(alphas, (int, np.integer)) and not isinstance(alphas, bool):
        if not 2 <= alphas <= 200:
            raise InputError(f"alphas {alphas} is not allowed; give a count from 2 to 200, or the alphas themselves.")
        with report.step(f"{twin.estimator} grid of {alphas} alphas"):
            nominal = grid(design, twin, create(name, 1.0, config), int(alphas))
    else:
        from priorfit.validation import positive

        nominal = np.array([positive(a, "alpha") for a in alphas], dtype=float)
        repeated = sorted({float(a) for a in nominal if np.count_nonzero(nominal == a) > 1})
        if repeated:
            raise InputError(f"The alphas of a path must differ; {', '.join(f'{a:g}' for a in repeated)} is given more than once.")
    estimated = likelihood.has_dispersion and config.sigma is None
    plugin = likelihood.plugin_dispersion(design) if estimated else None
    dispersion = config.sigma if config.sigma is not None else (plugin.value if plugin else 1.0)
    by_sigma = create(name, 1.0, config).by_sigma  # the scale is in units of sigma (twins.unit)
    scales = np.array([twin.scale_of(a, dispersion, design.n, by_sigma) for a in nominal])
    timings: dict = {}
    start = time.perf_counter()
    with report.step("building the model"):
        model = PosteriorModel(design, create(name, float(scales[0]), config), likelihood, config.sigma_prior if estimated else config.sigma,
                               plugin_sigma=dispersion, whiten=config.whiten, samplings=len(scales))
    p = design.p
    out = {k: np.zeros((len(nominal), p)) for k in ("map", "penalized", "mean", "sd", "hdi_low", "hdi_high")}
    identity_alpha, rel = np.zeros(len(nominal)), np.zeros(len(nominal))
    mode = None  # the previous point's
    for i, scale in enumerate(scales):
        with report.step(f"point {i + 1}/{len(scales)}: alpha {nominal[i]:.4g}: the mode"):
            model.set_prior_scale(float(scale))
            # find_MAP compiles its function on every call: it starts the path, the polish
            # (the same certificate) carries the mode from point to point
            mode = inference.polish_from(model, mode.point) if mode is not None else None
            if mode is None or mode.status != "ok":
                mode = inference.find_map(model, seed=config.seed)
            if mode.status != "ok":
                raise InputError(f"The mode at alpha {nominal[i]:.4g} did not converge ({mode.message}); narrow the grid.")
            sigma = float(mode.point["sigma"]) if estimated else dispersion
            identity_alpha[i] = twin.value_of(float(scale), sigma, design.n, by_sigma)
            out["map"][i] = mode.point["coef"]
    timings["modes"] = time.perf_counter() - start
    start = time.perf_counter()
    posterior = _Posteriors(model, config, scales, None if estimated else config.sigma, report)
    for i in _outward(len(scales)) if reweight else range(len(scales)):
        out["mean"][i], out["sd"][i], out["hdi_low"][i], out["hdi_high"][i] = posterior.at(i, reweight)
    for i in [i for i, method in enumerate(posterior.method) if method == "reweighted"]:  # from the best of every fit, refits included
        out["mean"][i], out["sd"][i], out["hdi_low"][i], out["hdi_high"][i] = posterior.at(i, reweight)
    timings["bayes"] = time.perf_counter() - start
    start = time.perf_counter()
    out["penalized"] = penalized.penalized_path(design, twin, model.prior, identity_alpha)
    timings["penalized"] = time.perf_counter() - start
    for i in range(len(nominal)):
        rel[i] = np.abs(out["map"][i] - out["penalized"][i]).max() / max(np.abs(out["penalized"][i] - mu).max(), 1e-300)
    return PathResult(name, tuple(design.features), config.hdi_prob, nominal, identity_alpha, out["map"], out["penalized"],
                      out["mean"], out["hdi_low"], out["hdi_high"], rel, twin.estimator, timings, out["sd"],
                      posterior.method, posterior.pareto_k, posterior.ess, posterior.anchor)


def _outward(count: int) -> list[int]:
    """The grid's points from its middle outwards, alternating sides: each point is reached next to
    a fitted or reweighted neighbour."""
    middle = count // 2
    return sorted(range(count), key=lambda i: (abs(i - middle), i))


class _Posteriors:
    """The posterior summaries of a path's points: NUTS at each point, or (``reweight``) NUTS at the
    middle point and the draws of a fit reweighted to every other point (the fit whose weights have the lowest k)
    (:func:`~priorfit.diagnostics.sensitivity.prior_reweighting`), refitted where the best Pareto k over
    the fits so far is above :func:`~priorfit.diagnostics.sensitivity.k_threshold` or its weights' ESS below
    :data:`~priorfit.diagnostics.sensitivity.MIN_ESS_SHARE` of the draws."""

    def __init__(self, model, config, scales, sigma, report):
        self.model, self.config, self.scales, self.sigma, self.report = model, config, scales, sigma, report
        count = len(scales)
        self.method = ["fit"] * count
        self.pareto_k, self.ess, self.anchor = np.full(count, np.nan), np.full(count, np.nan), np.full(count, -1)
        self.fits: dict[int, object] = {}  # point -> its posterior draws (coef, and sigma where estimated)

    def at(self, i: int, reweight: bool):
        """``(mean, sd, hdi_low, hdi_high)`` of the coefficients at point ``i``."""
        from priorfit.diagnostics.sensitivity import prior_reweighting

        if reweight and self.fits:
            target = self.model.prior.with_scale(float(self.scales[i]))
            tries = [(*prior_reweighting(self.model.prior.with_scale(float(self.scales[a])), target, draws,
                                         draws["sigma"] if "sigma" in draws else self.sigma), a)
                     for a, draws in self.fits.items()]
            log_weights, k, a = min(tries, key=lambda t: np.inf if np.isnan(t[1]) else t[1])
            trusted, ess = weights_trusted(log_weights, k)
            self.pareto_k[i], self.ess[i] = k, ess
            if trusted:
                self.method[i], self.anchor[i] = "reweighted", a
                return posterior_summary(self.fits[a], self.config.hdi_prob, log_weights, self.config.seed)
        if reweight and self.fits:
            self.method[i], self.anchor[i] = "refit", -1
        config = self.config
        with self.report.step(f"point {i + 1}/{len(self.scales)}: NUTS" + (f" (Pareto k {self.pareto_k[i]:.2f}, ESS {self.ess[i]:.0f})" if self.method[i] == "refit" else ""),
                              spinner=False):
            self.model.set_prior_scale(float(self.scales[i]))
            tree = inference.sample(self.model, sampler=config.sampler, draws=config.draws, tune=config.tune, chains=config.chains,
                                    seed=config.seed, target_accept=config.target_accept or self.model.prior.target_accept)
        draws = tree["posterior"].to_dataset()
        self.fits[i] = draws[[name for name in ("coef", "sigma") if name in draws]]
        return posterior_summary(self.fits[i], config.hdi_prob)


def write_path(result, out, *, force: bool = False, plot: bool = True) -> Path:
    """Write path.json and path.png of a regularization path into ``out``."""

    def fill(tmp: Path) -> None:
        (tmp / "path.json").write_text(result.to_json() + "\n")
        if plot:
            from priorfit.plots import write_png

            write_png(result.plot(), tmp / "path.png")

    return write_folder(out, fill, force=force)
