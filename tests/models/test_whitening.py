"""The sampler's whitening ``w = shift + L z``: on wide data (p > 2n) the low-rank factor is the dense
one's covariance and shift to rounding, its PyMC transform is exact (the whitened log density is the
plain one at ``shift + L z`` plus log|det L|), and NUTS through it draws the closed-form posterior."""

import numpy as np
import pytensor
import pytensor.tensor as pt
import pytest

import priorfit
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel
from priorfit.models.whitening import whitening

N, P = 20, 70


@pytest.fixture(scope="module")
def wide():
    return data.make_design(sources.load(f"synthetic:n={N},p={P},k=3,seed=2"))


def _dense(design, prior, likelihood, sigma):
    """``(P + D)^-1`` and its mean, from the p x p matrices of ``quadratic`` (independent of the low-rank
    algebra and of ``quadratic_rows``)."""
    lik_precision, linear = likelihood.quadratic(design, sigma)
    prior_precision = np.diag(prior.precision_diagonal(design.p))
    cov = np.linalg.inv(lik_precision + prior_precision)
    return cov, cov @ (linear + prior_precision @ prior.mu_vector(design.p))


@pytest.mark.parametrize("case", ["gaussian laplace", "gaussian weighted laplace with mu", "bernoulli normal"])
def test_the_low_rank_whitening_is_the_dense_covariance_and_shift(wide, case):
    likelihood = likelihoods.get(case.split()[0])
    design = wide if likelihood.name == "gaussian" else data.make_design(sources.load(f"synthetic:n={N},p={P},k=3,seed=2,family=bernoulli"))
    prior = {"gaussian laplace": priors.Laplace(0.3),
             "gaussian weighted laplace with mu": priors.Laplace(0.3, mu=0.05, weights=np.linspace(0.5, 2.0, P)),
             "bernoulli normal": priors.Normal(0.7)}[case]
    sigma = 1.3
    assert design.wide
    white = whitening(design, prior, likelihood, sigma)
    cov, shift = _dense(design, prior, likelihood, sigma)
    assert white.low_rank and white.basis.shape == (P, N)
    np.testing.assert_allclose(white.covariance(), cov, rtol=1e-9, atol=1e-12 * np.abs(cov).max())
    np.testing.assert_allclose(white.shift, shift, rtol=1e-9, atol=1e-12 * np.abs(shift).max())
    assert white.log_det() == pytest.approx(0.5 * np.linalg.slogdet(cov)[1], rel=1e-12)


def test_a_matrix_precision_keeps_the_dense_factor(wide):
    white = whitening(wide, priors.get("mvnormal")(0.5, precision="rw2"), likelihoods.Gaussian(), 1.0)
    assert not white.low_rank and white.chol.shape == (P, P)


def test_a_kinked_prior_is_not_whitened_on_wide_data(wide):
    model = PosteriorModel(wide, priors.Laplace(0.3), likelihoods.Gaussian(), 1.3, plugin_sigma=1.3)
    assert model.form == "rows" and model.whitening is None and model.mode_model is model.pymc
    tall = data.make_design(sources.load("synthetic:n=100,p=20,k=3,seed=2"))
    assert PosteriorModel(tall, priors.Laplace(0.3), likelihoods.Gaussian(), 1.3).whitening is not None


def test_the_wide_model_goes_through_the_rows_and_its_transform_is_exact(wide):
    prior, gaussian = priors.Normal(0.3, mu=0.05), likelihoods.Gaussian()
    model = PosteriorModel(wide, prior, gaussian, 1.3, plugin_sigma=1.3)
    assert model.form == "rows" and model.whitening.low_rank
    rows = model.mode_model.compile_logp()
    sufficient = PosteriorModel(wide, prior, gaussian, 1.3, whiten=False, form="sufficient").pymc.compile_logp()
    transform = model.pymc.rvs_to_transforms[model.pymc["coef"]]
    value = pt.vector("value")
    forward, backward = (pytensor.function([value], f(value), mode="FAST_COMPILE") for f in (transform.forward, transform.backward))
    whitened = model.pymc.compile_logp()
    rng = np.random.default_rng(3)
    for _ in range(3):
        z, centred = rng.standard_normal(P), float(rng.normal())
        w = model.whitening.apply(z)
        plain = rows({"coef": w, "intercept_centred": centred})
        assert plain == pytest.approx(sufficient({"coef": w, "intercept_centred": centred}), rel=1e-11)
        assert whitened({"coef_whiten__": z, "intercept_centred": centred}) == pytest.approx(
            plain + model.whitening.log_det(), rel=1e-11)
        np.testing.assert_allclose(forward(w), z, rtol=1e-9, atol=1e-11)
        np.testing.assert_allclose(backward(z), w, rtol=1e-12, atol=1e-14)


def test_nuts_through_the_low_rank_whitening_draws_the_closed_form_posterior():
    result = priorfit.compare(f"synthetic:n={N},p={P},k=3,seed=2", prior="normal", sigma=1.0, alpha=2.0, draws=1000,
                              tune=500, chains=2, seed=4)
    fit = result.fit("normal")
    assert P > 2 * N and fit.exact_posterior.holds, fit.exact_posterior.sentence()
    assert fit.diagnostics.divergences == 0
