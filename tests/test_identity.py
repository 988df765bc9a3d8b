"""-log p(w | y) = k * J(w) + c: along the profile the comparison stores, and at random points
of the whole coefficient space, for every (prior, likelihood) pair with a twin."""

import numpy as np
import pytest

import priorfit
from priorfit import identity, likelihoods, priors, twins
from priorfit.model import PosteriorModel


@pytest.mark.parametrize("key", list(twins.TWINS))
@pytest.mark.parametrize("sigma", [30.0, likelihoods.HalfNormal(100.0)])
def test_objective_identity_at_random_points(diabetes_design, key, sigma):
    prior_name, likelihood_name = key
    twin = twins.TWINS[key]
    prior = priors.get(prior_name)(5.0, mu=0.5)
    model = PosteriorModel(diabetes_design, prior, likelihoods.get(likelihood_name), sigma, plugin_sigma=50.0)
    evaluate = model.derivatives()
    names = [v.name for v in model.mode_model.value_vars]
    rng = np.random.default_rng(0)
    sigma_value = 37.0
    gaps = []
    for _ in range(50):
        values = {"coef": rng.normal(scale=20.0, size=10), "intercept_centred": np.array(rng.normal(150, 5))}
        if "sigma_log__" in names:
            values["sigma_log__"] = np.array(np.log(sigma_value))
        s = sigma_value if "sigma_log__" in names else sigma
        alpha = twin.alpha_from_scale(prior.scale, s, 442)
        intercept = float(values["intercept_centred"]) - values["coef"] @ diabetes_design.x_mean
        J = twin.objective_at(diabetes_design.X, diabetes_design.y, values["coef"], intercept, prior.mu_vector(10), alpha)
        gaps.append(-float(evaluate(**values)[0]) - twin.objective_scale(s, 442) * J)
    gaps = np.array(gaps)
    # one constant c: the gaps agree to rounding although -log p varies over ~1e3-1e5 here
    assert np.ptp(gaps) < 1e-9 * np.abs(gaps).max()


@pytest.fixture(scope="module")
def sparse():
    return priorfit.compare("synthetic:n=80,p=6,k=2,seed=3", prior="normal,laplace", draws=200, tune=300, chains=2, seed=1)


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
    from priorfit.plots import identity as identity_plot

    fit = sparse.fit("laplace")
    figure = identity_plot.draw(sparse, fit)
    lines = {line.get_gid(): line for line in figure.axes[0].lines}
    profile = fit.identity
    np.testing.assert_array_equal(lines["neg_log_posterior"].get_xdata(), profile.grid)
    drawn = lines["neg_log_posterior"].get_ydata() - lines["scaled_objective"].get_ydata()
    assert np.ptp(drawn) < 1e-9 * np.ptp(profile.neg_log_posterior)
    assert lines["map"].get_xdata()[0] == fit.mode.point["coef"][list(sparse.data.features).index(profile.feature)]


def test_coordinate_prefers_a_pinned_coefficient(diabetes_design):
    prior = priors.Laplace(1.0)
    point = {"coef": np.array([3.0, 0.0, -7.0, 0, 1, 2, 3, 4, 5, 6.0])}
    assert identity.coordinate(diabetes_design, prior, point) == 1
    assert identity.coordinate(diabetes_design, priors.Normal(1.0), point) == 2
