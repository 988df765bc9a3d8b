"""Simulation-based calibration of every prior x likelihood: rank-uniformity p-values and the
coverage of 50% / 90% credible intervals, beside the penalized twin's bootstrap intervals.

Run: python benchmarks/calibration_table.py [--sims 100] [--jobs 2] [--out calibration.json]
(n = 50, p = 3, 2 chains x 400 draws thinned to 99; Poisson runs use the smaller scales below,
as the slow test does)
"""

import argparse
import json
import time
import warnings

# as tests/test_calibration.py: Poisson counts overflow for heavy-tailed draws, and a skipped
# simulation biases SBC, so smaller scales there (the horseshoe's is its fixed global scale)
POISSON_SCALES = {"normal": 0.5, "laplace": 0.5, "elasticnet": 0.5, "horseshoe": 0.05}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", default=None)
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from priorfit.calibration import calibrate
    from priorfit.priors import Prior

    rows = []
    print(f"{'prior':22s} {'likelihood':10s} {'sims':>5s} {'skip':>4s} {'min p':>7s}  post 50/90    boot 50/90   time")
    for likelihood in ("gaussian", "bernoulli", "poisson"):
        for prior in Prior.registry:
            scale = POISSON_SCALES.get(prior) if likelihood == "poisson" else None
            start = time.perf_counter()
            result = calibrate(prior, likelihood, sims=args.sims, n=50, p=3, scale=scale, jobs=args.jobs)
            seconds = time.perf_counter() - start
            post, boot = result.coverage(), result.coverage("bootstrap")
            shown = f"{boot[0.5]:.2f} / {boot[0.9]:.2f}" if boot else "   —       "
            print(f"{prior:22s} {likelihood:10s} {result.sims:5d} {result.skipped:4d} {result.pvalues().min():7.3f}  "
                  f"{post[0.5]:.2f} / {post[0.9]:.2f}  {shown}  {seconds:5.0f} s", flush=True)
            rows.append({"prior": prior, "likelihood": likelihood, "sims": result.sims, "skipped": result.skipped,
                         "pvalues": result.pvalues().tolist(), "coverage": post, "bootstrap_coverage": boot or None,
                         "seconds": seconds})
    if args.out:
        with open(args.out, "w") as handle:
            json.dump(rows, handle, indent=1)


if __name__ == "__main__":
    main()
