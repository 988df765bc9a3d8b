"""The closed-form Gaussian posterior as a check: its threshold comes from the Monte Carlo error."""

import numpy as np
import pytest
import xarray as xr
from scipy.stats import norm

from priorfit.diagnostics import closed_form


def _draws(mean, sd, chains, draws, seed):
    rng = np.random.default_rng(seed)
    x = mean + sd * rng.standard_normal((chains, draws, len(mean)))
    return xr.Dataset({"coef": (("chain", "draw", "feature"), x)}, coords={"feature": [f"x{j}" for j in range(len(mean))]})


def test_threshold_is_bonferroni_at_the_false_alarm_rate():
    for m in (2, 22, 122):
        k = closed_form.threshold(m)
        assert m * 2 * norm.sf(k) == pytest.approx(closed_form.FALSE_ALARM, rel=1e-9)
    assert closed_form.threshold(22) == pytest.approx(4.0778, abs=1e-4)


def test_mcse_scaled_errors_of_exact_draws_are_standard_normal():
    # exact draws: each error over its MCSE must be N(0, 1), which is what the Bonferroni bound assumes
    m = 4_000
    rng = np.random.default_rng(1)
    mean, sd = rng.normal(size=m), rng.uniform(0.5, 2.0, m)
    errors = closed_form.errors({"coef_mean": mean, "coef_sd": sd}, _draws(mean, sd, 4, 500, seed=2))
    for key in ("mcse_z_mean", "mcse_z_sd"):
        z = errors[key]
        for q in (1.0, 2.0, 3.0):
            share, expected = np.mean(z > q), 2 * norm.sf(q)
            # binomial standard error of the share over m statistics, 4 of them allowed
            assert abs(share - expected) < 4 * np.sqrt(expected * (1 - expected) / m), (key, q, share, expected)


def test_correct_draws_pass_and_wrong_closed_form_fails():
    mean, sd = np.linspace(-1.0, 1.0, 10), np.full(10, 0.5)
    posterior = _draws(mean, sd, 4, 1000, seed=3)
    check = closed_form.compare_draws({"coef_mean": mean, "coef_sd": sd}, posterior)
    assert check.holds and check.statistics == 20 and check.threshold == pytest.approx(closed_form.threshold(20))
    assert check.sentence().startswith("NUTS vs the closed-form Gaussian posterior: max |mean - exact| ")
    # the mean moved by 3% of one sd is 1.9 MCSE at 4000 draws, 10% is 6.3: the check must see the latter
    wrong_mean = closed_form.compare_draws({"coef_mean": mean + 0.1 * sd, "coef_sd": sd}, posterior)
    assert not wrong_mean.holds and "(mean, " in wrong_mean.worst
    wrong_sd = closed_form.compare_draws({"coef_mean": mean, "coef_sd": sd * 1.05}, posterior)
    assert not wrong_sd.holds and "(sd, " in wrong_sd.worst and wrong_sd.max_abs_mcse_z_sd > wrong_sd.threshold
