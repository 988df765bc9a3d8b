"""Gram-matrix whitening vs the plain parameterization: ESS per second of NUTS (nutpie).

Run: python benchmarks/preconditioning.py [DATA]
Default DATA: a correlated synthetic design (AR(1) rho = 0.95, n = 2000, p = 30). Sampling
time excludes compilation; both runs are in this process, so the ratio is what counts.
"""

import sys
import time
import warnings

warnings.filterwarnings("ignore")

import nutpie

from priorfit import data, inference, likelihoods, priors, twins
from priorfit.model import PosteriorModel


def main(source: str = "synthetic:n=2000,p=30,k=6,noise=1.0,seed=0,rho=0.95") -> None:
    design = data.make_design(data.load(source))
    gaussian = likelihoods.Gaussian()
    sigma = gaussian.plugin_dispersion(design).value

    def from_alpha(cls, alpha):
        return cls(twins.twin(cls.name, "gaussian").scale_from_alpha(alpha, sigma, design.n))

    print(f"{source}: n={design.n}, p={design.p}")
    for name, prior in (("normal", from_alpha(priors.Normal, 1.0)), ("laplace", from_alpha(priors.Laplace, 0.01))):
        rates = {}
        for whiten in (False, True):
            model = PosteriorModel(design, prior, gaussian, likelihoods.Jeffreys(), plugin_sigma=sigma, whiten=whiten)
            compiled = model.nutpie()
            start = time.perf_counter()
            idata = nutpie.sample(compiled, draws=1000, tune=1000, chains=4, cores=2, seed=0, progress_bar=False)
            seconds = time.perf_counter() - start
            diag = inference.diagnostics(idata)
            steps = float(idata.sample_stats["n_steps"].mean())
            rates[whiten] = diag.min_ess_bulk / seconds
            label = "whitened" if whiten else "plain"
            print(f"  {name:8s} {label:9s} sampling {seconds:6.2f}s  leapfrog steps/draw {steps:6.1f}  "
                  f"min ESS bulk {diag.min_ess_bulk:6.0f}  ESS/s {rates[whiten]:8.1f}  divergences {diag.divergences}")
        print(f"  {name:8s} whitened / plain ESS per second: x{rates[True] / rates[False]:.1f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
