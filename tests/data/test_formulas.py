"""Formulas (issue 19): formulaic's model matrix is the design on both sides. The MAP against scikit-learn's Ridge
fitted on formulaic's own matrix (built here, outside priorfit), the names, the intercept, and the sentences."""

import json
import re

import numpy as np
import pandas as pd
import pytest

import priorfit
from priorfit import InputError
from priorfit.cli import main

FORMULA = "y ~ dose + age + C(site) + arm + dose:arm"
FAST = dict(draws=100, tune=100, chains=2, loo="no", progress=False)


@pytest.fixture(scope="module")
def trial():
    rng = np.random.default_rng(0)
    n = 120
    site, arm = rng.choice(["north", "south", "east"], n), rng.choice(["control", "treated"], n)
    dose, age = rng.uniform(0, 2, n), rng.normal(50, 10, n)
    y = (1 + 2 * dose + 0.05 * age + (site == "south") - 0.5 * (site == "east") + 0.8 * (arm == "treated")
         + 0.7 * dose * (arm == "treated") + rng.normal(0, 1, n))
    return pd.DataFrame({"y": y, "dose": dose, "age": age, "site": site, "arm": arm})


def _ridge_on_formulaics_matrix(frame, formula, alpha):
    from formulaic import model_matrix
    from sklearn.linear_model import Ridge

    matrices = model_matrix(formula, frame)
    X = matrices.rhs.drop(columns=["Intercept"])
    fitted = Ridge(alpha=alpha, tol=1e-14, solver="cholesky").fit(X.to_numpy(), matrices.lhs.to_numpy().ravel())
    return list(X.columns), fitted.coef_, float(fitted.intercept_)


def test_the_map_is_ridge_on_formulaics_matrix_with_its_names(trial, tmp_path):
    names, coef, intercept = _ridge_on_formulaics_matrix(trial, FORMULA, 2.0)
    result = priorfit.compare(trial, formula=FORMULA, prior="normal", alpha=2.0, sigma=1.0, standardize=False, **FAST)
    fit = result.fits[0]
    assert list(result.data.features) == names == ["dose", "age", "C(site)[T.north]", "C(site)[T.south]", "arm[T.treated]",
                                                   "dose:arm[T.treated]"]
    assert result.data.target == "y" and result.data.intercept
    np.testing.assert_allclose(fit.mode.point["coef"], coef, rtol=1e-8, atol=0)
    assert fit.mode.point["intercept"] == pytest.approx(intercept, rel=1e-8)
    assert list(fit.tree["posterior"]["coef"].coords["feature"].values) == names
    # the same through the CLI, from a CSV with its text columns
    trial.to_csv(tmp_path / "trial.csv", index=False)
    out = tmp_path / "out"
    assert main(["compare", str(tmp_path / "trial.csv"), "--formula", FORMULA, "--prior", "normal", "--alpha", "2", "--sigma", "1",
                 "--no-standardize", "--draws", "100", "--tune", "100", "--chains", "2", "--loo", "no", "--no-plots", "--quiet",
                 "--out", str(out)]) == 0
    saved = priorfit.result.load(out)
    assert list(saved.data.features) == names and saved.settings.formula == FORMULA
    np.testing.assert_allclose(saved.fits[0].mode.point["coef"], coef, rtol=1e-8, atol=0)


def test_a_formula_without_an_intercept_fits_none(trial):
    result = priorfit.compare(trial, formula="y ~ dose + arm - 1", prior="normal", alpha=2.0, sigma=1.0, standardize=False,
                              **FAST)
    # without an intercept formulaic codes both arms (full rank)
    assert not result.data.intercept and list(result.data.features) == ["dose", "arm[control]", "arm[treated]"]
    assert "intercept" not in result.fits[0].mode.point


@pytest.mark.parametrize(("formula", "sentence"), [
    ("y ~ dosage + C(site)", "The formula 'y ~ dosage + C(site)' uses 'dosage', which 'data' does not have; its columns are: "
                             "y, dose, age, site, arm."),
    ("y ~ dose + (", "The formula 'y ~ dose + (' is not one formulaic can read (Could not find matching context marker); "
                     "write it as 'y ~ x1 + C(site) + x1:arm'."),
    ("dose + age", "The formula 'dose + age' has no left side; name the target on it, as 'y ~ x1 + C(site) + x1:arm'."),
])
def test_bad_formulas_get_one_sentence(trial, formula, sentence):
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        priorfit.compare(trial, formula=formula, prior="normal", alpha=1.0, sigma=1.0, **FAST)


def test_a_missing_value_the_formula_uses_is_named(trial):
    holed = trial.assign(age=trial["age"].where(trial.index != 4))
    with pytest.raises(InputError, match=r"^Column 'age' of 'data', which the formula uses, has 1 missing value, the first in "
                                         r"row 5; give complete rows, or drop the incomplete ones with --missing drop.$"):
        priorfit.compare(holed, formula=FORMULA, prior="normal", alpha=1.0, sigma=1.0, **FAST)  # rows counted from 1


def test_missing_drop_drops_only_the_rows_incomplete_in_the_columns_the_formula_uses(trial, tmp_path, capsys):
    holed = trial.assign(age=trial["age"].where(~trial.index.isin([4, 9])), note=np.where(trial.index == 11, np.nan, 1.0))
    complete = holed.drop(index=[4, 9])  # row 11 misses only a column the formula does not read: it stays
    names, coef, intercept = _ridge_on_formulaics_matrix(complete, FORMULA, 2.0)
    result = priorfit.compare(holed, formula=FORMULA, missing="drop", prior="normal", alpha=2.0, sigma=1.0, standardize=False,
                              bootstrap=40, **FAST)
    assert result.data.dropped == 2 and result.data.n == len(trial) - 2 == len(complete)
    np.testing.assert_allclose(result.fits[0].mode.point["coef"], coef, rtol=1e-8, atol=0)
    # the bootstrap resamples the formula's rows: its interval holds the twin's estimate, under formulaic's names
    table = result.fits[0].coefficients.loc[names]
    assert (table["boot_low"] <= table["penalized"]).all() and (table["penalized"] <= table["boot_high"]).all()
    assert json.loads(result.to_json())["data"]["dropped"] == 2
    from priorfit.report.lines import data_lines

    assert data_lines(result)[0] == (f"design: formulaic's model matrix of {FORMULA!r}, unstandardized "
                                                           "(the intercept is the model's, unpenalized)")
    # and through the CLI: the terminal and the report say so
    holed.to_csv(tmp_path / "holed.csv", index=False)
    out = tmp_path / "out"
    assert main(["compare", str(tmp_path / "holed.csv"), "--formula", FORMULA, "--missing", "drop", "--prior", "normal",
                 "--alpha", "2", "--sigma", "1", "--draws", "100", "--tune", "100", "--chains", "2", "--loo", "no",
                 "--no-plots", "--out", str(out)]) == 0
    said = "2 rows with a missing value in a column used were dropped (--missing drop); the fit uses the other 118"
    assert said in " ".join(capsys.readouterr().out.split())
    assert said in (out / "report.md").read_text() and said in (out / "report.html").read_text()
    assert "its dummy and interaction columns standardized like any other" in (out / "report.md").read_text()


def test_missing_drop_without_a_formula_drops_incomplete_rows_of_a_table(trial, tmp_path):
    numeric = trial[["y", "dose", "age"]].assign(age=trial["age"].where(trial.index != 7))
    numeric.to_csv(tmp_path / "numeric.csv", index=False)
    complete = numeric.drop(index=[7])
    expected = priorfit.compare(complete.drop(columns="y"), complete["y"], prior="normal", alpha=2.0, sigma=1.0, **FAST)
    for source, y in ((str(tmp_path / "numeric.csv"), None), (numeric.drop(columns="y"), numeric["y"]),
                      (numeric.drop(columns="y").to_numpy(), numeric["y"].to_numpy())):
        result = priorfit.compare(source, y, missing="drop", prior="normal", alpha=2.0, sigma=1.0, **FAST)
        assert result.data.dropped == 1 and result.data.n == len(trial) - 1
        np.testing.assert_allclose(result.fits[0].mode.point["coef"], expected.fits[0].mode.point["coef"], rtol=1e-12)
    with pytest.raises(InputError, match=r"^missing 'keep' is not allowed; use refuse \(a row with a missing value is refused "
                                         r"with a sentence\) or drop \(such rows are dropped and counted\).$"):
        priorfit.compare(numeric, missing="keep", **FAST)


def _formulaic_matrices(frame, formula, new):
    """formulaic's training matrix and its columns for ``new`` rows, built by its own model spec."""
    from formulaic import model_matrix

    matrices = model_matrix(formula, frame)
    return matrices, matrices.rhs.model_spec.get_model_matrix(new).drop(columns=["Intercept"])


def test_new_rows_go_through_the_saved_formula_in_memory_and_after_loading(trial, tmp_path):
    from sklearn.linear_model import Ridge

    new = trial.drop(columns=["y"]).iloc[[3, 40, 77, 101]].assign(extra="ignored").iloc[:, ::-1]  # any order, more columns
    matrices, columns = _formulaic_matrices(trial, FORMULA, new)
    X = matrices.rhs.drop(columns=["Intercept"]).to_numpy()
    ridge = Ridge(alpha=2.0, tol=1e-14, solver="cholesky").fit(X, matrices.lhs.to_numpy().ravel())
    result = priorfit.compare(trial, formula=FORMULA, prior="normal", alpha=2.0, sigma=1.0, standardize=False, **FAST)
    predicted = result.predict(new, seed=1)
    np.testing.assert_allclose(predicted["twin"], ridge.predict(columns.to_numpy()), rtol=1e-9)
    result.save(tmp_path / "out", plots=False)
    again = priorfit.result.load(tmp_path / "out").predict(new, seed=1)
    pd.testing.assert_frame_equal(again, predicted, rtol=1e-12)


def test_a_level_the_training_data_did_not_have_is_one_sentence(trial, tmp_path, capsys):
    result = priorfit.compare(trial, formula=FORMULA, prior="normal", alpha=2.0, sigma=1.0, **FAST)
    new = trial.drop(columns=["y"]).iloc[:3].assign(site=["east", "west", "north"])
    sentence = ("Column 'site' of the new rows has the level 'west' in row 2, which the training data did not have; its levels "
                "are: 'east', 'north', 'south'.")
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        result.predict(new)
    with pytest.raises(InputError, match=r"^The formula '~ .*' uses 'age', which the new rows do not have; their columns are: "
                                         r"dose, site, arm.$"):
        result.predict(new.drop(columns=["age"]))
    result.save(tmp_path / "out", plots=False)
    new.to_csv(tmp_path / "new.csv", index=False)
    assert main(["predict", str(tmp_path / "out"), str(tmp_path / "new.csv"), "--out", str(tmp_path / "p.csv")]) == 2
    assert capsys.readouterr().err.strip() == "priorfit: error: " + sentence.replace("the new rows", "the new rows in 'new.csv'")
    assert not (tmp_path / "p.csv").exists()


def test_the_saved_spec_rebuilds_stateful_transforms_and_codings_exactly(trial):
    from priorfit.data import formula_spec

    formula = ("y ~ center(age) + scale(dose) + poly(age, 2) + bs(dose, df=4) + C(site, contr.sum) + "
               "C(arm, contr.treatment('treated')) + C(site, contr.helmert) + dose:site")
    new = trial.iloc[[0, 5, 50, 99]]
    matrices, expected = _formulaic_matrices(trial, formula, new)
    saved = json.loads(json.dumps(formula_spec.to_json(matrices.rhs.model_spec)))  # through JSON text, as summary.json
    built = formula_spec.from_json(saved).get_model_matrix(new).drop(columns=["Intercept"])
    assert list(built.columns) == list(expected.columns)
    np.testing.assert_array_equal(built.to_numpy(), expected.to_numpy())  # bit for bit: a knot or a mean must not move
    assert formula_spec.reference(saved, "C(arm, contr.treatment('treated'))") == "treated"
    assert formula_spec.reference(saved, "C(site, contr.sum)") is None


def test_a_text_column_without_a_formula_is_refused_with_the_formula_to_write(trial, tmp_path, capsys):
    trial.to_csv(tmp_path / "trial.csv", index=False)
    out = tmp_path / "out"
    assert main(["compare", str(tmp_path / "trial.csv"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "Column 'site' of trial.csv is not numeric (value 'east' in row 1); priorfit needs numeric columns; to encode its "
        "levels, give the formula --formula 'y ~ dose + age + C(site) + C(arm)'.")
    assert not out.exists()


def test_held_out_rows_from_a_file_go_through_the_formula(trial, tmp_path):
    trial.iloc[80:].to_csv(tmp_path / "test.csv", index=False)
    result = priorfit.compare(trial.iloc[:80], formula=FORMULA, test=str(tmp_path / "test.csv"), prior="normal", alpha=2.0,
                              sigma=1.0, **FAST)
    scored = result.fits[0].holdout
    assert scored.rows == 40 and scored.training_rows == 80
    mean = result.predict(trial.iloc[80:].drop(columns=["y"]))["mean"].to_numpy()
    assert scored.rmse == pytest.approx(np.sqrt(np.mean((trial["y"].iloc[80:].to_numpy() - mean) ** 2)), rel=1e-10)


def test_path_takes_a_formula(trial):
    result = priorfit.path(trial, formula="y ~ dose + C(site)", prior="normal", alphas=2, sigma=1.0, draws=50, tune=50,
                           chains=1, progress=False)
    assert list(result.features) == ["dose", "C(site)[T.north]", "C(site)[T.south]"]


def test_toml_and_the_estimators_take_the_formula_or_say_what_to_do_instead(tmp_path, trial):
    from priorfit.runs import declarations

    path = tmp_path / "trial.toml"
    path.write_text(f'name = "trial"\n\n[data]\nsource = "trial.csv"\n\n[settings]\nformula = "{FORMULA}"\n')
    assert priorfit.Settings(**declarations.load(path).settings).formula == FORMULA
    X = trial[["dose", "age"]].to_numpy()
    with pytest.raises(InputError, match=r"^A formula reads a table: .* encode the columns in a Pipeline with a "
                                         r"ColumnTransformer instead.$"):
        priorfit.BayesianRegression(formula="y ~ dose", draws=100, tune=100, chains=2).fit(X, trial["y"].to_numpy())
