"""The R2-D2 prior: its prior-predictive R^2 is the Beta it claims, checked by simulation from
the PyMC model; and it runs end to end with no mode and nearest references."""

import numpy as np
import pytest
from scipy import stats

import priorfit
from priorfit import InputError
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel


@pytest.mark.filterwarnings("ignore:The effect of Potentials:UserWarning")  # the likelihood's Potential
def test_prior_predictive_r2_is_the_beta_it_claims():
    """Draws of the model's coefficients give E[var(Xw) | W] = sigma^2 W: the mean over draws of
    w'Sw / (sigma^2 W) is 1 (S the design's covariance), so Zhang, Reich & Bondell's expectation-based
    R^2 = E[var(Xw) | W] / (E[var(Xw) | W] + sigma^2) is W / (1 + W), which is Beta(m k, (1 - m) k) by
    a KS test; the realized var(Xw) / (var(Xw) + sigma^2) of one draw is not."""
    import pymc as pm

    design = data.make_design(sources.load("synthetic:n=300,p=12,k=3,seed=2,rho=0.4"))
    settings = priorfit.Settings(prior="r2d2", r2_mean=0.3, r2_precision=5.0, r2d2_concentration=0.7)
    prior, _ = priors.R2D2.default(settings, scale=None, sigma=2.0, effect_scale=1.0, design=design)
    model = PosteriorModel(design, prior, likelihoods.get("gaussian"), 2.0)
    draws = pm.sample_prior_predictive(draws=8000, model=model.pymc, var_names=["r2", "coef"], random_seed=3)["prior"]
    r2 = draws["r2"].values.ravel()
    coef = draws["coef"].values.reshape(-1, design.p)
    Xc = design.X - design.x_mean
    S = Xc.T @ Xc / design.n
    explained = np.einsum("dp,pq,dq->d", coef, S, coef)  # var(Xw) per draw
    W = r2 / (1 - r2)
    ratio = explained / (4.0 * W)
    # E[ratio] = 1 exactly (phi sums to 1 and the columns are scaled by their sd); MC error ~ 1/sqrt(8000) x sd
    assert abs(ratio.mean() - 1) < 4 * ratio.std() / np.sqrt(len(ratio))
    assert stats.kstest(r2, stats.beta(0.3 * 5, 0.7 * 5).cdf).pvalue > 1e-3
    # the Beta is the expectation-based R^2 = W / (1 + W); the realized one of a draw is not Beta
    realized = explained / (explained + 4.0)
    assert stats.kstest(realized, stats.beta(0.3 * 5, 0.7 * 5).cdf).pvalue < 1e-6


def test_r2d2_runs_with_no_mode_and_nearest_references():
    result = priorfit.compare("diabetes", prior="r2d2", draws=300, tune=400, chains=2, seed=1, progress=False)
    fit = result.fits[0]
    assert fit.mode.status == "degenerate" and "random scales" in fit.mode.message
    assert not fit.penalized.exact and set(fit.penalized.estimates) == {"LassoCV", "ARDRegression"}
    assert np.all(np.isfinite(fit.tree["posterior"]["coef"].values))
    assert fit.shrinkage.m_eff is not None and 0 < fit.shrinkage.m_eff <= 10
    assert fit.diagnostics.divergences <= 5


def test_r2d2_settings_are_checked():
    with pytest.raises(InputError, match=r"^r2_mean 1.5 is not allowed; it must lie strictly between 0 and 1.$"):
        priorfit.Settings(prior="r2d2", r2_mean=1.5)
    with pytest.raises(InputError, match=r"^The r2d2 prior takes no scale; set r2_mean, r2_precision and r2d2_concentration instead.$"):
        priorfit.compare("diabetes", prior="r2d2", scale=2.0, progress=False)
