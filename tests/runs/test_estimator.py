"""priorfit as scikit-learn estimators: parameters from the one settings schema, the MAP equal
to the penalized twin, predictions from the posterior, Pipelines and cross-validation; the full
check_estimator run is slow (about 40 fits) and marked so."""

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.datasets import load_breast_cancer, load_diabetes
from sklearn.linear_model import LogisticRegression, Ridge
from sklearn.model_selection import cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler

import priorfit
from priorfit import InputError

FAST = dict(draws=200, tune=300, chains=2, seed=1)


def test_parameters_are_the_settings():
    from priorfit.settings import options

    params = priorfit.BayesianRegression().get_params()
    assert set(params) == {name for name, *_ in options()}
    assert params["prior"] == "normal" and params["likelihood"] == "gaussian"
    assert priorfit.BayesianClassifier().get_params()["likelihood"] == "bernoulli"
    assert clone(priorfit.BayesianRegression(alpha=3.0)).alpha == 3.0


def test_regression_map_is_ridge_and_predict_is_the_posterior_mean():
    X, y = load_diabetes(return_X_y=True)
    model = priorfit.BayesianRegression(prior="normal", sigma=54.0, alpha=2.0, standardize=False, **FAST).fit(X, y)
    ridge = Ridge(alpha=2.0, solver="cholesky").fit(X, y)
    np.testing.assert_allclose(model.map_coef_, ridge.coef_, rtol=1e-8, atol=1e-8 * np.abs(ridge.coef_).max())
    assert model.map_intercept_ == pytest.approx(ridge.intercept_, rel=1e-10)
    np.testing.assert_allclose(model.predict(X), X @ model.coef_ + model.intercept_, rtol=1e-12)
    # the posterior mean of a Gaussian posterior is its mode, within Monte Carlo error
    sd = model.idata_["posterior"]["coef"].std(("chain", "draw")).values
    assert np.max(np.abs(model.coef_ - ridge.coef_) / sd) < 0.35
    assert model.n_features_in_ == 10 and model.score(X, y) == pytest.approx(ridge.score(X, y), abs=0.01)
    assert model.relevance_ is None  # relevance=C not given
    # the predictive interval is Comparison.predict's, and its sd about sqrt(var of the mean + sigma^2)
    low, high = model.predict_interval(X[:30], prob=0.9)
    frame = model.comparison_.predict(X[:30], prob=0.9)
    np.testing.assert_array_equal(low, frame["pred_low"])
    np.testing.assert_array_equal(high, frame["pred_high"])
    mean, std = model.predict(X[:30], return_std=True)
    np.testing.assert_allclose(mean, model.predict(X[:30]), rtol=1e-14)
    assert np.all(std > 54.0) and np.abs((high - low) / (2 * 1.6448536 * std) - 1).max() < 0.15


def test_quantile_regression_estimator_is_quantile_regressor_at_its_mode():
    """The quantile likelihood through the estimator: its MAP is QuantileRegressor's (raw X, s fixed),
    and the posterior predictive interval of the 0.9 quantile is skewed as the asymmetric Laplace is
    (its lower tail 1/(1-Q) = 10 times s, its upper 1/Q)."""
    from sklearn.linear_model import QuantileRegressor

    rng = np.random.default_rng(3)
    X = rng.standard_normal((120, 2))
    y = X @ [1.0, -1.0] + rng.standard_t(3, 120)
    model = priorfit.BayesianRegression(likelihood="quantile", quantile=0.9, prior="laplace", alpha=0.01, sigma=1.0,
                                        standardize=False, **FAST).fit(X, y)
    reference = QuantileRegressor(quantile=0.9, alpha=0.01, solver="highs").fit(X, y)
    np.testing.assert_allclose(model.map_coef_, reference.coef_, rtol=1e-9)
    assert model.map_intercept_ == pytest.approx(reference.intercept_, rel=1e-9)
    low, high = model.predict_interval(X[:40], prob=0.9)
    mean = model.predict(X[:40])
    assert np.median((mean - low) / (high - mean)) > 3  # the fitted quantile sits high in its interval


def test_classifier_on_two_labels():
    X, y = load_breast_cancer(return_X_y=True)
    labels = np.where(y == 1, "benign", "malignant")
    model = priorfit.BayesianClassifier(prior="normal", C=0.5, relevance=1.0, **FAST).fit(X, labels)
    assert list(model.classes_) == ["benign", "malignant"]
    # relevance_ is on the scale of coef_ (original): |w_j| > 1 per unit of x_j, that is C x sd_j on the model scale
    posterior = model.idata_["posterior"]
    np.testing.assert_array_equal(model.relevance_, (np.abs(posterior["coef_original"].values) > 1.0).mean(axis=(0, 1)))
    model_scale = np.abs(posterior["coef"].values)
    np.testing.assert_array_equal(model.relevance_, (model_scale > X.std(0)).mean(axis=(0, 1)))
    assert np.abs(model.relevance_ - (model_scale > 1.0).mean(axis=(0, 1))).max() > 0.5  # the scales differ here
    assert priorfit.BayesianClassifier().relevance is None
    # "malignant" is class 1 here: the MAP is LogisticRegression on the same standardized design
    Xs = (X - X.mean(0)) / X.std(0)
    twin = LogisticRegression(C=0.5, solver="newton-cholesky", tol=1e-12).fit(Xs, (labels == "malignant").astype(float))
    np.testing.assert_allclose(model.map_coef_ * X.std(0), twin.coef_[0], rtol=1e-6, atol=1e-8)
    proba = model.predict_proba(X)
    assert proba.shape == (569, 2) and np.allclose(proba.sum(axis=1), 1.0)
    assert model.score(X, labels) > 0.95


def test_pipeline_and_cross_val_score():
    X, y = load_diabetes(return_X_y=True)
    pipe = make_pipeline(StandardScaler(), priorfit.BayesianRegression(prior="normal", alpha=1.0, sigma=54.0, draws=100, tune=150,
                                                                        chains=2, seed=1))
    scores = cross_val_score(pipe, X, y, cv=2)
    assert scores.shape == (2,) and np.all(np.isfinite(scores)) and scores.mean() > 0.3


def test_bad_parameters_fail_at_fit_with_one_sentence():
    X, y = load_diabetes(return_X_y=True)
    with pytest.raises(InputError, match=r"^prior 'normal,laplace' is not allowed here; an estimator fits one prior, e.g. 'normal'.$"):
        priorfit.BayesianRegression(prior="normal,laplace").fit(X, y)
    with pytest.raises(InputError, match=r"^draws 0 is not allowed; it must be a whole number from 1 to 1000000000.$"):
        priorfit.BayesianRegression(draws=0).fit(X, y)


def test_predictions_are_the_familys_mean_averaged_over_the_draws():
    """predict (and predict_proba) average the family's E[y | x] over the posterior draws: for the
    Poisson exp(eta), not exp of the mean eta (posterior draws set by hand: no sampling)."""
    from priorfit.models import likelihoods

    rng = np.random.default_rng(0)
    X, coef, intercept = rng.normal(size=(5, 3)), rng.normal(size=(40, 3)), rng.normal(size=40)
    eta = X @ coef.T + intercept  # rows x draws
    models, sigma = {}, np.abs(rng.normal(size=40)) + 0.5
    for family, estimator in (("gaussian", priorfit.BayesianRegression), ("poisson", priorfit.BayesianRegression),
                              ("bernoulli", priorfit.BayesianClassifier)):
        model = estimator(likelihood=family)
        model.n_features_in_, model.coef_, model.classes_ = 3, coef.mean(axis=0), np.array(["no", "yes"])
        model._coef_draws, model._intercept_draws, model._family = coef, intercept, likelihoods.get(family)
        model._dispersion_draws = sigma if family == "gaussian" else None
        models[family] = model
    np.testing.assert_allclose(models["gaussian"].predict(X), eta.mean(axis=1), rtol=1e-14)
    np.testing.assert_allclose(models["poisson"].predict(X), np.exp(eta).mean(axis=1), rtol=1e-14)
    assert np.all(models["poisson"].predict(X) > np.exp(eta.mean(axis=1)))  # Jensen: the mean of exp, not exp of the mean
    p1 = (1.0 / (1.0 + np.exp(-eta))).mean(axis=1)
    np.testing.assert_allclose(models["bernoulli"].predict_proba(X), np.column_stack([1 - p1, p1]), rtol=1e-14)
    assert list(models["bernoulli"].predict(X)) == list(np.where(p1 > 0.5, "yes", "no"))
    # the predictive sd by the law of total variance, per family
    _, std = models["gaussian"].predict(X, return_std=True)
    np.testing.assert_allclose(std, np.sqrt(eta.var(axis=1) + (sigma**2).mean()), rtol=1e-12)
    _, std = models["poisson"].predict(X, return_std=True)
    np.testing.assert_allclose(std, np.sqrt(np.exp(eta).var(axis=1) + np.exp(eta).mean(axis=1)), rtol=1e-12)
    low, high = models["bernoulli"].predict_interval(X, prob=0.9)
    assert set(np.unique(np.r_[low, high])) <= {0.0, 1.0} and np.all(low <= high)
    low, high = models["poisson"].predict_interval(X, prob=0.5)
    assert np.array_equal(low, np.round(low)) and np.all(low <= high)
    with pytest.raises(InputError, match=r"^prob 1.5 is not allowed; it must lie strictly between 0 and 1.$"):
        models["gaussian"].predict_interval(X, prob=1.5)


@pytest.mark.slow
def test_check_estimator():
    from sklearn.utils.estimator_checks import check_estimator

    from priorfit.runs.estimator import EXPECTED_FAILED_CHECKS

    quick = dict(draws=30, tune=50, chains=1, seed=0, sigma=1.0)
    for estimator in (priorfit.BayesianRegression(**quick), priorfit.BayesianClassifier(**{k: v for k, v in quick.items() if k != "sigma"})):
        results = check_estimator(estimator, expected_failed_checks=EXPECTED_FAILED_CHECKS, on_fail=None)
        failed = [r for r in results if r["status"] == "failed"]
        assert not failed, [(r["check_name"], str(r["exception"])[:200]) for r in failed]
