"""Simulation-based calibration: uniform ranks for the right model, clearly not for a wrong one;
credible-interval coverage near its level. The full matrix of priors x likelihoods is slow."""

import json

import numpy as np
import pytest
from scipy.stats import binom

from priorfit.calibration import calibrate
from priorfit.cli import main
from priorfit.priors import Prior

SMALL = {"sims": 30, "n": 40, "p": 2, "draws": 200, "tune": 200, "bootstrap": 30}


def _coverage_is_plausible(result, kind="posterior", alpha=0.001):
    """Each coefficient's coverage over the simulations (independent draws: binomial) within a
    two-sided band, Bonferroni over coefficients and levels. Pooling the coefficients of one
    simulation would understate the spread: they share its data."""
    tests = result.p * len(result.covered[kind])
    for level, hits in result.covered[kind].items():
        low, high = binom.ppf([alpha / tests / 2, 1 - alpha / tests / 2], result.sims, level)
        for j, count in enumerate(hits.sum(axis=0)):
            assert low <= count <= high, (kind, level, j, count / result.sims)


def test_the_cli_calibrates_the_normal_prior(tmp_path, capsys):
    out = tmp_path / "sbc"
    args = ["calibrate", "--prior", "normal", "--sims", "30", "--n", "40", "--p", "2", "--bootstrap", "30", "--out", str(out)]
    assert main([*args, "--strict"]) == 0
    summary = json.loads((out / "calibration.json").read_text())
    assert summary["sims"] == 30 and len(summary["ranks"]) == 30 and min(summary["uniformity_pvalues"]) > 0.001
    assert set(summary["coverage"]) == {"posterior", "bootstrap"} and (out / "ranks.png").stat().st_size > 10_000
    assert "rank uniformity (chi-square, 10 bins) p-values per coefficient" in capsys.readouterr().out


def test_a_wrong_model_fails_calibration():
    """Data drawn with prior scale 1, fitted with scale 0.2: the posterior is too narrow and
    pulled to 0, so the truths pile up in the extreme ranks."""
    wrong = calibrate("normal", "gaussian", scale=1.0, fit_scale=0.2, **SMALL)
    assert wrong.pvalues().max() < 1e-4
    assert wrong.coverage()[0.9] < 0.7


LIKELIHOODS = ("gaussian", "bernoulli", "poisson")
# Poisson counts overflow for heavy-tailed draws, and a skipped simulation biases SBC: smaller
# scales there (the horseshoe's is its fixed global scale)
POISSON_SCALES = {"normal": 0.5, "laplace": 0.5, "elasticnet": 0.5, "horseshoe": 0.05}


@pytest.mark.slow
@pytest.mark.parametrize("likelihood", LIKELIHOODS)
@pytest.mark.parametrize("prior", list(Prior.registry))
def test_every_prior_and_likelihood_is_calibrated(prior, likelihood):
    scale = POISSON_SCALES.get(prior) if likelihood == "poisson" else None
    result = calibrate(prior, likelihood, sims=100, n=50, p=3, scale=scale, jobs=2)
    tests = len(Prior.registry) * len(LIKELIHOODS) * result.p
    assert result.pvalues().min() > 0.001 / tests, result.pvalues()  # family-wise 0.001 over every coefficient tested
    assert result.skipped <= 0.02 * 100  # an overflowing count, rarely: it would bias SBC if frequent
    _coverage_is_plausible(result)
    assert np.all((result.ranks >= 0) & (result.ranks <= result.thinned))


def test_with_a_dask_client_the_simulations_run_on_its_workers():
    from dask.distributed import Client, LocalCluster

    quick = {**SMALL, "sims": 10, "p": 1, "bootstrap": 0}
    alone = calibrate("normal", "gaussian", **quick)
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster):
        spread = calibrate("normal", "gaussian", jobs=2, **quick)
    np.testing.assert_array_equal(spread.ranks, alone.ranks)  # each simulation is seeded by its index
