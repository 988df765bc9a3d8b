"""Target 4: priorfit's model against the plain PyMC model on n = 1e5, p = 50 (Laplace prior,
sigma estimated with the same HalfNormal prior), side by side in this process.

plain:    `pm.Normal("y", mu=intercept + X @ coef, sigma=sigma, observed=y)` and `pm.sample()`
          with its defaults (PyMC's NUTS; nutpie is not asked for; 2 chains on 2 cores).
priorfit: the likelihood through X'X, X'y, y'y, whitened coefficients, nutpie, the same number
          of chains, draws and tuning steps.
Both times include compilation. The posterior means must agree within Monte Carlo error.

Run: python benchmarks/plain_pymc.py [--draws 1000]       (target: >= 30x faster)
"""

import argparse
import json
import time
import warnings

import numpy as np

TARGET = 30.0
SOURCE = "synthetic:n=100000,p=50,k=8,seed=0,rho=0.5"


def main(draws: int = 1000) -> dict:
    warnings.filterwarnings("ignore")
    import arviz as az
    import pymc as pm

    from priorfit import inference
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods, priors
    from priorfit.models.posterior import PosteriorModel

    design = data.make_design(sources.load(SOURCE))
    gaussian = likelihoods.get("gaussian")
    sigma = gaussian.plugin_dispersion(design).value
    scale, sigma_scale = 0.05, 10.0

    Xc = design.X - design.x_mean
    start = time.perf_counter()
    with pm.Model(coords={"feature": list(design.features)}):
        coef = pm.Laplace("coef", 0.0, scale, dims="feature")
        intercept = pm.Flat("intercept_centred")
        noise = pm.HalfNormal("sigma", sigma_scale)
        pm.Normal("y", mu=intercept + pm.math.dot(Xc, coef), sigma=noise, observed=design.y)
        plain = pm.sample(draws=draws, random_seed=0, progressbar=False, compute_convergence_checks=False)
    plain_s = time.perf_counter() - start
    chains = plain["posterior"].sizes["chain"]  # pm.sample's default: max(2, cores)

    start = time.perf_counter()  # the same work: as many chains, draws and tuning steps
    model = PosteriorModel(design, priors.Laplace(scale), gaussian, likelihoods.HalfNormal(sigma_scale), plugin_sigma=sigma)
    ours = inference.sample(model, draws=draws, chains=chains, seed=0)
    ours_s = time.perf_counter() - start

    def moments(tree):
        coef = tree["posterior"]["coef"]
        mcse = az.mcse(tree["posterior"].to_dataset()[["coef"]])["coef"].values
        return coef.mean(("chain", "draw")).values, mcse

    (m1, e1), (m2, e2) = moments(ours), moments(plain)
    z = float(np.max(np.abs(m1 - m2) / np.sqrt(e1**2 + e2**2)))
    speedup = plain_s / ours_s
    print(f"n=1e5, p=50, Laplace: priorfit {ours_s:.1f} s, plain PyMC {plain_s:.1f} s: x{speedup:.1f} faster "
          f"(target >= {TARGET:g}); posterior means: max |difference| / MCSE {z:.2f}")
    return {"target": "vs plain PyMC, n=1e5, p=50 (speed-up)", "measured": f"x{speedup:.1f} (means within {z:.1f} MCSE)",
            "goal": f">= {TARGET:g}", "met": speedup >= TARGET and z < 4.5, "priorfit_s": ours_s, "plain_s": plain_s, "max_z": z}


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--draws", type=int, default=1000)
    print("RESULT " + json.dumps(main(parser.parse_args().draws)))
