"""``--sampler numpyro``: NumPyro's NUTS on priorfit's own (whitened) PyMC model through PyMC's JAX
export. It draws the closed-form Gaussian posterior, and on a Bernoulli it agrees with nutpie's draws of
the same model within Monte Carlo error; without JAX it is refused with one sentence."""

import importlib.util

import arviz as az
import numpy as np
import pytest

import priorfit
from priorfit.cli import main
from priorfit.errors import InputError
from priorfit.inference import numpyro_adapter

# not imported here: every test process collects this module, and JAX in a process turns off its forks
pytestmark = pytest.mark.skipif(importlib.util.find_spec("numpyro") is None, reason="needs priorfit[jax]")

MISSING = ("Sampler 'numpyro' needs numpyro, which is not installed; install them with pip install 'priorfit[jax]' "
           "or use --sampler nutpie.")


def test_numpyro_draws_the_closed_form_gaussian_posterior():
    result = priorfit.compare("synthetic:n=200,p=6,k=3,seed=2,rho=0.8", prior="normal", sigma=1.0, alpha=2.0,
                              sampler="numpyro", draws=1000, tune=500, chains=2, seed=4)
    fit = result.fit("normal")
    assert fit.exact_posterior.max_abs_mcse_z < 4.5, fit.exact_posterior.sentence()
    assert fit.exact_posterior.max_rel_sd < 0.1
    stats = fit.tree["sample_stats"]
    assert stats.sizes["chain"] == 2 and stats.sizes["draw"] == 1000
    assert fit.diagnostics.divergences == 0 and fit.diagnostics.treedepth_hits == 0


def test_numpyro_and_nutpie_agree_on_a_bernoulli_posterior():
    data = "synthetic:n=400,p=4,seed=1,family=bernoulli"
    means, errors = [], []
    for sampler in ("numpyro", "nutpie"):
        result = priorfit.compare(data, likelihood="bernoulli", prior="normal", sampler=sampler, draws=1000, tune=500,
                                  chains=2, seed=3)
        posterior = result.fit("normal").tree["posterior"].to_dataset()[["coef", "intercept"]]
        means.append(np.append(posterior["coef"].mean(("chain", "draw")).values, posterior["intercept"].mean().values))
        mcse = az.mcse(posterior, method="mean")
        errors.append(np.append(mcse["coef"].values, mcse["intercept"].values))
    z = np.abs(means[0] - means[1]) / np.hypot(*errors)
    assert z.max() < 4.5, z


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


def test_transitions_at_the_maximum_tree_depth_are_counted(monkeypatch):
    monkeypatch.setattr(numpyro_adapter, "MAX_TREE_DEPTH", 2)  # at most 3 leapfrog steps: most transitions reach it
    result = priorfit.compare("synthetic:n=200,p=6,k=3,seed=2,rho=0.8", prior="normal", sigma=1.0, alpha=2.0,
                              sampler="numpyro", draws=100, tune=100, chains=2, seed=4)
    fit = result.fit("normal")
    steps = fit.tree["sample_stats"]["n_steps"].values
    assert steps.max() == 3 and fit.diagnostics.treedepth_hits == int((steps == 3).sum()) > 0
