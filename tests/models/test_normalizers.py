"""Every prior's log density is a true log density of everything random in the model.

A normalizer that depends on a random quantity (a hyperprior's scale, a scale multiplied by an
estimated sigma) cannot be dropped: these tests fail for a density that drops it.
"""

import warnings

import numpy as np
import pytest
from scipy import stats
from scipy.integrate import quad
from scipy.optimize import minimize_scalar

from priorfit import inference
from priorfit.data.design import make_design
from priorfit.data.sources import load
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel


@pytest.mark.parametrize(("s", "r"), [(1.0, 0.5), (1e-4, 0.999), (1e3, 1e-3), (54.0, 0.3), (0.05, 0.9)])
def test_elastic_net_normalizer_is_the_integral(s, r):
    """The closed form (erfcx) against quadrature, in NumPy and in PyTensor."""
    import pytensor
    import pytensor.tensor as pt

    half, _ = quad(lambda d: np.exp(-(r * d + (1 - r) * d * d / 2) / s), 0, np.inf, epsabs=0, epsrel=1e-13, limit=500)
    s_, r_ = pt.dscalars("s", "r")
    symbolic = pytensor.function([s_, r_], priors.elasticnet_log_normalizer(s_, r_, pt))
    assert priors.elasticnet_log_normalizer(s, r) == pytest.approx(np.log(2 * half), rel=1e-12, abs=1e-12)
    assert symbolic(s, r) == pytest.approx(np.log(2 * half), rel=1e-12, abs=1e-12)


def test_elastic_net_normalizer_tends_to_the_laplace_one():
    # r -> 1: exp(-|d| r / s) integrates to 2 s / r; no overflow where exp(x^2) alone would
    assert priors.elasticnet_log_normalizer(1e-8, 0.5) == pytest.approx(np.log(2e-8 / 0.5), rel=1e-6)
    assert np.isfinite(priors.elasticnet_log_normalizer(1e-300, 0.5))


def _prior_only_logp(prior, *, random_sigma: bool):
    """``f(w, t) = log p(w, t)`` of a model holding only ``prior`` on one coefficient, with ``t`` its
    random scale (``global_scale``) or a random sigma that multiplies a fixed scale."""
    import pymc as pm

    with pm.Model(coords={"feature": ["x"]}) as model:
        sigma = pm.HalfNormal("sigma", 5.0) if random_sigma else None
        prior.build(1, sigma=sigma)
    fn = model.compile_logp(jacobian=False)
    name = "sigma_log__" if random_sigma else "global_scale_log__"
    return lambda w, t: float(fn({"coef": np.array([w]), name: np.log(t)}))


def _mass(density, location, width):
    """The integral of ``density`` over the line: split at the location (the kink), and cut at a
    ``width`` beyond which every tested density is below exp(-100) of its peak."""
    left, _ = quad(density, location - width, location, epsabs=0, epsrel=1e-12, limit=1000)
    right, _ = quad(density, location, location + width, epsabs=0, epsrel=1e-12, limit=1000)
    return left + right


def _pymc_logp(family, scale, value):
    """PyMC's own log density of the scale's prior. It equals SciPy's to about 3e-8 only: PyMC 6.4
    writes some constants in float32 (log 2 in the Laplace and HalfCauchy, log pi in the HalfCauchy),
    which this test would otherwise blame on priorfit."""
    import pymc as pm

    dist = pm.HalfCauchy.dist(beta=scale) if family == "halfcauchy" else pm.HalfNormal.dist(sigma=scale)
    reference = (stats.halfcauchy if family == "halfcauchy" else stats.halfnorm).logpdf(value, scale=scale)
    ours = float(pm.logp(dist, value).eval())
    assert ours == pytest.approx(reference, abs=1e-7)
    return ours


HYPER = priors.Hyperprior("halfcauchy", 10.0)
PRIORS_WITH_HYPER = {
    "normal": lambda scale: priors.Normal(scale, 0.3),
    "laplace": lambda scale: priors.Laplace(scale, 0.3),
    "elasticnet": lambda scale: priors.ElasticNet(scale, 0.3, l1_ratio=0.4),
    "bridge-0.5": lambda scale: priors.Bridge(scale, 0.3, bridge_q=0.5),
    "bridge-1.5": lambda scale: priors.Bridge(scale, 0.3, bridge_q=1.5),
    "mvnormal": lambda scale: priors.MvNormal(scale, 0.3, precision=[[2.5]]),  # p = 1: tau^2 / 2.5 its variance
}
# the width, in scales, beyond which each density is below exp(-100) of its peak ((d / b)^q >= 100)
WIDTHS = {"bridge-0.5": 1e4}


@pytest.mark.parametrize("name", list(PRIORS_WITH_HYPER))
def test_coefficients_integrate_out_to_the_hyperprior(name):
    """int p(w, s) dw = p(s) at every s: exactly what a dropped normalizer Z(s) breaks."""
    logp = _prior_only_logp(PRIORS_WITH_HYPER[name](HYPER), random_sigma=False)
    for s in (0.05, 1.0, 10.0, 700.0):
        assert np.log(_mass(lambda w, s=s: np.exp(logp(w, s)), 0.3, WIDTHS.get(name, 200) * s)) == pytest.approx(_pymc_logp("halfcauchy", 10.0, s), abs=1e-10), (name, s)


@pytest.mark.parametrize("name", list(PRIORS_WITH_HYPER))
def test_sigma_scaled_coefficients_integrate_out_to_sigmas_prior(name):
    prior = PRIORS_WITH_HYPER[name](2.0)
    prior.by_sigma = True
    logp = _prior_only_logp(prior, random_sigma=True)
    for sigma in (0.01, 0.7, 30.0):
        assert np.log(_mass(lambda w, sigma=sigma: np.exp(logp(w, sigma)), 0.3, 2 * WIDTHS.get(name, 200) * sigma)) == pytest.approx(_pymc_logp("halfnormal", 5.0, sigma), abs=1e-10), (name, sigma)


# a long statistical check (three hierarchical priors, NUTS at target_accept 0.95: about 40 s cold); the
# default run checks the same normalizers by quadrature above and by SBC (tests/diagnostics/test_calibration.py)
@pytest.mark.slow
def test_random_scale_posterior_is_its_hyperprior_under_a_flat_likelihood():
    """NUTS, end to end through compare(): sigma = 1e6 makes the likelihood flat, so the posterior
    of a HalfCauchy(10) scale is HalfCauchy(10) (median 10). Without the elastic net's normalizer
    its draws sat above 1e3. The quartile fractions are tested within 4.5 Monte Carlo sd."""
    import arviz as az

    import priorfit

    names = ["normal", "laplace", "elasticnet"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        result = priorfit.compare(
            "synthetic:n=50,p=1,k=1,seed=0", prior=",".join(names), sigma=1e6, intercept=False,
            scale={name: str(HYPER) for name in names}, draws=1000, tune=1000, chains=2, target_accept=0.95,
            progress=False, loo="no",
        )
    for fit in result.fits:
        draws = fit.tree["posterior"]["global_scale"].values  # chain x draw
        for u in (0.25, 0.5, 0.75):
            below = (draws < stats.halfcauchy.ppf(u, scale=10.0)).astype(float)
            ess = float(az.ess(below))
            z = (below.mean() - u) / np.sqrt(u * (1 - u) / ess)
            assert abs(z) < 4.5, (fit.prior.name, u, below.mean(), ess)


def _independent_sigma_scaled_mode(design, scale, l1_ratio):
    """The joint mode of (w, c, sigma) under Jeffreys' sigma, the elastic net with scale
    ``scale * sigma``, written here from scratch: for each sigma the coefficients are scikit-learn's
    ElasticNet (alpha = sigma / (n scale)), and sigma minimizes the profile, whose normalizer is
    computed by quadrature."""
    from sklearn.linear_model import ElasticNet

    n, p = design.n, design.p
    X = design.X - design.X.mean(axis=0)
    y = design.dataset.y - design.dataset.y.mean()
    r = l1_ratio

    def log_z(s):
        half, _ = quad(lambda d: np.exp(-(r * d + (1 - r) * d * d / 2) / s), 0, np.inf, epsabs=0, epsrel=1e-13)
        return np.log(2 * half)

    def coefficients(sigma):
        model = ElasticNet(alpha=sigma / (n * scale), l1_ratio=r, fit_intercept=False, tol=1e-14, max_iter=1_000_000)
        return model.fit(X, y).coef_

    def profile(log_sigma):
        sigma = np.exp(log_sigma)
        w = coefficients(sigma)
        rss = np.sum((y - X @ w) ** 2)
        penalty = np.sum(r * np.abs(w) + (1 - r) * w**2 / 2)
        # n log sigma (likelihood) + log sigma (Jeffreys) + the prior's kernel and normalizer
        return (n + 1) * log_sigma + rss / (2 * sigma**2) + penalty / (scale * sigma) + p * log_z(scale * sigma)

    best = minimize_scalar(profile, bracket=(-1.0, 0.0, 1.0), tol=1e-12)
    return np.exp(best.x), coefficients(np.exp(best.x))


def test_sigma_scaled_elastic_net_joint_mode_against_an_independent_optimizer():
    """--scale-by-sigma with sigma estimated: the polished, certified mode is the mode of the
    normalized density (before the fix: sigma 1.52 and 14 nonzero coefficients instead of
    1.14 and 15 on these data)."""
    design = make_design(load("synthetic:n=60,p=30"))
    prior = priors.ElasticNet(0.15, 0.0, l1_ratio=0.5)
    prior.by_sigma = True
    model = PosteriorModel(design, prior, likelihoods.get("gaussian"), likelihoods.Jeffreys(), plugin_sigma=0.9)
    mode = inference.find_map(model)
    assert mode.status == "ok"
    sigma, coef = _independent_sigma_scaled_mode(design, 0.15, 0.5)
    assert float(mode.point["sigma"]) == pytest.approx(sigma, rel=1e-6)
    np.testing.assert_allclose(mode.point["coef"], coef, atol=1e-6 * np.abs(coef).max())
    np.testing.assert_array_equal(mode.point["coef"] != 0, coef != 0)
