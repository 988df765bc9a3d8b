"""The reweighted path (``priorfit path --reweight``) against separate NUTS fits at every point.

Diabetes, Laplace prior, sigma estimated (Jeffreys), 20 alphas spanning a factor 100, 4 chains x
1000 draws + 1000 tune. The same grid is run twice in this process: ``reweight=True`` (NUTS at the
middle point, the rest reweighted, refitted where Pareto k > 0.7) and ``reweight=False`` (NUTS at all
20 points). At every reweighted point it prints the largest |mean difference| and |sd difference| over
the coefficients in units of the refit's posterior sd. Targets (issue 21): both within 0.1 sd, in at
most 1.5 x (1 + refits) times one fit, one fit being a one-prior ``priorfit compare`` at the middle
alpha (the baseline of benchmarks/path.py), timed here too.

Run: python benchmarks/path_reweight.py [DATA]
"""

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

import priorfit  # noqa: E402
from priorfit.runs.path import path  # noqa: E402

POINTS, SPAN = 20, 100.0


def main(source: str = "diabetes") -> dict:
    settings = {"prior": "laplace", "progress": False}
    grid = list(np.geomspace(2.0, 2.0 / SPAN, POINTS))
    priorfit.compare(source, alpha=0.2, draws=50, tune=50, chains=2, **settings)  # imports and caches warm, not timed
    start = time.perf_counter()
    priorfit.compare(source, alpha=float(grid[POINTS // 2]), **settings)
    one = time.perf_counter() - start
    start = time.perf_counter()
    fast = path(source, alphas=grid, reweight=True, **settings)
    reweighted_s = time.perf_counter() - start
    start = time.perf_counter()
    full = path(source, alphas=grid, **settings)
    full_s = time.perf_counter() - start

    rows, worst_mean, worst_sd = [], 0.0, 0.0
    for i in range(POINTS):
        mean = np.abs(fast.mean[i] - full.mean[i]) / full.sd[i]
        sd = np.abs(fast.sd[i] - full.sd[i]) / full.sd[i]
        k = fast.pareto_k[i]
        if fast.method[i] == "reweighted":
            worst_mean, worst_sd = max(worst_mean, mean.max()), max(worst_sd, sd.max())
        rows.append(f"{fast.alpha[i]:9.4g}  {fast.method[i]:10s}  {'' if np.isnan(k) else f'{k:5.2f}':>5s}  "
                    f"{mean.max():6.3f}  {sd.max():6.3f}")
    refits = fast.method.count("refit")
    budget = 1.5 * (1 + refits) * one
    print("    alpha  posterior       k   |dmean|/sd  |dsd|/sd  (against NUTS at the point)")
    print("\n".join(rows))
    print(f"one fit (compare, one prior): {one:6.1f} s")
    print(f"reweighted path:              {reweighted_s:6.1f} s  ({refits} refits; budget 1.5 x (1 + refits) x one fit = {budget:.1f} s)")
    print(f"NUTS at all {POINTS} points:       {full_s:6.1f} s  (x{full_s / reweighted_s:.1f} the reweighted path)")
    print(f"reweighted points: max |dmean| {worst_mean:.3f} sd, max |dsd| {worst_sd:.3f} sd (target <= 0.1)")
    met = worst_mean <= 0.1 and worst_sd <= 0.1 and reweighted_s <= budget
    return {"target": f"{POINTS}-point reweighted path against NUTS at every point", "goal": "<= 0.1 sd, <= 1.5 x (1 + refits) fits",
            "measured": f"{worst_mean:.3f} / {worst_sd:.3f} sd, {reweighted_s:.1f} s of {budget:.1f} s", "met": bool(met),
            "one_fit_s": one, "reweighted_s": reweighted_s, "full_s": full_s, "refits": refits}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(*sys.argv[1:2])))
