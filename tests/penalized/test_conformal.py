"""The split-conformal refit of the twin (priorfit.penalized.conformal): the split, the refit, the
scores and the interval, against scikit-learn and a hand computation."""

import numpy as np
import pytest

from priorfit.models import likelihoods, priors
from priorfit.penalized import conformal
from priorfit.settings import Settings


def test_the_split_is_seeded_disjoint_and_a_quarter():
    proper, calibration = conformal.split(442, seed=3)
    assert len(calibration) == 111 and len(proper) == 331  # ceil(0.25 * 442)
    assert not set(proper) & set(calibration) and sorted({*proper, *calibration}) == list(range(442))
    again = conformal.split(442, seed=3)
    assert np.array_equal(again[1], calibration) and not np.array_equal(conformal.split(442, seed=4)[1], calibration)
    assert conformal.split(36, seed=0) is None and len(conformal.split(37, seed=0)[1]) == 10  # at least 10 calibration rows


def test_the_ridge_refit_and_its_scores(diabetes_design):
    from sklearn.linear_model import Ridge

    design = diabetes_design
    prior = priors.create("normal", 54.0 / np.sqrt(2.0), Settings())
    split = conformal.calibrate(design, prior, likelihoods.get("gaussian"), 54.0, seed=1)
    proper, calibration = conformal.split(design.n, 1)
    ridge = Ridge(alpha=2.0).fit(design.X[proper], design.y[proper])  # Ridge's alpha = sigma^2 / tau^2 has no n
    assert split.value == pytest.approx(2.0, rel=1e-12) and split.estimator == "Ridge" and split.proper_rows == 331
    np.testing.assert_allclose(split.coef * design.x_scale, ridge.coef_, rtol=1e-10)
    np.testing.assert_allclose(split.scores, np.abs(design.y[calibration] - ridge.predict(design.X[calibration])), rtol=1e-10)
    X = design.dataset.X[:5]
    center = split.center(X, likelihoods.get("gaussian"))
    np.testing.assert_allclose(center, ridge.predict(design.X[:5]), rtol=1e-10)
    low, high = split.interval(center, 0.9)
    k = int(0.1 * (111 + 1))  # crepes: the floor((1 - prob)(m + 1))-th largest score
    half = np.sort(split.scores)[::-1][k - 1]
    np.testing.assert_allclose(high - center, half)
    np.testing.assert_allclose(center - low, half)


def test_the_interval_is_clipped_to_the_support_and_whole_when_too_few_rows():
    split = conformal.Conformal("LogisticRegression", 0, 0.25, 30, 1.0, np.zeros(2), 0.0, np.linspace(0.05, 0.95, 10))
    low, high = split.interval(np.array([0.1, 0.9]), 0.8, (0.0, 1.0))
    # floor(0.2 * 11) = 2: the second largest score, 0.85
    np.testing.assert_allclose(low, [0.0, 0.05])
    np.testing.assert_allclose(high, [0.95, 1.0])
    low, high = split.interval(np.array([0.5]), 0.95, (0.0, 1.0))  # floor(0.05 * 11) = 0: no score is large enough
    assert (low[0], high[0]) == (0.0, 1.0)
    low, high = split.interval(np.array([0.5]), 0.95)
    assert (low[0], high[0]) == (-np.inf, np.inf)


def test_no_refit_without_a_twin_or_a_fixed_scale(diabetes_design):
    gaussian = likelihoods.get("gaussian")
    assert conformal.calibrate(diabetes_design, priors.create("horseshoe", None, Settings()), gaussian, 54.0, 0) is None


def test_the_group_reads_back(diabetes_design):
    prior = priors.create("normal", 10.0, Settings())
    split = conformal.calibrate(diabetes_design, prior, likelihoods.get("gaussian"), 54.0, seed=2)
    back = conformal.Conformal.from_dataset(split.to_dataset())
    assert back.estimator == split.estimator and back.proper_rows == split.proper_rows and back.value == split.value
    np.testing.assert_array_equal(back.scores, split.scores)
    np.testing.assert_array_equal(back.coef, split.coef)


def test_saga_starts_at_the_full_twin_and_ends_where_a_cold_start_does():
    """The L1 logistic refit starts at the full twin's estimate (ten times fewer iterations): its
    calibration scores are the cold start's, within the loose tolerance of refits."""
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.penalized import fits, twins

    design = data.make_design(sources.load("breast_cancer"))
    twin = twins.twin("laplace", "bernoulli")
    prior = priors.create("laplace", float(twin.scale_of(0.1, 1.0, design.n, False)), Settings(likelihood="bernoulli", prior="laplace"))
    full = fits.fit(design, prior, "bernoulli", 0.1)
    bernoulli = likelihoods.get("bernoulli")
    cold = conformal.calibrate(design, prior, bernoulli, 1.0, seed=0)
    warm = conformal.calibrate(design, prior, bernoulli, 1.0, seed=0, start=(full.coef, full.intercept))
    assert warm.value == cold.value == pytest.approx(0.1) and warm.calibration_rows == 143
    assert np.abs(warm.scores - cold.scores).max() < 0.01
    assert np.abs(warm.coef - cold.coef).max() < 0.05 * np.abs(cold.coef).max()
