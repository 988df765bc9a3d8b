import numpy as np
import pytest

from priorfit import InputError, priors


@pytest.mark.parametrize("cls", [priors.Normal, priors.Laplace])
def test_conversion_round_trips(cls):
    for alpha in (1e-3, 0.5, 40.0):
        prior = cls.from_alpha(alpha, sigma=2.5, n=137)
        assert prior.alpha(2.5, 137) == pytest.approx(alpha, rel=1e-14)


def test_conversion_constants():
    # Ridge: alpha = sigma^2 / tau^2 (no 1/n); Lasso: alpha = sigma^2 / (n b)
    assert priors.Normal(2.0).alpha(3.0, 100) == pytest.approx(9.0 / 4.0)
    assert priors.Laplace(2.0).alpha(3.0, 100) == pytest.approx(9.0 / 200.0)


def test_unknown_prior():
    with pytest.raises(InputError, match=r"^Unknown prior 'cauchy'; allowed are: normal, laplace, horseshoe.$"):
        priors.get("cauchy")


def test_negative_scale():
    with pytest.raises(InputError, match=r"^The laplace prior scale -1.0 is not allowed; it must be a positive number.$"):
        priors.Laplace(-1.0)


def test_registry_lists_every_prior_once():
    assert list(priors.Prior.registry) == ["normal", "laplace", "horseshoe"]
    assert all(cls.conversion for cls in priors.Prior.registry.values())
    assert np.array_equal(priors.Normal(1.0, mu=2.0).mu_vector(3), [2.0, 2.0, 2.0])
