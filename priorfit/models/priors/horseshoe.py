"""The horseshoe and the regularized horseshoe (Piironen & Vehtari 2017), non-centred."""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, normal_log_density
from priorfit.models.priors.hyperpriors import half_cauchy_log_density
from priorfit.validation import positive


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
    nuts_steps = (14.0, 0.5)  # funnels (Prior.nuts_steps)
    parameters_per_coefficient = 2  # the coefficient and its local scale
    scales = ("global_scale", "local_scale")

    def __init__(self, scale: float | None = None, mu=0.0, *, global_prior_scale: float = 1.0):
        super().__init__(global_prior_scale if scale is None else scale, mu)
        self.scale = None if scale is None else self.scale
        self.global_prior_scale = positive(global_prior_scale, "The horseshoe global prior scale")

    @classmethod
    def needs_scale(cls, settings, design) -> bool:
        return False  # its default is a random global scale

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

    def gaussian_precision(self):
        return 0.0

    def _global_beta(self) -> float:
        return self.global_prior_scale

    def _local(self, values: dict, tau) -> np.ndarray:
        """The effective local scales lambda_j (the horseshoe's own)."""
        return np.asarray(values["local_scale"], dtype=float)

    def coef_draws(self, p, size, rng, *, scales=None, sigma=None):
        return self.mu_vector(p) + rng.standard_normal((size, p)) * self.coef_scales(p, size, scales, sigma)

    def coef_scales(self, p, size, scales, sigma):
        """``lambda_j tau`` at each draw (size x p)."""
        tau = self.scale if self.scale is not None else np.asarray(scales["global_scale"], dtype=float).reshape(size, 1)
        return self._local({k: np.asarray(v).reshape(size, -1) for k, v in scales.items()}, tau) * tau

    def _kernel_log_density(self, d, scale):
        return normal_log_density(d, scale)

    def log_prior(self, values, sigma=None):
        coef = np.asarray(values["coef"], dtype=float)
        tau = self.scale if self.scale is not None else np.asarray(values["global_scale"], dtype=float)[..., None]
        scale = self._local(values, tau) * tau
        d = coef - self.mu_vector(coef.shape[-1])
        out = {"coef": normal_log_density(d, scale),
               "local_scale": half_cauchy_log_density(np.asarray(values["local_scale"], dtype=float), 1.0)}
        if self.scale is None:
            out["global_scale"] = half_cauchy_log_density(np.asarray(values["global_scale"], dtype=float), self._global_beta())
        return out

    def power_scaled(self):
        return (("global_scale",) if self.scale is None else ()) + ("local_scale",)

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
    nuts_steps = (14.0, 0.5)  # funnels (Prior.nuts_steps)
    parameters_per_coefficient = 2  # the coefficient and its local scale
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
    def needs_scale(cls, settings, design) -> bool:
        return False  # its default is a random global scale

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

    def gaussian_precision(self):
        return 0.0

    # the prior predictive and power-scaling: the horseshoe's, with the slab
    coef_draws, coef_scales, _kernel_log_density = Horseshoe.coef_draws, Horseshoe.coef_scales, Horseshoe._kernel_log_density

    def _global_beta(self) -> float:
        return self.tau0

    def _local(self, values, tau):
        """lambda~_j = sqrt(c^2 lambda_j^2 / (c^2 + tau^2 lambda_j^2)), c = the slab (``slab`` draws, or sqrt(slab2))."""
        local = np.asarray(values["local_scale"], dtype=float)
        c2 = np.asarray(values["slab"], dtype=float) ** 2 if "slab" in values else np.asarray(values["slab2"], dtype=float)
        if c2.ndim < local.ndim:  # posterior draws: (chain, draw) against (chain, draw, feature)
            c2 = c2[..., None]
        return np.sqrt(c2 * local**2 / (c2 + tau**2 * local**2))

    def log_prior(self, values, sigma=None):
        from scipy.special import gammaln

        out = Horseshoe.log_prior(self, values, sigma)
        a, b = self.slab_df / 2.0, self.slab_df * self.slab_scale**2 / 2.0
        x = np.asarray(values["slab2"], dtype=float)
        out["slab2"] = a * np.log(b) - gammaln(a) - (a + 1.0) * np.log(x) - b / x
        return out

    def power_scaled(self):
        return Horseshoe.power_scaled(self) + ("slab2",)

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

