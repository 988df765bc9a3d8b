"""Predictions for new rows (priorfit.results.predictions): against the closed-form Gaussian posterior,
the twins' own predict, a hand computation on the model scale, and a folder read back."""

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from priorfit.data import sources
from priorfit.errors import InputError
from priorfit.models.likelihoods import Gaussian
from priorfit.penalized import conformal
from priorfit.results import predictions


@pytest.fixture(scope="module")
def diabetes_rows(diabetes):
    """20 rows of diabetes, on the original scale, as a DataFrame whose columns are reversed."""
    frame = pd.DataFrame(diabetes.X[::22][:20], columns=diabetes.features)
    return frame[list(diabetes.features)[::-1]]


def _exact_predictive(design, fit, X):
    """Mean and sd of E[y | x] at original-scale rows ``X`` under the conjugate posterior (normal prior, fixed sigma)."""
    sigma, tau = fit.noise.value, fit.prior.scale
    stats = Gaussian().statistics(design)
    cov = np.linalg.inv(stats.gram / sigma**2 + np.eye(design.p) / tau**2)
    w = cov @ (stats.xty / sigma**2)
    d = (X - design.x_center) / design.x_scale - design.x_mean  # centred model-scale rows
    return stats.y_mean + d @ w, np.sqrt(sigma**2 / design.n + np.einsum("ij,jk,ik->i", d, cov, d))


def test_normal_fixed_sigma_predictions_match_the_closed_form(diabetes_normal_fixed, diabetes_design, diabetes_rows):
    fit = diabetes_normal_fixed.fit("normal")
    frame = diabetes_normal_fixed.predict(diabetes_rows, prob=0.9)
    assert list(frame.columns) == ["prior", "row", "mean", "mean_low", "mean_high", "pred_low", "pred_high", "twin",
                                   "conformal_low", "conformal_high"]
    assert frame["row"].tolist() == list(range(20)) and set(frame["prior"]) == {"normal"}
    X = diabetes_rows[list(diabetes_design.features)].to_numpy()
    mean, sd = _exact_predictive(diabetes_design, fit, X)
    draws = fit.tree["posterior"].sizes["draw"] * fit.tree["posterior"].sizes["chain"]
    ess = draws / 2  # conservative: NUTS on this Gaussian posterior reaches about the number of draws
    assert np.all(np.abs(frame["mean"] - mean) <= 5 * sd / np.sqrt(ess))
    z = norm.ppf(0.95)
    # a 5% quantile's Monte Carlo sd is sqrt(q (1 - q) / N) / phi(z) posterior sds
    q_error = 5 * np.sqrt(0.05 * 0.95 / ess) / norm.pdf(z)
    assert np.all(np.abs(frame["mean_low"] - (mean - z * sd)) <= q_error * sd)
    assert np.all(np.abs(frame["mean_high"] - (mean + z * sd)) <= q_error * sd)
    # the predictive sd: sqrt(var of E[y | x] + sigma^2)
    pred_sd = np.sqrt(sd**2 + fit.noise.value**2)
    assert np.all(np.abs(frame["pred_low"] - (mean - z * pred_sd)) <= q_error * pred_sd)
    assert np.all(np.abs(frame["pred_high"] - (mean + z * pred_sd)) <= q_error * pred_sd)
    width = (frame["pred_high"] - frame["pred_low"]).to_numpy()
    assert np.abs(width / (2 * z * pred_sd) - 1).max() < 0.1


def test_the_mean_is_the_model_scale_computation_by_hand(diabetes_normal_fixed, diabetes_design, diabetes_rows):
    """The original-scale draws give what the model-scale draws give on standardized rows."""
    post = diabetes_normal_fixed.fit("normal").tree["posterior"]
    coef = post["coef"].values.reshape(-1, diabetes_design.p)
    intercept = post["intercept"].values.ravel()
    X = diabetes_rows[list(diabetes_design.features)].to_numpy()
    by_hand = ((X - diabetes_design.x_center) / diabetes_design.x_scale) @ coef.T + intercept
    frame = diabetes_normal_fixed.predict(diabetes_rows)
    np.testing.assert_allclose(frame["mean"], by_hand.mean(axis=1), rtol=1e-12)
    np.testing.assert_allclose(frame["mean_low"], np.quantile(by_hand, 0.05, axis=1), rtol=1e-12)


def test_the_twin_column_is_the_twins_own_predict(diabetes_normal_fixed, diabetes_design, diabetes_rows):
    from sklearn.linear_model import Ridge

    ridge = Ridge(alpha=2.0).fit(diabetes_design.X, diabetes_design.y)
    X = diabetes_rows[list(diabetes_design.features)].to_numpy()
    expected = ridge.predict((X - diabetes_design.x_center) / diabetes_design.x_scale)
    frame = diabetes_normal_fixed.predict(diabetes_rows)
    np.testing.assert_allclose(frame["twin"], expected, rtol=1e-10, atol=0)


def test_lasso_twin_and_conformal_interval_by_hand(sparse_three):
    """The Lasso twin's predict, and the conformal interval: the refit on the proper-training rows
    and the floor(0.1 (m + 1))-th largest calibration score around its prediction."""
    from sklearn.linear_model import Lasso

    from priorfit.data import design as data

    design = data.make_design(sources.load(sparse_three.data.name))
    fit = sparse_three.fit("laplace")
    X = design.dataset.X[:7] + 0.5
    frame = sparse_three.predict(X, prob=0.9)
    rows = frame[frame["prior"] == "laplace"]
    lasso = Lasso(alpha=fit.penalty.alpha, tol=1e-12, max_iter=100_000).fit(design.X, design.y)
    np.testing.assert_allclose(rows["twin"], lasso.predict((X - design.x_center) / design.x_scale), rtol=1e-6)
    proper, calibration = conformal.split(design.n, sparse_three.settings.seed)
    assert len(calibration) == 20 and len(proper) == 60  # ceil(0.25 * 80)
    refit = Lasso(alpha=fit.penalty.alpha * design.n / len(proper), tol=1e-12, max_iter=100_000)
    refit.fit(design.X[proper], design.y[proper])
    scores = np.abs(design.y[calibration] - refit.predict(design.X[calibration]))
    half = np.sort(scores)[::-1][int(0.1 * (len(scores) + 1)) - 1]
    center = refit.predict((X - design.x_center) / design.x_scale)
    np.testing.assert_allclose(rows["conformal_low"], center - half, rtol=1e-6)
    np.testing.assert_allclose(rows["conformal_high"], center + half, rtol=1e-6)
    # the horseshoe has no twin: empty columns
    horseshoe = frame[frame["prior"] == "horseshoe"]
    assert horseshoe[["twin", "conformal_low", "conformal_high"]].isna().all().all()
    assert horseshoe["mean"].notna().all()


def test_several_levels_give_suffixed_columns_and_nest(sparse_three):
    X = sources.load(sparse_three.data.name).X[:5]
    frame = sparse_three.predict(X, prob=[0.5, 0.9])
    assert [c for c in frame.columns if c.startswith("pred_")] == ["pred_low_50", "pred_high_50", "pred_low_90", "pred_high_90"]
    assert (frame["pred_low_90"] <= frame["pred_low_50"]).all() and (frame["pred_high_50"] <= frame["pred_high_90"]).all()
    assert (frame["mean_low_90"] <= frame["mean_low_50"]).all()
    twin = frame.dropna(subset=["twin"])
    assert (twin["conformal_low_90"] <= twin["conformal_low_50"]).all()
    single = sparse_three.predict(X, prob=0.9)
    np.testing.assert_array_equal(frame["pred_low_90"], single["pred_low"])  # the same draws, whatever the other levels


def test_the_same_seed_gives_the_same_draws_whatever_the_rows_after(sparse_three):
    X = sources.load(sparse_three.data.name).X
    few = sparse_three.predict(X[:3], seed=7)
    many = sparse_three.predict(X, seed=7)
    np.testing.assert_array_equal(few["pred_low"].to_numpy(), many[many["row"] < 3]["pred_low"].to_numpy())
    other = sparse_three.predict(X[:3], seed=8)
    assert not np.array_equal(few["pred_low"], other["pred_low"])


def test_bernoulli_means_are_probabilities_and_predictive_ends_labels(declared_breast_cancer):
    _, result, _ = declared_breast_cancer
    X = sources.load("breast_cancer").X[::15]
    frame = result.predict(X)
    assert ((frame["mean"] > 0) & (frame["mean"] < 1)).all()
    assert ((frame["mean_low"] > 0) & (frame["mean_high"] < 1)).all()
    assert set(np.unique(frame[["pred_low", "pred_high"]])) <= {0.0, 1.0}
    twin = frame.dropna(subset=["twin"])
    assert len(twin) and ((twin["twin"] > 0) & (twin["twin"] < 1)).all()
    assert ((twin["conformal_low"] >= 0) & (twin["conformal_high"] <= 1)).all()


def test_poisson_predictive_ends_are_counts(declared_poisson_counts):
    _, result, out = declared_poisson_counts
    from priorfit.results import load

    saved = load(out)
    rows = np.tile(np.linspace(-1, 1, 8)[:, None], (1, result.data.p))
    frame = saved.predict(rows)
    assert (frame["mean"] > 0).all()
    ends = frame[["pred_low", "pred_high"]].to_numpy()
    assert (ends >= 0).all() and np.array_equal(ends, np.round(ends))
    twin = frame.dropna(subset=["twin"])
    assert len(twin) and (twin["conformal_low"] >= 0).all()
    pd.testing.assert_frame_equal(frame, result.predict(rows))


def test_a_folder_read_back_predicts_the_same(sparse_three_saved):
    from priorfit.results import load

    comparison, folder = sparse_three_saved
    X = sources.load(comparison.data.name).X[:10]
    pd.testing.assert_frame_equal(load(folder).predict(X, prob=[0.9, 0.5]), comparison.predict(X, prob=[0.9, 0.5]))


@pytest.mark.parametrize("make, sentence", [
    (lambda f: f.drop(columns=["bmi"]), "The new rows lack the training feature bmi; give every feature the comparison was "
                                        "fitted on: age, sex, bmi, bp, s1, s2, s3, s4, s5, s6."),
    (lambda f: f.assign(id=1, code=2), "The new rows have the columns id, code, which are not training features; drop them: "
                                       "the features are age, sex, bmi, bp, s1, s2, s3, s4, s5, s6."),
    (lambda f: f.astype({"s3": object}).assign(s3=lambda g: g["s3"].where(g.index != 2, "n/a")),
     "Column 's3' of the new rows is not numeric (value 'n/a' in row 3); priorfit needs numeric columns."),
    (lambda f: f.assign(bp=lambda g: g["bp"].where(g.index != 4)),
     "Column 'bp' of the new rows has a missing or non-finite value in row 5; priorfit needs complete, finite data."),
    (lambda f: f.assign(bmi2=1.0), "The new rows have the column bmi2, which is not a training feature; drop it: the features "
                                   "are age, sex, bmi, bp, s1, s2, s3, s4, s5, s6."),
    (lambda f: f.set_axis(["age", *f.columns[1:]], axis=1), "The new rows name the column 'age' twice; give every column "
                                                             "its own name."),
    (lambda f: f.to_numpy()[:, :3], "The new rows are an array of shape 20x3; give one column per training feature (10: age, "
                                    "sex, bmi, bp, s1, s2, s3, s4, s5, s6), in that order, or a DataFrame."),
])
def test_bad_new_rows_get_one_sentence(diabetes_normal_fixed, diabetes_rows, make, sentence):
    with pytest.raises(InputError) as error:
        diabetes_normal_fixed.predict(make(diabetes_rows.reset_index(drop=True)))
    assert str(error.value) == sentence


def test_the_target_column_is_ignored(diabetes_normal_fixed, diabetes_rows):
    with_target = diabetes_rows.assign(y=1.0)
    pd.testing.assert_frame_equal(diabetes_normal_fixed.predict(with_target), diabetes_normal_fixed.predict(diabetes_rows))


@pytest.mark.parametrize("prob, sentence", [
    (1.0, "prob 1.0 is not allowed; it must lie strictly between 0 and 1."),
    ([0.9, 0.9], "prob 0.9 is given twice; give each interval level once."),
])
def test_bad_levels_get_one_sentence(diabetes_normal_fixed, diabetes_rows, prob, sentence):
    with pytest.raises(InputError) as error:
        predictions.levels(prob)
    assert str(error.value) == sentence
