"""The weighted Laplace prior (the weighted, or adaptive, lasso): a scale ``b / v_j`` per coefficient.
Its density against SciPy's, skglm's WeightedL1 twin against an independent solver (scikit-learn's
Lasso on the columns divided by the weights) and against the optimality conditions written by hand,
the MAP, the identity and the KKT certificate, and the sentences."""

import re

import numpy as np
import pytest
from scipy import stats

import priorfit
from priorfit import InputError
from priorfit.cli import main
from priorfit.models.priors import Laplace
from priorfit.penalized import twins

WEIGHTS = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0, 1.0, 0.7, 1.0])  # tests/conftest.py's LAPLACE_WEIGHTS


def test_the_log_density_is_scipys_laplace_at_each_coefficients_scale():
    import pymc as pm

    prior, d = Laplace(0.7, mu=0.3, weights=[1.0, 2.0, 0.5]), np.array([-1.3, 0.05, 0.9])
    expected = stats.laplace.logpdf(d, scale=0.7 / np.array([1.0, 2.0, 0.5]))
    np.testing.assert_allclose(prior._kernel_log_density(d, 0.7), expected, rtol=1e-13)
    with pm.Model() as model:
        prior.build(3)
    assert model.compile_logp()({"coef": d + 0.3}) == pytest.approx(expected.sum(), rel=1e-12)
    draws = prior.coef_draws(3, 20_000, np.random.default_rng(0)) - 0.3
    for j, b in enumerate(0.7 / np.array([1.0, 2.0, 0.5])):
        assert stats.kstest(draws[:, j], stats.laplace(scale=b).cdf).pvalue > 1e-3


def _diabetes():
    from priorfit.data import design as data
    from priorfit.data import sources

    return data.make_design(sources.load("diabetes"), standardize=False)


def _lasso_on_rescaled_columns(X, y, alpha, v):
    """The weighted lasso by scikit-learn's Lasso on X / v: its coefficients are v w."""
    from sklearn.linear_model import Lasso

    fitted = Lasso(alpha=alpha, tol=1e-14, max_iter=1_000_000).fit(X / v, y)
    return fitted.coef_ / v, float(fitted.intercept_)


def test_skglms_weighted_l1_is_the_lasso_on_rescaled_columns():
    design = _diabetes()
    twin = twins.twin(Laplace(1.0, weights=WEIGHTS), "gaussian")
    assert twin.estimator == "skglm WeightedL1"
    fitted = twin.make(0.5, True).fit(design.X, design.y)
    w, c = _lasso_on_rescaled_columns(design.X, design.y, 0.5, WEIGHTS)
    np.testing.assert_array_equal(fitted.coef_ == 0, w == 0)
    assert np.abs(fitted.coef_ - w).max() <= 1e-8 * np.abs(w).max() and fitted.intercept_ == pytest.approx(c, rel=1e-10)


def test_the_documented_penalty_is_skglms():
    from skglm.penalties import WeightedL1

    assert twins.twin(Laplace(1.0, weights=WEIGHTS), "gaussian").documented in WeightedL1.__doc__
    assert WeightedL1(2.0, np.array([1.0, 3.0])).value(np.array([-1.0, 0.5])) == pytest.approx(2.0 * (1.0 + 1.5))


@pytest.mark.parametrize("likelihood", ["bernoulli", "poisson"])
def test_the_glm_twins_meet_the_weighted_lasso_conditions(likelihood):
    """The optimality conditions of the written objective, by hand: on a nonzero coefficient the mean
    score equals alpha v_j sign(w_j), on a zero one it is at most alpha v_j, and the intercept's is 0."""
    from priorfit.data import design as data
    from priorfit.data import sources

    source = {"bernoulli": "breast_cancer", "poisson": "synthetic:n=300,p=10,k=3,family=poisson"}[likelihood]
    design = data.make_design(sources.load(source))
    v, alpha = np.linspace(0.5, 2.0, design.p), {"bernoulli": 0.01, "poisson": 0.1}[likelihood]
    fitted = twins.twin(Laplace(1.0, weights=v), likelihood).make(alpha, True).fit(design.X, design.y)
    eta = design.X @ fitted.coef_ + fitted.intercept_
    mean = 1.0 / (1.0 + np.exp(-eta)) if likelihood == "bernoulli" else np.exp(eta)
    score = design.X.T @ (design.y - mean) / design.n
    nonzero = fitted.coef_ != 0
    assert 0 < nonzero.sum() < design.p
    assert np.abs(score[nonzero] - alpha * v[nonzero] * np.sign(fitted.coef_[nonzero])).max() < 1e-10
    assert np.all(np.abs(score[~nonzero]) <= alpha * v[~nonzero] * (1 + 1e-9))
    assert abs(np.sum(design.y - mean)) / design.n < 1e-10


def test_the_map_is_the_weighted_lasso(laplace_weights):
    """The golden master's run (tests/conftest.py): raw diabetes, alpha 0.5, sigma 54."""
    fit, design = laplace_weights.fit("laplace"), _diabetes()
    w, _ = _lasso_on_rescaled_columns(design.X, design.y, 0.5, WEIGHTS)
    coef = np.asarray(fit.mode.point["coef"])
    np.testing.assert_array_equal(coef == 0, w == 0)  # the polish's exact zeros
    assert np.abs(coef - w).max() <= 1e-8 * np.abs(w).max()
    assert fit.prior.scale == pytest.approx(54.0**2 / (442 * 0.5), rel=1e-14)  # alpha = sigma^2 / (n b), the lasso's
    assert fit.mode.certificate.kind == "kkt" and fit.mode.certificate.kkt_relative <= 0.0 + 1e-9
    assert fit.objective_identity.relative < 1e-9
    assert fit.prior.params()["weights"] == list(WEIGHTS)
    assert fit.shrinkage.penalized_dof == np.count_nonzero(w)  # the lasso's dof: its nonzero coefficients


@pytest.mark.parametrize(("settings", "sentence"), [
    ({"prior": "laplace", "weights": [1.0, -2.0]},
     "weights [1.0, -2.0] are not allowed; give one positive number per feature (the weighted lasso's v_j: the prior scale of "
     "coefficient j is b / v_j)."),
    ({"prior": "normal", "weights": [1.0, 2.0]}, "weights (1.0, 2.0) applies to the laplace prior, which is not being fitted; "
                                                 "fitted are: normal."),
    ({"prior": "laplace", "weights": [1.0, 2.0], "likelihood": "quantile", "quantile": 0.5},
     "weights apply to the laplace prior with a smooth likelihood; the quantile likelihood's mode is a linear program solved "
     "with one L1 weight."),
])
def test_weights_the_prior_cannot_take_are_refused(settings, sentence):
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        priorfit.Settings(**settings)


def test_the_cli_takes_the_weights_and_checks_their_number(tmp_path, capsys):
    out = tmp_path / "out"
    assert main(["compare", "diabetes", "--prior", "laplace", "--weights", "1,2,3", "--alpha", "0.5", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith("The laplace prior's weights have 3 entries but the data have 10 features; "
                                                    "give one per feature in their order.")
    assert not out.exists()
    assert priorfit.Settings(prior="laplace", weights="1, 2,0.5").weights == (1.0, 2.0, 0.5)
