"""Coverage of the 90% intervals on new rows drawn from the model itself: the posterior predictive
interval of the Normal and Laplace priors, and the split-conformal interval around their twins.

The target (issue 16): 400 training rows, 3,000 new rows; the posterior predictive intervals cover
0.87-0.93 of the new rows and the conformal ones 0.84-0.95 (a fit of its own, marked slow). The
default run checks the same on the shared 80-row fit, whose 20 calibration rows make the coverage of
one conformal split a draw from Beta(19, 2) (5% to 99.5%: 0.78 to 0.995), so its band is wider."""

import numpy as np
import pytest


def coverage(frame, y, prior: str, kind: str) -> tuple[float, float]:
    """Share of the new rows inside the ``kind`` (pred, conformal) interval of ``prior``, and its mean width."""
    rows = frame[frame["prior"] == prior]
    low, high = rows[f"{kind}_low"].to_numpy(), rows[f"{kind}_high"].to_numpy()
    return float(np.mean((low <= y) & (y <= high))), float(np.mean(high - low))


def test_intervals_cover_new_rows_of_the_shared_fit(sparse_three):
    truth = sparse_three.data.truth
    w = np.array([truth["coefficients"][f] for f in sparse_three.data.features])
    rng = np.random.default_rng(2026)  # the rows of synthetic: with rho = 0, independent standard normals
    X = rng.standard_normal((3000, len(w)))
    y = truth["intercept"] + X @ w + truth["noise"] * rng.standard_normal(3000)
    frame = sparse_three.predict(X, prob=0.9)
    for prior in ("normal", "laplace", "horseshoe"):
        covered, width = coverage(frame, y, prior, "pred")
        assert 0.87 <= covered <= 0.93, (prior, covered)
        # about the exact predictive interval of the truth, 2 z sigma (sigma is estimated from 80 rows), a little wider
        assert 0.9 <= width / (2 * 1.645 * truth["noise"]) <= 1.15, (prior, width)
    for prior in ("normal", "laplace"):
        covered, _ = coverage(frame, y, prior, "conformal")
        assert 0.78 <= covered <= 0.995, (prior, covered)


@pytest.mark.slow
def test_coverage_target_400_training_rows_3000_new_rows():
    import priorfit
    from priorfit.data import sources

    data = sources.load("synthetic:n=3400,p=10,k=3,seed=11")
    X, y = data.X, data.y
    comparison = priorfit.compare(X[:400], y[:400], features=list(data.features), prior="normal,laplace", seed=1,
                                  progress=False)
    frame = comparison.predict(X[400:], prob=0.9)
    for prior in ("normal", "laplace"):
        posterior, posterior_width = coverage(frame, y[400:], prior, "pred")
        conformal, conformal_width = coverage(frame, y[400:], prior, "conformal")
        print(f"{prior}: posterior predictive {posterior:.4f} (width {posterior_width:.3f}), "
              f"conformal {conformal:.4f} (width {conformal_width:.3f})")
        assert 0.87 <= posterior <= 0.93, (prior, posterior)
        assert 0.84 <= conformal <= 0.95, (prior, conformal)
