"""The elastic-net prior (Normal x Laplace) and its normalizing constant."""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, transform_kwargs
from priorfit.validation import probability


class ElasticNet(Prior):
    """Normal x Laplace product prior: ``-log p(w_j) = (r |w_j - mu| + (1 - r) (w_j - mu)^2 / 2) / s``.

    ``s`` is the scale and ``r`` the L1 share (``l1_ratio``): the Laplace factor has ``b = s / r``
    and the Normal factor ``tau^2 = s / (1 - r)``. With ``r = 1`` it is the Laplace prior of scale
    ``s``, with ``r = 0`` the Normal prior of variance ``s``. This is scikit-learn's elastic-net
    penalty divided by its strength, so ``r`` is the estimators' ``l1_ratio`` unchanged.
    """

    name = "elasticnet"
    has_kinks = True
    nuts_steps = (8.0, 0.5)  # kinks (Prior.nuts_steps)
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

    def gaussian_precision(self):
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
        coef = pm.Flat("coef", dims="feature", initval=self.mu_vector(p), **transform_kwargs(transform))
        d = coef - mu
        # normalized: s is random under a hyperprior or when it is multiplied by an estimated sigma,
        # and then -p log Z(s, r) is part of the joint density (without it the posterior of a
        # HalfCauchy(10) scale under a flat likelihood had its median at 9e9 instead of 10)
        kernel = pt.sum(r * pt.abs(d) + (1.0 - r) * d**2 / 2.0) / s
        pm.Potential("coef_prior", -kernel - p * elasticnet_log_normalizer(s, r, pt))
        return coef

    def _kernel_draws(self, p, size, rng, scale):
        return self.draw(p, size, rng, scale=scale) - self.mu_vector(p)

    def _kernel_log_density(self, d, scale):
        r = self.l1_ratio
        return -(r * np.abs(d) + (1.0 - r) * d**2 / 2.0) / scale - elasticnet_log_normalizer(scale, r)

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

