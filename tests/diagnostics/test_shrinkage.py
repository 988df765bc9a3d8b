"""How much shrinkage: effective parameters on both sides, m_eff against its prior (centred on
p0 for the regularized horseshoe), PSIS-LOO beside the twin's cross-validation, per row."""

import numpy as np
import pytest

import priorfit
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.diagnostics import shrinkage
from priorfit.models import likelihoods, priors


@pytest.fixture(scope="module")
def diabetes_run():
    return priorfit.compare("diabetes", sigma=54.0, alpha={"normal": 2.0, "laplace": 1.0}, draws=400, tune=500, chains=2,
                            seed=4, progress=False)


def test_ridge_dof_is_the_trace_of_the_hat_matrix(diabetes_run):
    design = data.make_design(sources.load("diabetes"))
    Xc = design.X - design.x_mean
    d2 = np.linalg.svd(Xc, compute_uv=False) ** 2
    assert diabetes_run.fit("normal").shrinkage.penalized_dof == pytest.approx(np.sum(d2 / (d2 + 2.0)), rel=1e-12)
    lasso = diabetes_run.fit("laplace")
    assert lasso.shrinkage.penalized_dof == pytest.approx(np.sum(lasso.penalized.coef != 0), abs=1e-9)
    assert lasso.shrinkage.penalized_dof_method == "nonzero coefficients"


def test_loo_beside_cv_on_one_scale(diabetes_run):
    table = diabetes_run.shrinkage_table()
    assert list(table.index) == ["normal", "laplace", "regularized_horseshoe"]
    for name, row in table.iterrows():
        fit = diabetes_run.fit(name)
        assert row["LOO elpd / row"] == pytest.approx(fit.shrinkage.elpd_loo / 442)
        assert fit.shrinkage.pareto_k_max < 0.7
        # Gaussian log predictive density per row: about -log(sigma sqrt(2 pi e)) = -5.41 at sigma 54
        assert -5.6 < row["LOO elpd / row"] < -5.3
    ridge = table.loc["normal"]
    assert abs(ridge["LOO elpd / row"] - ridge["twin CV log score / row"]) < 0.05
    # p_loo counts the intercept too (sigma is fixed here): about the ridge dof + 1
    assert abs(table.loc["normal", "p_loo"] - (table.loc["normal", "penalized dof"] + 1)) < 1.5


def test_shrinkage_factors_are_relative_to_least_squares(diabetes_run):
    factors = diabetes_run.shrinkage_factors()
    ols = diabetes_run.ols.coef
    np.testing.assert_allclose(factors[("normal", "penalized / OLS")].to_numpy(), diabetes_run.fit("normal").penalized.coef / ols)
    # ridge shrinks the coefficient vector as a whole (single factors can exceed 1 on a correlated design)
    assert np.linalg.norm(diabetes_run.fit("normal").penalized.coef) < np.linalg.norm(ols)
    assert ("regularized_horseshoe", "penalized / OLS") not in factors  # no twin, no penalized factor


def test_regularized_horseshoe_m_eff_prior_centres_on_p0():
    """With tau0 = p0 / (p - p0) sigma / sqrt(n) the prior median of m_eff is near p0 (Piironen &
    Vehtari's rule), measured by prior draws of (tau, lambda, c)."""
    design = data.make_design(sources.load("synthetic:n=200,p=40,k=4,seed=2"))
    gaussian = likelihoods.get("gaussian")
    for p0 in (2.0, 5.0, 10.0):
        settings = priorfit.Settings(prior="regularized_horseshoe", p0=p0)
        prior, _ = priors.RegularizedHorseshoe.default(settings, scale=None, sigma=1.0, effect_scale=2.0, design=design)
        from priorfit.models.posterior import PosteriorModel

        model = PosteriorModel(design, prior, gaussian, 1.0)
        draws = model.prior_draws(4000, seed=1)
        median = shrinkage.prior_m_eff_median(design, prior, draws, 1.0)
        assert 0.8 * p0 < median < 1.2 * p0, (p0, median)  # measured: 1.92, 4.91, 9.94


def test_glm_m_eff_is_measured_in_the_pseudo_sigma():
    """For a GLM, kappa_j uses the pseudo-sigma that tau0 was set with, so the prior median of
    m_eff is again about p0 (with sigma = 1 instead it was 12.5 for p0 = 7.5 on breast_cancer)."""
    result = priorfit.compare("synthetic:n=300,p=20,k=3,seed=1,family=bernoulli", likelihood="bernoulli",
                              prior="regularized_horseshoe", p0=4, draws=100, tune=150, chains=2, progress=False)
    median = result.fits[0].shrinkage.prior_m_eff_median
    assert 0.8 * 4 < median < 1.2 * 4, median


@pytest.mark.parametrize(("rows", "draws", "computed"), [(442, 4000, True), (5000, 4000, True), (5001, 4000, False),
                                                         (20_000, 1000, True), (20_001, 100, False), (100_000, 100, False)])
def test_loo_auto_stops_at_the_cells_and_at_the_rows(rows, draws, computed):
    assert shrinkage.loo_by_default(rows, draws) is computed
