"""Divergences and R-hat of the sparse priors on diabetes over seeds: the measurement behind the
default prior list (docs/performance.md, "The default priors: a clean default run"; the table is in
benchmarks/README.md).

    python benchmarks/default_run.py [--priors regularized_horseshoe,horseshoe] [--seeds 0,1,2,3,4]
                                     [--target-accept 0.99]
"""

from __future__ import annotations

import argparse
import time

from priorfit.runtime.notices import quiet_pytensor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priors", default="regularized_horseshoe,horseshoe")
    parser.add_argument("--seeds", default="0,1,2,3,4")
    parser.add_argument("--target-accept", type=float, default=None, help="default: each prior's own")
    parser.add_argument("--data", default="diabetes")
    args = parser.parse_args()
    quiet_pytensor()

    from priorfit import inference, settings
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods
    from priorfit.models.posterior import PosteriorModel
    from priorfit.runs.compare import resolve_hyperparameters

    design = data.make_design(sources.load(args.data))
    gaussian = likelihoods.get("gaussian")
    plugin = gaussian.plugin_dispersion(design)
    for name in args.priors.split(","):
        config = settings.Settings(prior=name)
        prior, hyper = resolve_hyperparameters(design, name, gaussian, config, plugin.value, plugin)
        model = PosteriorModel(design, prior, gaussian, config.sigma_prior, plugin_sigma=plugin.value)
        target_accept = args.target_accept or prior.target_accept
        print(f"{name}, target_accept {target_accept}: {hyper.source}")
        for seed in (int(s) for s in args.seeds.split(",")):
            start = time.perf_counter()
            d = inference.diagnostics(inference.sample(model, seed=seed, target_accept=target_accept))
            print(f"  seed {seed}: {d.divergences} divergences, max R-hat {d.max_rhat:.4f}, "
                  f"min ESS bulk {d.min_ess_bulk:.0f}, {time.perf_counter() - start:.1f} s", flush=True)


if __name__ == "__main__":
    main()
