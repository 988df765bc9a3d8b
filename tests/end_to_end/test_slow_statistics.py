"""Long statistical checks (``pytest -m slow``): NUTS against the exact posterior.

A correlated design (AR(1) rho = 0.95), a Normal prior and fixed sigma: the posterior is
Gaussian in closed form. Both samplers, whitened and plain, must match it within Monte
Carlo error.
"""

import pytest

import priorfit

pytestmark = pytest.mark.slow

DATA = "synthetic:n=1000,p=30,k=6,noise=1.0,seed=0,rho=0.95"


@pytest.mark.parametrize("sampler", ["nutpie", "pymc"])
@pytest.mark.parametrize("whiten", [True, False])
def test_nuts_matches_closed_form_on_correlated_design(sampler, whiten):
    result = priorfit.compare(DATA, prior="normal", sigma=1.0, alpha=5.0, sampler=sampler, whiten=whiten, draws=2000, tune=1000, seed=11)
    fit = result.fit("normal")
    assert fit.exact_posterior.max_abs_mcse_z < 4.5
    assert fit.exact_posterior.max_rel_sd < 0.06
    assert fit.agreement.max_rel_diff < 1e-8
    assert fit.diagnostics.divergences == 0 and fit.diagnostics.max_rhat < 1.01


def test_laplace_posterior_on_sparse_truth_covers_the_truth():
    result = priorfit.compare("synthetic:n=400,p=20,k=4,noise=1.0,seed=3", prior="laplace", draws=2000, seed=5)
    fit = result.fit("laplace")
    truth = result.data.truth["coefficients"]
    table = result.table("laplace")
    inside = [(table.loc[name, "hdi_low"] <= value <= table.loc[name, "hdi_high"]) for name, value in truth.items()]
    assert sum(inside) >= 17  # 94% intervals: expect ~19 of 20
    assert fit.agreement.max_rel_diff < 1e-6 and fit.mode.certificate.value < 1e-8
