"""Target 5: Gram-matrix whitening against plain NUTS on the same model, in min bulk ESS per
second of sampling (compilation excluded; both on nutpie's numba backend, 4 x 1000 + 1000 tune).

Default: posteriordb's diamonds design (bundled as `diamonds`; 5,000 rows, 24 strongly
correlated polynomial columns, centred but not standardized, as in posteriordb), Normal(0, 1)
prior on the coefficients, sigma estimated (Jeffreys).

Run: python benchmarks/preconditioning.py [DATA]        (target: >= 10x)
"""

import json
import sys
import time
import warnings

TARGET = 10.0


def main(source: str = "diamonds") -> dict:
    warnings.filterwarnings("ignore")
    import nutpie

    from priorfit import inference
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods, priors
    from priorfit.models.posterior import PosteriorModel

    design = data.make_design(sources.load(source), standardize=source != "diamonds")
    gaussian = likelihoods.get("gaussian")
    sigma = gaussian.plugin_dispersion(design).value
    print(f"{source}: n={design.n}, p={design.p}; Normal(0, 1) prior, sigma estimated")
    rates = {}
    for whiten in (False, True):
        model = PosteriorModel(design, priors.Normal(1.0), gaussian, likelihoods.Jeffreys(), plugin_sigma=sigma, whiten=whiten)
        compiled = nutpie.compile_pymc_model(model.pymc)
        start = time.perf_counter()
        tree = nutpie.sample(compiled, draws=1000, tune=1000, chains=4, cores=2, seed=0, progress_bar=False)
        seconds = time.perf_counter() - start
        diag = inference.diagnostics(tree)
        steps = float(tree["sample_stats"]["n_steps"].mean())
        rates[whiten] = diag.min_ess_bulk / seconds
        print(f"  {'whitened' if whiten else 'plain':9s} sampling {seconds:7.2f} s  leapfrog steps/draw {steps:6.1f}  "
              f"min ESS bulk {diag.min_ess_bulk:6.0f}  ESS/s {rates[whiten]:9.1f}  divergences {diag.divergences}")
    ratio = rates[True] / rates[False]
    print(f"whitened / plain min bulk ESS per second: x{ratio:.1f} (target >= {TARGET:g})")
    return {"target": f"{source}: whitened / plain min bulk ESS per second", "measured": f"x{ratio:.1f}",
            "goal": f">= {TARGET:g}", "met": ratio >= TARGET, "ess_per_s_plain": rates[False], "ess_per_s_whitened": rates[True]}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(*sys.argv[1:2])))
