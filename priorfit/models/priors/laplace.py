"""The Laplace prior: the lasso."""

from __future__ import annotations

import numpy as np

from priorfit.models.priors.base import Prior, anchored, transform_kwargs


class Laplace(Prior):
    name = "laplace"
    autoscale_sd = 2.5
    sd_per_scale = 2.0**0.5
    scales_with_sigma = True
    anchors_whitening = True
    summary = "Laplace prior w_j ~ Laplace(mu, b): the lasso"

    def gaussian_precision(self):
        return 1.0 / (2.0 * self.scale**2)

    def _kernel_draws(self, p, size, rng, scale):
        return rng.laplace(0.0, 1.0, (size, p)) * scale[:, None]

    def _kernel_log_density(self, d, scale):
        return -np.log(2.0 * scale) - np.abs(d) / scale

    def l1_weight(self):
        return None if self.scale is None else 1.0 / self.scale

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = anchored(pm.Data("prior_mu", self.mu_vector(p), dims="feature"), transform)
        b = self._scale_in_model(sigma)
        return pm.Laplace("coef", mu=mu, b=b, dims="feature", **transform_kwargs(transform))

