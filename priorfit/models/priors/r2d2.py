"""The R2-D2 prior (Zhang, Reich & Bondell 2020): a prior on R^2."""

from __future__ import annotations

import numpy as np

from priorfit.models.priors.base import Prior, normal_log_density
from priorfit.validation import positive, probability


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
    nuts_steps = (8.0, 0.5)  # funnels (Prior.nuts_steps)
    parameters_per_coefficient = 2  # the coefficient and its share of the variance
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
    def needs_scale(cls, settings, design) -> bool:
        return False  # its default is a random global scale

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

    def gaussian_precision(self):
        return 0.0

    def _noise(self, sigma):
        return sigma if sigma is not None else (1.0 if self.noise is None else self.noise)

    def coef_draws(self, p, size, rng, *, scales=None, sigma=None):
        return self.mu_vector(p) + rng.standard_normal((size, p)) * self.coef_scales(p, size, scales, sigma)

    def coef_scales(self, p, size, scales, sigma):
        """Given the draws of R^2 and the local scales sqrt(phi_j) / s_j: ``tau lambda_j`` with tau = sigma sqrt(W)."""
        r2 = np.asarray(scales["r2"], dtype=float).reshape(size, 1)
        local = np.asarray(scales["local_scale"], dtype=float).reshape(size, p)
        return self._noise(sigma) * np.sqrt(r2 / (1.0 - r2)) * local

    def _kernel_log_density(self, d, scale):
        return normal_log_density(d, scale)

    def log_prior(self, values, sigma=None):
        from scipy.special import gammaln

        coef, r2, phi = (np.asarray(values[k], dtype=float) for k in ("coef", "r2", "phi"))
        p = coef.shape[-1]
        noise = self._noise(sigma)
        noise = np.asarray(noise, dtype=float)[..., None] if np.ndim(noise) else noise
        column_sd = np.ones(p) if self.column_sd is None else self.column_sd
        scale = noise * np.sqrt(r2 / (1.0 - r2))[..., None] * np.sqrt(phi) / column_sd
        d = coef - self.mu_vector(p)
        a = self.r2_mean * self.r2_precision
        b, c = self.r2_precision - a, self.r2d2_concentration
        return {
            "coef": normal_log_density(d, scale),
            "r2": (a - 1.0) * np.log(r2) + (b - 1.0) * np.log1p(-r2) - (gammaln(a) + gammaln(b) - gammaln(a + b)),
            "phi": gammaln(p * c) - p * gammaln(c) + ((c - 1.0) * np.log(phi)).sum(axis=-1),
        }

    def power_scaled(self):
        return ("r2", "phi")

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

