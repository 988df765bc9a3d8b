"""End to end through the public API: numbers, diagnostics, and the summary's shape."""

import json

import numpy as np
import pytest

import priorfit
from priorfit import InputError
from priorfit.models.likelihoods import Gaussian

SIGMA = 54.0


@pytest.fixture(scope="module")
def normal_fixed(diabetes_normal_fixed):
    """diabetes, normal prior at alpha 2, sigma 54, 4 x 1000 draws: the golden master normal_fixed_sigma's run (tests/conftest.py)."""
    settings = diabetes_normal_fixed.settings
    assert (settings.sigma, settings.alpha, settings.draws, settings.tune, settings.chains) == (SIGMA, {"normal": 2.0}, 1000, 1000, 4)
    return diabetes_normal_fixed


@pytest.fixture(scope="module")
def laplace_horseshoe():
    return priorfit.compare("diabetes", prior="laplace,horseshoe", draws=400, tune=600, chains=2, seed=2)


def test_normal_fixed_sigma_matches_ridge_and_closed_form(normal_fixed):
    fit = normal_fixed.fit("normal")
    assert fit.penalized.estimator == "Ridge" and fit.penalized.params["alpha"] == pytest.approx(2.0)
    assert fit.prior.scale == pytest.approx(SIGMA / np.sqrt(2.0))
    assert fit.agreement.max_rel_diff < 1e-6
    assert fit.mode.certificate.value < 1e-8
    # NUTS against the exact Gaussian posterior, within Monte Carlo error
    exact = fit.exact_posterior
    assert exact.max_abs_mcse_z < 4.5
    assert exact.max_rel_sd < 0.08
    assert fit.diagnostics.divergences == 0 and fit.diagnostics.max_rhat < 1.01


def test_exact_posterior_is_a_check_that_can_fail(normal_fixed):
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.diagnostics import closed_form
    from priorfit.models import priors

    fit = normal_fixed.fit("normal")
    checks = {text.split(": ", 1)[1].split(":")[0]: passed for passed, text in fit.check_results()}
    assert checks["NUTS vs the closed-form Gaussian posterior"] is True
    exact = fit.exact_posterior
    assert exact.statistics == 22 and exact.threshold == pytest.approx(closed_form.threshold(22))
    assert max(exact.max_abs_mcse_z, exact.max_abs_mcse_z_sd) <= exact.threshold
    # the same draws against the closed form of a wrong prior scale (tau / 5) fail the check
    design = data.make_design(sources.load("diabetes"))
    wrong = closed_form.normal_posterior(design, priors.Normal(fit.prior.scale / 5), SIGMA)
    check = closed_form.compare_draws(wrong, fit.tree["posterior"].to_dataset())
    assert not check.holds and check.max_abs_mcse_z > check.threshold
    assert check.sentence().startswith("NUTS vs the closed-form Gaussian posterior: max |mean - exact| ")
    assert " > 4.08 (worst: " in check.sentence()
    summary = json.loads(normal_fixed.to_json())
    assert summary["fits"][0]["exact_posterior"]["threshold"] == pytest.approx(exact.threshold)
    assert summary["checks"]["passed"] is True


def test_duplicate_columns_under_l1_are_not_identified_and_not_a_failure():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((200, 3))
    X = np.column_stack([X, X[:, 0]])
    y = 2 * X[:, 0] + X[:, 1] + rng.standard_normal(200)
    result = priorfit.compare(X, y, features=["a", "b", "c", "a_copy"], prior="laplace", sigma=1.0, alpha=0.05,
                              draws=100, tune=100, chains=2, seed=1, progress=False)
    fit = result.fit("laplace")
    a = fit.agreement
    # the polish starts from the twin's estimate, so MAP and Lasso agree; find_MAP split the weight otherwise
    assert a.max_rel_diff <= a.tolerance and a.raw_max_abs_diff > 0.1
    assert a.holds and not a.identified and a.unidentified == ("a", "a_copy") and (a.active, a.active_rank) == (3, 2)
    sentence = next(text for _, text in fit.check_results() if "MAP and Lasso differ" in text)
    assert sentence.endswith("; the 3 active columns have rank 2, so the coefficients of a, a_copy are not identified "
                             "(any split among collinear columns is optimal, and another solver may return another); a prior "
                             "with a quadratic part identifies them (--prior elasticnet with l1_ratio < 1, or normal)")
    assert fit.shrinkage.penalized_dof == pytest.approx(2.0)  # the rank of the active columns, as the lasso's dof
    summary = json.loads(result.to_json())["fits"][0]["agreement"]
    assert summary["unidentified"] == ["a", "a_copy"] and summary["active_rank"] == 2


def test_cross_validated_penalty_on_the_edge_of_its_grid_is_a_failed_check():
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((500, 5)), rng.standard_normal(500)  # pure noise: LassoCV picks alpha_max
    result = priorfit.compare(X, y, prior="laplace", sigma=1.0, draws=100, tune=100, chains=2, seed=1, progress=False)
    fit = result.fit("laplace")
    grid = fit.hyper.grid
    assert grid.edge == "upper" and grid.plateau and fit.hyper.alpha == pytest.approx(grid.value)
    failed = [text for passed, text in fit.check_results() if not passed]
    assert grid.sentence("laplace") in failed and grid.sentence("laplace") in result.checks()
    assert failed[0].startswith("laplace: LassoCV chose alpha = ") and ", the largest value of its grid [" in failed[0]
    summary = json.loads(result.to_json())
    assert summary["fits"][0]["prior"]["hyperparameters"]["grid"]["edge"] == "upper"
    assert grid.sentence("laplace") in summary["checks"]["failed"]


def test_table_and_json_agree(normal_fixed):
    table = normal_fixed.table("normal")
    assert list(table.index) == [*normal_fixed.data.features, "intercept"]
    summary = json.loads(normal_fixed.to_json())
    fit = summary["fits"][0]
    assert fit["prior"] == {"family": "normal", "params": {"scale": pytest.approx(SIGMA / np.sqrt(2)), "mu": 0.0}, "hyperparameters": fit["prior"]["hyperparameters"]}
    assert fit["likelihood"] == {"family": "gaussian", "sigma": {"mode": "fixed", "value": SIGMA, "prior": None, "posterior_mean": None},
                                 "estimated": []}
    assert fit["penalized"]["exact"] is True and fit["map"]["status"] == "ok"
    assert set(fit["diagnostics"]) == {"max_rhat", "min_ess_bulk", "min_ess_tail", "divergences", "treedepth_hits"}
    assert set(fit["exact_posterior"]) >= {"max_abs_z_mean", "max_rel_sd"}
    row = fit["coefficients"][2]
    assert set(row) == {"name", "penalized", "map", "map_raw", "mean", "median", "sd", "hdi_low", "hdi_high", "p_positive"}
    assert row["name"] == "bmi" and row["mean"] == pytest.approx(table.loc["bmi", "mean"])
    assert row["hdi_low"] < row["median"] < row["hdi_high"]
    # original-scale coefficients predict exactly as the model-scale ones do
    original = {r["name"]: r["map"] for r in fit["original_scale"]}
    X = priorfit.data.sources.load("diabetes").X
    coef = np.array([original[f] for f in summary["data"]["features"]])
    model_scale = table["map"].to_numpy()
    design = priorfit.data.design.make_design(priorfit.data.sources.load("diabetes"))
    np.testing.assert_allclose(X @ coef + original["intercept"], design.X @ model_scale[:-1] + model_scale[-1], rtol=1e-9)


def test_datatree_holds_posterior_and_point_estimates(normal_fixed):
    tree = normal_fixed.idata["normal"]
    assert tree["posterior"]["coef"].shape == (4, 1000, 10)
    assert {"posterior", "sample_stats", "map", "find_map", "optimizer_result", "penalized"} <= set(tree.children)
    np.testing.assert_allclose(tree["map"]["coef"].values, tree["penalized"]["coef"].sel(estimator="Ridge").values, rtol=1e-6)
    assert tree["map"].attrs["status"] == "ok" and bool(tree["optimizer_result"]["success"])
    assert tree["find_map"]["coef"].values == pytest.approx(normal_fixed.fit("normal").mode.raw["coef"])


def test_estimated_sigma_identity_at_map_sigma(laplace_horseshoe):
    fit = laplace_horseshoe.fit("laplace")
    sigma_map = fit.noise.value
    assert fit.noise.mode == "estimated" and 45 < sigma_map < 65
    assert fit.penalty.basis == "MAP sigma" and fit.penalty.dispersion == sigma_map
    alpha = fit.penalty.alpha
    assert alpha == pytest.approx(sigma_map**2 / (442 * fit.prior.scale), rel=1e-12)
    assert fit.penalized.params["alpha"] == pytest.approx(alpha)
    assert fit.agreement.max_rel_diff < 1e-6 and fit.agreement.same_zero_pattern
    assert fit.mode.certificate.kind == "kkt" and fit.mode.certificate.value < 1e-8
    assert fit.hyper.source.startswith("cross-validation: LassoCV")


def test_horseshoe_reports_degenerate_mode_and_nearest(laplace_horseshoe):
    fit = laplace_horseshoe.fit("horseshoe")
    assert fit.mode.status == "degenerate" and fit.agreement is None
    assert fit.penalized.exact is False
    assert list(fit.penalized.estimates) == ["LassoCV", "ARDRegression"]
    # ARDRegression's alpha_ is a noise precision: it is not reported as a penalty alpha
    assert set(fit.penalized.estimates["ARDRegression"].params) == {"noise_precision", "fit_intercept"}
    assert "alpha" in fit.penalized.estimates["LassoCV"].params
    assert fit.coefficients["map"].isna().all()
    summary = json.loads(laplace_horseshoe.to_json())["fits"][1]
    assert summary["map"]["status"] == "degenerate" and summary["coefficients"][0]["map"] is None


def test_same_seed_same_json():
    # the same text apart from the fields named as timings
    runs = [json.loads(priorfit.compare("synthetic:n=60,p=4,k=2,seed=5", prior="normal", draws=50, tune=50, chains=2, seed=7).to_json()) for _ in range(2)]
    for run in runs:
        for fit in run["fits"]:
            assert set(fit.pop("timings")) == {"map", "penalized", "sampling", "conformal", "shrinkage", "checks"}  # 100 draws: no dial (dial.MIN_DRAWS)
    assert json.dumps(runs[0]) == json.dumps(runs[1])


def test_pymc_sampler_gives_the_same_posterior():
    kwargs = dict(prior="normal", sigma=1.0, alpha=1.0, draws=500, tune=500, chains=2, seed=3)
    result = priorfit.compare("synthetic:n=80,p=3,k=2,noise=1.0,seed=1", sampler="pymc", **kwargs)
    assert result.fit("normal").exact_posterior.max_abs_mcse_z < 4.5


def test_bad_api_input_is_one_sentence():
    with pytest.raises(InputError, match=r"^Both alpha=1 and scale=2 were given for the normal prior; give one of them, or neither for the cross-validated default.$"):
        priorfit.compare("diabetes", prior="normal", alpha=1, scale=2)
    with pytest.raises(InputError, match=r"^Unknown prior 'ridge'; allowed are: normal, laplace, group_laplace, elasticnet, bridge, mvnormal, horseshoe, regularized_horseshoe, r2d2.$"):
        priorfit.compare("diabetes", prior="ridge")
    with pytest.raises(InputError, match=r"^scale -3 is not allowed; it must be a positive number.$"):
        priorfit.compare("diabetes", prior="normal", scale=-3)
    with pytest.raises(InputError, match=r"^Unknown setting 'alpah'; allowed are: alpha, bootstrap, bridge_q, C, chains, "):
        priorfit.compare("diabetes", alpah=1)


def test_hyperparameters_are_per_prior():
    # a ridge alpha and a lasso alpha are different units: one bare number for both is refused
    with pytest.raises(InputError, match=r"^alpha 1 is ambiguous: the priors normal, laplace each have their own alpha units; give one per prior, as normal=...,laplace=... \(a dict in Python\).$"):
        priorfit.compare("diabetes", prior="normal,laplace", alpha=1)
    with pytest.raises(InputError, match=r"^alpha does not apply to the horseshoe prior: it has no penalized twin; give its scale instead.$"):
        priorfit.compare("diabetes", prior="laplace,horseshoe", alpha={"laplace": 0.1, "horseshoe": 1})
    with pytest.raises(InputError, match=r"^scale is given for the laplace prior, which is not being fitted; fitted are: normal.$"):
        priorfit.compare("diabetes", prior="normal", scale="laplace=2")
    settings = priorfit.Settings(prior="laplace,horseshoe", alpha=0.1, scale="horseshoe=3")
    assert settings.alpha == {"laplace": 0.1} and settings.scale == {"horseshoe": 3.0}
    assert priorfit.Settings(**{k: v for k, v in vars(settings).items()}) == settings  # parsing is idempotent
    assert priorfit.Settings() == priorfit.Settings() and priorfit.Settings(**settings.as_dict()) == settings  # by value
    assert priorfit.Settings(sigma_prior=" HalfNormal:2 ").sigma_prior == priorfit.Settings(sigma_prior="halfnormal:2").sigma_prior
    with pytest.raises(InputError, match=r"^alpha 'normal=1,normal=2' names the normal prior twice; give each prior once.$"):
        priorfit.Settings(prior="normal,laplace", alpha="normal=1,normal=2")
    with pytest.raises(InputError, match=r"^Sigma prior 'jeffreys:' is not understood; allowed are jeffreys, halfnormal:S or halfcauchy:S with S > 0.$"):
        priorfit.Settings(sigma_prior="jeffreys:")


def test_compare_signature_comes_from_the_settings_schema():
    import inspect

    parameters = inspect.signature(priorfit.compare).parameters
    assert list(parameters)[:5] == ["X", "y", "target", "features", "progress"]
    assert {f for f in priorfit.Settings.__dataclass_fields__} == set(list(parameters)[5:])
    assert parameters["hdi_prob"].default == 0.94 and "credible interval mass" in priorfit.compare.__doc__


def test_plugin_sigma_is_ols_residual_sd(diabetes_design):
    plugin = Gaussian().plugin_dispersion(diabetes_design)
    sigma, method = plugin.value, plugin.method
    from sklearn.linear_model import LinearRegression

    ols = LinearRegression().fit(diabetes_design.X, diabetes_design.y)
    rss = np.sum((diabetes_design.y - ols.predict(diabetes_design.X)) ** 2)
    assert sigma == pytest.approx(np.sqrt(rss / (442 - 10 - 1)), rel=1e-10)
    assert "431" in method


def test_extreme_hyperparameters_fail_before_fitting():
    with pytest.raises(InputError, match=r"^The normal prior scale 1e-200 \(alpha inf, from scale\) is too extreme to compute with"):
        priorfit.compare("diabetes", prior="normal", scale=1e-200)


def test_report_shows_every_nearest_estimator_for_the_horseshoe(laplace_horseshoe):
    from rich.console import Console

    from priorfit.report import render

    console = Console(record=True, width=200)
    render(laplace_horseshoe, console)
    text = console.export_text()
    assert "horseshoe prior ↔ LassoCV, ARDRegression (nearest, not exact)" in text
    assert "laplace prior ↔ Lasso" in text and "find_MAP raw" in text
    ard = laplace_horseshoe.fit("horseshoe").penalized.estimates["ARDRegression"].coef
    assert f"{ard[2]:.4g}" in text  # bmi under ARDRegression
    assert "no meaningful posterior mode" in text


def _notes_text(fit) -> str:
    from rich.console import Console

    from priorfit.report.terminal import fit_notes

    console = Console(record=True, width=300)
    console.print(fit_notes(fit))
    return console.export_text()


def test_report_survives_a_mode_without_certificate(laplace_horseshoe):
    # find_MAP's answer was not finite: no polished point, no certificate (was a TypeError)
    from dataclasses import replace

    from priorfit.inference.mode import ModeResult

    fit = laplace_horseshoe.fit("laplace")
    broken = replace(fit, mode=ModeResult("not_converged", "find_MAP: ABNORMAL; its answer is not finite", raw_converged=False), agreement=None)
    text = _notes_text(broken)
    assert "MAP: not_converged; find_MAP: ABNORMAL; its answer is not finite; no certificate" in text


def test_report_claims_the_identity_only_when_it_holds(laplace_horseshoe):
    from dataclasses import replace

    fit = laplace_horseshoe.fit("laplace")
    assert "(the identity holds here)" in _notes_text(fit)
    failed = replace(fit, agreement=replace(fit.agreement, max_rel_diff=1e-3))
    assert "(the identity holds here)" not in _notes_text(failed)
    assert any("differ by 1.00e-03 relative" in c for c in failed.checks())


def test_twin_without_a_map_sigma_is_fitted_at_the_plugin_sigma_and_says_so(diabetes_design):
    from priorfit.models import likelihoods, priors
    from priorfit.results.records import Hyperparameters, Noise
    from priorfit.runs import compare as comparison

    prior = priors.Laplace(80.0)
    hyper = Hyperparameters("scale", 80.0, dispersion=54.15)
    penalty = comparison._penalty(diabetes_design, prior, likelihoods.Gaussian(), Noise("estimated", None, "jeffreys"), hyper)
    assert penalty.basis == "plug-in sigma" and penalty.dispersion == 54.15
    assert penalty.alpha == pytest.approx(54.15**2 / (442 * 80.0), rel=1e-14)


def test_version_is_written_once():
    import tomllib
    from importlib import metadata
    from pathlib import Path

    project = tomllib.loads((Path(__file__).parents[2] / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "priorfit.version.__version__"}
    assert metadata.version("priorfit") == priorfit.__version__


def test_five_rows_give_a_leave_one_out_score():
    """Fewer rows than the CV score's 10 folds once crashed scikit-learn's KFold: the score's
    folds are leave-one-out there, and the score is the sum of each row's log density under the
    Ridge fitted on the other four (computed here by hand)."""
    from sklearn.linear_model import Ridge

    from priorfit.data.design import from_arrays, make_design
    from priorfit.diagnostics import shrinkage
    from priorfit.penalized import twins

    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 4.0], [5.0, 7.0]])
    design = make_design(from_arrays(X, np.array([1.0, 3.0, 2.0, 5.0, 4.0])))
    folds = twins.cv_folds(design.n, twins.SCORE_FOLDS)
    assert folds == 5
    twin = twins.twin("normal", "gaussian")
    score = shrinkage.cv_log_score(design, Gaussian(), lambda: twin.make_for_refits(0.7, True), np.zeros(2), 1.3, folds=folds)
    by_hand = 0.0
    for i in range(5):
        rest = np.arange(5) != i
        ridge = Ridge(alpha=0.7).fit(design.X[rest], design.y[rest])
        eta = design.X[i] @ ridge.coef_ + ridge.intercept_
        by_hand += -0.5 * np.log(2 * np.pi) - np.log(1.3) - 0.5 * ((design.y[i] - eta) / 1.3) ** 2
    assert score == pytest.approx(by_hand, rel=1e-9)


@pytest.mark.slow(reason="test_five_rows_give_a_leave_one_out_score checks the leave-one-out score on these rows")
def test_five_rows_run_with_leave_one_out_scores():
    """Fewer rows than the CV score's 10 folds once crashed scikit-learn's KFold."""
    X = np.array([[1.0, 2.0], [2.0, 1.0], [3.0, 5.0], [4.0, 4.0], [5.0, 7.0]])
    result = priorfit.compare(X, np.array([1.0, 3.0, 2.0, 5.0, 4.0]), prior="normal", draws=200, tune=200, chains=2, progress=False)
    fit = result.fit("normal")
    assert fit.shrinkage.cv_folds == 5 and np.isfinite(fit.shrinkage.cv_log_score) and fit.agreement.holds
