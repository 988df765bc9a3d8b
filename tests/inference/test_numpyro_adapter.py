"""``--sampler numpyro``: NumPyro's NUTS on priorfit's own (whitened) PyMC model through PyMC's JAX
export. It draws the closed-form Gaussian posterior, and on a Bernoulli it agrees with nutpie's draws of
the same model within Monte Carlo error; without JAX it is refused with one sentence.

The sampling runs in a child process (:data:`RUNS`): once JAX has started its threads, a fork of the
process can deadlock, and other tests of the same test process fork (PyMC's sampler, the plots)."""

import importlib.util
import json
import subprocess
import sys

import pytest

from priorfit.cli import main
from priorfit.errors import InputError
from priorfit.inference import numpyro_adapter

# not imported here: every test process collects this module, and JAX in a process turns off its forks
pytestmark = pytest.mark.skipif(importlib.util.find_spec("numpyro") is None, reason="needs priorfit[jax]")

MISSING = ("Sampler 'numpyro' needs numpyro, which is not installed; install them with pip install 'priorfit[jax]' "
           "or use --sampler nutpie.")


RUNS = r"""
import json

import arviz as az
import numpy as np

import priorfit
from priorfit.inference import numpyro_adapter

out = {}
fit = priorfit.compare("synthetic:n=200,p=6,k=3,seed=2,rho=0.8", prior="normal", sigma=1.0, alpha=2.0, sampler="numpyro",
                       draws=1000, tune=500, chains=2, seed=4, progress=False).fit("normal")
stats = fit.tree["sample_stats"]
out["closed_form"] = dict(z=fit.exact_posterior.max_abs_mcse_z, sd=fit.exact_posterior.max_rel_sd, sentence=fit.exact_posterior.sentence(),
                          chains=stats.sizes["chain"], draws=stats.sizes["draw"], divergences=fit.diagnostics.divergences,
                          hits=fit.diagnostics.treedepth_hits)
means, errors = [], []
for sampler in ("numpyro", "nutpie"):
    posterior = priorfit.compare("synthetic:n=400,p=4,seed=1,family=bernoulli", likelihood="bernoulli", prior="normal", sampler=sampler,
                                 draws=1000, tune=500, chains=2, seed=3, progress=False).fit("normal").tree["posterior"].to_dataset()
    posterior = posterior[["coef", "intercept"]]
    means.append(np.append(posterior["coef"].mean(("chain", "draw")).values, posterior["intercept"].mean().values))
    mcse = az.mcse(posterior, method="mean")
    errors.append(np.append(mcse["coef"].values, mcse["intercept"].values))
out["bernoulli_z"] = (np.abs(means[0] - means[1]) / np.hypot(*errors)).tolist()
numpyro_adapter.MAX_TREE_DEPTH = 2  # at most 3 leapfrog steps: most transitions reach it
fit = priorfit.compare("synthetic:n=200,p=6,k=3,seed=2,rho=0.8", prior="normal", sigma=1.0, alpha=2.0, sampler="numpyro",
                       draws=100, tune=100, chains=2, seed=4, progress=False).fit("normal")
steps = fit.tree["sample_stats"]["n_steps"].values
out["depth"] = dict(max_steps=int(steps.max()), at_three=int((steps == 3).sum()), hits=fit.diagnostics.treedepth_hits)
print("RESULT " + json.dumps(out))
"""


@pytest.fixture(scope="module")
def runs():
    warnings = ["-W", "error::DeprecationWarning", "-W", "error::FutureWarning"]  # as pyproject.toml has them for the tests
    done = subprocess.run([sys.executable, *warnings, "-c", RUNS], capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.rsplit("RESULT ", 1)[1])


def test_numpyro_draws_the_closed_form_gaussian_posterior(runs):
    check = runs["closed_form"]
    assert check["z"] < 4.5 and check["sd"] < 0.1, check["sentence"]
    assert (check["chains"], check["draws"]) == (2, 1000)
    assert check["divergences"] == 0 and check["hits"] == 0


def test_numpyro_and_nutpie_agree_on_a_bernoulli_posterior(runs):
    assert max(runs["bernoulli_z"]) < 4.5, runs["bernoulli_z"]


def test_transitions_at_the_maximum_tree_depth_are_counted(runs):
    depth = runs["depth"]
    assert depth["max_steps"] == 3 and depth["hits"] == depth["at_three"] > 0


def test_a_missing_numpyro_is_refused_with_a_sentence(monkeypatch, capsys, tmp_path):
    found = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "numpyro" else found(name, *a))
    with pytest.raises(InputError) as error:
        numpyro_adapter.check_installed()
    assert str(error.value) == MISSING
    out = tmp_path / "out"
    assert main(["compare", "diabetes", "--sampler", "numpyro", "--out", str(out)]) == 2
    assert MISSING in " ".join(capsys.readouterr().err.split())
    assert not out.exists()
