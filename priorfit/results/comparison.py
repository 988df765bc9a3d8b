"""The results of a comparison: typed records that the CLI, the report, the files on disk and
notebooks all read, and their tables and JSON."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, is_dataclass
from typing import Literal

import numpy as np
import pandas as pd

from priorfit.diagnostics.closed_form import ExactPosteriorCheck
from priorfit.inference.mode import ModeResult
from priorfit.inference.sampling import Diagnostics
from priorfit.models.likelihoods import PluginDispersion
from priorfit.models.priors import Prior
from priorfit.penalized.fits import GridChoice, PenalizedFit
from priorfit.settings import Settings

COLUMNS = ["penalized", "map", "map_raw", "mean", "median", "sd", "hdi_low", "hdi_high", "p_positive"]
# with --bootstrap: the penalized estimate's percentile interval and its share of replicates at mu
BOOTSTRAP_COLUMNS = ["boot_low", "boot_high", "boot_share_at_mu"]
EXACT_TOLERANCE = 1e-6  # default max |MAP - penalized| / max |penalized - mu| (each twin has its own: Twin.tolerance)
MIN_ESS = 400  # bulk and tail effective sample size below which intervals are not trusted (Vehtari et al. 2021)


@dataclass(frozen=True)
class DataInfo:
    """What was fitted: the data set and how it was put on the model's scale."""

    name: str
    n: int
    p: int
    features: tuple[str, ...]
    target: str
    standardized: bool
    intercept: bool
    truth: dict | None = None  # generating coefficients of synthetic data, original scale of X
    x_scale: tuple[float, ...] = ()  # column sds used for standardization (1 if not)
    labels: dict | None = None  # how two target labels were mapped to 0/1 (bernoulli), if they were


@dataclass(frozen=True)
class Hyperparameters:
    """A prior's hyperparameters and where they came from.

    ``alpha`` is the nominal penalty in the twin's scikit-learn units (None for a prior without
    a twin), converted with ``dispersion``: the fixed sigma, or the plug-in one (``plugin``).
    """

    source: str
    scale: float | None
    alpha: float | None = None
    conversion: str | None = None
    dispersion: float | None = None
    plugin: PluginDispersion | None = None
    hyperparameter: str = "alpha"  # the twin's name of its penalty value: alpha, or C for LogisticRegression
    grid: GridChoice | None = None  # where a cross-validated value lies in its grid (None: not cross-validated)


@dataclass(frozen=True)
class Noise:
    """The likelihood's dispersion as fitted: fixed, estimated (MAP value), or none."""

    mode: Literal["fixed", "estimated", "none"]
    value: float | None = None
    prior: str | None = None
    posterior_mean: float | None = None


@dataclass(frozen=True)
class TwinPenalty:
    """The alpha the exact twin was fitted with, and the dispersion it was converted at.

    ``basis`` says which dispersion: ``"fixed sigma"``, ``"MAP sigma"`` (the identity then holds
    at the joint mode), ``"plug-in sigma"`` (no MAP sigma was found) or ``"no dispersion"``.
    """

    alpha: float  # the penalty value: alpha, or C (``hyperparameter``)
    dispersion: float | None
    basis: Literal["fixed sigma", "MAP sigma", "plug-in sigma", "no dispersion"]
    hyperparameter: str = "alpha"


@dataclass(frozen=True)
class ScaleChoice:
    """One way of choosing a prior's scale from the data, on the prior's scale and as the twin's
    penalty value (at the plug-in or fixed dispersion): cross-validation, empirical Bayes (type-II
    maximum likelihood), or the full posterior of a random scale (median and interval)."""

    method: str
    scale: float
    alpha: float
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class Agreement:
    """The polished MAP against the exact twin's estimate (and find_MAP's raw answer).

    ``tolerance`` is the relative agreement the twin's solver can reach (``Twin.tolerance``: 1e-6,
    1e-5 for saga's L1 logistic regression); the identity holds when the coefficients agree to it.
    """

    max_abs_diff: float
    max_rel_diff: float
    raw_max_abs_diff: float
    intercept_abs_diff: float | None
    same_zero_pattern: bool
    tolerance: float = EXACT_TOLERANCE  # older files: the one global tolerance they were checked with
    # where the coefficients differ beyond the tolerance: are both optima? (penalized.Uniqueness)
    objective_rel_diff: float | None = None
    fitted_rel_diff: float | None = None
    active: int | None = None
    active_rank: int | None = None
    unidentified: tuple[str, ...] = ()  # set only when the optimum is shown not to be unique

    @property
    def identified(self) -> bool:
        """False where the twin's optimum is not unique (both solutions are optima)."""
        return not self.unidentified

    @property
    def holds(self) -> bool:
        return self.max_rel_diff <= self.tolerance or not self.identified

    def sentence(self, name: str, estimator: str, prior: str) -> str:
        """The check for people (``name``: the prior's, ``estimator``: the twin's)."""
        differ = f"{name}: MAP and {estimator} differ by {self.max_rel_diff:.2e} relative"
        tolerance = f"(tolerance {self.tolerance:g}, what the {estimator} solver reaches)"
        if self.identified:
            return f"{differ} {tolerance}"
        fix = ("an elastic-net prior with l1_ratio < 1 identifies them" if prior == "elasticnet"
               else "a prior with a quadratic part identifies them (--prior elasticnet with l1_ratio < 1, or normal)")
        if self.max_rel_diff <= self.tolerance:
            return (f"{differ} {tolerance}; the {self.active} active columns have rank {self.active_rank}, so the "
                    f"coefficients of {', '.join(self.unidentified)} are not identified (any split among collinear "
                    f"columns is optimal, and another solver may return another); {fix}")
        return (f"{differ} in the coefficients {tolerance}, but both are optima: the same objective (relative difference "
                f"{self.objective_rel_diff:.1e}) and fitted values ({self.fitted_rel_diff:.1e} relative), and the "
                f"{self.active} active columns have rank {self.active_rank}; the coefficients of "
                f"{', '.join(self.unidentified)} are not identified (any split among collinear columns is optimal); {fix}")


@dataclass
class Fit:
    """One prior's results: hyperparameters, penalized twin, mode, posterior and checks."""

    prior: Prior
    likelihood: str
    hyper: Hyperparameters
    noise: Noise
    penalty: TwinPenalty | None
    penalized: PenalizedFit
    mode: ModeResult
    tree: object  # xarray.DataTree: posterior, sample_stats, map, find_map, optimizer_result, penalized, bootstrap
    diagnostics: Diagnostics
    agreement: Agreement | None
    exact_posterior: ExactPosteriorCheck | None
    coefficients: pd.DataFrame
    original: pd.DataFrame | None
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    identity: object = None  # identity.Profile: -log p and k * J along one coefficient
    objective_identity: object = None  # identity.RandomPoints: -log p - k J at random points
    scale_choices: list = field(default_factory=list)  # ScaleChoice: CV vs empirical Bayes vs full Bayes
    shrinkage: object = None  # shrinkage.Shrinkage: effective parameters, m_eff, LOO vs CV
    bootstrap: object = None  # bootstrap.Bootstrap of the penalized estimate (--bootstrap B), or None

    @property
    def idata(self):
        """The ``xarray.DataTree`` of this fit (the name ArviZ users look for)."""
        return self.tree

    def check_results(self) -> list[tuple[bool, str]]:
        """Every check of this fit: ``(passed, sentence)``."""
        name, results = self.prior.name, []
        if self.mode.status != "degenerate":
            converged = self.mode.status == "ok"
            results.append((converged, f"{name}: the posterior mode " + (
                f"is certified ({self.mode.certificate.kind} {self.mode.certificate.value:.1e})" if converged
                else f"did not converge ({self.mode.message})")))
        if self.agreement is not None:
            a = self.agreement
            results.append((a.holds, a.sentence(name, self.penalized.estimator, self.prior.name)))
        if self.hyper.grid is not None:
            results.append((self.hyper.grid.chosen, self.hyper.grid.sentence(name)))
        if self.exact_posterior is not None and self.exact_posterior.checked:
            results.append((self.exact_posterior.holds, f"{name}: {self.exact_posterior.sentence()}"))
        d = self.diagnostics
        if d.max_rhat is not None:
            results.append((d.max_rhat <= 1.01, f"{name}: max R-hat {d.max_rhat:.3f} " + ("<=" if d.max_rhat <= 1.01 else ">") + " 1.01"))
        results.append((d.divergences == 0, f"{name}: {d.divergences} divergent transitions"))
        ess = min(d.min_ess_bulk, d.min_ess_tail)
        results.append((ess >= MIN_ESS, f"{name}: min ESS bulk {d.min_ess_bulk:.0f}, tail {d.min_ess_tail:.0f} "
                                         + (">=" if ess >= MIN_ESS else "<") + f" {MIN_ESS}"))
        results.append((d.treedepth_hits == 0, f"{name}: {d.treedepth_hits} transitions hit the maximum tree depth"))
        return results

    def checks(self) -> list[str]:
        """Failed checks, each a sentence (empty when all pass)."""
        return [text for passed, text in self.check_results() if not passed]

    def to_dict(self) -> dict:
        pen, hyper = self.penalized, self.hyper
        return {
            "prior": {
                "family": self.prior.name,
                "params": self.prior.params(),
                "hyperparameters": {
                    "source": hyper.source,
                    "scale": hyper.scale,
                    "alpha": hyper.alpha,
                    "hyperparameter": hyper.hyperparameter,
                    "conversion": hyper.conversion,
                    "sigma_for_conversion": hyper.dispersion,
                    "sigma_plugin": _plain_dataclass(hyper.plugin),
                    "grid": _plain_dataclass(hyper.grid),
                },
            },
            "likelihood": {"family": self.likelihood, "sigma": _plain_dataclass(self.noise)},
            "penalized": {
                "estimator": pen.estimator,
                "exact": pen.exact,
                "params": pen.params,
                "intercept": pen.intercept,
                "penalty": _plain_dataclass(self.penalty),
                "nearest": {} if pen.exact else {
                    k: {"params": e.params, "coef": e.coef, "intercept": e.intercept} for k, e in pen.estimates.items()
                },
            },
            "map": {
                "status": self.mode.status,
                "message": self.mode.message,
                "find_map_converged": self.mode.raw_converged,
                "certificate": _plain_dataclass(self.mode.certificate),
            },
            "agreement": _plain_dataclass(self.agreement),
            "diagnostics": _plain_dataclass(self.diagnostics),
            "exact_posterior": _plain_dataclass(self.exact_posterior),
            "identity": None if self.identity is None else {
                "feature": self.identity.feature,
                "k": self.identity.k,
                "alpha": self.identity.alpha,
                "points": len(self.identity.grid),
                "max_deviation": self.identity.max_deviation,
                "random_points": _plain_dataclass(self.objective_identity),
            },
            "scale_choices": [_plain_dataclass(c) for c in self.scale_choices],
            "shrinkage": _plain_dataclass(self.shrinkage),
            "bootstrap": None if self.bootstrap is None else self.bootstrap.to_dict(),
            "coefficients": _records(self.coefficients),
            "original_scale": None if self.original is None else _records(self.original),
            "notes": self.notes,
            "timings": self.timings,
        }


@dataclass
class Comparison:
    """All fits of one data set. ``table(prior)`` is a pandas view; ``to_json()`` the summary."""

    data: DataInfo
    settings: Settings
    fits: list[Fit]
    ols: object = None  # penalized.Estimate of the unpenalized least-squares fit (model scale)

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

    def shrinkage_table(self) -> pd.DataFrame:
        """How much each prior shrinks, one row per prior: the penalized twin's effective number of
        parameters, the posterior's p_loo and m_eff (horseshoe family), and the log predictive
        density per row by PSIS-LOO and by the twin's K-fold cross-validation."""
        rows = {}
        for fit in self.fits:
            s = fit.shrinkage
            if s is None:
                continue
            rows[fit.prior.name] = {
                "penalized dof": s.penalized_dof, "p_loo": s.p_loo, "m_eff": s.m_eff,
                "LOO elpd / row": None if s.elpd_loo is None else s.elpd_loo / s.n,
                "twin CV log score / row": None if s.cv_log_score is None else s.cv_log_score / s.n,
            }
        return pd.DataFrame.from_dict(rows, orient="index", dtype=float)

    def shrinkage_factors(self) -> pd.DataFrame | None:
        """Per coefficient and prior: posterior mean / OLS and penalized / OLS (Gaussian only: the
        factors are relative to least squares on the same design)."""
        if self.ols is None or self.settings.likelihood != "gaussian":
            return None
        ols = pd.Series(self.ols.coef, index=list(self.data.features))
        columns = {}
        for fit in self.fits:
            table = fit.coefficients.loc[list(self.data.features)]
            columns[(fit.prior.name, "mean / OLS")] = table["mean"] / ols
            if fit.penalized.exact:
                columns[(fit.prior.name, "penalized / OLS")] = table["penalized"] / ols
        return pd.DataFrame(columns)

    @property
    def idata(self) -> dict:
        """The results of each prior as an ``xarray.DataTree``, by prior name."""
        return {f.prior.name: f.tree for f in self.fits}

    def checks(self) -> list[str]:
        return [failure for fit in self.fits for failure in fit.checks()]

    def truth_model_scale(self) -> np.ndarray | None:
        """The generating coefficients of synthetic data on the model's scale, or None."""
        if not self.data.truth:
            return None
        original = np.array([self.data.truth["coefficients"][f] for f in self.data.features])
        return original * np.asarray(self.data.x_scale)

    def plot(self, kind: str = "forest", prior=None):
        """Draw one plot (``priorfit.plots.KINDS``) of one prior (default: the first), or for
        ``forest_all`` and ``shrinkage`` of the priors named (default: all). Returns an
        arviz-plots ``PlotCollection``: ``.savefig(path)`` writes it, ``.get_viz("figure")`` is
        the matplotlib figure, ``.viz`` holds the artists and ``.data`` the data drawn."""
        from priorfit.plots import draw

        return draw(self, kind, prior)

    def _repr_html_(self) -> str:
        """Jupyter shows each prior's checks and side-by-side table."""
        from priorfit.report.html import notebook

        return notebook(self)

    def to_dict(self) -> dict:
        from priorfit import __version__

        return {
            "priorfit_version": __version__,
            "versions": versions(),
            "data": _plain_dataclass(self.data),
            "ols": None if self.ols is None else {"coef": self.ols.coef, "intercept": self.ols.intercept},
            "settings": self.settings.as_dict(),
            "fits": [f.to_dict() for f in self.fits],
            "checks": {"passed": not self.checks(), "failed": self.checks()},
        }

    def to_json(self, **kwargs) -> str:
        """The summary as JSON; the same seed gives the same text."""
        return json.dumps(_plain(self.to_dict()), indent=kwargs.pop("indent", 2), **kwargs)

    def save(self, out, *, force: bool = False, plots: bool = True):
        """Write summary.json, coefficients.csv, one netCDF DataTree per prior and (unless
        ``plots`` is False) the plots as PNG in ``plots/`` to ``out``, atomically."""
        from priorfit.results.files import write

        return write(self, out, force=force, plots=plots)


# the libraries whose versions decide the numbers, recorded in every summary.json
VERSIONED = ("priorfit", "pymc", "pytensor", "nutpie", "arviz", "scikit-learn", "numpy", "glum")


def versions() -> dict[str, str]:
    """The installed versions of :data:`VERSIONED` (distribution name -> version)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {name: installed(name) for name in VERSIONED}


# -- building the tables and the DataTree groups -----------------------------------------------
def table_columns(bootstrap: bool) -> list[str]:
    """The columns of a coefficient table: :data:`COLUMNS`, with the bootstrap's beside the HDI."""
    if not bootstrap:
        return list(COLUMNS)
    at = COLUMNS.index("hdi_high") + 1
    return [*COLUMNS[:at], *BOOTSTRAP_COLUMNS, *COLUMNS[at:]]


def coefficient_table(design, tree, mode: ModeResult, pen: PenalizedFit, hdi_prob: float, *, original: bool,
                      bootstrap=None) -> pd.DataFrame:
    """Penalized, MAP and raw find_MAP values beside the posterior summary (arviz-stats), and the
    bootstrap interval of the penalized estimate when there is one (``bootstrap``)."""
    import arviz as az

    suffix = "_original" if original else ""
    variables = ["coef" + suffix] + (["intercept" + suffix] if design.intercept else [])
    post = tree["posterior"].to_dataset()[variables]
    stats = az.summary(post, kind="stats", fmt="xarray", ci_kind="hdi", ci_prob=hdi_prob, round_to="none")
    low, high = (label for label in stats["summary"].values if str(label).startswith("hdi"))
    median = post.median(("chain", "draw"))
    p_positive = (post > 0).mean(("chain", "draw"))

    def point_values(point: dict) -> list[np.ndarray | None]:
        """coef and intercept of a point estimate, on the requested scale."""
        if not point:
            return [None, None]
        coef, intercept = point["coef"], point.get("intercept")
        if original:
            coef, intercept = design.to_original(coef, intercept)
        return [np.atleast_1d(coef), None if intercept is None else np.atleast_1d(intercept)]

    columns = {
        "penalized": point_values({"coef": pen.coef, "intercept": pen.intercept}),
        "map": point_values(mode.point),
        "map_raw": point_values(mode.raw),
    }
    if bootstrap is not None:
        boot_low, boot_high = bootstrap.original(design) if original else (bootstrap.low, bootstrap.high)
    rows = []
    for k, var in enumerate(variables):
        labels = list(design.features) if k == 0 else [design.intercept_name]
        summary = {name: np.atleast_1d(stats[var].sel(summary=name).values) for name in ("mean", "sd", low, high)}
        for j, label in enumerate(labels):
            row = {"name": label}
            for column, values in columns.items():
                row[column] = np.nan if values[k] is None else values[k][j]
            row.update(
                mean=summary["mean"][j],
                median=np.atleast_1d(median[var].values)[j],
                sd=summary["sd"][j],
                hdi_low=summary[low][j],
                hdi_high=summary[high][j],
                p_positive=np.atleast_1d(p_positive[var].values)[j],
            )
            if bootstrap is not None:  # its arrays run over the rows of this table
                i = len(rows)
                row.update(boot_low=boot_low[i], boot_high=boot_high[i], boot_share_at_mu=bootstrap.share_at_mu[i])
            rows.append(row)
    return pd.DataFrame(rows, columns=["name", *table_columns(bootstrap is not None)]).set_index("name")


def add_point_estimate_groups(tree, design, mode: ModeResult, pen: PenalizedFit) -> None:
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
    if mode.raw:
        tree["find_map"] = group(mode.raw, converged=int(bool(mode.raw_converged)))
    if mode.optimizer is not None:
        tree["optimizer_result"] = xr.DataTree(mode.optimizer)
    estimates = pen.estimates
    penalized = xr.Dataset(
        {"coef": (("estimator", "feature"), np.array([e.coef for e in estimates.values()], dtype=float))},
        coords={"estimator": list(estimates), **coords},
        attrs={"exact": int(pen.exact)},
    )
    if design.intercept:
        penalized["intercept"] = ("estimator", np.array([e.intercept for e in estimates.values()], dtype=float))
    tree["penalized"] = xr.DataTree(penalized)


def add_bootstrap_group(tree, bootstrap) -> None:
    """Store the bootstrap replicates (model scale) as the DataTree's ``bootstrap`` group."""
    import xarray as xr

    p = bootstrap.coef.shape[1]
    ds = xr.Dataset(
        {"coef": (("replicate", "feature"), bootstrap.coef)},
        coords={"feature": list(bootstrap.names[:p])},
        attrs={"draws": bootstrap.draws, "seed": bootstrap.seed, "prob": bootstrap.prob, "estimator": bootstrap.estimator,
               "kind": bootstrap.kind},
    )
    if bootstrap.intercept is not None:
        ds["intercept"] = ("replicate", bootstrap.intercept)
    tree["bootstrap"] = xr.DataTree(ds)


# -- JSON ---------------------------------------------------------------------------------------
def _records(frame: pd.DataFrame) -> list[dict]:
    return [{"name": name, **row} for name, row in frame.to_dict(orient="index").items()]


def _plain_dataclass(value):
    return asdict(value) if is_dataclass(value) else value


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


# -- reading saved results ----------------------------------------------------------------------
def load(folder) -> Comparison:
    """The :class:`Comparison` saved in ``folder`` (summary.json and posterior_<prior>.nc), without
    refitting: what the reports and plots need. Numbers come back as written (12 digits)."""
    from pathlib import Path

    import xarray as xr

    from priorfit.diagnostics.closed_form import ExactPosteriorCheck
    from priorfit.diagnostics.identity import Profile, RandomPoints
    from priorfit.diagnostics.shrinkage import Shrinkage
    from priorfit.errors import InputError
    from priorfit.inference.mode import Certificate
    from priorfit.models import priors
    from priorfit.penalized.bootstrap import Bootstrap
    from priorfit.penalized.fits import Estimate

    folder = Path(folder)
    path = folder / "summary.json"
    if not path.is_file():
        raise InputError(f"{str(folder)!r} holds no priorfit results (no summary.json); give a folder `priorfit compare --out` wrote.")
    summary = json.loads(path.read_text())
    data = summary["data"]
    info = DataInfo(**{**data, "features": tuple(data["features"]), "x_scale": tuple(data.get("x_scale") or ())})
    ols = summary.get("ols")
    fits = []
    for f in summary["fits"]:
        name = f["prior"]["family"]
        tree = xr.open_datatree(folder / f"posterior_{name}.nc").load()
        h = f["prior"]["hyperparameters"]
        plugin = PluginDispersion(**h["sigma_plugin"]) if h.get("sigma_plugin") else None
        hyper = Hyperparameters(h["source"], h["scale"], h["alpha"], h["conversion"], h["sigma_for_conversion"], plugin,
                                h.get("hyperparameter", "alpha"), GridChoice(**h["grid"]) if h.get("grid") else None)
        pen = f["penalized"]
        params = {pen["estimator"]: pen["params"]} if pen["exact"] else {k: v["params"] for k, v in pen["nearest"].items()}
        group = tree["penalized"]
        estimates = {
            est: Estimate(
                group["coef"].sel(estimator=est).values,
                float(group["intercept"].sel(estimator=est)) if "intercept" in group else None,
                params[est],
            )
            for est in group["estimator"].values.tolist()
        }
        m = f["map"]

        def point(group_name):
            if group_name not in tree.children:
                return {}
            ds = tree[group_name].to_dataset()
            return {k: ds[k].values for k in ds.data_vars}

        mode = ModeResult(
            m["status"], m["message"], point("find_map"), point("map"),
            Certificate(**m["certificate"]) if m["certificate"] else None, m["find_map_converged"],
            tree["optimizer_result"].to_dataset() if "optimizer_result" in tree.children else None,
        )
        profile = None
        if "identity" in tree.children:
            ds = tree["identity"].to_dataset()
            a = ds.attrs
            profile = Profile(a["feature"], ds["grid"].values, ds["neg_log_posterior"].values, ds["scaled_objective"].values,
                              float(a["k"]), float(a["alpha"]), float(a["max_deviation"]))
        random = (f.get("identity") or {}).get("random_points")
        boot = None
        if f.get("bootstrap") and "bootstrap" in tree.children:
            ds = tree["bootstrap"].to_dataset()
            boot = Bootstrap.from_replicates(
                ds["coef"].values, ds["intercept"].values if "intercept" in ds else None,
                priors.get(name).from_params(f["prior"]["params"]).mu_vector(ds.sizes["feature"]),
                seed=f["bootstrap"]["seed"], prob=f["bootstrap"]["prob"], estimator=ds.attrs["estimator"],
                features=ds["feature"].values.tolist(),
            )

        def table(records):
            return None if records is None else pd.DataFrame(records).set_index("name").astype(float)

        fits.append(Fit(
            prior=priors.get(name).restore(f["prior"]["params"]),
            likelihood=f["likelihood"]["family"],
            hyper=hyper,
            noise=Noise(**f["likelihood"]["sigma"]),
            penalty=TwinPenalty(**pen["penalty"]) if pen.get("penalty") else None,
            penalized=PenalizedFit(pen["estimator"], pen["exact"], estimates),
            mode=mode,
            tree=tree,
            diagnostics=Diagnostics(**f["diagnostics"]),  # older files: no treedepth_hits (0)
            agreement=Agreement(**{**f["agreement"], "unidentified": tuple(f["agreement"].get("unidentified", ()))})
            if f["agreement"] else None,
            exact_posterior=ExactPosteriorCheck(**f["exact_posterior"]) if f["exact_posterior"] else None,
            coefficients=table(f["coefficients"]),
            original=table(f["original_scale"]),
            notes=f["notes"],
            timings=f.get("timings", {}),
            identity=profile,
            objective_identity=RandomPoints(**random) if random else None,
            scale_choices=[ScaleChoice(**c) for c in f.get("scale_choices", [])],
            shrinkage=Shrinkage(**f["shrinkage"]) if f.get("shrinkage") else None,
            bootstrap=boot,
        ))
    settings = Settings(**summary["settings"])
    return Comparison(info, settings, fits, None if ols is None else Estimate(np.asarray(ols["coef"], dtype=float), ols["intercept"], {}))
