"""Formulas (issue 19): formulaic's model matrix is the design on both sides. The MAP against scikit-learn's Ridge
fitted on formulaic's own matrix (built here, outside priorfit), the names, the intercept, and the sentences."""

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
                                         r"row 5; give complete rows.$"):  # rows counted from 1, as in every sentence
        priorfit.compare(holed, formula=FORMULA, prior="normal", alpha=1.0, sigma=1.0, **FAST)


def test_a_text_column_without_a_formula_is_refused_with_the_formula_to_write(trial, tmp_path, capsys):
    trial.to_csv(tmp_path / "trial.csv", index=False)
    out = tmp_path / "out"
    assert main(["compare", str(tmp_path / "trial.csv"), "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith(
        "Column 'site' of trial.csv is not numeric (value 'east' in row 1); priorfit needs numeric columns; to encode its "
        "levels, give the formula --formula 'y ~ dose + age + C(site) + C(arm)'.")
    assert not out.exists()


def test_held_out_rows_from_a_file_wait_for_new_rows_through_the_formula(trial, tmp_path):
    trial.to_csv(tmp_path / "new.csv", index=False)
    with pytest.raises(InputError, match=r"^test .* is given with a formula; held-out rows from a file need the formula's columns "
                                         r"for new rows, which priorfit does not build yet: use holdout \(a share of the rows\) "
                                         r"instead.$"):
        priorfit.compare(trial, formula=FORMULA, test=str(tmp_path / "new.csv"), **FAST)


def test_toml_and_the_estimators_take_the_formula_or_say_what_to_do_instead(tmp_path, trial):
    from priorfit.runs import declarations

    path = tmp_path / "trial.toml"
    path.write_text(f'name = "trial"\n\n[data]\nsource = "trial.csv"\n\n[settings]\nformula = "{FORMULA}"\n')
    assert priorfit.Settings(**declarations.load(path).settings).formula == FORMULA
    X = trial[["dose", "age"]].to_numpy()
    with pytest.raises(InputError, match=r"^A formula reads a table: .* encode the columns in a Pipeline with a "
                                         r"ColumnTransformer instead.$"):
        priorfit.BayesianRegression(formula="y ~ dose", draws=100, tune=100, chains=2).fit(X, trial["y"].to_numpy())
