"""Simulation-based calibration of every prior x likelihood, and of compare's settings (sigma
estimated, an intercept, a standardized design, random scales, sigma-scaled scales, the elastic
net's l1_ratio, the regularized horseshoe's p0 and slab, R2-D2's settings): rank-uniformity p-values
and the coverage of 50% / 90% credible intervals, beside the penalized twin's bootstrap intervals.

Run: python benchmarks/calibration_table.py [--sims 100] [--jobs 2] [--seed 0]
         [--rows all|priors|settings|NAME,NAME,...] [--out benchmarks/calibration_results.json]
(n = 50, p = 3 unless a row says otherwise, 2 chains x 400 draws thinned to 99; the matrix rows'
settings are priorfit.runs.calibrate.matrix_settings, as the slow test's). ``--rows priors`` runs the prior x likelihood matrix, ``--rows settings``
the settings rows (priorfit.runs.calibrate.SETTINGS_ROWS), a list of names picks rows of either kind
(a matrix row is named PRIOR-LIKELIHOOD, e.g. laplace-bernoulli). The rows run replace the rows of
the same name in the results file; the others stay (each row records its own sims and seed).
"""

import argparse
import json
import time
import warnings
from pathlib import Path

def rows():
    """Every row: name -> (prior, likelihood, settings, kind, design)."""
    from priorfit.models.likelihoods import Likelihood
    from priorfit.models.priors import Prior
    from priorfit.penalized import twins
    from priorfit.runs.calibrate import DESIGNS, SETTINGS_ROWS, matrix_settings

    out = {}
    pairs = {*twins.TWINS, *twins.VARIANTS, *twins.NEAREST}  # the pairs priorfit takes
    for likelihood in Likelihood.registry:
        for prior in Prior.registry:
            if (prior, likelihood) not in pairs:
                continue
            out[f"{prior}-{likelihood}"] = (prior, likelihood, matrix_settings(prior, likelihood), "priors", {"n": 50, "p": 3})
    for name, (prior, likelihood, settings) in SETTINGS_ROWS.items():
        out[name] = (prior, likelihood, settings, "settings", DESIGNS.get(name, {"n": 50, "p": 3}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sims", type=int, default=100)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rows", default="all", help="all, priors, settings, or row names separated by commas")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=str(Path(__file__).with_name("calibration_results.json")))
    args = parser.parse_args()
    warnings.filterwarnings("ignore")
    from priorfit.runs.calibrate import calibrate

    table = rows()
    if args.rows in ("all", "priors", "settings"):
        chosen = [name for name, row in table.items() if args.rows in ("all", row[3])]
    else:
        chosen = [name.strip() for name in args.rows.split(",")]
        unknown = [name for name in chosen if name not in table]
        if unknown:
            parser.error(f"unknown row {unknown[0]!r}; rows are: {', '.join(table)}")
    out = Path(args.out)
    results = []
    print(f"{'row':30s} {'sims':>5s} {'skip':>4s} {'min p':>7s}  post 50/90    boot 50/90   time  parameters")
    for name in chosen:
        prior, likelihood, settings, _, design = table[name]
        start = time.perf_counter()
        result = calibrate(prior, likelihood, sims=args.sims, jobs=args.jobs, seed=args.seed, **design, **settings)
        seconds = time.perf_counter() - start
        post, boot = result.coverage(), result.coverage("bootstrap")
        shown = f"{boot[0.5]:.2f} / {boot[0.9]:.2f}" if boot else "   —       "
        pvalues = result.pvalues()
        print(f"{name:30s} {result.sims:5d} {result.skipped:4d} {pvalues.min():7.3f}  {post[0.5]:.2f} / {post[0.9]:.2f}  "
              f"{shown}  {seconds:5.0f} s  " + ", ".join(f"{p}: {v:.3f}" for p, v in zip(result.parameters, pvalues, strict=True)),
              flush=True)
        results.append({"row": name, "prior": prior, "likelihood": likelihood, "settings": settings, "seed": args.seed, **design,
                        "sims": result.sims,
                        "skipped": result.skipped, "parameters": list(result.parameters), "chi_square_bins": result.bins,
                        "pvalues": pvalues.tolist(), "coverage": post, "bootstrap_coverage": boot or None,
                        "stand_ins": result.stand_ins, "seconds": seconds})
        _write(out, results)  # after every row: a long run stopped keeps what it finished


def _write(out: Path, results: list) -> None:
    """The rows run replace the rows of the same name in the results file; the others stay."""
    kept = json.loads(out.read_text()) if out.exists() else []
    ran = {row["row"] for row in results}
    kept = [row for row in kept if row.get("row", f"{row['prior']}-{row['likelihood']}") not in ran]
    out.write_text(json.dumps(kept + results, indent=1) + "\n")


if __name__ == "__main__":
    main()
