"""The prior registry: densities on the coefficient vector, and nothing about penalties.

Each prior is one class, registered by ``name``: how it builds ``coef`` inside a PyMC model,
whether it has a meaningful mode, its Gaussian-equivalent precision (to whiten sampling) and,
for kinked priors, the weight of ``|w - mu|`` in its negative log density (for the polish's
L1 certificate). Which penalized estimator a prior's mode equals, and how its scale converts
to that estimator's alpha, depends on the likelihood too: see :mod:`priorfit.penalized.twins`.
PyMC is imported inside methods only, so that listing the priors stays instant.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from priorfit.errors import InputError
from priorfit.validation import positive, probability


@dataclass(frozen=True)
class Hyperprior:
    """A prior on a prior's scale (``hyper:halfcauchy:S`` or ``hyper:halfnormal:S``): the global
    scale tau or b is then a random variable, ``global_scale``, instead of a fixed number."""

    family: str
    scale: float
    FAMILIES: ClassVar[tuple[str, ...]] = ("halfcauchy", "halfnormal")

    def __str__(self) -> str:
        return f"hyper:{self.family}:{self.scale:g}"

    def build(self, name: str):
        import pymc as pm

        if self.family == "halfcauchy":
            return pm.HalfCauchy(name, beta=self.scale)
        return pm.HalfNormal(name, sigma=self.scale)


def hyperprior(text) -> Hyperprior:
    """Parse ``hyper:halfcauchy:S`` or ``hyper:halfnormal:S`` (S > 0)."""
    head, _, rest = str(text).strip().partition(":")
    family, _, scale = rest.partition(":")
    if head != "hyper" or family not in Hyperprior.FAMILIES or not scale:
        raise InputError(f"Scale {text!r} is not understood; give a positive number, or hyper:halfcauchy:S or hyper:halfnormal:S.")
    return Hyperprior(family, positive(scale, f"The {family} hyperprior scale"))


class Prior:
    """A prior on the coefficient vector, located at ``mu`` with scale ``scale``.

    Subclasses register themselves by ``name``; adding a prior is one class (plus its rows in
    :mod:`priorfit.penalized.twins`).
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    has_mode: ClassVar[bool] = True
    target_accept: ClassVar[float] = 0.8
    whitened: ClassVar[bool] = True  # the coefficient vector can be sampled in whitened form
    scales: ClassVar[tuple[str, ...]] = ()  # random scale parameters of a hierarchical prior
    options: ClassVar[tuple[str, ...]] = ()  # settings the prior takes besides scale and mu
    scales_with_sigma: ClassVar[bool] = False  # can be sigma-scaled (--scale-by-sigma)
    takes_scale: ClassVar[bool] = True  # a scale setting means something to it (refused otherwise)

    registry: ClassVar[dict[str, type[Prior]]] = {}

    def __init_subclass__(cls, register: bool = True, **kwargs):
        super().__init_subclass__(**kwargs)
        if register:  # a variant built for a measurement (benchmarks/) stays out of the registry
            Prior.registry[cls.name] = cls

    def __init__(self, scale: float | Hyperprior, mu=0.0):
        self.hyperprior = scale if isinstance(scale, Hyperprior) else None
        if self.hyperprior is not None:
            # hierarchical: the scale is random, so the joint density of w and the scale is
            # unbounded as both go to 0 (no meaningful mode), and there is no fixed precision
            self.scale, self.has_mode, self.whitened, self.scales = None, False, False, ("global_scale",)
        else:
            self.scale = positive(scale, f"The {self.name} prior scale")
        if not np.all(np.isfinite(np.asarray(mu, dtype=float))):
            raise InputError(f"The {self.name} prior location {mu!r} is not allowed; it must be finite.")
        self.mu = mu
        # Park & Casella (2008): the scale is multiplied by the noise sd sigma (b = sigma / lambda)
        self.by_sigma = False

    @classmethod
    def scale_follows_sigma(cls, settings) -> bool:
        """Whether the coefficients' prior scale is multiplied by the model's noise sd sigma."""
        return bool(settings.scale_by_sigma and cls.scales_with_sigma)

    def params(self) -> dict:
        mu = np.asarray(self.mu, dtype=float)
        params = {"scale": self.scale, "mu": mu.tolist() if mu.ndim else float(mu)}
        if self.hyperprior is not None:
            params["hyperprior"] = str(self.hyperprior)
        return params | ({"by_sigma": True} if self.by_sigma else {})

    @classmethod
    def from_params(cls, params: dict) -> Prior:
        """The prior that :meth:`params` describes (to read saved results)."""
        return cls(params["scale"], params["mu"])

    @classmethod
    def restore(cls, params: dict) -> Prior:
        if params.get("hyperprior"):
            params = params | {"scale": hyperprior(params["hyperprior"])}
        prior = cls.from_params(params)
        prior.by_sigma = bool(params.get("by_sigma", False))
        return prior

    def with_scale(self, scale: float) -> Prior:
        """The same prior with another scale (a point of a path)."""
        new = copy.copy(self)
        new.scale = positive(scale, f"The {self.name} prior scale")
        return new

    def effective_scale(self, sigma: float | None) -> float:
        """The scale in coefficient units: ``scale * sigma`` for a sigma-scaled prior."""
        return self.scale * sigma if self.by_sigma else self.scale

    def mu_vector(self, p: int) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.mu, dtype=float), (p,)).copy()

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray | None:
        """Exact prior draws of the coefficients (size x p) where PyMC cannot draw them (a density
        written as a Potential), given the effective scale of each draw (``scale``: a vector, or
        None for the fixed one); None: PyMC's prior predictive of the model draws them."""
        return None

    def precision(self) -> float:
        """Precision of a Gaussian with the prior's variance (to precondition sampling)."""
        raise NotImplementedError

    def l1_weight(self) -> float | None:
        """Weight of |w_j - mu_j| in the negative log density, for kinked priors."""
        return None

    def curvature(self, sigma: float | None) -> float:
        """Second derivative of the smooth part of -log p(w_j) (the penalty's curvature), at the
        noise sd ``sigma`` for a sigma-scaled prior; 0 where there is none or it is not fixed."""
        return 0.0

    def build(self, p: int, transform=None, sigma=None):
        """Create the coefficient vector ``coef`` inside the current PyMC model.

        ``transform`` is a PyMC transform of ``coef`` (the whitening), or None; ``sigma`` is the
        model's noise sd (a number, ``pm.Data`` or a random variable; None without one).
        """
        raise NotImplementedError

    def no_mode_reason(self) -> str:
        if self.hyperprior is not None:
            return (f"the {self.name} prior's scale is random ({self.hyperprior}): the joint density of the coefficients "
                    "and their scale is unbounded as both go to 0")
        return f"the {self.name} density has a pole at its location, so the joint density is unbounded there"

    def _scale_in_model(self, sigma):
        import pymc as pm

        scale = self.hyperprior.build("global_scale") if self.hyperprior else pm.Data("prior_scale", self.scale)
        return scale * sigma if self.by_sigma else scale

    @classmethod
    def default(cls, settings, *, scale: float | None, sigma: float, effect_scale: float, design) -> tuple[Prior, str]:
        """Hyperparameters of a prior without a penalized twin: ``scale`` when given, else the
        prior's own default, measured in the noise scale ``sigma`` (the Gaussian noise sd, or a
        GLM's pseudo-sigma) and ``effect_scale`` (a large effect of one standardized feature);
        and their description."""
        if scale is None:
            raise InputError(f"The {cls.name} prior needs a scale with this likelihood; give --scale {cls.name}=S.")
        return create(cls.name, scale, settings), "scale"


class Normal(Prior):
    name = "normal"
    scales_with_sigma = True
    summary = "Gaussian prior w_j ~ Normal(mu, tau): ridge regression"

    def precision(self):
        return 1.0 / self.scale**2

    def curvature(self, sigma):
        return 0.0 if self.scale is None else 1.0 / self.effective_scale(sigma) ** 2

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        tau = self._scale_in_model(sigma)
        return pm.Normal("coef", mu=mu, sigma=tau, dims="feature", **_transform(transform))


class Laplace(Prior):
    name = "laplace"
    scales_with_sigma = True
    summary = "Laplace prior w_j ~ Laplace(mu, b): the lasso"

    def precision(self):
        return 1.0 / (2.0 * self.scale**2)

    def l1_weight(self):
        return None if self.scale is None else 1.0 / self.scale

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        b = self._scale_in_model(sigma)
        return pm.Laplace("coef", mu=mu, b=b, dims="feature", **_transform(transform))


class ElasticNet(Prior):
    """Normal x Laplace product prior: ``-log p(w_j) = (r |w_j - mu| + (1 - r) (w_j - mu)^2 / 2) / s``.

    ``s`` is the scale and ``r`` the L1 share (``l1_ratio``): the Laplace factor has ``b = s / r``
    and the Normal factor ``tau^2 = s / (1 - r)``. With ``r = 1`` it is the Laplace prior of scale
    ``s``, with ``r = 0`` the Normal prior of variance ``s``. This is scikit-learn's elastic-net
    penalty divided by its strength, so ``r`` is the estimators' ``l1_ratio`` unchanged.
    """

    name = "elasticnet"
    scales_with_sigma = True
    options = ("l1_ratio",)
    summary = "elastic net: Normal x Laplace, -log p = (r|w - mu| + (1 - r)(w - mu)^2/2) / s"

    def __init__(self, scale: float, mu=0.0, *, l1_ratio: float = 0.5):
        super().__init__(scale, mu)
        self.l1_ratio = probability(l1_ratio, "l1_ratio")  # 0 and 1 are the normal and laplace priors

    def params(self):
        return super().params() | {"l1_ratio": self.l1_ratio}

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], l1_ratio=params["l1_ratio"])

    def precision(self):
        # the Normal factor's precision plus the Laplace factor's (1 / (2 b^2))
        r, s = self.l1_ratio, self.scale
        return (1.0 - r) / s + r**2 / (2.0 * s**2)

    def l1_weight(self):
        return None if self.scale is None else self.l1_ratio / self.scale

    def curvature(self, sigma):
        return 0.0 if self.scale is None else (1.0 - self.l1_ratio) / self.effective_scale(sigma)

    def build(self, p, transform=None, sigma=None):
        import pymc as pm
        import pytensor.tensor as pt

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        s = self._scale_in_model(sigma)
        r = pm.Data("prior_l1_ratio", self.l1_ratio)
        coef = pm.Flat("coef", dims="feature", initval=self.mu_vector(p), **_transform(transform))
        d = coef - mu
        # normalized: s is random under a hyperprior or when it is multiplied by an estimated sigma,
        # and then -p log Z(s, r) is part of the joint density (without it the posterior of a
        # HalfCauchy(10) scale under a flat likelihood had its median at 9e9 instead of 10)
        kernel = pt.sum(r * pt.abs(d) + (1.0 - r) * d**2 / 2.0) / s
        pm.Potential("coef_prior", -kernel - p * elasticnet_log_normalizer(s, r, pt))
        return coef

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray:
        """Exact draws (size x p). With ``d = w - mu`` the density is ``exp(-(r|d| + (1-r) d^2/2) / s)``:
        on each side of ``mu`` (equally likely) a normal of mean ``-r/(1-r)`` and variance
        ``s/(1-r)`` truncated to that side. ``scale`` is ``s`` for each draw (a vector of ``size``:
        a random scale, or a sigma-scaled one, drawn first; the coefficients are then drawn given
        it), or None for the fixed scale."""
        from scipy.stats import truncnorm

        r = self.l1_ratio  # 0 < r < 1
        s = np.full(size, self.scale, dtype=float) if scale is None else np.asarray(scale, dtype=float).reshape(size)
        if not np.all(np.isfinite(s) & (s > 0)):
            raise InputError("The elastic net's scale must be positive and finite for every draw.")
        mean, sd = -r / (1.0 - r), np.sqrt(s / (1.0 - r))[:, None]
        magnitude = truncnorm.rvs(-mean / sd, np.inf, loc=mean, scale=sd, size=(size, p), random_state=rng)
        return self.mu_vector(p) + rng.choice([-1.0, 1.0], (size, p)) * magnitude


def elasticnet_log_normalizer(s, r, xp=np):
    """``log Z(s, r)``, ``Z = integral of exp(-(r |d| + (1 - r) d^2 / 2) / s) dd``, for 0 < r < 1.

    Each half-line is a Gaussian integral: ``Z = sqrt(2 pi s / (1 - r)) erfcx(r / sqrt(2 s (1 - r)))``
    with ``erfcx(x) = exp(x^2) erfc(x)``, which stays finite where ``exp(x^2)`` and ``erfc(x)``
    alone would overflow and underflow (r -> 1 or s -> 0, where Z tends to the Laplace's ``2 s / r``).
    ``xp`` is ``numpy`` (with :mod:`scipy.special`'s erfcx) or ``pytensor.tensor``.
    """
    if xp is np:
        from scipy.special import erfcx
    else:
        erfcx = xp.erfcx
    return 0.5 * xp.log(2.0 * np.pi * s / (1.0 - r)) + xp.log(erfcx(r / xp.sqrt(2.0 * s * (1.0 - r))))


class Horseshoe(Prior):
    """Horseshoe, non-centred: ``w_j = mu_j + z_j lambda_j tau``, ``lambda_j ~ C+(0, 1)``.

    The global scale ``tau`` is fixed (``scale``) or, by default, ``tau ~ C+(0, global_prior_scale)``.
    """

    name = "horseshoe"
    summary = "horseshoe w_j ~ Normal(mu, lambda_j tau), lambda_j ~ C+(0,1); non-centred"
    has_mode = False
    # measured on diabetes over seeds 0-3 (4 x 1000 draws): 0.99 gave 27-144 divergences and
    # once R-hat 1.03; 0.999 gave 8-23 divergences, R-hat <= 1.005, at twice the sampling time
    target_accept = 0.999
    whitened = False
    scales = ("global_scale", "local_scale")

    def __init__(self, scale: float | None = None, mu=0.0, *, global_prior_scale: float = 1.0):
        super().__init__(global_prior_scale if scale is None else scale, mu)
        self.scale = None if scale is None else self.scale
        self.global_prior_scale = positive(global_prior_scale, "The horseshoe global prior scale")

    @classmethod
    def default(cls, settings, *, scale, sigma, effect_scale, design):
        """tau ~ C+(0, sigma), as Carvalho, Polson & Scott scale the horseshoe by the noise sd."""
        if scale is not None:
            return cls(scale, settings.mu), "scale"
        return cls(None, settings.mu, global_prior_scale=sigma), f"default: global scale ~ HalfCauchy(sigma) with sigma = {sigma:.6g}"

    def params(self):
        params = super().params()
        params["global_prior_scale"] = self.global_prior_scale
        if self.scale is None:
            params["global_scale"] = f"halfcauchy:{self.global_prior_scale:.6g}"
        return params

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], global_prior_scale=params["global_prior_scale"])

    def precision(self):
        return 0.0

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        if self.scale is None:
            tau = pm.HalfCauchy("global_scale", beta=pm.Data("prior_scale", self.global_prior_scale))
        else:
            tau = pm.Data("prior_scale", self.scale)
        local = pm.HalfCauchy("local_scale", beta=1.0, dims="feature")
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * local * tau, dims="feature")


class RegularizedHorseshoe(Prior):
    """Regularized horseshoe (Piironen & Vehtari 2017), non-centred.

    ``w_j = mu_j + z_j tau lambda~_j`` with ``z_j ~ N(0, 1)``, ``lambda_j ~ C+(0, 1)``,
    ``lambda~_j^2 = c^2 lambda_j^2 / (c^2 + tau^2 lambda_j^2)`` and the slab
    ``c^2 ~ Inv-Gamma(nu / 2, nu s^2 / 2)`` (slab scale ``s``, slab df ``nu``): small coefficients
    are shrunk as by the horseshoe, large ones as by a Student-t slab of scale ``s``, which
    removes the funnel that makes the plain horseshoe diverge. The global scale is
    ``tau ~ C+(0, tau0)`` with the paper's ``tau0 = p0 / (p - p0) * sigma / sqrt(n)`` from the
    expected number of nonzero coefficients ``p0`` (``sigma``: the fixed or plug-in noise sd, a
    number, where the paper's code multiplies tau by the sampled sigma: on diabetes the posteriors
    agree within Monte Carlo error, ``benchmarks/horseshoe_tau0.py``; or a GLM's pseudo-sigma), or
    fixed at ``scale``.
    """

    name = "regularized_horseshoe"
    summary = "regularized horseshoe (Piironen & Vehtari 2017): horseshoe with a slab; tau0 from p0; non-centred"
    has_mode = False
    target_accept = 0.99
    whitened = False
    scales = ("global_scale", "local_scale", "slab")
    options = ("p0", "slab_scale", "slab_df")

    def __init__(self, scale=None, mu=0.0, *, tau0: float = 1.0, p0: float | None = None, slab_scale: float = 1.0,
                 slab_df: float = 4.0):
        super().__init__(tau0 if scale is None else scale, mu)
        self.scale = None if scale is None else self.scale
        self.tau0 = positive(tau0, "The regularized horseshoe's tau0")
        self.p0 = None if p0 is None else positive(p0, "p0")
        self.slab_scale = positive(slab_scale, "The slab scale")
        self.slab_df = positive(slab_df, "The slab df")

    @classmethod
    def default(cls, settings, *, scale, sigma, effect_scale, design):
        p, n = design.p, design.n
        p0 = settings.p0 if settings.p0 is not None else max(1.0, p / 4)
        if not p0 < p:
            raise InputError(f"p0 {p0:g} is not allowed; the expected number of nonzero coefficients must be below p = {p}.")
        slab_scale = settings.slab_scale if settings.slab_scale is not None else 2.0 * effect_scale
        tau0 = p0 / (p - p0) * sigma / np.sqrt(n)
        prior = cls(scale, settings.mu, tau0=tau0, p0=p0, slab_scale=slab_scale, slab_df=settings.slab_df)
        if scale is not None:
            return prior, f"scale (fixed tau); slab scale {slab_scale:.6g}, slab df {settings.slab_df:g}"
        return prior, (
            f"default: tau ~ HalfCauchy(tau0), tau0 = p0/(p-p0) sigma/sqrt(n) = {tau0:.6g} with p0 = {p0:g}, "
            f"sigma = {sigma:.6g}; slab scale {slab_scale:.6g}, slab df {settings.slab_df:g}"
        )

    def params(self):
        return super().params() | {"tau0": self.tau0, "p0": self.p0, "slab_scale": self.slab_scale, "slab_df": self.slab_df}

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], tau0=params["tau0"], p0=params["p0"], slab_scale=params["slab_scale"],
                   slab_df=params["slab_df"])

    def precision(self):
        return 0.0

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        if self.scale is None:
            tau = pm.HalfCauchy("global_scale", beta=pm.Data("prior_scale", self.tau0))
        else:
            tau = pm.Data("prior_scale", self.scale)
        local = pm.HalfCauchy("local_scale", beta=1.0, dims="feature")
        nu, s = self.slab_df, self.slab_scale
        slab2 = pm.InverseGamma("slab2", alpha=nu / 2.0, beta=nu * s**2 / 2.0)
        pm.Deterministic("slab", slab2**0.5)
        local_tilde = (slab2 * local**2 / (slab2 + tau**2 * local**2)) ** 0.5
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * local_tilde * tau, dims="feature")


class R2D2(Prior):
    """R2-D2 (Zhang, Reich & Bondell 2020), normal kernel as in brms, non-centred.

    A prior on the model fit: ``R^2 ~ Beta(m k, (1 - m) k)`` (``r2_mean`` m, ``r2_precision`` k),
    ``W = R^2 / (1 - R^2)`` the total prior variance of the linear predictor in units of
    ``sigma^2``, split over the coefficients by ``phi ~ Dirichlet(c, ..., c)``
    (``r2d2_concentration`` c): ``w_j = mu + z_j sigma sqrt(phi_j W) / s_j`` with ``z_j ~ N(0, 1)``
    and ``s_j`` the sd of column j. Then ``E[var(X w) | W] = sigma^2 W``, so the expectation-based
    ``R^2 = E[var(Xw) | W] / (E[var(Xw) | W] + sigma^2)`` of Zhang, Reich & Bondell is ``W / (1 + W)``,
    the Beta it claims; the realized ``var(Xw) / (var(Xw) + sigma^2)`` of one draw of ``w`` is not Beta
    (it spreads wider, with the Dirichlet's and the normals' noise). ``sigma`` is the noise sd
    (a random variable when estimated) or a GLM's pseudo-sigma. As a scale mixture of normals
    with a random scale it has no meaningful mode; its nearest references are the horseshoes'.
    """

    name = "r2d2"
    summary = "R2-D2 (Zhang et al. 2020): R^2 ~ Beta, split over coefficients by a Dirichlet; normal kernel"
    has_mode = False
    whitened = False
    target_accept = 0.95
    takes_scale = False
    # prior draws of the scales that do not involve sigma (Jeffreys' sigma cannot be drawn)
    scales = ("r2", "local_scale")
    options = ("r2_mean", "r2_precision", "r2d2_concentration")

    def __init__(self, scale=None, mu=0.0, *, r2_mean: float = 0.5, r2_precision: float = 2.0,
                 r2d2_concentration: float = 0.5, column_sd=None, noise: float | None = None):
        super().__init__(1.0, mu)
        self.scale = None
        self.r2_mean = probability(r2_mean, "r2_mean")
        self.r2_precision = positive(r2_precision, "r2_precision")
        self.r2d2_concentration = positive(r2d2_concentration, "r2d2_concentration")
        self.column_sd = None if column_sd is None else np.asarray(column_sd, dtype=float)
        self.noise = noise  # the pseudo-sigma, used where the model has no noise sd (GLMs)

    @classmethod
    def default(cls, settings, *, scale, sigma, effect_scale, design):
        # a scale was refused by Settings (takes_scale = False), with the sentence naming the options
        a = settings.r2_mean * settings.r2_precision
        prior = cls(None, settings.mu, r2_mean=settings.r2_mean, r2_precision=settings.r2_precision,
                    r2d2_concentration=settings.r2d2_concentration,
                    column_sd=np.sqrt(design.column_variance()), noise=sigma)
        return prior, (f"default: R^2 ~ Beta({a:.4g}, {settings.r2_precision - a:.4g}), "
                       f"phi ~ Dirichlet({settings.r2d2_concentration:g})")

    def params(self):
        return super().params() | {
            "r2_mean": self.r2_mean, "r2_precision": self.r2_precision, "r2d2_concentration": self.r2d2_concentration,
            "column_sd": None if self.column_sd is None else self.column_sd.tolist(), "noise": self.noise,
        }

    @classmethod
    def from_params(cls, params):
        return cls(None, params["mu"], r2_mean=params["r2_mean"], r2_precision=params["r2_precision"],
                   r2d2_concentration=params["r2d2_concentration"], column_sd=params.get("column_sd"), noise=params.get("noise"))

    @classmethod
    def scale_follows_sigma(cls, settings) -> bool:
        return True  # tau = sigma sqrt(W): the coefficients' scale is in units of the noise sd

    def precision(self):
        return 0.0

    def no_mode_reason(self) -> str:
        return ("the joint density of the coefficients and their random scales (R^2, phi) is unbounded as a scale "
                "goes to 0 with its coefficient at mu")

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        a = self.r2_mean * self.r2_precision
        r2 = pm.Beta("r2", alpha=a, beta=self.r2_precision - a)
        total = r2 / (1.0 - r2)  # W
        phi = pm.Dirichlet("phi", a=np.full(p, self.r2d2_concentration), dims="feature")
        # the model's noise sd where it has one (fixed or random), else the GLM's pseudo-sigma
        noise = sigma if sigma is not None else (1.0 if self.noise is None else self.noise)
        column_sd = np.ones(p) if self.column_sd is None else self.column_sd
        # the horseshoe family's form w = mu + z tau lambda_j: tau = sigma sqrt(W), lambda_j = sqrt(phi_j) / s_j
        tau = pm.Deterministic("global_scale", noise * total**0.5)
        local = pm.Deterministic("local_scale", phi**0.5 / column_sd, dims="feature")
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * tau * local, dims="feature")


def _transform(transform) -> dict:
    return {} if transform is None else {"transform": transform}


def create(name: str, scale: float | None, settings) -> Prior:
    """The prior ``name`` at ``scale``, with its location and options from ``settings``."""
    cls = get(name)
    prior = cls(scale, settings.mu, **{option: getattr(settings, option) for option in cls.options})
    prior.by_sigma = bool(settings.scale_by_sigma and cls.scales_with_sigma)
    return prior


def get(name: str) -> type[Prior]:
    """The prior class registered as ``name``."""
    try:
        return Prior.registry[name]
    except KeyError:
        raise InputError(
            f"Unknown prior {name!r}; allowed are: {', '.join(Prior.registry)}."
        ) from None
