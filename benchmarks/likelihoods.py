"""What the rows cost: the Gaussian's sufficient statistics against row-wise likelihoods at large n.

Same data and prior (Normal, fixed scale), 4 chains x 1000 draws + 1000 tune with nutpie, wall time
of compile + sampling, all in one process:

    python benchmarks/likelihoods.py [--n 20000] [--p 20]

Rows: the Gaussian written with X'X, X'y, y'y (O(p^2) per gradient), the same Gaussian row by row
(O(np)), and the Poisson and Bernoulli likelihoods, which have only the row form.
"""

from __future__ import annotations

import argparse
import time

from priorfit.runtime.notices import quiet_pytensor


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--p", type=int, default=20)
    args = parser.parse_args()
    quiet_pytensor()

    from priorfit import inference
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods, priors
    from priorfit.models.posterior import PosteriorModel

    runs = [("gaussian", "sufficient"), ("gaussian", "rows"), ("poisson", "rows"), ("bernoulli", "rows")]
    baseline = None
    print(f"n = {args.n}, p = {args.p}, Normal prior (tau = 0.5), 4 x 1000 draws, nutpie")
    for family, form in runs:
        spec = f"synthetic:n={args.n},p={args.p},k=5,seed=1" + ("" if family == "gaussian" else f",family={family}")
        design = data.make_design(sources.load(spec))
        likelihood = likelihoods.get(family)
        sigma = 1.0 if family == "gaussian" else None
        start = time.perf_counter()
        model = PosteriorModel(design, priors.Normal(0.5), likelihood, sigma, form=form)
        tree = inference.sample(model, seed=0)
        seconds = time.perf_counter() - start
        baseline = baseline or seconds
        d = inference.diagnostics(tree)
        print(f"  {family:9s} {form:10s} {seconds:6.1f} s  (x{seconds / baseline:.1f})  min ESS bulk {d.min_ess_bulk:.0f}")


if __name__ == "__main__":
    main()
