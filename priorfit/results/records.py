"""The records of a comparison: what was fitted, each prior's hyperparameters, noise, penalized
twin, mode, posterior and checks, typed, built by keyword, and read by the CLI, the reports,
the files on disk and notebooks alike.

Each field says beside itself where it is kept in summary.json when that is not under its own
name, or how its value is written and read back (:mod:`priorfit.results.schema`): ``to_dict``
and ``load`` are both generated from these declarations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import pandas as pd

from priorfit.diagnostics.closed_form import ExactPosteriorCheck
from priorfit.diagnostics.identity import Profile, RandomPoints
from priorfit.diagnostics.predictive import PredictiveCheck
from priorfit.diagnostics.sensitivity import Sensitivity
from priorfit.diagnostics.shrinkage import Shrinkage
from priorfit.inference.mode import ModeResult
from priorfit.inference.sampling import Diagnostics
from priorfit.models import priors
from priorfit.models.likelihoods import PluginDispersion
from priorfit.models.priors import Prior
from priorfit.penalized.bootstrap import Bootstrap
from priorfit.penalized.fits import GridChoice, PenalizedFit
from priorfit.results import tables
from priorfit.results.holdout import Holdout
from priorfit.results.schema import dump, stored

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
    dropped: int = 0  # rows dropped for a missing value (--missing drop)
    formula_spec: dict | None = None  # a formula's saved model spec: it builds the columns of new rows


@dataclass(frozen=True)
class Hyperparameters:
    """A prior's hyperparameters and where they came from.

    ``alpha`` is the nominal penalty in the twin's scikit-learn units (None for a prior without
    a twin), converted with ``dispersion``: the fixed sigma, or the plug-in one (``plugin``).
    """

    source: str
    scale: float | None
    alpha: float | None = None
    hyperparameter: str = "alpha"  # the twin's name of its penalty value: alpha, or C for LogisticRegression
    conversion: str | None = None
    dispersion: float | None = field(default=None, metadata=stored("sigma_for_conversion"))
    plugin: PluginDispersion | None = field(default=None, metadata=stored("sigma_plugin"))
    grid: GridChoice | None = None  # where a cross-validated value lies in its grid (None: not cross-validated)


@dataclass(frozen=True)
class Noise:
    """The likelihood's dispersion as fitted: fixed, estimated (MAP value), or none."""

    mode: Literal["fixed", "estimated", "none"]
    value: float | None = None
    prior: str | None = None
    posterior_mean: float | None = None


@dataclass(frozen=True)
class Estimated:
    """One of the likelihood's own parameters besides its dispersion, estimated (Student-t's nu):
    its prior, its value at the mode and its posterior mean and HDI."""

    name: str
    prior: str
    value: float | None = None  # at the mode (None without one)
    posterior_mean: float | None = None
    hdi_low: float | None = None
    hdi_high: float | None = None


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


def working_dispersion(penalty: TwinPenalty | None, hyper) -> float | None:
    """The noise sd a fit's prior predictive check, its shrinkage measures and the prior drawn on
    its density plot are taken at: the twin's (fixed, MAP or plug-in sigma), else the plug-in one,
    else 1 (a family without a dispersion)."""
    return penalty.dispersion if penalty is not None else (hyper.dispersion or 1.0)


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

    def sentence(self, prior: Prior, estimator: str) -> str:
        """The check for people (``estimator``: the twin's)."""
        differ = f"{prior.name}: MAP and {estimator} differ by {self.max_rel_diff:.2e} relative"
        tolerance = f"(tolerance {self.tolerance:g}, what the {estimator} solver reaches)"
        if self.identified:
            return f"{differ} {tolerance}"
        # a prior with an L1 share of its own adds the quadratic part by lowering it
        fix = ("an elastic-net prior with l1_ratio < 1 identifies them" if "l1_ratio" in prior.options
               else "a prior with a quadratic part identifies them (--prior elasticnet with l1_ratio < 1, or normal)")
        if self.max_rel_diff <= self.tolerance:
            return (f"{differ} {tolerance}; the {self.active} active columns have rank {self.active_rank}, so the "
                    f"coefficients of {', '.join(self.unidentified)} are not identified (any split among collinear "
                    f"columns is optimal, and another solver may return another); {fix}")
        return (f"{differ} in the coefficients {tolerance}, but both are optima: the same objective (relative difference "
                f"{self.objective_rel_diff:.1e}) and fitted values ({self.fitted_rel_diff:.1e} relative), and the "
                f"{self.active} active columns have rank {self.active_rank}; the coefficients of "
                f"{', '.join(self.unidentified)} are not identified (any split among collinear columns is optimal); {fix}")


def _prior_block(prior: Prior) -> dict:
    return {"family": prior.name, "params": prior.params()}


def _tree(_, context):
    return context.tree


@dataclass(kw_only=True)
class Fit:
    """One prior's results: hyperparameters, penalized twin, mode, posterior and checks.

    Built by keyword; the fields are in the order of their blocks in summary.json. The arrays
    (posterior draws, point estimates, profile, bootstrap replicates) are kept in ``tree`` and
    read back from it; the JSON keeps what describes them."""

    prior: Prior = field(metadata=stored(dump=_prior_block, load=lambda block, _: priors.get(block["family"]).restore(block["params"])))
    hyper: Hyperparameters = field(metadata=stored("prior.hyperparameters"))
    likelihood: str = field(metadata=stored("likelihood.family"))
    noise: Noise = field(metadata=stored("likelihood.sigma"))
    estimated: list[Estimated] = field(default_factory=list, metadata=stored("likelihood.estimated"))  # Student-t's nu
    penalized: PenalizedFit = field(metadata=stored(dump=tables.penalized_block,
                                                    load=lambda block, c: tables.read_penalized(c.tree, block)))
    penalty: TwinPenalty | None = field(metadata=stored("penalized.penalty"))
    mode: ModeResult = field(metadata=stored("map", dump=tables.mode_block, load=lambda block, c: tables.read_mode(c.tree, block)))
    # xarray.DataTree: posterior, sample_stats, map, find_map, optimizer_result, penalized, identity, prior, bootstrap,
    # posterior_predictive, prior_predictive, observed_data, log_prior, conformal, holdout, dial
    tree: object = field(metadata=stored(saved=False, load=_tree))
    agreement: Agreement | None
    diagnostics: Diagnostics  # older files: no treedepth_hits (0)
    exact_posterior: ExactPosteriorCheck | None
    # identity.Profile: -log p and k * J along one coefficient
    identity: Profile | None = field(default=None, metadata=stored(dump=tables.profile_block,
                                                                   load=lambda _, c: tables.read_profile(c.tree)))
    # identity.RandomPoints: -log p - k J at random points
    objective_identity: RandomPoints | None = field(default=None, metadata=stored("identity.random_points"))
    scale_choices: list[ScaleChoice] = field(default_factory=list)  # CV vs empirical Bayes vs full Bayes
    shrinkage: Shrinkage | None = None  # effective parameters, m_eff, LOO vs CV
    # posterior and prior predictive p-values of the mean and sd of y (draws: posterior_predictive, prior_predictive)
    predictive: PredictiveCheck | None = None
    sensitivity: Sensitivity | None = None  # power-scaling sensitivity per coefficient (arviz-stats psense)
    # of the penalized estimate (--bootstrap B), or None
    bootstrap: Bootstrap | None = field(default=None, metadata=stored(
        dump=lambda b: None if b is None else b.to_dict(), load=lambda block, c: tables.read_bootstrap(c.tree, block, c.prior)))
    holdout: Holdout | None = None  # scores on held-out rows (--holdout, --test); the rows in tree["holdout"]
    coefficients: pd.DataFrame = field(metadata=stored(dump=tables.table_records, load=lambda rows, _: tables.table_from_records(rows)))
    original: pd.DataFrame | None = field(metadata=stored(
        "original_scale", dump=tables.table_records, load=lambda rows, _: tables.table_from_records(rows)))
    notes: list[str] = field(default_factory=list)
    timings: dict = field(default_factory=dict)
    # arviz-stats' pointwise PSIS-LOO result, for the comparison across priors; not saved (None when loaded)
    elpd: object = field(default=None, repr=False, metadata=stored(saved=False))
    # the likelihood's own settings (student_t's nu, quantile's Q): saved once, in the comparison's settings block
    likelihood_options: dict = field(default_factory=dict, metadata=stored(saved=False))

    @property
    def family(self):
        """The likelihood family of this fit, constructed with its settings."""
        from priorfit.models import likelihoods

        return likelihoods.get(self.likelihood, **self.likelihood_options)

    @property
    def posterior_family(self):
        """:attr:`family` with its own estimated parameters (Student-t's ``nu``) at the posterior
        draws, flattened over chains as :func:`priorfit.results.predictions.draws` flattens sigma."""
        family = self.family
        posterior = self.tree["posterior"]
        return family.at_draws({name: posterior[name].values.ravel() for name in family.estimated()})

    @property
    def dispersion(self) -> float | None:
        """The noise sd the prior predictive check and the prior drawn on the density plot are taken
        at (:func:`working_dispersion`)."""
        return working_dispersion(self.penalty, self.hyper)

    @property
    def idata(self):
        """The ``xarray.DataTree`` of this fit (the name ArviZ users look for)."""
        return self.tree

    def twin_label(self, *, shown: bool = False) -> str:
        """The penalized side for people: the exact twin's estimator, or the nearest estimators,
        said to be no twin (``shown``: only the first, whose estimate the tables and plots show)."""
        pen = self.penalized
        if pen.exact:
            return pen.estimator
        return f"{pen.estimator if shown else ', '.join(pen.estimates)} (nearest, not exact)"

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
            results.append((a.holds, a.sentence(self.prior, self.penalized.estimator)))
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
        """This fit's block of summary.json (NumPy values; ``Comparison.to_json`` makes them plain)."""
        return dump(self)
