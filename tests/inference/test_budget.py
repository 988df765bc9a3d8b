"""The NUTS stage's time estimate and the refusal of a run that would outlast --time-limit, before
anything is fitted."""

import os
import re

import numpy as np
import pytest

from priorfit import settings as schema
from priorfit.cli import main
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.errors import InputError
from priorfit.inference import budget
from priorfit.models import likelihoods, priors

WIDE = "synthetic:n=100,p=5000,k=3,seed=1"


@pytest.fixture(scope="module")
def wide():
    return data.make_design(sources.load(WIDE))


def test_the_estimate_is_its_parts(wide, monkeypatch):
    monkeypatch.setattr(budget, "cell_seconds", lambda design: 1e-10)
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    gaussian, n, p = likelihoods.Gaussian(), 100, 5000
    laplace = budget.estimate(wide, priors.Laplace, gaussian, draws=300, tune=200, chains=3)
    # rows (2np), no whitening for a kinked prior on wide data; 8 sqrt(p) gradients a draw; 3 chains on 2 cores: two rounds
    assert laplace.steps_per_draw == pytest.approx(8 * np.sqrt(p))
    assert laplace.gradient_seconds == pytest.approx(2 * n * p * 1e-10 + p * budget.SECONDS_PER_PARAMETER)
    assert laplace.seconds == pytest.approx(2 * 500 * laplace.steps_per_draw * laplace.gradient_seconds)
    assert laplace.parallel == 2
    # no whitening, two values a coefficient, 14 sqrt(p) gradients a draw
    horseshoe = budget.estimate(wide, priors.get("regularized_horseshoe"), gaussian, draws=300, tune=200, chains=2)
    assert horseshoe.steps_per_draw == pytest.approx(14 * np.sqrt(p))
    assert horseshoe.gradient_seconds == pytest.approx(2 * n * p * 1e-10 + 2 * p * budget.SECONDS_PER_PARAMETER)
    # the tree-depth limit
    big = data.make_design(sources.load("synthetic:n=20,p=20000,k=3,seed=1"))
    assert budget.estimate(big, priors.Laplace, gaussian, draws=1, tune=1, chains=1).steps_per_draw == budget.MAX_TREE_STEPS
    # a tall design: X'X (p^2) and the dense whitening (2 p^2)
    tall = data.make_design(sources.load("diabetes"))
    assert budget.cells(tall, priors.Normal, gaussian) == 3 * 10 * 10
    assert budget.cells(tall, priors.Normal, likelihoods.get("bernoulli")) == 2 * 442 * 10 + 2 * 10 * 10


def test_a_matrix_precision_is_whitened_densely_on_wide_data(wide):
    assert budget.cells(wide, priors.get("mvnormal"), likelihoods.Gaussian()) == 2 * 100 * 5000 + 2 * 5000**2
    assert budget.cells(wide, priors.Normal, likelihoods.Gaussian()) == 6 * 100 * 5000  # rows and the low-rank whitening
    assert budget.cells(wide, priors.get("group_laplace"), likelihoods.Gaussian()) == 2 * 100 * 5000


def test_a_run_that_would_outlast_the_time_limit_is_refused_before_anything_is_written(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: {0, 1}, raising=False)
    out = tmp_path / "run"
    code = main(["compare", WIDE, "--prior", "laplace", "--sigma", "1", "--time-limit", "2", "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    assert code == 2 and not out.exists()
    found = re.search(r"Sampling the laplace posterior of 5000 coefficients from 100 rows would take about (.+?) "
                      r"\(2000 NUTS iterations a chain of about 566 gradients each, a gradient about (.+?) here, "
                      r"2 chain\(s\) at once\), more than the time limit of 2 minutes; use fewer draws, tuning steps or "
                      r"features, or raise --time-limit \(0: none\)\.", err)
    assert found, err
    assert "Traceback" not in err and err.count("\n") == 1


def test_no_limit_and_a_negative_limit():
    config = schema.from_user({"prior": "laplace", "time_limit": 0})
    budget.check(config, data.make_design(sources.load(WIDE)), likelihoods.Gaussian())  # 0: nothing refused
    with pytest.raises(InputError) as error:
        schema.from_user({"time_limit": -1})
    assert str(error.value) == "time_limit -1 is not allowed; it must be a number of minutes >= 0 (0: no limit)."
