import numpy as np
import pytest

from priorfit import InputError
from priorfit.models import priors


def test_unknown_prior():
    with pytest.raises(InputError, match=r"^Unknown prior 'cauchy'; allowed are: normal, laplace, elasticnet, horseshoe, regularized_horseshoe, r2d2.$"):
        priors.get("cauchy")


def test_negative_scale():
    with pytest.raises(InputError, match=r"^The laplace prior scale -1.0 is not allowed; it must be a positive number.$"):
        priors.Laplace(-1.0)


def test_registry_lists_every_prior_once():
    assert list(priors.Prior.registry) == ["normal", "laplace", "elasticnet", "horseshoe", "regularized_horseshoe", "r2d2"]
    assert np.array_equal(priors.Normal(1.0, mu=2.0).mu_vector(3), [2.0, 2.0, 2.0])


def test_priors_hold_densities_only():
    # what a prior's mode equals depends on the likelihood too: that lives in the twin table
    for cls in priors.Prior.registry.values():
        for attribute in ("estimator", "cv_estimator", "alpha_from_scale", "conversion", "counterpart", "kinked"):
            assert not hasattr(cls, attribute), (cls.name, attribute)


@pytest.mark.parametrize(("l1_ratio", "scale"), [(0.3, 2.0), (0.9, 0.5), (0.05, 1.0)])
def test_elastic_net_prior_draws_follow_its_density(l1_ratio, scale):
    """The draws calibration uses where PyMC cannot draw (a Potential): KS against the density."""
    from scipy.stats import kstest

    from priorfit.models.priors import ElasticNet

    prior = ElasticNet(scale, 0.5, l1_ratio=l1_ratio)
    draws = prior.draw(1, 20_000, np.random.default_rng(0))[:, 0] - 0.5
    grid = np.linspace(-60, 60, 600_001)
    density = np.exp(-(l1_ratio * np.abs(grid) + (1 - l1_ratio) * grid**2 / 2) / scale)
    cdf = np.cumsum(density)
    cdf /= cdf[-1]
    assert kstest(draws, lambda x: np.interp(x, grid, cdf)).pvalue > 0.01
