"""Every user-facing setting of a comparison, declared once.

Each field of :class:`Settings` carries its default, its parser (which raises
:class:`InputError` with one sentence naming the value and what is allowed) and its help text.
From these fields come the validation of :func:`priorfit.compare`'s keywords, its signature
and docstring, the CLI flags of ``priorfit compare``, and the keys of a TOML declaration.
Parsers are idempotent, so a parsed ``Settings`` can be rebuilt from its own values.
"""

from __future__ import annotations

from dataclasses import MISSING, asdict, dataclass, field, fields, replace
from typing import Any

from priorfit.errors import InputError
from priorfit.validation import (boolean, bridge_exponent, integer, loo_choice, minutes, missing_rows, nu_or_estimate, positive,
                                 prior_location, probability, quantile_level, relevance_threshold, sigma_or_estimate,
                                 test_rows)

SAMPLERS = ("nutpie", "pymc", "numpyro")
DEFAULT_PRIORS = ("normal", "laplace", "regularized_horseshoe")


def _priors(value) -> tuple[str, ...]:
    from priorfit.models.priors import Prior, get

    allowed = ", ".join(Prior.registry)
    if isinstance(value, str):
        names = value.split(",")
    elif isinstance(value, (list, tuple)):
        names = list(value)
    else:
        raise InputError(f"Prior {value!r} is not allowed; name one or more of: {allowed}.")
    names = tuple(str(n).strip().lower() for n in names)
    if not names or any(not n for n in names):
        raise InputError(f"Prior list {value!r} is empty; name one or more of: {allowed}.")
    for name in names:
        get(name)
    if len(set(names)) != len(names):
        raise InputError(f"Prior list {value!r} names a prior twice; name each once.")
    return names


def _registered(kind: str) -> list[str]:
    """The names in the registry of ``kind`` (``priors`` or ``likelihoods``), in its order."""
    if kind == "priors":
        from priorfit.models.priors import Prior

        return list(Prior.registry)
    from priorfit.models.likelihoods import Likelihood

    return list(Likelihood.registry)


def _dispersed() -> str:
    """The likelihood families with a noise sd (``has_dispersion``), for a sentence."""
    from priorfit.models.likelihoods import Likelihood

    return _or([name for name, cls in Likelihood.registry.items() if cls.has_dispersion])


def _or(names: list[str]) -> str:
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} or {names[-1]}"


def _likelihood(value) -> str:
    from priorfit.models.likelihoods import get

    return get(str(value).strip().lower()).name


def _per_prior(what: str, *, hyper: bool = False):
    """A number, or one per prior: ``{"normal": 2, "laplace": 0.1}`` or ``"normal=2,laplace=0.1"``.
    With ``hyper``, a value may also be a hyperprior, ``hyper:halfcauchy:S``."""

    def number_or_hyperprior(number, what):
        from priorfit.models.priors import Hyperprior, hyperprior

        if hyper and (isinstance(number, Hyperprior) or str(number).strip().startswith("hyper:")):
            return hyperprior(number) if not isinstance(number, Hyperprior) else number
        return positive(number, what)

    def parse(value):
        if value is None:
            return None
        if isinstance(value, str) and "=" in value:
            pairs = {}
            for item in value.split(","):
                name, eq, number = item.partition("=")
                name = name.strip().lower()
                if not eq or not name:
                    raise InputError(f"{what} {value!r} is not understood; give a number, or PRIOR=NUMBER pairs separated by commas.")
                if name in pairs:
                    raise InputError(f"{what} {value!r} names the {name} prior twice; give each prior once.")
                pairs[name] = number.strip()
            value = pairs
        if isinstance(value, dict):
            out = {}
            for name, number in value.items():
                key = str(name).strip().lower()
                if key in out:
                    raise InputError(f"{what} {value!r} names the {key} prior twice; give each prior once.")
                out[key] = number_or_hyperprior(number, f"{what} for the {key} prior")
            return out
        return number_or_hyperprior(value, what)

    return parse


def _sigma_prior(value):
    from priorfit.models.likelihoods import SigmaPrior, sigma_prior

    return value if value is None or isinstance(value, SigmaPrior) else sigma_prior(value)


def _parser(module: str, name: str):
    """The parser ``name`` of ``module``, imported only when a value is parsed (the models and formulaic stay out)."""

    def parse(value):
        import importlib

        return getattr(importlib.import_module(module), name)(value)

    return parse


_weights = _parser("priorfit.models.priors.laplace", "penalty_weights")
_formula = _parser("priorfit.data.formulas", "parse_formula")
_groups = _parser("priorfit.models.priors.group_laplace", "parse_groups")
_precision = _parser("priorfit.models.priors.mvnormal", "parse_precision")


def _text(value) -> str:
    """A setting's value for a sentence: numbers as %g, anything else (a hyperprior) as itself."""
    return f"{value:g}" if isinstance(value, (int, float)) else str(value)


def _and(names) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    names = list(names)
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _sampler(value) -> str:
    if value not in SAMPLERS:
        raise InputError(f"Sampler {value!r} is not allowed; use one of: {', '.join(SAMPLERS)}.")
    if value == "numpyro":
        from priorfit.inference.numpyro_adapter import check_installed

        check_installed()
    return value


def _optional(parse):
    return lambda value: None if value is None else parse(value)


def option(default, parse, help, *, metavar: str | None = None, flag: str | None = None):
    """A dataclass field that is also a user-facing setting (CLI flag, TOML key, API keyword).
    ``help`` is its text, or a function that writes it from a registry when it is asked for
    (:func:`options`), so that importing the schema imports no registry."""
    return field(default=default, metadata={"parse": parse, "help": help, "metavar": metavar, "flag": flag})


@dataclass(frozen=True)
class Settings:
    """A validated comparison request; construct it with user values, it parses them itself."""

    prior: tuple[str, ...] | str = option(
        DEFAULT_PRIORS, _priors, lambda: f"priors to fit, comma-separated: {', '.join(_registered('priors'))}", metavar="P[,P...]")
    likelihood: str = option(
        "gaussian", _likelihood, lambda: f"likelihood family: {_or(_registered('likelihoods'))}", metavar="NAME")
    alpha: float | dict | None = option(
        None, _per_prior("alpha"),
        "penalty strength in the twin's scikit-learn units; a number with one prior, else PRIOR=A,... "
        "(ridge and lasso alphas are different units); default: cross-validation",
        metavar="A|PRIOR=A,...")
    C: float | dict | None = option(
        None, _per_prior("C"),
        "inverse penalty strength of LogisticRegression twins (bernoulli), instead of alpha; a number with one prior, "
        "else PRIOR=C,...", metavar="C|PRIOR=C,...", flag="--C")
    scale: float | dict | None = option(
        None, _per_prior("scale", hyper=True),
        "prior scale (tau, b, the elastic net's s, or the horseshoe's global scale); a number with one prior, else PRIOR=S,...; "
        "hyper:halfcauchy:S or hyper:halfnormal:S makes a normal/laplace/elasticnet/bridge/mvnormal scale random (hierarchical)",
        metavar="S|PRIOR=S,...")
    p0: float | None = option(
        None, _optional(lambda v: positive(v, "p0")),
        "regularized horseshoe: expected number of nonzero coefficients, sets tau0 = p0/(p-p0) sigma/sqrt(n) (default p/4)",
        metavar="P0")
    slab_scale: float | None = option(
        None, _optional(lambda v: positive(v, "slab_scale")),
        "regularized horseshoe: slab scale (default: 2 sd(y) for the gaussian, 2 for GLMs)", metavar="S")
    slab_df: float = option(4.0, lambda v: positive(v, "slab_df"), "regularized horseshoe: slab degrees of freedom", metavar="NU")
    scale_by_sigma: bool = option(
        False, lambda v: boolean(v, "scale_by_sigma"),
        "multiply the normal/laplace/elasticnet/bridge/mvnormal prior scale by sigma, as Park & Casella's Bayesian lasso (b = sigma / lambda)")
    r2_mean: float = option(0.5, lambda v: probability(v, "r2_mean"), "r2d2: prior mean of R^2", metavar="M")
    r2_precision: float = option(2.0, lambda v: positive(v, "r2_precision"), "r2d2: prior precision of R^2 (Beta(m k, (1-m) k))",
                                 metavar="K")
    r2d2_concentration: float = option(
        0.5, lambda v: positive(v, "r2d2_concentration"), "r2d2: Dirichlet concentration of the variance split", metavar="C")
    l1_ratio: float = option(
        0.5, lambda v: probability(v, "l1_ratio"), "the elastic net's L1 share r, as scikit-learn's l1_ratio", metavar="R")
    bridge_q: float = option(
        1.5, bridge_exponent, "the bridge prior's exponent q (0 < q <= 2): the L_q penalty alpha sum |w_j - mu|^q",
        metavar="Q")
    weights: tuple | None = option(
        None, _weights, "laplace: a weight v_j per feature (comma-separated), the weighted (adaptive) lasso alpha sum v_j "
        "|w_j - mu_j|: the prior scale of coefficient j is b / v_j", metavar="V1,V2,...")
    formula: str | None = option(
        None, _formula, "a Wilkinson formula for the design, as y ~ x1 + C(site) + x1:arm (formulaic's model matrix; its "
        "left side is the target, its intercept the model's, - 1 removes it)", metavar="FORMULA")
    missing: str = option(
        "refuse", missing_rows, "a row with a missing value in a column the fit uses: refuse (one sentence names the column and "
        "row) or drop (the incomplete rows are dropped, and their number reported)", metavar="refuse|drop")
    groups: Any = option(
        None, _groups, "group_laplace: the groups of features that partition them, names joined by + within a group and , "
        "between groups (lists of names or column numbers in Python and TOML): the group lasso alpha sum_g sqrt(|g|) "
        "||w_g - mu_g||", metavar="F1+F2,F3,...")
    precision: Any = option(
        None, _precision, "mvnormal: the prior precision Q of w ~ N(mu, tau^2 Q^-1): rw1 or rw2 (first- or second-difference "
        "penalty D'D over the features in order), or a .csv (no header) or .npy file of the p x p matrix (an array in Python)",
        metavar="FILE|rw1|rw2")
    mu: float | tuple = option(
        0.0, prior_location, "prior location: the penalty is on w - mu; one number (CLI), or one per feature (API, TOML)", metavar="M")
    sigma: float | str | None = option(
        "estimate", sigma_or_estimate, "Gaussian noise sd: a number fixes it (the exact identity), 'estimate' samples it", metavar="VALUE|estimate")
    nu: float | str | None = option(
        None, _optional(nu_or_estimate), "student_t: the degrees of freedom nu, fixed (a number > 0) or 'estimate' (under a Gamma prior)",
        metavar="NU|estimate")
    quantile: float | None = option(
        None, _optional(quantile_level), "quantile: the quantile Q that the asymmetric Laplace likelihood models (0 < Q < 1)", metavar="Q")
    sigma_prior: Any = option(
        None, _sigma_prior, "prior of an estimated sigma: jeffreys (default), halfnormal:S or halfcauchy:S", metavar="PRIOR")
    standardize: bool = option(True, lambda v: boolean(v, "standardize"), "standardize the columns of X")
    intercept: bool = option(True, lambda v: boolean(v, "intercept"), "fit an unpenalized intercept (both sides alike)")
    sampler: str = option("nutpie", _sampler, "NUTS implementation: nutpie, pymc or numpyro (JAX: pip install 'priorfit[jax]')", metavar="NAME")
    draws: int = option(1000, lambda v: integer(v, "draws", 1), "draws per chain", metavar="N")
    tune: int = option(1000, lambda v: integer(v, "tune", 1), "tuning steps per chain", metavar="N")  # nutpie needs >= 1
    chains: int = option(4, lambda v: integer(v, "chains", 1, 64), "chains", metavar="N")
    seed: int = option(0, lambda v: integer(v, "seed", 0, 2**32 - 1), "random seed", metavar="N")
    time_limit: float = option(
        10.0, lambda v: minutes(v, "time_limit"), "refuse, before fitting, a run whose NUTS stage alone is estimated to take "
        "longer than this many minutes (0: no limit)", metavar="MINUTES")
    target_accept: float | None = option(
        None, _optional(lambda v: probability(v, "target_accept")), "NUTS target acceptance (default per prior: 0.8; regularized horseshoe 0.99; horseshoe 0.999)", metavar="P")
    loo: str = option(
        "auto", loo_choice, "PSIS-LOO from the rows (and with it the priors compared by LOO and power-scaling sensitivity): "
        "auto (when rows x draws <= 2e7 and rows <= 20,000), yes or no", metavar="auto|yes|no")
    hdi_prob: float = option(0.94, lambda v: probability(v, "hdi_prob"), "credible interval mass", metavar="P")
    bootstrap: int = option(
        0, lambda v: integer(v, "bootstrap", 0, 100_000),
        "percentile bootstrap replicates of the penalized estimate (0: off); they are confidence intervals, "
        "not credible intervals", metavar="B")
    explorer_rows: bool = option(
        False, lambda v: boolean(v, "explorer_rows"), "give the explorer's rows slider every prior with a dial: NUTS on each "
        "of 7 nested subsamples of the rows at the fitted alpha, reweighted along the dial (the Normal prior with the Gaussian "
        "likelihood has its closed form without it)")
    whiten: bool = option(True, lambda v: boolean(v, "whiten"), "sample Normal/Laplace coefficients whitened by the Gram matrix (a kinked prior on wide data: not)")
    relevance: float | None = option(
        None, relevance_threshold,
        "evidence for large coefficients: add P(|w - mu| > C) per coefficient, C in the units of each table "
        "(model scale, and the original scale of X); default: off", metavar="C")
    holdout: float | None = option(
        None, _optional(lambda v: probability(v, "holdout")),
        "held-out evaluation: fit on the other rows and score the intervals, log predictive density and error on a seeded "
        "FRACTION of the rows (default: off)", metavar="FRACTION")
    test: str | None = option(
        None, _optional(test_rows),
        "held-out evaluation on the rows of DATA (a CSV/Parquet file or a data set by name, with the training columns), "
        "instead of --holdout", metavar="DATA")

    def __post_init__(self):
        for f in fields(self):
            object.__setattr__(self, f.name, f.metadata["parse"](getattr(self, f.name)))
        self._check()

    @property
    def likelihood_options(self) -> dict:
        """The likelihood family's own settings (each family takes those in its ``options``)."""
        return {"nu": self.nu, "quantile": self.quantile}

    def family(self):
        """The likelihood family, constructed with its settings (``nu``, ``quantile``)."""
        from priorfit.models import likelihoods

        return likelihoods.get(self.likelihood, **self.likelihood_options)

    def _check(self) -> None:
        """Constraints between settings."""
        from priorfit.models.likelihoods import Jeffreys
        from priorfit.penalized import twins

        from priorfit.models.likelihoods import check_options

        from priorfit.models.priors import get as get_prior

        family = check_options(self.likelihood, self.likelihood_options)
        for name in self.prior:
            get_prior(name).check_settings(self)
        for name in self.prior:
            if twins.twin(name, self.likelihood, self) is None:
                twins.nearest(name, self.likelihood)  # raises for a pair priorfit does not know
        alpha, C = self._per_prior("alpha", twin_only=True), self._per_prior("C", twin_only=True)
        scale = self._per_prior("scale", twin_only=False)
        for given, values in (("alpha", alpha), ("C", C)):
            for name in values or {}:
                takes = twins.twin(name, self.likelihood, self).hyperparameter
                if takes != given:
                    raise InputError(
                        f"{given} is given for the {name} prior, but its {self.likelihood} twin "
                        f"{twins.twin(name, self.likelihood, self).estimator} takes {takes}; give {takes} instead."
                    )
        for name in sorted(set(alpha or {}) | set(C or {})):
            if name in (scale or {}):
                given = f"alpha={alpha[name]:g}" if name in (alpha or {}) else f"C={C[name]:g}"
                raise InputError(
                    f"Both {given} and scale={_text(scale[name])} were given for the {name} prior; "
                    "give one of them, or neither for the cross-validated default."
                )
        object.__setattr__(self, "alpha", alpha)
        object.__setattr__(self, "C", C)
        object.__setattr__(self, "scale", scale)
        from priorfit.models.priors import Hyperprior, Prior

        for name, value in (scale or {}).items():
            if isinstance(value, Hyperprior) and not get_prior(name).scales_with_sigma:
                takers = [cls.name for cls in Prior.registry.values() if cls.scales_with_sigma]
                raise InputError(
                    f"A hyperprior ({value}) applies to the {_and(takers)} scales; the {name} prior "
                    "has its own hierarchy (give its global scale as a number to fix it)."
                )
        self._check_unused(scale)
        if any(m != 0 for m in (self.mu if isinstance(self.mu, tuple) else (self.mu,))) and not family.has_dispersion:
            raise InputError(
                f"The prior location mu {self.mu_text()} is not allowed with the {self.likelihood} likelihood: its scikit-learn "
                "twins take no offset, so the penalty cannot be on w - mu; use mu = 0."
            )
        if not family.has_dispersion and (self.sigma is not None or self.sigma_prior is not None):
            raise InputError(f"sigma applies to the {_dispersed()} likelihood only; the {self.likelihood} likelihood has no noise sd.")
        if self.scale_by_sigma and not family.has_dispersion:
            raise InputError(f"scale_by_sigma applies to the {_dispersed()} likelihood only; the {self.likelihood} likelihood has no sigma.")
        if self.sigma is not None and self.sigma_prior is not None:
            raise InputError(f"A sigma prior ({str(self.sigma_prior)!r}) applies only when sigma is estimated; sigma is fixed at {self.sigma:g}.")
        if self.holdout is not None and self.test is not None:
            raise InputError(f"holdout {self.holdout:g} and test {self.test!r} were both given; hold out a fraction of the rows "
                             "or give a file of held-out rows, not both.")
        if family.has_dispersion and self.sigma is None and self.sigma_prior is None:
            object.__setattr__(self, "sigma_prior", Jeffreys())

    def _check_unused(self, scale: dict | None) -> None:
        """A setting that no fitted prior uses is refused, never ignored. A setting at its default
        is not a request, so only values other than the default are checked."""
        from priorfit.models.priors import Prior
        from priorfit.models.priors import get as get_prior

        for name, value in (scale or {}).items():
            cls = get_prior(name)
            if not cls.takes_scale:
                raise InputError(f"The {name} prior takes no scale; set {_and(cls.options)} instead.")
        fitted = [get_prior(name) for name in self.prior]
        defaults = {f.name: f.default for f in fields(self)}
        owners: dict[str, list[str]] = {}
        for cls in Prior.registry.values():
            for option in cls.options:
                owners.setdefault(option, []).append(cls.name)
        for option, names in owners.items():
            value = getattr(self, option)
            if value != defaults[option] and not any(option in cls.options for cls in fitted):
                raise InputError(
                    f"{option} {_text(value)} applies to the {_and(names)} prior, which is not being fitted; "
                    f"fitted are: {', '.join(self.prior)}."
                )
        if self.scale_by_sigma and not any(cls.scales_with_sigma for cls in fitted):
            takers = [cls.name for cls in Prior.registry.values() if cls.scales_with_sigma]
            raise InputError(
                f"scale_by_sigma applies to the {_and(takers)} priors, none of which is being fitted; "
                f"fitted are: {', '.join(self.prior)}."
            )

    def _per_prior(self, name: str, *, twin_only: bool) -> dict | None:
        """``alpha`` or ``scale`` as one value per prior; a bare number must be unambiguous."""
        from priorfit.penalized import twins

        value = getattr(self, name)
        if value is None:
            return None
        eligible = [p for p in self.prior if not twin_only or twins.twin(p, self.likelihood, self)]
        if not isinstance(value, dict):
            if len(eligible) != 1:
                if not eligible:
                    raise InputError(f"{name} does not apply to the {' and '.join(self.prior)} prior: it has no penalized twin; give its scale instead.")
                pairs = ",".join(f"{p}=..." for p in eligible)
                raise InputError(
                    f"{name} {_text(value)} is ambiguous: the priors {', '.join(eligible)} each have their own {name} units; "
                    f"give one per prior, as {pairs} (a dict in Python)."
                )
            return {eligible[0]: value}
        for prior in value:
            if prior not in self.prior:
                raise InputError(f"{name} is given for the {prior} prior, which is not being fitted; fitted are: {', '.join(self.prior)}.")
            if prior not in eligible:
                raise InputError(f"{name} does not apply to the {prior} prior: it has no penalized twin; give its scale instead.")
        return dict(value)

    def for_features(self, features) -> Settings:
        """The settings with the groups (given by feature name or column number) resolved against the
        data's ``features`` as column numbers, checked to partition them; the same settings without groups."""
        if self.groups is None or self.groups.names is not None:
            return self
        return replace(self, groups=self.groups.resolved(features))

    def mu_text(self) -> str:
        return f"{self.mu:g}" if isinstance(self.mu, float) else "(" + ", ".join(f"{m:g}" for m in self.mu) + ")"

    def penalty(self, prior: str) -> float | None:
        """The twin's penalty value the user gave for ``prior`` (alpha or C), or None."""
        return (self.alpha or {}).get(prior, (self.C or {}).get(prior))

    def as_dict(self) -> dict:
        """The settings as plain JSON values."""
        out = asdict(self)
        out["prior"] = list(self.prior)
        out["mu"] = self.mu if isinstance(self.mu, float) else list(self.mu)
        if isinstance(self.scale, dict):
            out["scale"] = {k: v if isinstance(v, float) else str(v) for k, v in self.scale.items()}
        out["sigma"] = "estimate" if self.sigma is None else self.sigma
        out["sigma_prior"] = None if self.sigma_prior is None else str(self.sigma_prior)
        out["precision"] = None if self.precision is None else self.precision.as_json()
        out["weights"] = None if self.weights is None else list(self.weights)
        out["groups"] = None if self.groups is None else self.groups.as_json()
        return out


def options():
    """The user-facing settings: ``(name, default, help, metavar, flag)`` per field, in order."""
    for f in fields(Settings):
        default = None if f.default is MISSING else f.default
        help_text = f.metadata["help"]
        yield f.name, default, help_text() if callable(help_text) else help_text, f.metadata["metavar"], f.metadata["flag"]


def from_user(values: dict) -> Settings:
    """``Settings`` from keyword values, with an InputError for an unknown name."""
    known = {f.name for f in fields(Settings)}
    unknown = sorted(set(values) - known)
    if unknown:
        raise InputError(f"Unknown setting {unknown[0]!r}; allowed are: {', '.join(sorted(known, key=str.lower))}.")
    return Settings(**values)
