"""Posterior and prior predictive checks, the compare table across priors and power-scaling
sensitivity: against closed forms (the Normal prior with a fixed sigma is Gaussian throughout), a
posterior drawn exactly, and cases whose diagnosis is known. No new fit: the session's fits and
exact draws in NumPy."""

import numpy as np
import pytest
import xarray as xr

from priorfit.data.design import from_arrays, make_design
from priorfit.diagnostics import predictive, sensitivity, shrinkage
from priorfit.models import likelihoods
from priorfit.models.priors import Normal

SIGMA = 54.0  # tests/conftest.py DIABETES_NORMAL_FIXED


def _exact(design, prior, sigma):
    """Mean and covariance of the coefficients, and the centred intercept's mean and sd (closed form)."""
    stats = design.sufficient()
    tau = prior.effective_scale(sigma)
    cov = np.linalg.inv(stats.gram / sigma**2 + np.eye(design.p) / tau**2)
    mean = cov @ (stats.xty / sigma**2 + prior.mu_vector(design.p) / tau**2)
    return mean, cov, stats.y_mean, sigma / np.sqrt(design.n)


def _exact_posterior(design, prior, sigma, draws=2000, chains=2, seed=0):
    """An exact posterior (i.i.d. draws) as a fit's posterior Dataset: coef and uncentred intercept."""
    mean, cov, c_mean, c_sd = _exact(design, prior, sigma)
    rng = np.random.default_rng(seed)
    coef = rng.multivariate_normal(mean, cov, (chains, draws))
    centred = c_mean + c_sd * rng.standard_normal((chains, draws))
    return xr.Dataset({"coef": (("chain", "draw", "feature"), coef),
                       "intercept": (("chain", "draw"), centred - coef @ design.x_mean)},
                      coords={"chain": np.arange(chains), "draw": np.arange(draws), "feature": list(design.features)})


@pytest.fixture(scope="module")
def normal_fixed(diabetes_normal_fixed, diabetes_design):
    """The session's diabetes run (normal prior, alpha 2, sigma 54 fixed, 4 x 1000 draws) and its design."""
    return diabetes_normal_fixed, diabetes_normal_fixed.fit("normal"), diabetes_design


def test_posterior_predictive_p_values_match_the_closed_form(normal_fixed):
    """Normal prior, fixed sigma: mean(y_rep) - mean(y) ~ N(0, 2 sigma^2 / n) exactly (the centred
    intercept is N(ybar, sigma^2 / n) and the noise adds as much), so its p-value is 1/2 and the
    replicated means spread as that; the sd's p-value against one from exact posterior draws."""
    comparison, fit, design = normal_fixed
    check = fit.predictive
    n = design.n
    assert check.draws == 4000 and check.stored == 100  # 442 rows: every draw, 100 kept
    assert check.observed_mean == pytest.approx(design.y.mean(), rel=1e-12)
    se = 4 * np.sqrt(0.25 / check.draws) * 1.5  # binomial SE, allowing for the chains' autocorrelation
    assert abs(check.p_mean - 0.5) < se
    y_rep, _, _ = predictive.posterior_predictive(design, likelihoods.get("gaussian"), fit.tree["posterior"].to_dataset(),
                                                  SIGMA, seed=7)
    spread = y_rep.mean(axis=1).var(ddof=1)
    assert spread == pytest.approx(2 * SIGMA**2 / n, rel=5 * np.sqrt(2 / len(y_rep)))
    # the sd statistic under the exact posterior, simulated independently of the code under test
    exact = _exact_posterior(design, fit.prior, SIGMA, draws=10_000, chains=1, seed=3)
    eta = exact["coef"].values[0] @ design.X.T + exact["intercept"].values[0][:, None]
    sds = (eta + SIGMA * np.random.default_rng(4).standard_normal(eta.shape)).std(axis=1)
    reference = predictive.p_value(sds, check.observed_sd)
    assert abs(check.p_sd - reference) < 4 * np.sqrt(0.25 / check.draws) * 1.5 + 4 * np.sqrt(0.25 / 10_000)
    # the draws are kept as ArviZ's groups, y_rep beside y
    tree = fit.tree
    assert tree["posterior_predictive"]["y"].shape == (4, 25, n)
    np.testing.assert_array_equal(tree["observed_data"]["y"].values, design.y)
    assert set(tree["posterior_predictive"]["draw"].values) <= set(tree["posterior"]["draw"].values)


def test_prior_predictive_of_a_normal_prior_has_its_closed_form_moments(diabetes_design):
    """w ~ N(mu, tau^2 I), fixed sigma, centred intercept at ybar: y_i ~ N(ybar + xc_i'mu, tau^2 |xc_i|^2 + sigma^2)."""
    design, sigma, tau = diabetes_design, SIGMA, 30.0
    mu = np.linspace(-5.0, 5.0, design.p)
    prior = Normal(tau, mu)
    size = 4000
    y_rep = predictive.prior_predictive(design, likelihoods.get("gaussian"), prior, None, sigma, size, seed=0)
    assert y_rep.shape == (size, design.n)
    xc = design.X - design.x_mean
    mean = design.y.mean() + xc @ mu
    var = tau**2 * (xc**2).sum(axis=1) + sigma**2
    z = (y_rep.mean(axis=0) - mean) / np.sqrt(var / size)
    assert np.abs(z).max() < 5.0  # 442 rows: a correct draw exceeds 5 with probability 3e-4
    ratio = y_rep.var(axis=0, ddof=1) / var
    assert np.abs(ratio - 1).max() < 5 * np.sqrt(2 / size)
    assert abs(ratio.mean() - 1) < 0.02


def test_prior_predictive_summary_says_where_the_data_fall(normal_fixed):
    """The p-values under the prior predictive are those of its stored draws' statistics."""
    _, fit, design = normal_fixed
    check = fit.predictive
    assert check.prior_draws == 4000 and check.prior_stored == 100
    stored = fit.tree["prior_predictive"]["y"].values.reshape(-1, design.n)
    sds = stored.std(axis=1)
    # 100 of the 4000 data sets: the p-value within their binomial error
    assert abs(predictive.p_value(sds, check.observed_sd) - check.prior_p_sd) < 4 * np.sqrt(0.25 / 100)
    assert check.prior_sd_low < np.median(sds) < check.prior_sd_high


def test_compare_table_is_the_shrinkage_tables_loo(sparse_three):
    """arviz-stats' compare across the priors: each elpd is the fit's own PSIS-LOO, the differences are to the best."""
    rows = sparse_three.loo_compare
    assert [r.rank for r in rows] == list(range(len(sparse_three.fits)))
    loo = {fit.prior.name: fit.shrinkage.elpd_loo for fit in sparse_three.fits}
    table = sparse_three.shrinkage_table()
    best = max(loo.values())
    for r in rows:
        assert r.elpd_loo == pytest.approx(loo[r.prior], rel=1e-12)
        assert r.elpd_loo / sparse_three.data.n == pytest.approx(table.loc[r.prior, "LOO elpd / row"], rel=1e-12)
        assert r.elpd_diff == pytest.approx(loo[r.prior] - best, abs=1e-9)
        assert (r.dse == 0) == (r.rank == 0) and r.se == pytest.approx(sparse_three.fit(r.prior).shrinkage.elpd_loo_se, rel=1e-9)
    assert sum(r.weight for r in rows) == pytest.approx(1.0, abs=1e-6)
    cv = {r.prior: r.cv_log_score for r in rows}
    assert cv["horseshoe"] is None  # no twin, no CV score
    scored = [v for v in cv.values() if v is not None]
    for r in rows:
        if r.cv_log_score is not None:
            assert r.cv_log_score == sparse_three.fit(r.prior).shrinkage.cv_log_score
            assert r.cv_diff == pytest.approx(r.cv_log_score - max(scored), abs=1e-12)


def test_the_pointwise_elpd_of_the_compare_is_the_loo_of_each_fit(sparse_three):
    for fit in sparse_three.fits:
        assert float(fit.elpd.elpd_i.sum()) == pytest.approx(fit.shrinkage.elpd_loo, rel=1e-12)


def _power_scaling(prior, n=60, seed=0):
    """Sensitivity of an exact Normal-prior posterior on y = 1.0 x1 - 0.5 x2 + N(0, 1), sigma fixed at 1."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 2))
    y = X @ np.array([1.0, -0.5]) + rng.standard_normal(n)
    design = make_design(from_arrays(X, y, name="psense"), standardize=False)
    posterior = _exact_posterior(design, prior, 1.0, draws=2000, chains=2, seed=seed + 1)
    gaussian = likelihoods.get("gaussian")
    loglik = shrinkage.log_likelihood(design, gaussian, posterior, 1.0)
    log_prior = sensitivity.log_prior_group(prior, posterior, 1.0)
    return sensitivity.sensitivity(prior, posterior, log_prior, loglik)


def test_power_scaling_finds_a_prior_data_conflict():
    """A prior as informative as the data (sd 0.13, about the likelihood's) centred 7 and 14 of its sds away
    from them (0 and 1.3 where the truth is 1.0 and -0.5): both power-scalings move the posterior."""
    result = _power_scaling(Normal(0.13, [0.0, 1.3]))
    assert [r.diagnosis for r in result.rows] == ["potential prior-data conflict"] * 2
    assert all(r.prior >= 0.05 and r.likelihood >= 0.05 for r in result.rows)
    assert result.power_scaled == ("coef",)


def test_power_scaling_finds_a_strong_prior_over_a_weak_likelihood():
    """A prior 50 times narrower than the likelihood, where the data put the coefficients: the prior dominates."""
    rows = _power_scaling(Normal(0.003, [1.0, -0.5])).rows
    assert all(r.diagnosis == "potential strong prior / weak likelihood" for r in rows), rows
    assert all(r.likelihood < 0.05 <= r.prior for r in rows)


def test_power_scaling_of_a_nearly_flat_prior_finds_nothing():
    rows = _power_scaling(Normal(1e4)).rows
    assert all(r.diagnosis is None and r.prior < 0.01 and r.likelihood >= 0.05 for r in rows), rows


def test_every_fit_of_a_run_has_its_checks(sparse_three):
    """Each coefficient gets a sensitivity row (and the horseshoe's global scale), and the groups are kept."""
    for fit in sparse_three.fits:
        names = [r.name for r in fit.sensitivity.rows]
        assert names[: sparse_three.data.p] == [f"coef[{f}]" for f in sparse_three.data.features]
        assert ("global_scale" in names) == (fit.prior.name == "horseshoe")
        assert fit.sensitivity.power_scaled == fit.prior.power_scaled()
        for group in ("posterior_predictive", "prior_predictive", "observed_data", "log_prior"):
            assert group in fit.tree.children
        assert fit.predictive.draws == 400 and fit.predictive.stored == 100


def test_a_prior_without_numpy_draws_or_density_skips_the_prior_predictive_and_psense():
    from priorfit.models.priors import Prior

    class Bare(Normal, register=False):  # a family written before coef_draws and log_prior existed
        _kernel_draws = Prior._kernel_draws
        _kernel_log_density = Prior._kernel_log_density

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 2))
    design = make_design(from_arrays(X, X @ np.ones(2) + rng.standard_normal(40), name="bare"))
    prior = Bare(1.0)
    posterior = _exact_posterior(design, Normal(1.0), 1.0, draws=200)
    tree = xr.DataTree.from_dict({"posterior": posterior})
    gaussian = likelihoods.get("gaussian")
    checked, sensed = predictive.fit_checks(design, gaussian, prior, tree, shrinkage.log_likelihood(design, gaussian, posterior, 1.0),
                                            1.0, seed=0)
    assert checked.prior_p_sd is None and checked.p_sd is not None and sensed is None
    assert {"posterior_predictive", "observed_data"} <= set(tree.children)
    assert "prior_predictive" not in tree.children and "log_prior" not in tree.children
