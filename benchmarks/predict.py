"""``Comparison.predict`` on 100,000 new rows with 4,000 posterior draws: wall time and peak memory,
against the unchunked NumPy computation of the same numbers and the twin's own ``predict``.

Run: python benchmarks/predict.py [ROWS] [BASELINE_ROWS]   (defaults 100000 and 10000)

One fit (``synthetic:n=500,p=10,k=3,seed=0``, Normal prior, sigma estimated, 4 chains x 1000
draws: 4,000 draws), then, in this process:

- ``predict``: ``comparison.predict(X_new, prob=0.9)`` on ROWS new rows (blocks of 256 rows,
  threads over the blocks);
- ``unchunked``: the same numbers in one piece on BASELINE_ROWS rows (``eta = X @ coef.T``, the
  predictive draws, ``np.quantile`` of both): a rows x draws array of each, 320 MB per array at
  10,000 rows, so that 100,000 rows would need about 10 times its peak (not run: about 13 GB);
  ``predict`` on the same BASELINE_ROWS rows gives the like-for-like ratio;
- ``twin``: the exact twin (Ridge) refitted and its ``predict`` on ROWS rows, the floor of any
  prediction.

Peak memory is ``tracemalloc``'s peak of traced allocations (NumPy's arrays are traced) during each
call, above what was allocated before it.
"""

import json
import sys
import time
import tracemalloc
import warnings

warnings.filterwarnings("ignore")

import numpy as np  # noqa: E402

import priorfit  # noqa: E402
from priorfit.data import sources  # noqa: E402
from priorfit.data.design import make_design  # noqa: E402
from priorfit.models import likelihoods  # noqa: E402

SOURCE = "synthetic:n=500,p=10,k=3,seed=0"


def measured(call):
    """``(result, seconds, peak MB)`` of ``call()``."""
    tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    start = time.perf_counter()
    result = call()
    seconds = time.perf_counter() - start
    peak = (tracemalloc.get_traced_memory()[1] - base) / 1e6
    tracemalloc.stop()
    return result, seconds, peak


def unchunked(fit, X, prob: float, seed: int):
    """The mean, the credible and the predictive ends in one piece (rows x draws arrays)."""
    post = fit.tree["posterior"]
    coef = post["coef_original"].values.reshape(-1, X.shape[1])
    intercept = post["intercept_original"].values.ravel()
    sigma = post["sigma"].values.ravel()
    eta = X @ coef.T + intercept
    y = likelihoods.get("gaussian").simulate(eta, sigma, np.random.default_rng(seed))
    tails = [(1 - prob) / 2, (1 + prob) / 2]
    return eta.mean(axis=1), np.quantile(eta, tails, axis=1), np.quantile(y, tails, axis=1, method="inverted_cdf")


def main(rows: int = 100_000, baseline_rows: int = 10_000) -> dict:
    comparison = priorfit.compare(SOURCE, prior="normal", seed=0, progress=False)
    fit = comparison.fits[0]
    draws = fit.tree["posterior"].sizes["chain"] * fit.tree["posterior"].sizes["draw"]
    rng = np.random.default_rng(1)
    X = rng.standard_normal((rows, comparison.data.p))
    comparison.predict(X[:300])  # imports and threads warm, not timed

    frame, predict_s, predict_mb = measured(lambda: comparison.predict(X, prob=0.9))
    small, small_s, small_mb = measured(lambda: comparison.predict(X[:baseline_rows], prob=0.9))
    (mean, _, pred), base_s, base_mb = measured(lambda: unchunked(fit, X[:baseline_rows], 0.9, 0))
    # the same posterior means and, within Monte Carlo error, the same predictive ends
    mean_diff = float(np.abs(small["mean"].to_numpy() - mean).max())
    width = float((small["pred_high"] - small["pred_low"]).mean())
    width_base = float((pred[1] - pred[0]).mean())

    design = make_design(sources.load(SOURCE))
    twin = fit.penalized
    from sklearn.linear_model import Ridge

    ridge = Ridge(alpha=twin.params["alpha"]).fit(design.X, design.y)
    Xm = (X - design.x_center) / design.x_scale
    _, twin_s, twin_mb = measured(lambda: ridge.predict(Xm))

    print(f"fit: {SOURCE}, normal prior, {draws} posterior draws, {comparison.data.p} features")
    print(f"predict, {rows:,} rows:            {predict_s:7.2f} s   peak {predict_mb:8.1f} MB   ({len(frame):,} rows out)")
    print(f"predict, {baseline_rows:,} rows:             {small_s:7.2f} s   peak {small_mb:8.1f} MB")
    print(f"unchunked NumPy, {baseline_rows:,} rows:     {base_s:7.2f} s   peak {base_mb:8.1f} MB"
          f"   (x{rows / baseline_rows:.0f} rows: about {base_mb * rows / baseline_rows / 1e3:.1f} GB)")
    print(f"twin (Ridge) predict, {rows:,} rows: {twin_s:7.3f} s   peak {twin_mb:8.1f} MB")
    print(f"predict / unchunked at {baseline_rows:,} rows: time x{small_s / base_s:.2f}, peak memory x{small_mb / base_mb:.3f}")
    print(f"predict at {rows:,} rows / unchunked at {baseline_rows:,}: peak memory x{predict_mb / base_mb:.3f}")
    print(f"predict / twin predict at {rows:,} rows: time x{predict_s / twin_s:.0f}")
    print(f"checks: max |mean - unchunked mean| {mean_diff:.1e}; mean 90% predictive width {width:.4f} vs unchunked {width_base:.4f}")
    return {"target": f"predict on {rows:,} new rows x {draws} draws", "measured": f"{predict_s:.1f} s, peak {predict_mb:.0f} MB",
            "goal": "seconds, bounded memory", "met": predict_s < 60 and predict_mb < base_mb,
            "predict_s": predict_s, "predict_peak_mb": predict_mb, "baseline_rows": baseline_rows, "unchunked_s": base_s,
            "unchunked_peak_mb": base_mb, "predict_baseline_rows_s": small_s, "predict_baseline_rows_peak_mb": small_mb,
            "twin_predict_s": twin_s}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main(*[int(a) for a in sys.argv[1:3]])))
