"""Run a comparison: prior -> find_MAP -> NUTS -> penalized twin, and the result object.

The :class:`Comparison` is the one result that the CLI, the report, the files on disk and
notebooks all read.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import closed_form, data as data_module, inference, penalized, spec
from .data import Dataset, Design
from .priors import Normal, Prior

COLUMNS = ["penalized", "map", "map_raw", "mean", "median", "sd", "hdi_low", "hdi_high", "p_positive"]
EXACT_TOLERANCE = 1e-6  # max |MAP - penalized| / max |penalized| for an exact identity


@dataclass
class Fit:
    """One prior's results: hyperparameters, penalized twin, mode, posterior and checks."""

    prior: Prior
    hyper: dict
    sigma: dict
    penalized: penalized.PenalizedFit
    mode: inference.ModeResult
    idata: object
    diagnostics: dict
    agreement: dict | None
    exact_posterior: dict | None
    coefficients: pd.DataFrame
    original: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)

    def checks(self) -> list[str]:
        """Failed checks, each a sentence (empty when all pass)."""
        name, failed = self.prior.name, []
        if self.mode.status == "not_converged":
            failed.append(f"{name}: the posterior mode did not converge ({self.mode.message})")
        if self.agreement is not None and self.agreement["max_rel_diff"] > EXACT_TOLERANCE:
            failed.append(
                f"{name}: MAP and {self.penalized.estimator} differ by {self.agreement['max_rel_diff']:.2e} "
                f"relative (tolerance {EXACT_TOLERANCE:g})"
            )
        if self.diagnostics["max_rhat"] is not None and not self.diagnostics["max_rhat"] <= 1.01:
            failed.append(f"{name}: max R-hat {self.diagnostics['max_rhat']:.3f} > 1.01")
        if self.diagnostics["divergences"]:
            failed.append(f"{name}: {self.diagnostics['divergences']} divergent transitions")
        return failed

    def to_dict(self) -> dict:
        pen = self.penalized
        return {
            "prior": {"family": self.prior.name, "params": self.prior.params(), "hyperparameters": self.hyper},
            "likelihood": {"family": "gaussian", "sigma": self.sigma},
            "penalized": {
                "estimator": pen.estimator,
                "params": pen.params,
                "exact": pen.exact,
                "intercept": pen.intercept,
                "nearest": {k: {"params": v["params"], "coef": v["coef"], "intercept": v["intercept"]} for k, v in pen.nearest.items()},
            },
            "map": {
                "status": self.mode.status,
                "message": self.mode.message,
                "find_map_converged": self.mode.raw_converged,
                "certificate": self.mode.certificate,
                "raw_max_abs_diff": None if self.agreement is None else self.agreement["raw_max_abs_diff"],
            },
            "agreement": self.agreement,
            "diagnostics": self.diagnostics,
            "exact_posterior": self.exact_posterior,
            "coefficients": _records(self.coefficients),
            "original_scale": None if self.original is None else _records(self.original),
            "notes": self.notes,
        }


@dataclass
class Comparison:
    """All fits of one data set. ``table(prior)`` is a pandas view; ``to_json()`` the summary."""

    data: dict
    settings: spec.Settings
    fits: list[Fit]

    def fit(self, prior: str) -> Fit:
        for fit in self.fits:
            if fit.prior.name == prior:
                return fit
        raise KeyError(f"no fit for prior {prior!r}; fitted: {[f.prior.name for f in self.fits]}")

    def table(self, prior: str | None = None) -> pd.DataFrame:
        """Coefficient table of one prior, or of all with a ``prior`` index level."""
        if prior is not None:
            return self.fit(prior).coefficients
        return pd.concat({f.prior.name: f.coefficients for f in self.fits}, names=["prior", "name"])

    @property
    def idata(self) -> dict:
        """The results of each prior as an ``xarray.DataTree``, by prior name."""
        return {f.prior.name: f.idata for f in self.fits}

    def checks(self) -> list[str]:
        return [failure for fit in self.fits for failure in fit.checks()]

    def _repr_html_(self) -> str:  # Jupyter shows the side-by-side table
        return self.table().to_html(float_format=lambda v: f"{v:.4g}")

    def to_dict(self) -> dict:
        settings = self.settings.as_dict()
        return {
            "priorfit_version": _version(),
            "data": self.data,
            "settings": settings,
            "fits": [f.to_dict() for f in self.fits],
            "checks": {"passed": not self.checks(), "failed": self.checks()},
        }

    def to_json(self, **kwargs) -> str:
        """The summary as JSON; the same seed gives the same text."""
        return json.dumps(_plain(self.to_dict()), indent=kwargs.pop("indent", 2), **kwargs)

    def save(self, out, *, force: bool = False):
        """Write summary.json, coefficients.csv and one netCDF posterior per prior to ``out``."""
        from .output import write

        return write(self, out, force=force)


def compare(
    X="diabetes",
    y=None,
    *,
    target: str | None = None,
    features=None,
    prior=spec.DEFAULT_PRIORS,
    alpha: float | None = None,
    scale: float | None = None,
    mu: float = 0.0,
    sigma="estimate",
    sigma_prior: str | None = None,
    standardize: bool = True,
    intercept: bool = True,
    sampler: str = "nutpie",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int = 0,
    target_accept: float | None = None,
    hdi_prob: float = 0.94,
    whiten: bool = True,
) -> Comparison:
    """Compare Bayesian posteriors with their penalized twins on one data set.

    Parameters
    ----------
    X : str, Dataset, array or DataFrame
        ``"diabetes"``, a ``synthetic:...`` spec or a CSV/Parquet path (then ``y`` is None
        and ``target`` names the column), a :class:`~priorfit.data.Dataset`, or a design.
    y : array, optional
        Target, when ``X`` is a design.
    prior : str or sequence of str
        ``normal``, ``laplace``, ``horseshoe`` (comma-separated or a list).
    alpha, scale : float, optional
        Penalty strength in scikit-learn's units of the counterpart, or the prior scale
        (tau, b, or the horseshoe's global scale). Neither: the alpha cross-validation picks.
    mu : float
        Prior location; the penalty is then on ``w - mu``.
    sigma : float or "estimate"
        A fixed noise sd (the exact-identity case) or ``"estimate"``.
    sigma_prior : str, optional
        ``jeffreys`` (default), ``halfnormal:S`` or ``halfcauchy:S``; only when sigma is estimated.
    standardize, intercept : bool
        Standardize the columns of X; fit an unpenalized intercept (both sides alike).
    sampler : {"nutpie", "pymc"}
        NUTS implementation.
    draws, tune, chains, seed, target_accept, hdi_prob
        Sampling settings; ``target_accept`` defaults per prior (0.8, horseshoe 0.999).
    whiten : bool
        Sample Normal/Laplace coefficients in coordinates whitened by the Gram matrix.

    Returns
    -------
    Comparison
    """
    settings = spec.settings(
        prior=prior, alpha=alpha, scale=scale, mu=mu, sigma=sigma, sigma_prior=sigma_prior,
        standardize=standardize, intercept=intercept, sampler=sampler, draws=draws, tune=tune,
        chains=chains, seed=seed, target_accept=target_accept, hdi_prob=hdi_prob, whiten=whiten,
    )
    dataset = _dataset(X, y, target=target, features=features)
    design = data_module.make_design(dataset, standardize=settings.standardize, intercept=settings.intercept)
    plugin = None if settings.sigma is not None else penalized.plugin_sigma(design)
    import pymc  # noqa: F401  - after validation, so bad input fails at once; outside the timings

    sigma_conv = settings.sigma if settings.sigma is not None else plugin[0]
    # every prior's hyperparameters first, so that a bad value fails before any fitting
    resolved = [_resolve_prior(design, cls, settings, sigma_conv, plugin) for cls in settings.prior_classes()]
    fits = [_fit_one(design, prior, hyper, settings, sigma_conv) for prior, hyper in resolved]
    info = {
        "name": dataset.name,
        "n": design.n,
        "p": design.p,
        "features": list(dataset.features),
        "target": dataset.target,
        "standardized": design.standardized,
        "intercept": design.intercept,
        "truth": dataset.truth,
    }
    return Comparison(info, settings, fits)


def _dataset(X, y, *, target, features) -> Dataset:
    if isinstance(X, Dataset):
        return X
    if isinstance(X, str):
        if y is not None:
            raise spec.InputError(f"y was given with the data name {X!r}; give y only with an array or DataFrame X.")
        return data_module.load(X, target=target)
    if isinstance(X, pd.DataFrame):
        return data_module.from_frame(X, y, target=target or "y")
    return data_module.from_arrays(X, y, features=features, target=target or "y")


def _resolve_prior(design: Design, cls: type[Prior], settings: spec.Settings, sigma_conv: float, plugin):
    """The prior with numeric hyperparameters, and a record of where they came from."""
    mu, n = settings.mu, design.n
    hyper: dict = {"sigma_for_conversion": sigma_conv}
    if plugin is not None:
        hyper["sigma_plugin"] = {"value": plugin[0], "method": plugin[1]}
    if not cls.exact:  # no penalized twin, so no alpha: the scale or the prior's own default
        if settings.scale is not None:
            return cls(settings.scale, mu), hyper | {"source": "scale"}
        prior, description = cls.default(mu, sigma=sigma_conv)
        note = f"; alpha does not apply to the {cls.name} prior" if settings.alpha is not None else ""
        return prior, hyper | {"source": f"default: {description}{note}"}
    alpha = scale = None
    if settings.scale is not None:
        scale, source = settings.scale, "scale"
    elif settings.alpha is not None:
        alpha, source = settings.alpha, "alpha"
    else:
        alpha, search = penalized.cv_alpha(design, cls, np.full(design.p, mu))
        source = f"cross-validation: {search}"
    with np.errstate(all="ignore"):  # NumPy floats: an extreme value becomes 0 or inf, not an exception
        if scale is None:
            scale = cls.scale_from_alpha(np.float64(alpha), np.float64(sigma_conv), n)
        alpha = cls.alpha_from_scale(np.float64(scale), np.float64(sigma_conv), n)
        precision = np.float64(1.0) / np.float64(scale) ** 2
    if not all(np.isfinite(v) and 1e-150 < v < 1e150 for v in (scale, alpha, precision)):
        raise spec.InputError(
            f"The {cls.name} prior scale {scale:.3g} (alpha {alpha:.3g}, from {source.split(':')[0]}) is too "
            "extreme to compute with; choose a value closer to the scale of the data."
        )
    hyper.update(source=source, alpha=float(alpha), conversion=cls.conversion)
    return cls(float(scale), mu), hyper


def _fit_one(design: Design, prior: Prior, hyper: dict, settings: spec.Settings, sigma_conv: float) -> Fit:
    from .model import build_model

    timings = {}
    fixed = settings.sigma is not None
    noise = settings.sigma if fixed else settings.sigma_prior

    start = time.perf_counter()
    plain = build_model(design, prior, noise, plugin_sigma=sigma_conv, whiten=False) if prior.has_mode else None
    mode = inference.find_map(plain, prior, seed=settings.seed)
    timings["map"] = time.perf_counter() - start

    sigma_map = float(mode.point["sigma"]) if (mode.point and not fixed) else None
    sigma_info = {"mode": "fixed" if fixed else "estimated", "value": settings.sigma if fixed else sigma_map}
    if not fixed:
        sigma_info["prior"] = str(settings.sigma_prior)
    alpha_at_mode = None
    if prior.exact:
        alpha_at_mode = prior.alpha(settings.sigma if fixed else (sigma_map or sigma_conv), design.n)
        hyper["alpha_at_map_sigma"] = alpha_at_mode
    start = time.perf_counter()
    pen = penalized.fit(design, prior, alpha_at_mode)
    timings["penalized"] = time.perf_counter() - start

    start = time.perf_counter()
    model = build_model(design, prior, noise, plugin_sigma=sigma_conv, whiten=settings.whiten)
    idata = inference.sample(
        model,
        sampler=settings.sampler,
        draws=settings.draws,
        tune=settings.tune,
        chains=settings.chains,
        seed=settings.seed,
        target_accept=settings.target_accept or prior.target_accept,
    )
    timings["sampling"] = time.perf_counter() - start
    diagnostics = inference.diagnostics(idata)
    if not fixed:
        sigma_info["posterior_mean"] = float(idata["posterior"]["sigma"].mean())

    agreement = None
    if mode.point and prior.exact:
        diff = np.abs(mode.point["coef"] - pen.coef)
        agreement = {
            "max_abs_diff": float(diff.max()),
            "max_rel_diff": float(diff.max() / max(np.abs(pen.coef - prior.mu_vector(design.p)).max(), 1e-300)),
            "raw_max_abs_diff": float(np.abs(mode.raw["coef"] - pen.coef).max()),
            "intercept_abs_diff": None if pen.intercept is None else float(abs(mode.point["intercept"] - pen.intercept)),
            "same_zero_pattern": bool(np.array_equal(mode.point["coef"] == prior.mu_vector(design.p), pen.coef == prior.mu_vector(design.p))),
        }
    exact = None
    if fixed and isinstance(prior, Normal):
        exact = closed_form.compare_draws(closed_form.normal_posterior(design, prior, settings.sigma), idata["posterior"].to_dataset())

    notes = _notes(design, prior, hyper, settings, diagnostics)
    coefficients = _coefficient_table(design, idata, mode, pen, settings.hdi_prob, original=False)
    original = _coefficient_table(design, idata, mode, pen, settings.hdi_prob, original=True) if design.standardized else None
    _attach_point_estimates(idata, design, mode, pen)
    return Fit(prior, hyper, sigma_info, pen, mode, idata, diagnostics, agreement, exact, coefficients, original, notes, timings)


def _notes(design: Design, prior: Prior, hyper: dict, settings: spec.Settings, diagnostics: dict) -> list[str]:
    """Things a reader should know that are not failures."""
    notes = []
    if "alpha_at_map_sigma" in hyper and hyper.get("alpha"):
        ratio = hyper["alpha_at_map_sigma"] / hyper["alpha"]
        if not 0.1 <= ratio <= 10:
            notes.append(
                f"alpha at the MAP sigma is {ratio:.3g} times the nominal alpha: with sigma estimated the joint "
                "mode moved far from the plug-in sigma; fix sigma (--sigma VALUE) to get the penalty you asked for"
            )
    if settings.sigma is None and design.p >= design.n - int(design.intercept) and prior.has_mode:
        notes.append(
            "p >= n: with sigma estimated the joint density is unbounded as sigma -> 0 (the fit can interpolate), "
            "so the reported mode is a local one"
        )
    if diagnostics["max_rhat"] is None:
        notes.append("R-hat needs at least 2 chains; it was not computed")
    return notes


def _coefficient_table(design, tree, mode, pen, hdi_prob, *, original: bool) -> pd.DataFrame:
    """Penalized, MAP and raw find_MAP values beside the posterior summary (arviz-stats)."""
    import arviz as az

    suffix = "_original" if original else ""
    variables = ["coef" + suffix] + (["intercept" + suffix] if design.intercept else [])
    post = tree["posterior"].to_dataset()[variables]
    stats = az.summary(post, kind="stats", fmt="xarray", ci_kind="hdi", ci_prob=hdi_prob, round_to="none")
    low, high = (label for label in stats["summary"].values if str(label).startswith("hdi"))
    median = post.median(("chain", "draw"))
    p_positive = (post > 0).mean(("chain", "draw"))
    point = {k: np.atleast_1d(v) for k, v in (mode.point or {}).items()}
    raw = {k: np.atleast_1d(v) for k, v in (mode.raw or {}).items()}
    pen_coef, pen_icpt = pen.coef, pen.intercept
    if original:
        pen_coef, pen_icpt = design.to_original(pen.coef, pen.intercept)
    penalized_values = {variables[0]: pen_coef, **({variables[1]: np.atleast_1d(pen_icpt)} if design.intercept else {})}
    rows = []
    for var in variables:
        labels = list(design.features) if var.startswith("coef") else ["intercept"]
        summary = {name: np.atleast_1d(stats[var].sel(summary=name).values) for name in ("mean", "sd", low, high)}
        for j, label in enumerate(labels):
            rows.append({
                "name": label,
                "penalized": penalized_values[var][j],
                "map": point[var][j] if var in point else np.nan,
                "map_raw": raw[var][j] if var in raw else np.nan,
                "mean": summary["mean"][j],
                "median": np.atleast_1d(median[var].values)[j],
                "sd": summary["sd"][j],
                "hdi_low": summary[low][j],
                "hdi_high": summary[high][j],
                "p_positive": np.atleast_1d(p_positive[var].values)[j],
            })
    return pd.DataFrame(rows, columns=["name", *COLUMNS]).set_index("name")


def _attach_point_estimates(tree, design, mode, pen):
    """Store the polished MAP, find_MAP's raw answer and optimizer result, and the penalized
    estimates as groups of the DataTree (``map``, ``find_map``, ``optimizer_result``, ``penalized``)."""
    import xarray as xr

    coords = {"feature": list(design.features)}

    def group(values: dict, **attrs):
        variables = {"coef": ("feature", np.asarray(values["coef"], dtype=float))}
        for name in ("intercept", "sigma"):
            if values.get(name) is not None:
                variables[name] = ((), float(np.asarray(values[name])))
        return xr.DataTree(xr.Dataset(variables, coords=coords, attrs=attrs))

    if mode.point:
        tree["map"] = group(mode.point, status=mode.status, message=mode.message)
        tree["find_map"] = group(mode.raw, converged=int(bool(mode.raw_converged)))
    if mode.optimizer is not None:
        tree["optimizer_result"] = xr.DataTree(mode.optimizer)
    estimators = {pen.estimator: {"coef": pen.coef, "intercept": pen.intercept}} if pen.exact else pen.nearest
    penalized = xr.Dataset(
        {"coef": (("estimator", "feature"), np.array([v["coef"] for v in estimators.values()], dtype=float))},
        coords={"estimator": list(estimators), **coords},
        attrs={"exact": int(pen.exact)},
    )
    if design.intercept:
        penalized["intercept"] = ("estimator", np.array([v["intercept"] for v in estimators.values()], dtype=float))
    tree["penalized"] = xr.DataTree(penalized)


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{"name": name, **row} for name, row in frame.to_dict(orient="index").items()]


def _plain(value):
    """JSON-safe: NumPy scalars and arrays to Python, NaN and infinities to null."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return _plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        # 12 significant digits: the last bits of a float can differ between runs (threaded BLAS)
        return float(f"{value:.12g}") if np.isfinite(value) else None
    return value


def _version() -> str:
    from . import __version__

    return __version__
