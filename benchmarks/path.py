"""A 10-point regularization path against one fit, in this process: the path reuses one compiled
model (the prior scale is pm.Data), so it should cost far less than 10 fits. Target: <= 3x.

Run: python benchmarks/path.py [DATA]   (default diabetes, Laplace prior, sigma fixed at 54,
4 chains x 1000 draws + 1000 tune, as the default compare)
"""

import json
import sys
import time
import warnings

warnings.filterwarnings("ignore")

import priorfit  # noqa: E402
from priorfit.runs.path import path  # noqa: E402


def main(source: str = "diabetes", points: int = 10) -> dict:
    settings = {"prior": "laplace", "sigma": 54.0, "progress": False}
    priorfit.compare(source, alpha=0.5, draws=50, tune=50, chains=2, **settings)  # imports and caches warm, not timed
    start = time.perf_counter()
    priorfit.compare(source, alpha=0.5, **settings)
    one = time.perf_counter() - start
    start = time.perf_counter()
    result = path(source, alphas=points, **settings)
    whole = time.perf_counter() - start
    print(f"one fit (compare, one prior): {one:6.1f}s")
    print(f"{points}-point path:               {whole:6.1f}s  (largest MAP vs path difference {result.max_rel_diff.max():.1e})")
    print(f"path / one fit: x{whole / one:.2f}   (target <= 3)")
    return {"target": f"{points}-point path / one fit", "measured": f"x{whole / one:.2f}", "goal": "<= 3",
            "met": whole / one <= 3, "one_fit_s": one, "path_s": whole}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(*sys.argv[1:2])))
