"""Each prior family's NumPy log density (power-scaling's log prior) and coefficient draws (the prior
predictive), against SciPy's densities and the draws' known moments: no PyMC."""

import numpy as np
import pytest
from scipy import integrate, stats

from priorfit.models.priors import ElasticNet, Horseshoe, Laplace, Normal, R2D2, RegularizedHorseshoe, hyperprior

RNG = np.random.default_rng(0)
SHAPE = (2, 5)  # chain, draw
P = 3


def _draws(**arrays):
    return {name: np.asarray(value, dtype=float) for name, value in arrays.items()}


def test_normal_and_laplace_densities_and_their_hyperpriors():
    coef = RNG.normal(size=(*SHAPE, P))
    mu = np.array([0.5, -1.0, 0.0])
    np.testing.assert_allclose(Normal(2.0, mu).log_prior({"coef": coef})["coef"], stats.norm.logpdf(coef, mu, 2.0), rtol=1e-12)
    np.testing.assert_allclose(Laplace(0.7, mu).log_prior({"coef": coef})["coef"], stats.laplace.logpdf(coef, mu, 0.7), rtol=1e-12)
    scale = RNG.uniform(0.1, 3.0, SHAPE)
    for family, reference in (("halfcauchy", stats.halfcauchy(scale=1.5)), ("halfnormal", stats.halfnorm(scale=1.5))):
        prior = Laplace(hyperprior(f"hyper:{family}:1.5"))
        density = prior.log_prior({"coef": coef, "global_scale": scale})
        np.testing.assert_allclose(density["coef"], stats.laplace.logpdf(coef, 0.0, scale[..., None]), rtol=1e-12)
        np.testing.assert_allclose(density["global_scale"], reference.logpdf(scale), rtol=1e-12)
        assert prior.power_scaled() == ("global_scale",)
    sigma = RNG.uniform(0.5, 2.0, SHAPE)  # a sigma-scaled prior at the draws of an estimated sigma
    scaled = Normal(2.0)
    scaled.by_sigma = True
    np.testing.assert_allclose(scaled.log_prior({"coef": coef}, sigma)["coef"],
                               stats.norm.logpdf(coef, 0.0, 2.0 * sigma[..., None]), rtol=1e-12)


def test_elastic_net_density_is_normalized():
    prior = ElasticNet(0.8, 0.3, l1_ratio=0.4)
    total, _ = integrate.quad(lambda w: np.exp(prior.log_prior({"coef": np.array([w])})["coef"][0]), -np.inf, np.inf)
    assert total == pytest.approx(1.0, abs=1e-9)


def test_horseshoe_densities():
    coef, local = RNG.normal(size=(*SHAPE, P)), RNG.uniform(0.1, 3.0, (*SHAPE, P))
    tau, slab2 = RNG.uniform(0.1, 2.0, SHAPE), RNG.uniform(0.5, 4.0, SHAPE)
    density = Horseshoe(None, global_prior_scale=0.5).log_prior(_draws(coef=coef, local_scale=local, global_scale=tau))
    np.testing.assert_allclose(density["coef"], stats.norm.logpdf(coef, 0.0, local * tau[..., None]), rtol=1e-12)
    np.testing.assert_allclose(density["local_scale"], stats.halfcauchy.logpdf(local), rtol=1e-12)
    np.testing.assert_allclose(density["global_scale"], stats.halfcauchy.logpdf(tau, scale=0.5), rtol=1e-12)
    prior = RegularizedHorseshoe(None, tau0=0.3, slab_scale=2.0, slab_df=4.0)
    density = prior.log_prior(_draws(coef=coef, local_scale=local, global_scale=tau, slab2=slab2))
    c2, t = slab2[..., None], tau[..., None]
    tilde = np.sqrt(c2 * local**2 / (c2 + t**2 * local**2))
    np.testing.assert_allclose(density["coef"], stats.norm.logpdf(coef, 0.0, tilde * t), rtol=1e-12)
    np.testing.assert_allclose(density["slab2"], stats.invgamma.logpdf(slab2, 2.0, scale=4.0 * 4.0 / 2.0), rtol=1e-12)
    np.testing.assert_allclose(density["global_scale"], stats.halfcauchy.logpdf(tau, scale=0.3), rtol=1e-12)
    assert prior.power_scaled() == ("global_scale", "local_scale", "slab2")
    assert Horseshoe(0.2).power_scaled() == ("local_scale",)


def test_r2d2_densities():
    prior = R2D2(None, r2_mean=0.4, r2_precision=3.0, r2d2_concentration=0.7, column_sd=np.array([1.0, 2.0, 0.5]))
    r2 = RNG.uniform(0.05, 0.9, SHAPE)
    phi = RNG.dirichlet(np.ones(P), SHAPE)
    coef, sigma = RNG.normal(size=(*SHAPE, P)), 1.7
    density = prior.log_prior(_draws(coef=coef, r2=r2, phi=phi), sigma)
    np.testing.assert_allclose(density["r2"], stats.beta.logpdf(r2, 1.2, 1.8), rtol=1e-12)
    reference = np.array([[stats.dirichlet.logpdf(phi[c, d], np.full(P, 0.7)) for d in range(SHAPE[1])] for c in range(SHAPE[0])])
    np.testing.assert_allclose(density["phi"], reference, rtol=1e-12)
    scale = sigma * np.sqrt(r2 / (1 - r2))[..., None] * np.sqrt(phi) / prior.column_sd
    np.testing.assert_allclose(density["coef"], stats.norm.logpdf(coef, 0.0, scale), rtol=1e-12)


@pytest.mark.parametrize("prior, sd", [
    (Normal(1.5, 0.5), 1.5),
    (Laplace(0.8, 0.5), 0.8 * np.sqrt(2.0)),
    (ElasticNet(0.6, 0.5, l1_ratio=0.5), None),  # its variance: by quadrature below
])
def test_coefficient_draws_have_the_priors_moments(prior, sd):
    size = 40_000
    draws = prior.coef_draws(2, size, np.random.default_rng(1))
    if sd is None:
        density = lambda w: np.exp(prior.log_prior({"coef": np.array([w + 0.5])})["coef"][0])  # noqa: E731
        sd = np.sqrt(integrate.quad(lambda w: w**2 * density(w), -np.inf, np.inf)[0])
    assert np.abs(draws.mean(axis=0) - 0.5).max() < 5 * sd / np.sqrt(size)
    np.testing.assert_allclose(draws.std(axis=0), sd, rtol=0.03)


def test_horseshoe_draws_follow_the_given_scales():
    """Given its scale draws, w_j = mu + z lambda_j tau: w / (lambda tau) is standard normal."""
    size = 20_000
    rng = np.random.default_rng(2)
    local, tau = stats.halfcauchy.rvs(size=(size, P), random_state=rng), stats.halfcauchy.rvs(size=size, random_state=rng)
    draws = Horseshoe(None).coef_draws(P, size, np.random.default_rng(3), scales={"local_scale": local, "global_scale": tau})
    z = draws / (local * tau[:, None])
    assert np.abs(z.mean(axis=0)).max() < 5 / np.sqrt(size)
    np.testing.assert_allclose(z.std(axis=0), 1.0, rtol=0.03)


@pytest.mark.slow
@pytest.mark.parametrize("name, scale", [("normal", 0.7), ("laplace", 0.7), ("normal", "hyper:halfnormal:1"), ("horseshoe", None),
                                         ("regularized_horseshoe", None), ("r2d2", None)])
def test_log_prior_is_pymcs_compute_log_prior(name, scale):
    """The NumPy log prior at prior draws equals PyMC's own (``compute_log_prior``: the variables
    themselves, no Jacobian), variable by variable (the horseshoes' coefficients are a deterministic
    of PyMC's ``coef_raw``: their conditional density is checked against SciPy above)."""
    import warnings

    import pymc as pm

    from priorfit.data.design import from_arrays, make_design
    from priorfit.models import likelihoods, priors
    from priorfit.models.posterior import PosteriorModel
    from priorfit.settings import Settings

    rng = np.random.default_rng(5)
    X = rng.standard_normal((30, P))
    # no intercept: its flat prior cannot be drawn
    design = make_design(from_arrays(X, X @ np.ones(P) + rng.standard_normal(30), name="logprior"), intercept=False)
    settings = Settings(prior=(name,))
    if scale is None:
        prior, _ = priors.get(name).default(settings, scale=None, sigma=1.3, effect_scale=2.0, design=design)
    else:
        prior = priors.create(name, priors.hyperprior(scale) if isinstance(scale, str) else scale, settings)
    model = PosteriorModel(design, prior, likelihoods.get("gaussian"), 1.3, whiten=False)
    free = [v.name for v in model.pymc.free_RVs]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        tree = pm.sample_prior_predictive(draws=20, model=model.pymc, var_names=[*free, "coef"], random_seed=1)
        tree["posterior"] = tree["prior"]
        pm.compute_log_prior(tree, model=model.pymc, progressbar=False)
    reference = tree["log_prior"].to_dataset()
    posterior = tree["posterior"].to_dataset()
    ours = prior.log_prior({k: posterior[k].values for k in posterior.data_vars}, 1.3)
    compared = [k for k in ours if k in reference.data_vars]
    assert set(compared) >= set(prior.power_scaled()), compared
    for k in compared:
        # PyMC's normalizing constants (the HalfCauchy's log(2 / pi), the inverse gamma's) differ from
        # SciPy's in their ninth digit: a constant offset, which power-scaling's normalized weights do not see
        difference = ours[k] - reference[k].values
        assert np.ptp(difference) < 1e-10 and np.abs(difference).max() < 1e-7, (k, difference)
