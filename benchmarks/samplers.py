"""nutpie vs PyMC's NUTS on the same priorfit model: wall time (compile + sample) and ESS/s.

Run: python benchmarks/samplers.py [DATA]   (default diabetes, Laplace prior, estimated sigma)
Prints each sampler's numbers and the ratios against PyMC's NUTS, measured in this process.
"""

import sys
import time
import warnings

warnings.filterwarnings("ignore")

from priorfit import inference  # noqa: E402
from priorfit.data import design as data  # noqa: E402
from priorfit.data import sources  # noqa: E402
from priorfit.models import likelihoods, priors  # noqa: E402
from priorfit.models.posterior import PosteriorModel  # noqa: E402
from priorfit.penalized.fits import twins  # noqa: E402


def main(source: str = "diabetes", draws: int = 1000, tune: int = 1000, chains: int = 4) -> None:
    design = data.make_design(sources.load(source))
    gaussian = likelihoods.Gaussian()
    sigma = gaussian.plugin_dispersion(design).value
    prior = priors.Laplace(twins.twin("laplace", "gaussian").scale_from_alpha(0.1, sigma, design.n))
    results = {}
    for sampler in ("pymc", "nutpie"):
        model = PosteriorModel(design, prior, gaussian, likelihoods.Jeffreys(), plugin_sigma=sigma)
        start = time.perf_counter()
        tree = inference.sample(model, sampler=sampler, draws=draws, tune=tune, chains=chains, seed=0)
        wall = time.perf_counter() - start
        diag = inference.diagnostics(tree)
        results[sampler] = (wall, diag.min_ess_bulk, diag.min_ess_bulk / wall)
        print(f"{sampler:7s} wall {wall:6.1f}s  min ESS bulk {diag.min_ess_bulk:7.0f}  "
              f"ESS/s {results[sampler][2]:7.1f}  max R-hat {diag.max_rhat:.3f}  divergences {diag.divergences}")
    base = results["pymc"]
    print(f"nutpie / pymc: wall time x{results['nutpie'][0] / base[0]:.2f}, ESS/s x{results['nutpie'][2] / base[2]:.2f}")


if __name__ == "__main__":
    main(*sys.argv[1:2])
