"""The Normal prior: ridge regression."""

from __future__ import annotations


from priorfit.models.priors.base import Prior, anchored, normal_log_density, transform_kwargs


class Normal(Prior):
    name = "normal"
    autoscale_sd = 2.5
    scales_with_sigma = True
    anchors_whitening = True
    summary = "Gaussian prior w_j ~ Normal(mu, tau): ridge regression"

    def gaussian_precision(self):
        return 1.0 / self.scale**2

    def _kernel_draws(self, p, size, rng, scale):
        return scale[:, None] * rng.standard_normal((size, p))

    def _kernel_log_density(self, d, scale):
        return normal_log_density(d, scale)

    def curvature(self, sigma):
        return 0.0 if self.scale is None else 1.0 / self.effective_scale(sigma) ** 2

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = anchored(pm.Data("prior_mu", self.mu_vector(p), dims="feature"), transform)
        tau = self._scale_in_model(sigma)
        return pm.Normal("coef", mu=mu, sigma=tau, dims="feature", **transform_kwargs(transform))

