"""--bootstrap B: percentile bootstrap intervals of the penalized estimate, beside the HDI.

Real numbers on diabetes (sigma 54): the Lasso's zeros at alpha 1 are zero in only part of the
resamples, at alpha 8 three intervals collapse to {0}; Ridge's bootstrap sd is its sandwich sd;
seeds, not n_jobs, fix the replicates; the setting, the tables, the JSON, the reports, the CLI.
"""

import json
import shutil
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

import priorfit
from priorfit.cli import main
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.errors import InputError
from priorfit.models import priors
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins
from priorfit.penalized.bootstrap import KIND, Bootstrap, bootstrap, replicate_estimator
from priorfit.report.lines import bootstrap_lines, column_labels, fit_lines
from priorfit.results import load
from priorfit.results.records import TwinPenalty
from priorfit.settings import Settings

SIGMA = 54.0


def _prior(name, alpha, design, likelihood="gaussian", **settings):
    """The prior whose twin's penalty at sigma 54 is ``alpha``, as compare() builds it."""
    twin = twins.twin(name, likelihood)
    scale = twin.scale_from_alpha(alpha, SIGMA if likelihood == "gaussian" else 1.0, design.n)
    return priors.create(name, scale, Settings(prior=name, likelihood=likelihood, **settings))


def test_same_seed_same_intervals_whatever_n_jobs(diabetes_design):
    prior = _prior("laplace", 1.0, diabetes_design)
    one = bootstrap(diabetes_design, prior, "gaussian", 1.0, 60, seed=7, prob=0.94, n_jobs=1)
    again = bootstrap(diabetes_design, prior, "gaussian", 1.0, 60, seed=7, prob=0.94, n_jobs=1)
    two = bootstrap(diabetes_design, prior, "gaussian", 1.0, 60, seed=7, prob=0.94, n_jobs=2)
    other = bootstrap(diabetes_design, prior, "gaussian", 1.0, 60, seed=8, prob=0.94, n_jobs=1)
    for b in (again, two):
        np.testing.assert_array_equal(b.coef, one.coef)
        np.testing.assert_array_equal(b.intercept, one.intercept)
        np.testing.assert_array_equal(b.low, one.low)
        np.testing.assert_array_equal(b.high, one.high)
        np.testing.assert_array_equal(b.share_at_mu, one.share_at_mu)
    assert not np.array_equal(other.coef, one.coef)
    assert (one.draws, one.seed, one.prob, one.estimator) == (60, 7, 0.94, "Lasso")
    assert one.names == (*diabetes_design.features, "intercept") and one.coef.shape == (60, 10)


def test_replicates_are_the_twin_refitted_on_resampled_rows_with_fixed_standardization(diabetes_design):
    """Replicate i is penalized.fit on the rows its own child seed draws, on the full data's scale."""
    d = diabetes_design
    prior = _prior("laplace", 1.0, d, mu=0.25)  # an offset, as penalized.fit applies it
    b = bootstrap(d, prior, "gaussian", 1.0, 5, seed=3, prob=0.94)
    child = np.random.SeedSequence(3).spawn(5)[4]
    rows = np.random.default_rng(child).integers(0, d.n, d.n)
    resampled = d.take(rows)
    np.testing.assert_array_equal(resampled.x_scale, d.x_scale)  # not re-standardized
    np.testing.assert_array_equal(resampled.X, d.X[rows])
    expected = penalized.fit(resampled, prior, "gaussian", 1.0)
    np.testing.assert_array_equal(b.coef[4], expected.coef)
    assert b.intercept[4] == expected.intercept
    assert np.any(b.coef == 0.25) and np.all(b.share_at_mu[:-1] == (b.coef == 0.25).mean(axis=0))


def test_ridge_bootstrap_sd_is_the_sandwich_sd(diabetes_design):
    """Resampling rows estimates the sandwich variance A^-1 (sum psi_i psi_i') A^-1 of the ridge
    estimating equation psi_i = x_i (y_i - x_i'w) - alpha w / n (centred design): within 10%
    at 1000 replicates (measured: 0.976 to 1.049)."""
    d, alpha = diabetes_design, 2.0
    b = bootstrap(d, _prior("normal", alpha, d), "gaussian", alpha, 1000, seed=0, prob=0.94)
    X, y = d.X - d.X.mean(axis=0), d.y - d.y.mean()
    A = X.T @ X + alpha * np.eye(d.p)
    w = np.linalg.solve(A, X.T @ y)
    psi = X * (y - X @ w)[:, None] - alpha * w / d.n
    sandwich = np.sqrt(np.diag(np.linalg.solve(A, np.linalg.solve(A, psi.T @ psi).T)))
    ratio = b.coef.std(axis=0, ddof=1) / sandwich
    assert np.all(np.abs(ratio - 1) < 0.10), ratio
    pen = penalized.fit(d, _prior("normal", alpha, d), "gaussian", alpha)
    assert np.all((b.low[:-1] < pen.coef) & (pen.coef < b.high[:-1]))
    assert np.all(b.share_at_mu[:-1] == 0) and not b.collapses_to_mu.any()  # ridge never sets a coefficient to 0


def test_a_strong_lasso_collapses_three_intervals_to_zero(diabetes_design):
    """alpha 8: age, s1 and s2 are exactly 0 in >= 98.7% of 1000 resamples; their 94% intervals are {0}."""
    d = diabetes_design
    b = bootstrap(d, _prior("laplace", 8.0, d), "gaussian", 8.0, 1000, seed=0, prob=0.94)
    share = dict(zip(b.names, b.share_at_mu))
    assert [name for name, c in zip(b.names, b.collapses_to_mu) if c] == ["age", "s1", "s2"]
    assert share["age"] == 0.998 and share["s1"] == 1.0 and share["s2"] == 0.987
    assert share["s4"] == 0.916  # zero in most resamples, but not in enough: no collapse
    assert all(b.low[b.collapses_to_mu] == 0) and all(b.high[b.collapses_to_mu] == 0)


def test_collapse_logic_on_a_constructed_example():
    draws = 100
    zero = np.zeros(draws)
    rare = zero.copy()
    rare[[10, 20]] = [-1.0, 1.0]  # 98% at mu, one on each side: inside both 3% tails
    one_sided = zero.copy()
    one_sided[:5] = 2.0  # 95% at mu, 5% above it: the upper end leaves 0
    never = np.linspace(1, 2, draws)
    coef = np.column_stack([rare, zero, one_sided, never, zero])
    b = Bootstrap.from_replicates(coef, np.full(draws, 3.0), np.zeros(5), seed=0, prob=0.94, estimator="Lasso",
                                  features=["age", "s2", "s4", "bmi", "s9"])
    np.testing.assert_array_equal(b.collapses_to_mu, [True, True, False, False, True, False])
    np.testing.assert_array_equal(b.share_at_mu[:-1], [0.98, 1.0, 0.95, 0.0, 1.0])
    assert np.isnan(b.share_at_mu[-1]) and b.low[-1] == b.high[-1] == 3.0  # the intercept: no mu, never "collapses"
    assert b.low[2] == 0 and b.high[2] > 0
    # s9's HDI is also exactly {0} (contrived): it is not news, so it is not listed
    table = pd.DataFrame({"hdi_low": [-1.0, -2.0, -1.0, 0.5, 0.0, 2.0], "hdi_high": [1.0, 2.0, 1.0, 2.5, 0.0, 4.0]},
                         index=[*b.names])
    fit = SimpleNamespace(bootstrap=b, coefficients=table, penalty=TwinPenalty(1.0, SIGMA, "fixed sigma"))
    lines = bootstrap_lines(fit)
    assert lines[1] == "bootstrap interval collapses to 0 while the 94% HDI does not: age, s2"
    assert lines[0] == ("bootstrap: Lasso refitted at the same alpha = 1 on 100 resamples of the rows (seed 0); "
                        "its 94% CI is a percentile confidence interval, not a credible interval")
    # at a prior location mu != 0 the interval collapses to {mu}
    shifted = Bootstrap.from_replicates(coef + 0.25, None, np.full(5, 0.25), seed=0, prob=0.94, estimator="Lasso",
                                        features=["age", "s2", "s4", "bmi", "s9"])
    np.testing.assert_array_equal(shifted.collapses_to_mu, [True, True, False, False, True])
    fit = SimpleNamespace(bootstrap=shifted, coefficients=table.iloc[:-1], penalty=TwinPenalty(1.0, SIGMA, "fixed sigma"))
    # s9's HDI [0, 0] is not {0.25}: now it is listed
    assert bootstrap_lines(fit)[1] == "bootstrap interval collapses to 0.25 while the 94% HDI does not: age, s2, s9"
    # one location per coefficient: each interval collapses to its own
    mixed = Bootstrap.from_replicates(coef + [0.0, 0.5, 0.0, 0.0, 0.0], None, np.array([0.0, 0.5, 0.0, 0.0, 0.0]), seed=0,
                                      prob=0.94, estimator="Lasso", features=["age", "s2", "s4", "bmi", "s9"])
    fit = SimpleNamespace(bootstrap=mixed, coefficients=table.iloc[:-1], penalty=TwinPenalty(1.0, SIGMA, "fixed sigma"),
                          twin_label=lambda shown=False: "Lasso")
    assert bootstrap_lines(fit)[1] == "bootstrap interval collapses to its mu while the 94% HDI does not: age, s2"
    assert column_labels(fit, 0.94)["boot_share_at_mu"] == "bootstrap share at mu"


def test_priors_without_a_twin_have_no_bootstrap_and_saga_gets_its_default_tol(diabetes_design):
    horseshoe = priors.create("horseshoe", 1.0, Settings(prior="horseshoe"))
    assert bootstrap(diabetes_design, horseshoe, "gaussian", 1.0, 10, seed=0, prob=0.94) is None
    l1_logistic = replicate_estimator(twins.twin("laplace", "bernoulli"), 0.5, True, {})
    assert l1_logistic.tol == 1e-4 and l1_logistic.C == 0.5 and l1_logistic.solver == "saga"  # not penalized.fit's 1e-10
    assert replicate_estimator(twins.twin("laplace", "gaussian"), 1.0, True, {}).tol == 1e-14  # tight twins unchanged
    assert replicate_estimator(twins.twin("elasticnet", "bernoulli"), 0.5, True, {"l1_ratio": 0.5}).tol == 1e-4


def test_saga_replicates_are_seeded_so_n_jobs_changes_nothing():
    d = data.make_design(sources.load("synthetic:n=120,p=3,k=2,seed=1,family=bernoulli"))
    prior = priors.create("laplace", 0.3, Settings(prior="laplace", likelihood="bernoulli"))
    one = bootstrap(d, prior, "bernoulli", 0.3, 12, seed=5, prob=0.9, n_jobs=1)
    two = bootstrap(d, prior, "bernoulli", 0.3, 12, seed=5, prob=0.9, n_jobs=2)
    np.testing.assert_array_equal(one.coef, two.coef)
    np.testing.assert_array_equal(one.intercept, two.intercept)
    assert one.estimator == "LogisticRegression"


@pytest.mark.parametrize("value", [-1, "-1", "x", 2.5, 100_001])
def test_a_bad_bootstrap_value_is_one_sentence(value):
    with pytest.raises(InputError) as error:
        priorfit.compare("diabetes", bootstrap=value, progress=False)
    assert str(error.value) == f"bootstrap {value!r} is not allowed; it must be a whole number from 0 to 100000."


@pytest.mark.parametrize("value", ["-1", "x"])
def test_a_bad_bootstrap_flag_exits_2_with_one_sentence(value, capsys, tmp_path):
    assert main(["compare", "--bootstrap", value, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == (
        f"priorfit: error: bootstrap {value!r} is not allowed; it must be a whole number from 0 to 100000.\n"
    )
    assert main(["path", "--bootstrap", "5", "--out", str(tmp_path / "path")]) == 2
    assert capsys.readouterr().err == (
        "priorfit: error: bootstrap 5 applies to priorfit compare only; priorfit path has no bootstrap intervals.\n"
    )


def test_the_setting_is_documented_everywhere(capsys):
    assert Settings().bootstrap == 0 and Settings(bootstrap="200").bootstrap == 200
    assert "percentile bootstrap replicates of the penalized estimate (0: off)" in priorfit.compare.__doc__
    with pytest.raises(SystemExit):
        main(["compare", "--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert "--bootstrap B percentile bootstrap replicates" in text and "not credible intervals (default: 0)" in text


# -- a comparison with --bootstrap: the table, the JSON, the reports, load -------------------------
@pytest.fixture(scope="module")
def lasso():
    return priorfit.compare("diabetes", prior="laplace", sigma=SIGMA, alpha=1.0, bootstrap=200, draws=200, tune=300,
                            chains=2, progress=False)


def test_lasso_zeros_are_zero_in_part_of_the_resamples(lasso):
    """alpha 1 (the golden case): the Lasso sets age, s2 and s4 to 0, but resamples do so only
    36-83% of the time, so no 94% interval collapses to {0}."""
    fit = lasso.fit("laplace")
    table = fit.coefficients
    assert list(table.columns) == ["penalized", "map", "map_raw", "mean", "median", "sd", "hdi_low", "hdi_high",
                                   "boot_low", "boot_high", "boot_share_at_mu", "p_positive"]
    share = table["boot_share_at_mu"]
    assert (share > 0).any()
    assert share[["age", "s2", "s4"]].tolist() == [0.4, 0.79, 0.51] and (table.loc[["age", "s2", "s4"], "penalized"] == 0).all()
    assert share[["sex", "bmi", "bp", "s5"]].tolist() == [0, 0, 0, 0] and np.isnan(share["intercept"])
    assert not fit.bootstrap.collapses_to_mu.any()
    assert ((table["boot_low"] <= table["penalized"]) & (table["penalized"] <= table["boot_high"])).all()
    assert "bootstrap" in fit.timings and fit.timings["bootstrap"] < 5
    lines = fit_lines(fit)
    assert any(line.startswith("bootstrap: Lasso refitted at the same alpha = 1 on 200 resamples") for line in lines)
    assert not any("collapses" in line for line in lines)


def test_original_scale_intervals(lasso):
    """Coefficients' ends scale by 1/x_scale; the intercept's come from per-replicate intercepts."""
    fit, design = lasso.fit("laplace"), data.make_design(sources.load("diabetes"))
    model, original = fit.coefficients, fit.original
    scale = np.asarray(lasso.data.x_scale)
    for column in ("boot_low", "boot_high"):
        np.testing.assert_allclose(original[column].to_numpy()[:-1], model[column].to_numpy()[:-1] / scale, rtol=1e-12)
    np.testing.assert_array_equal(original["boot_share_at_mu"], model["boot_share_at_mu"])
    b = fit.bootstrap
    intercepts = b.intercept - (b.coef / design.x_scale) @ design.x_center
    np.testing.assert_allclose(original.loc["intercept", ["boot_low", "boot_high"]], np.quantile(intercepts, [0.03, 0.97]))


def test_the_original_intercept_interval_is_computed_per_replicate(diabetes):
    """diabetes' columns are centred already (x_center ~ 0); shifted columns show that the intercept's
    original-scale interval is not the model-scale ends pushed through the transform."""
    shifted = data.make_design(data.from_arrays(diabetes.X * 100 + 3, diabetes.y, features=diabetes.features))
    b = bootstrap(shifted, _prior("laplace", 1.0, shifted), "gaussian", 1.0, 80, seed=0, prob=0.94)
    low, high = b.original(shifted)
    _, intercept = shifted.to_original(b.coef, b.intercept)
    np.testing.assert_allclose([low[-1], high[-1]], np.quantile(intercept, [0.03, 0.97]))
    np.testing.assert_allclose(low[:-1], b.low[:-1] / shifted.x_scale)
    _, naive = shifted.to_original(b.high[:-1], b.high[-1])  # the upper ends of every coefficient at once
    assert abs(naive - high[-1]) > 1.0 and low[-1] < np.median(intercept) < high[-1]


def test_json_reports_and_load_round_trip(lasso, tmp_path):
    out = tmp_path / "run"
    lasso.save(out, plots=False)
    summary = json.loads((out / "summary.json").read_text())
    fit = summary["fits"][0]
    assert fit["bootstrap"] == {"draws": 200, "seed": 0, "prob": 0.94, "kind": KIND}
    assert summary["settings"]["bootstrap"] == 200
    assert {"boot_low", "boot_high", "boot_share_at_mu"} <= set(fit["coefficients"][0]) & set(fit["original_scale"][0])
    loaded = load(out)
    assert loaded.to_json() == lasso.to_json()
    b, again = lasso.fit("laplace").bootstrap, loaded.fit("laplace").bootstrap
    np.testing.assert_array_equal(again.coef, b.coef)
    np.testing.assert_array_equal(again.collapses_to_mu, b.collapses_to_mu)
    markdown, page = (out / "report.md").read_text(), (out / "report.html").read_text()
    assert "| 94% HDI low | 94% HDI high | bootstrap 94% CI low | bootstrap 94% CI high | bootstrap share at 0 |" in markdown
    assert "<th>94% HDI high</th><th>bootstrap 94% CI low</th><th>bootstrap 94% CI high</th>" in page
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for name in ("report.html", "report.md"):
        (copy / name).unlink()
    assert main(["report", "--no-plots", str(copy)]) == 0
    for name in ("report.html", "report.md"):
        assert (copy / name).read_bytes() == (out / name).read_bytes(), name


def test_cli_compare_with_bootstrap(tmp_path, capsys):
    out = tmp_path / "out"
    argv = ["compare", "--prior", "laplace", "--sigma", "54", "--alpha", "1", "--bootstrap", "50", "--draws", "100",
            "--tune", "100", "--chains", "2", "--quiet", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    assert "bootstrap 94%" in printed and "CI low" in printed and "94% HDI low" in printed  # the header wraps
    assert "its 94% CI is a percentile confidence interval, not a credible interval" in printed
    summary = json.loads((out / "summary.json").read_text())
    assert summary["fits"][0]["bootstrap"] == {"draws": 50, "seed": 0, "prob": 0.94, "kind": "percentile bootstrap confidence interval"}
    csv = pd.read_csv(out / "coefficients.csv")
    assert csv[["boot_low", "boot_high"]].notna().all().all()
