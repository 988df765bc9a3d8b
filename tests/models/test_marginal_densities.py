"""Each coefficient's prior on its own (``Prior.marginal_density``, drawn on the density plots): against
quadrature of the joint density (the group Laplace), the inverse of Q (the multivariate normal), the
elementwise log density (the independent priors), and histograms of the priors' own draws (the
mixtures over random scales)."""

import math

import numpy as np
import pytest
from scipy import integrate, stats

from priorfit.models import priors
from priorfit.models.priors import GroupLaplace, Laplace
from priorfit.models.priors.hyperpriors import hyperprior


def _grid(low, high, p, m=801):
    return np.repeat(np.linspace(low, high, m)[:, None], p, axis=1)


@pytest.mark.parametrize("m", [2, 3])
def test_a_group_laplace_coordinate_is_the_joint_density_integrated_over_the_rest(m):
    """``int exp(-c sqrt(x^2 + r^2)) dr`` over R^(m-1), by quadrature along r times the sphere's area."""
    b = 0.8
    prior = GroupLaplace(b, groups=[list(range(m))])
    c = math.sqrt(m) / b
    joint = prior.log_prior({"coef": np.zeros(m)})["coef"]  # log p at 0: the normalizer, -log(2 pi^(m/2) G(m)/G(m/2)) + m log c
    area = 2 * math.pi ** ((m - 1) / 2) / math.gamma((m - 1) / 2)  # of the unit sphere in R^(m-1)
    for x in (0.0, 0.05, 0.4, 1.3, 3.0):
        radial = integrate.quad(lambda r: np.exp(-c * math.hypot(x, r)) * r ** (m - 2), 0, np.inf)[0]
        expected = math.exp(float(joint)) * area * radial
        got = prior.marginal_density(np.full((1, m), x))[0]
        np.testing.assert_allclose(got, expected, rtol=1e-7)


def test_a_group_of_one_is_the_laplace_density_and_every_marginal_integrates_to_one():
    prior = GroupLaplace(0.6, mu=[0.0, 0.5, 0.5, 0.5, -1.0], groups=[[0], [1, 2, 3], [4]])
    x = _grid(-12, 12, 5, 4001)
    density = prior.marginal_density(x)
    np.testing.assert_allclose(density[:, 0], stats.laplace.pdf(x[:, 0], scale=0.6), rtol=1e-12)
    # mass 1 and the variance (m + 1) b^2 / m of the module's docstring, about each mu
    mu = prior.mu_vector(5)
    for j, m in enumerate([1, 3, 3, 3, 1]):
        def f(t, power, j=j):
            x = np.tile(mu, (1, 1))
            x[0, j] = t
            return prior.marginal_density(x)[0, j] * (t - mu[j]) ** power
        for power, expected in ((0, 1.0), (2, (m + 1) * 0.36 / m)):
            left = integrate.quad(f, -np.inf, mu[j], args=(power,))[0]
            right = integrate.quad(f, mu[j], np.inf, args=(power,))[0]
            np.testing.assert_allclose(left + right, expected, rtol=1e-8)


def test_the_mvnormal_marginal_is_normal_with_the_inverse_precision_and_improper_along_q_s_null_space():
    Q = np.array([[2.0, -0.8, 0.0], [-0.8, 1.5, 0.3], [0.0, 0.3, 1.0]])
    prior = priors.create("mvnormal", 0.7, _settings(precision=Q))
    x = _grid(-3, 3, 3, 7)
    sd = 0.7 * np.sqrt(np.diag(np.linalg.inv(Q)))
    np.testing.assert_allclose(prior.marginal_density(x), stats.norm.pdf(x, scale=sd), rtol=1e-10)
    # rw1: flat along the constants, so no coefficient has a proper marginal
    walk = priors.create("mvnormal", 0.7, _settings(precision="rw1"))
    assert np.isnan(walk.marginal_density(_grid(-1, 1, 4, 5))).all()


def _settings(**kwargs):
    from priorfit import Settings

    return Settings(prior=("mvnormal",), **kwargs)


@pytest.mark.parametrize("name, options", [("normal", {}), ("laplace", {}), ("elasticnet", {"l1_ratio": 0.4}),
                                           ("bridge", {"bridge_q": 1.5})])
def test_an_independent_prior_s_marginal_is_its_density_and_integrates_to_one(name, options):
    from priorfit import Settings

    prior = priors.create(name, 0.9, Settings(prior=(name,), mu=0.3, **options))
    x = _grid(-15, 15, 2, 601)
    density = prior.marginal_density(x)
    np.testing.assert_allclose(np.log(density), prior.log_prior({"coef": x})["coef"], rtol=1e-12)
    mass = [integrate.quad(lambda t: prior.marginal_density(np.full((1, 2), t))[0, 0], a, b)[0]
            for a, b in ((-np.inf, 0.3), (0.3, np.inf))]
    np.testing.assert_allclose(sum(mass), 1.0, rtol=1e-8)


def _histogram_check(prior, p, scales, sigma=None, size=200_000, edges=(np.linspace(-2, 2, 41),), sub=100):
    """The mixture against a histogram of the prior's own draws at the same scale draws (each
    reused size / draws times), in bins (``edges``: one or more runs of bin edges), within 5 Monte Carlo standard errors in every bin (the density
    integrated over a bin by Simpson's rule)."""
    rng = np.random.default_rng(11)
    draws = len(next(iter(scales.values())))
    repeat = size // draws
    tiled = {k: np.repeat(v, repeat, axis=0) for k, v in scales.items()}
    coef = prior.coef_draws(p, draws * repeat, rng, scales=tiled, sigma=sigma)
    for low, high in ((a, b) for side in edges for a, b in zip(side[:-1], side[1:])):
        fine = np.linspace(low, high, sub + 1)
        expected = integrate.simpson(prior.marginal_density(np.repeat(fine[:, None], p, axis=1), scales, sigma), x=fine, axis=0)
        share = np.mean((coef >= low) & (coef < high), axis=0)
        error = np.sqrt(expected * (1 - expected) / len(coef))
        assert np.all(np.abs(share - expected) <= 5 * error), (low, np.abs(share - expected) / error)


def test_the_horseshoe_marginal_is_the_mixture_of_its_draws():
    from priorfit.models.priors.horseshoe import Horseshoe

    rng = np.random.default_rng(0)
    scales = {"global_scale": np.abs(stats.cauchy.rvs(scale=0.5, size=300, random_state=rng)),
              "local_scale": np.abs(stats.cauchy.rvs(size=(300, 3), random_state=rng))}
    prior = Horseshoe(None, global_prior_scale=0.5)
    # away from the spike at mu, where a bin's integral needs no singular quadrature
    _histogram_check(prior, 3, scales, edges=(np.linspace(-3, -0.2, 15), np.linspace(0.2, 3, 15)))
    near, far = prior.marginal_density(np.array([[0.01] * 3, [2.0] * 3]), scales)
    assert np.all(near > 20 * far)


def test_a_hyperprior_on_the_laplace_scale_mixes_over_its_draws_with_sigma():
    prior = Laplace(hyperprior("hyper:halfnormal:0.5"))
    prior.by_sigma = True
    scales = {"global_scale": np.abs(np.random.default_rng(2).normal(0, 0.5, 250))}
    _histogram_check(prior, 2, scales, sigma=1.7)
    at_zero = prior.marginal_density(np.zeros((1, 2)), scales, sigma=1.7)[0, 0]
    np.testing.assert_allclose(at_zero, np.mean(1 / (2 * 1.7 * scales["global_scale"])), rtol=1e-12)
