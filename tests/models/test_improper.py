"""An improper posterior is refused with one sentence, never sampled.

With Jeffreys' p(sigma) ∝ 1/sigma and data that some coefficients fit exactly (p >= n - 1 with an
intercept, p >= n without, or noise-free y), the marginal posterior of sigma behaves as
sigma^(r - n - 1) near 0 and does not integrate. Before, NUTS ran on n=15, p=20 (MAP sigma 3.9e-8,
R-hat 1.28, ESS 8, 16 divergences).
"""

import numpy as np
import pandas as pd
import pytest

import priorfit
from priorfit import InputError
from priorfit.cli import main
from priorfit.data.design import from_arrays, make_design
from priorfit.models import likelihoods

SENTENCE = (
    "With sigma estimated under Jeffreys' prior p(sigma) ∝ 1/sigma the posterior is improper: {shape}, so the data "
    "can be fitted exactly and the density grows without bound as sigma -> 0; give a proper sigma prior "
    "(--sigma-prior halfnormal:S), fix sigma (--sigma VALUE), or scale the prior by sigma (--scale-by-sigma)."
)


def test_wide_data_under_jeffreys_is_refused_from_the_cli(tmp_path, capsys):
    out = tmp_path / "out"
    code = main(["compare", "synthetic:n=15,p=20", "--prior", "normal", "--scale", "1", "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "priorfit: error: " + SENTENCE.format(shape="20 features for 15 rows with an intercept (p >= n - 1)") + "\n"
    assert not out.exists()


@pytest.mark.parametrize(
    ("n", "p", "intercept", "improper"),
    [(15, 14, True, True), (15, 13, True, False), (15, 15, False, True), (15, 14, False, False)],
)
def test_the_boundary_is_p_against_n_minus_the_intercept(n, p, intercept, improper):
    design = make_design(priorfit.data.sources.load(f"synthetic:n={n},p={p}"), intercept=intercept)
    reason = likelihoods.get("gaussian").improper_reason(design, likelihoods.Jeffreys(), False)
    assert (reason is not None) == improper


def test_noise_free_data_are_refused_with_few_features():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((30, 3))
    frame = pd.DataFrame(X, columns=["a", "b", "c"])
    with pytest.raises(InputError) as caught:
        priorfit.compare(frame, X @ [1.0, -2.0, 0.5] + 3.0, prior="normal", scale=1.0, progress=False)
    assert str(caught.value) == SENTENCE.format(shape="y is fitted exactly by the 3 features (no noise left in 30 rows)")


def test_only_the_affected_priors_are_named():
    with pytest.raises(InputError, match=r"^For the normal and laplace priors: with sigma estimated under Jeffreys' prior"):
        priorfit.compare("synthetic:n=15,p=20", prior="normal,laplace,r2d2", scale={"normal": 1.0, "laplace": 1.0},
                         progress=False)


@pytest.mark.parametrize(
    "settings",
    [dict(sigma_prior="halfnormal:5"), dict(sigma=1.0), dict(scale_by_sigma=True), dict(prior="r2d2")],
    ids=["proper-sigma-prior", "fixed-sigma", "scale-by-sigma", "r2d2-scales-with-sigma"],
)
def test_proper_alternatives_are_accepted(settings):
    """What the sentence offers is proper: a sigma prior with finite density at 0, a fixed sigma, or a
    coefficient prior whose scale shrinks with sigma (the integral near sigma = 0 then converges)."""
    from priorfit.models import priors
    from priorfit.runs import compare as comparison
    from priorfit.settings import Settings

    config = Settings(**({"prior": "normal"} | settings))
    design = make_design(from_arrays(*_wide(), name="wide"))
    comparison._check_proper(config, design, likelihoods.get("gaussian"))  # no InputError
    assert priors.get(config.prior[0]).scale_follows_sigma(config) == ("scale_by_sigma" in settings or "prior" in settings)


def _wide():
    rng = np.random.default_rng(1)
    return rng.standard_normal((15, 20)), rng.standard_normal(15)
