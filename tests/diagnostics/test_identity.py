"""-log p(w | y) = k * J(w) + c: along the profile the comparison stores, and at random points
of the whole coefficient space, for every (prior, likelihood) pair with a twin."""

import numpy as np
import pytest

from priorfit.data import design as data
from priorfit.data import sources
from priorfit.diagnostics import identity
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel
from priorfit.penalized import twins
from priorfit.results.records import TwinPenalty

DATA = {"gaussian": "diabetes", "bernoulli": "breast_cancer", "poisson": "synthetic:n=300,p=10,k=3,family=poisson",
        "laplace": "diabetes", "quantile": "diabetes"}


def _prior(name, scale, mu):
    return priors.ElasticNet(scale, mu, l1_ratio=0.3) if name == "elasticnet" else priors.get(name)(scale, mu)


@pytest.mark.parametrize("key", list(twins.TWINS))
@pytest.mark.parametrize("sigma", [30.0, "estimated"])
def test_objective_identity_at_random_points(key, sigma):
    """-log p - k J is one constant over 200 random points, with k from the twin table, for
    every pair with a twin (and, for the Gaussian, with sigma fixed or estimated)."""
    prior_name, likelihood_name = key
    likelihood = likelihoods.get(likelihood_name, quantile=0.3)
    if not likelihood.has_dispersion and sigma != 30.0:
        pytest.skip("only the likelihoods with a dispersion have a sigma")
    design = data.make_design(sources.load(DATA[likelihood_name]))
    gaussian = likelihood.has_dispersion
    prior = _prior(prior_name, 5.0 if gaussian else 0.7, 0.5 if gaussian else 0.0)
    noise = (likelihoods.HalfNormal(100.0) if sigma == "estimated" else sigma) if gaussian else None
    model = PosteriorModel(design, prior, likelihood, noise, plugin_sigma=50.0 if gaussian else None)
    point = {"coef": np.full(design.p, 0.1), "intercept_centred": np.array(likelihood.initial_intercept(design))}
    dispersion = None
    if sigma == "estimated" and gaussian:
        point["sigma_log__"] = np.array(np.log(37.0))
        dispersion = 37.0
    elif gaussian:
        dispersion = sigma
    twin = twins.twin(prior_name, likelihood)  # with the family's settings bound (the quantile's Q)
    penalty = TwinPenalty(twin.alpha_from_scale(prior.scale, dispersion or 1.0, design.n), dispersion, "fixed sigma")
    sd = np.full(design.p + 1, 20.0 if gaussian else 0.5)
    result = identity.random_points(model, point, twin, penalty, sd, points=200, seed=0)
    # one constant c: the gaps agree to rounding although -log p varies by orders of magnitude here
    assert result.points == 200
    assert result.relative < 1e-13, result
    if likelihood_name == "bernoulli":
        assert result.k == pytest.approx(1 / twin.alpha_from_scale(prior.scale, 1.0, design.n), rel=1e-15)


@pytest.fixture(scope="module")
def sparse(sparse_three):
    """synthetic:n=80,p=6,k=2,seed=3 under normal, laplace (and horseshoe) (tests/conftest.py)."""
    return sparse_three


@pytest.mark.parametrize("prior", ["normal", "laplace"])
def test_profile_is_stored_and_coincides(sparse, prior):
    fit = sparse.fit(prior)
    profile = fit.identity
    assert profile.max_deviation < 1e-9 * np.ptp(profile.neg_log_posterior)
    j = list(sparse.data.features).index(profile.feature)
    assert fit.mode.point["coef"][j] in profile.grid
    if prior == "laplace" and np.any(fit.mode.point["coef"] == 0):
        assert fit.mode.point["coef"][j] == 0  # the kink is shown where the density peaks
    stored = fit.tree["identity"]
    np.testing.assert_array_equal(stored["neg_log_posterior"].values, profile.neg_log_posterior)
    assert stored.attrs["feature"] == profile.feature
    import json

    summary = json.loads(sparse.to_json())["fits"][0 if prior == "normal" else 1]["identity"]
    assert summary["feature"] == profile.feature and summary["max_deviation"] < 1e-6


def test_identity_plot_draws_the_two_curves(sparse):
    import matplotlib

    matplotlib.use("Agg")
    from priorfit.plots.identity import plot_identity

    fit = sparse.fit("laplace")
    pc = plot_identity(sparse, "laplace")
    profile = fit.identity
    np.testing.assert_array_equal(pc.get_viz("neg_log_posterior").get_xdata(), profile.grid)
    drawn = pc.get_viz("neg_log_posterior").get_ydata() - pc.get_viz("scaled_objective").get_ydata()
    assert np.ptp(drawn) < 1e-9 * np.ptp(profile.neg_log_posterior)
    assert pc.get_viz("map").get_xdata()[0] == fit.mode.point["coef"][list(sparse.data.features).index(profile.feature)]


def test_coordinate_prefers_a_pinned_coefficient(diabetes_design):
    prior = priors.Laplace(1.0)
    point = {"coef": np.array([3.0, 0.0, -7.0, 0, 1, 2, 3, 4, 5, 6.0])}
    assert identity.coordinate(diabetes_design, prior, point) == 1
    assert identity.coordinate(diabetes_design, priors.Normal(1.0), point) == 2
