import numpy as np
import pytest

from priorfit import InputError
from priorfit.models import priors


def test_unknown_prior():
    with pytest.raises(InputError, match=r"^Unknown prior 'cauchy'; allowed are: normal, laplace, group_laplace, elasticnet, bridge, mvnormal, horseshoe, regularized_horseshoe, r2d2.$"):
        priors.get("cauchy")


def test_negative_scale():
    with pytest.raises(InputError, match=r"^The laplace prior scale -1.0 is not allowed; it must be a positive number.$"):
        priors.Laplace(-1.0)


def test_registry_lists_every_prior_once():
    assert list(priors.Prior.registry) == ["normal", "laplace", "group_laplace", "elasticnet", "bridge", "mvnormal", "horseshoe", "regularized_horseshoe",
                                          "r2d2"]
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


def test_a_new_prior_is_one_class_and_a_measured_variant_stays_out():
    """Defining a Prior subclass registers it, and the settings read the registry (their help
    lists it, and the twin table is asked next); ``register=False`` keeps a variant built for a
    measurement out."""
    from priorfit.settings import Settings, options

    before = list(priors.Prior.registry)

    class Flat(priors.Prior):
        name = "test_flat"
        summary = "improper flat prior (a test of the registry)"

        def precision(self):
            return 0.0

    try:
        assert priors.get("test_flat") is Flat
        assert list(priors.Prior.registry) == [*before, "test_flat"]
        assert dict((name, text) for name, _, text, *_ in options())["prior"] == (
            f"priors to fit, comma-separated: {', '.join(before)}, test_flat")
        # the next file it needs: its rows in the twin table (a twin, or the nearest estimators)
        with pytest.raises(InputError, match=r"^The test_flat prior has no penalized counterpart with the gaussian likelihood; "
                                             r"pairs priorfit knows: normal\+gaussian, "):
            Settings(prior="test_flat")
    finally:
        del priors.Prior.registry["test_flat"]

    class Measured(priors.Laplace, register=False):
        pass

    assert priors.get("laplace") is priors.Laplace and list(priors.Prior.registry) == before


@pytest.mark.parametrize("package", ["priors", "likelihoods"])
def test_each_family_file_imports_base_and_is_imported_by_the_package(package):
    """One file per family: each imports base.py, never the package __init__ (no circle); the
    package __init__ imports every file (a file it forgot would register nothing); none has
    more than 500 lines."""
    import ast
    import importlib
    import sys
    from pathlib import Path

    module = importlib.import_module(f"priorfit.models.{package}")
    folder = Path(module.__file__).parent
    registry = module.Prior.registry if package == "priors" else module.Likelihood.registry
    files = sorted(p for p in folder.glob("*.py") if p.name != "__init__.py")
    assert {p.stem for p in files} >= {"base"}
    homes = {cls.__module__ for cls in registry.values()}
    for path in files:
        text = path.read_text()
        assert len(text.splitlines()) <= 500, path.name
        tree = ast.parse(text)
        imported = {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
        assert f"priorfit.models.{package}" not in imported, f"{path.name} imports the package __init__"
        assert all(node.level == 0 for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)), path.name
        name = f"priorfit.models.{package}.{path.stem}"
        assert name in sys.modules, f"{path.name} is not imported by the package __init__"
        if path.stem == "base":
            assert not any(m.startswith(f"priorfit.models.{package}.") and m.split(".")[-1] in {h.split(".")[-1] for h in homes}
                           for m in imported), "base.py imports a family"
    # every family file defines a registered class; the helpers' files (base, hyperpriors, sigma, the
    # location-scale base of the robust likelihoods, the GLMs' unbounded directions) none
    helpers = ("base", "hyperpriors", "sigma", "location_scale", "unbounded")
    assert homes == {f"priorfit.models.{package}.{p.stem}" for p in files if p.stem not in helpers}
