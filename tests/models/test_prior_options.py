"""Prior options beyond a scale: a location per coefficient and sigma-scaled priors (Park &
Casella's Bayesian lasso), each with its identity at the mode."""

import json

import numpy as np
import pytest

import priorfit
import priorfit.data.design
import priorfit.data.sources
from priorfit import InputError

SMALL = dict(draws=300, tune=400, chains=2, seed=3, progress=False)


def test_a_location_per_coefficient_is_the_penalty_on_w_minus_mu():
    mu = np.linspace(-20, 20, 10)
    result = priorfit.compare("diabetes", prior="laplace", alpha=2.0, sigma=54.0, mu=mu, **SMALL)
    fit = result.fits[0]
    assert fit.agreement.max_rel_diff < 1e-8 and fit.agreement.same_zero_pattern
    pinned = fit.mode.point["coef"] == mu  # the kinks sit at each coefficient's own location
    assert pinned.any() and np.array_equal(pinned, fit.penalized.coef == mu)
    np.testing.assert_allclose(json.loads(result.to_json())["settings"]["mu"], mu, rtol=1e-11)  # JSON: 12 digits
    assert fit.prior.params()["mu"] == mu.tolist()


def test_a_location_of_the_wrong_length_is_one_sentence():
    with pytest.raises(InputError, match=r"^The prior location mu has 3 entries but the data have 10 features; give one number, or one per feature in their order.$"):
        priorfit.compare("diabetes", prior="normal", mu=[1, 2, 3], **SMALL)
    with pytest.raises(InputError, match=r"^An entry of the prior location mu 'x' is not allowed; it must be a finite number.$"):
        priorfit.Settings(mu=[1, "x"])


@pytest.mark.parametrize("sigma", [54.0, None])
def test_sigma_scaled_laplace_is_the_lasso_at_alpha_sigma_over_n_s(sigma, request):
    """b = sigma * s: at the (MAP) sigma the mode is the Lasso with alpha = sigma / (n s)."""
    s = 1 / 0.237
    if sigma is None:  # Jeffreys sigma: models/park-casella.toml, shared with its declaration test
        _, result, _ = request.getfixturevalue("declared_park_casella")
        assert result.settings.scale == {"laplace": s} and result.settings.scale_by_sigma and not result.settings.standardize
        assert result.settings.sigma is None or result.settings.sigma == "estimate"
    else:
        result = priorfit.compare("diabetes", prior="laplace", scale=s, scale_by_sigma=True, standardize=False, sigma=sigma, **SMALL)
    fit = result.fits[0]
    at = fit.penalty.dispersion
    assert fit.penalty.alpha == pytest.approx(at / (442 * s), rel=1e-14)
    assert fit.agreement.max_rel_diff < 1e-8 and fit.agreement.same_zero_pattern
    assert fit.mode.certificate.kkt_relative == 0.0 and fit.mode.certificate.newton_decrement < 1e-6
    assert fit.objective_identity.relative < 1e-13
    assert fit.prior.params()["by_sigma"] is True


def test_sigma_scaled_normal_with_fixed_sigma_matches_the_closed_form():
    result = priorfit.compare("diabetes", prior="normal", scale=0.5, scale_by_sigma=True, sigma=54.0, **SMALL)
    fit = result.fits[0]
    assert fit.penalty.alpha == pytest.approx(1 / 0.5**2)  # alpha = sigma^2 / (sigma s)^2
    assert fit.agreement.max_rel_diff < 1e-8
    assert fit.exact_posterior.max_abs_mcse_z < 4.5 and fit.exact_posterior.max_rel_sd < 0.15


def test_scale_by_sigma_needs_a_sigma():
    with pytest.raises(InputError, match=r"^scale_by_sigma applies to the gaussian, student_t, laplace or quantile likelihood only; the bernoulli likelihood has no sigma.$"):
        priorfit.Settings(likelihood="bernoulli", prior="normal", scale_by_sigma=True)


@pytest.fixture(scope="module")
def hierarchical():
    return priorfit.compare("diabetes", prior="normal,laplace", scale="normal=hyper:halfcauchy:10,laplace=hyper:halfnormal:20",
                            **SMALL)


def test_a_random_scale_is_chosen_three_ways(hierarchical):
    """CV vs empirical Bayes vs full Bayes on one scale: the type-II ML tau of BayesianRidge and
    the posterior median of tau agree closely on diabetes (n >> p), cross-validation less so."""
    from sklearn.linear_model import BayesianRidge, RidgeCV

    fit = hierarchical.fit("normal")
    assert fit.mode.status == "degenerate" and "scale is random" in fit.mode.message
    methods = [c.method.split(" (")[0] for c in fit.scale_choices]
    assert methods == ["cross-validation", "empirical Bayes", "full Bayes"]
    cv, eb, full = fit.scale_choices
    design = priorfit.data.design.make_design(priorfit.data.sources.load("diabetes"))
    ridge = RidgeCV(alphas=np.logspace(-4, 5, 91)).fit(design.X, design.y)
    sigma = fit.hyper.dispersion
    assert cv.alpha == ridge.alpha_ and cv.scale == pytest.approx(sigma / np.sqrt(ridge.alpha_))
    bayes = BayesianRidge(tol=1e-10, max_iter=10_000).fit(design.X, design.y)
    assert eb.scale == pytest.approx(1 / np.sqrt(bayes.lambda_), rel=1e-6)
    assert full.low < full.scale < full.high
    assert full.low < eb.scale < full.high  # the mode of the marginal likelihood sits inside the posterior of tau
    assert abs(np.log(full.scale / eb.scale)) < 0.25
    laplace = hierarchical.fit("laplace")
    assert [c.method.split(" (")[0] for c in laplace.scale_choices] == ["cross-validation", "full Bayes"]
    assert fit.diagnostics.divergences == 0 and laplace.diagnostics.divergences == 0


def test_scale_choices_survive_the_saved_folder(hierarchical, tmp_path):
    from priorfit.results import load

    hierarchical.save(tmp_path / "out", plots=False)
    again = load(tmp_path / "out")
    for saved, fitted in zip(again.fit("normal").scale_choices, hierarchical.fit("normal").scale_choices, strict=True):
        assert saved.method == fitted.method
        assert saved.scale == pytest.approx(fitted.scale, rel=1e-11)  # JSON keeps 12 digits
    assert again.fit("laplace").prior.hyperprior == hierarchical.fit("laplace").prior.hyperprior


def test_bad_hyperpriors_are_one_sentence():
    with pytest.raises(InputError, match=r"^Scale 'hyper:gamma:2' is not understood; give a positive number, or hyper:halfcauchy:S or hyper:halfnormal:S.$"):
        priorfit.Settings(prior="normal", scale="hyper:gamma:2")
    with pytest.raises(InputError, match=r"^A hyperprior \(hyper:halfcauchy:1\) applies to the normal, laplace, group_laplace, elasticnet, bridge and mvnormal scales; the horseshoe prior has its own hierarchy \(give its global scale as a number to fix it\).$"):
        priorfit.Settings(prior="horseshoe", scale="hyper:halfcauchy:1")


def test_a_random_scale_with_fixed_sigma_has_no_closed_form():
    """A hyperprior on tau makes the posterior non-Gaussian even with sigma fixed (it used to
    try the closed form with tau = None)."""
    result = priorfit.compare("diabetes", prior="normal", scale="hyper:halfnormal:20", sigma=54.0, draws=200, tune=300,
                              chains=2, seed=2, progress=False)
    fit = result.fits[0]
    assert fit.exact_posterior is None and fit.mode.status == "degenerate"
    assert [c.method.split(" (")[0] for c in fit.scale_choices] == ["cross-validation", "empirical Bayes", "full Bayes"]
