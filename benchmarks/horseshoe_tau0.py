"""The regularized horseshoe's tau0 with the plug-in sigma (priorfit) or the sampled sigma (Piironen &
Vehtari's own code), on diabetes: the posteriors side by side.

priorfit sets ``tau ~ C+(0, tau0)``, ``tau0 = p0 / (p - p0) * sigma_hat / sqrt(n)`` with the plug-in
sigma_hat; Piironen & Vehtari (2017) write ``tau0 * sigma`` with the sampled sigma. The script fits
both with the same seed and prints how far apart the posterior means are, in posterior sd.

    python benchmarks/horseshoe_tau0.py
"""

import warnings

import numpy as np

from priorfit import inference
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel
from priorfit.settings import Settings


class SampledSigma(priors.RegularizedHorseshoe, register=False):
    """tau ~ C+(0, tau0 / sigma_hat * sigma): the global scale in units of the sampled sigma."""

    name = "regularized_horseshoe_sampled_sigma"
    plugin = 1.0

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        tau = pm.HalfCauchy("global_scale", beta=self.tau0 / self.plugin * sigma)
        local = pm.HalfCauchy("local_scale", beta=1.0, dims="feature")
        nu, s = self.slab_df, self.slab_scale
        slab2 = pm.InverseGamma("slab2", alpha=nu / 2.0, beta=nu * s**2 / 2.0)
        local_tilde = (slab2 * local**2 / (slab2 + tau**2 * local**2)) ** 0.5
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * local_tilde * tau, dims="feature")


def main(seed: int = 0) -> None:
    warnings.simplefilter("ignore")
    design = data.make_design(sources.load("diabetes"))
    gaussian = likelihoods.get("gaussian")
    plugin = gaussian.plugin_dispersion(design).value
    settings = Settings(prior="regularized_horseshoe")
    prior, _ = priors.RegularizedHorseshoe.default(settings, scale=None, sigma=plugin, effect_scale=gaussian.effect_scale(design),
                                                   design=design)
    variant = SampledSigma(None, 0.0, tau0=prior.tau0, p0=prior.p0, slab_scale=prior.slab_scale, slab_df=prior.slab_df)
    variant.plugin = plugin
    posteriors = {}
    for label, p in (("plug-in sigma (priorfit)", prior), ("sampled sigma (Piironen & Vehtari)", variant)):
        model = PosteriorModel(design, p, gaussian, likelihoods.Jeffreys(), plugin_sigma=plugin)
        tree = inference.sample(model, draws=1000, tune=1000, chains=4, seed=seed, target_accept=0.99)
        posteriors[label] = tree["posterior"]
        d = inference.diagnostics(tree)
        post = tree["posterior"]
        q = np.quantile(post["global_scale"].values, [0.05, 0.5, 0.95])
        print(f"{label}: tau 5/50/95% {q[0]:.4g} / {q[1]:.4g} / {q[2]:.4g}; sigma mean {float(post['sigma'].mean()):.4f}; "
              f"divergences {d.divergences}, max R-hat {d.max_rhat:.4f}")
    (a, b) = posteriors.values()
    mean_a, mean_b = a["coef"].mean(("chain", "draw")).values, b["coef"].mean(("chain", "draw")).values
    sd = a["coef"].std(("chain", "draw")).values
    print(f"coefficient posterior means apart by at most {np.max(np.abs(mean_a - mean_b) / sd):.3f} posterior sd "
          f"(plug-in sigma {plugin:.4f}, tau0 {prior.tau0:.4g})")


if __name__ == "__main__":
    main()
