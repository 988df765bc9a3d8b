"""Inputs as a new user tries them: any column name, a target of two text labels, and CSV files
separated by semicolons or tabs (issue 14, item 8)."""

import json

import numpy as np
import pandas as pd
import pytest

import priorfit
from priorfit import InputError
from priorfit.cli import main
from priorfit.data import design as data
from priorfit.data import files
from priorfit.data import sources
from priorfit.models import likelihoods

SMALL = {"draws": 60, "tune": 60, "chains": 1, "progress": False}
RNG = np.random.default_rng(5)
X3 = RNG.standard_normal((50, 3))
Y3 = X3 @ [1.0, 0.0, -1.0] + RNG.standard_normal(50)
YES = X3[:, 0] - X3[:, 1] + RNG.standard_normal(50) > 0  # a two-label target for X3[:, :2]
# these tests check names, labels and files, not priors: every Gaussian fit here is one model (normal
# prior, alpha 2, sigma 1 on X3) and every Bernoulli fit another (normal prior, C 1 on X3[:, :2] and
# YES), so that each is compiled once
GAUSSIAN_FLAGS = ["--prior", "normal", "--alpha", "2", "--sigma", "1", "--draws", "60", "--tune", "60", "--chains", "1"]


# -- a feature named "intercept" ------------------------------------------------------------------
def test_the_intercept_row_takes_a_name_no_feature_has():
    assert data.intercept_name(("a", "b")) == "intercept"
    assert data.intercept_name(("intercept", "b")) == "(intercept)"
    assert data.intercept_name(("(intercept)", "intercept")) == "((intercept))"


def test_a_feature_named_intercept_through_the_api():
    frame = pd.DataFrame(X3, columns=["intercept", "b", "c"])
    result = priorfit.compare(frame, Y3, prior="normal", alpha=2.0, sigma=1.0, bootstrap=20, **SMALL)
    fit = result.fits[0]
    for table in (fit.coefficients, fit.original):
        assert list(table.index) == ["intercept", "b", "c", "(intercept)"]
    # the rows are the right numbers: the feature's coefficient, and the intercept (Ridge, centred design)
    from sklearn.linear_model import Ridge

    design = data.make_design(data.from_frame(frame, Y3))
    ridge = Ridge(alpha=2.0, tol=1e-12).fit(design.X, Y3)
    np.testing.assert_allclose(fit.coefficients.loc["intercept", "penalized"], ridge.coef_[0], rtol=1e-10)
    np.testing.assert_allclose(fit.coefficients.loc["(intercept)", "penalized"], ridge.intercept_, rtol=1e-10)
    np.testing.assert_allclose(fit.coefficients.loc["intercept", "map"], ridge.coef_[0], rtol=1e-8)
    assert fit.bootstrap.names == ("intercept", "b", "c", "(intercept)")
    summary = json.loads(result.to_json())
    assert [row["name"] for row in summary["fits"][0]["coefficients"]] == ["intercept", "b", "c", "(intercept)"]
    factors = result.shrinkage_factors()  # the features' rows only
    assert list(factors.index) == ["intercept", "b", "c"]


def test_a_feature_named_intercept_through_the_cli(tmp_path, capsys):
    frame = pd.DataFrame(X3, columns=["intercept", "b", "c"]).assign(y=Y3)
    frame.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "out"
    code = main(["compare", str(tmp_path / "d.csv"), *GAUSSIAN_FLAGS, "--no-plots", "--out", str(out)])
    stdout = capsys.readouterr().out
    assert code == 0 and "(intercept)" in stdout
    summary = json.loads((out / "summary.json").read_text())
    names = [row["name"] for row in summary["fits"][0]["coefficients"]]
    assert names == ["intercept", "b", "c", "(intercept)"]
    table = pd.read_csv(out / "coefficients.csv")
    assert table.groupby(["prior", "scale"])["name"].apply(list).map(lambda n: n == names).all()
    reread = priorfit.results.load(out).table("normal")  # read back from the folder
    assert list(reread.index) == names
    np.testing.assert_array_equal(reread["map"].to_numpy(), [row["map"] for row in summary["fits"][0]["coefficients"]])
    assert "(intercept)" in (out / "report.md").read_text()


# -- a target of two labels, of any type ----------------------------------------------------------
@pytest.mark.parametrize(
    "y, encoded, labels",
    [
        (np.array(["yes", "no", "yes", "no"]), [1, 0, 1, 0], {"no": 0, "yes": 1}),
        (np.array(["No", "yes", "yes", "No"]), [0, 1, 1, 0], {"No": 0, "yes": 1}),  # sorted as text: 'N' < 'y'
        (np.array([True, False, False, True]), [1, 0, 0, 1], {"False": 0, "True": 1}),
        (np.array([4.0, 2.0, 2.0, 4.0]), [1, 0, 0, 1], {"2": 0, "4": 1}),  # numbers: the smaller is 0
        (np.array([10.0, 9.0, 9.0, 10.0]), [1, 0, 0, 1], {"9": 0, "10": 1}),  # as numbers, not as text
        (np.array([1.0, 0.0, 0.0, 1.0]), [1, 0, 0, 1], None),
    ],
)
def test_bernoulli_encodes_two_labels(y, encoded, labels):
    values, mapping = likelihoods.get("bernoulli").encode_y(y, "data")
    assert values.dtype == float and values.tolist() == encoded and mapping == labels


@pytest.mark.parametrize("family", ["gaussian", "poisson"])
def test_labels_are_refused_by_the_other_families(family):
    with pytest.raises(InputError, match=r"^The target of d.csv is not numeric \(value 'no' in row 2\); the " + family
                       + r" likelihood needs numbers \(two text labels are a target of the bernoulli likelihood\).$"):
        likelihoods.get(family).encode_y(np.array(["1", "no", "yes"]), "d.csv")
    with pytest.raises(InputError, match=r"^The target of d.csv is boolean; the " + family + " likelihood needs numbers"):
        likelihoods.get(family).encode_y(np.array([True, False, True]), "d.csv")


def test_a_text_target_through_the_cli_is_mapped_and_reported(tmp_path, capsys):
    from sklearn.linear_model import LogisticRegression

    X, yes = X3[:, :2], YES
    pd.DataFrame(X, columns=["a", "b"]).assign(y=np.where(yes, "yes", "no")).to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "out"
    code = main(["compare", str(tmp_path / "d.csv"), "--likelihood", "bernoulli", "--prior", "normal", "--C", "1",
                 "--draws", "60", "--tune", "60", "--chains", "1", "--no-plots", "--out", str(out)])
    stdout = capsys.readouterr().out
    assert code == 0 and "target y: its two labels were mapped to 0/1 as no -> 0, yes -> 1" in stdout
    summary = json.loads((out / "summary.json").read_text())
    assert summary["data"]["labels"] == {"no": 0, "yes": 1}
    # the twin was fitted to y = 1 for 'yes': the same as scikit-learn on the 0/1 target
    design = data.make_design(data.from_arrays(X, yes.astype(float)))
    twin = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(design.X, yes)
    coef = [row["penalized"] for row in summary["fits"][0]["coefficients"]]
    np.testing.assert_allclose(coef, [*twin.coef_[0], twin.intercept_[0]], rtol=1e-6)
    assert twin.coef_[0][0] > 0 and summary["fits"][0]["agreement"]["max_rel_diff"] < 1e-6


def test_a_boolean_target_through_the_api():
    frame = pd.DataFrame(X3[:, :2], columns=["a", "b"])
    result = priorfit.compare(frame, pd.Series(YES), likelihood="bernoulli", prior="normal", C=1.0, **SMALL)
    assert result.data.labels == {"False": 0, "True": 1}
    # True is 1: the twin is scikit-learn's on the 0/1 target
    from sklearn.linear_model import LogisticRegression

    design = data.make_design(data.from_arrays(X3[:, :2], YES.astype(float)))
    twin = LogisticRegression(C=1.0, solver="newton-cholesky", tol=1e-12, max_iter=1000).fit(design.X, YES)
    assert twin.coef_[0][0] > 0
    np.testing.assert_allclose(result.fits[0].coefficients.loc[["a", "b"], "penalized"], twin.coef_[0], rtol=1e-6)


# -- separators ------------------------------------------------------------------------------------
@pytest.mark.parametrize("sep", [";", "\t"])
def test_semicolon_and_tab_separated_files_read_as_comma_separated(tmp_path, sep):
    frame = pd.DataFrame(X3, columns=["x0", "x1", "x2"]).assign(y=Y3)
    frame.to_csv(tmp_path / "comma.csv", index=False)
    frame.to_csv(tmp_path / "other.csv", index=False, sep=sep)
    comma, other = sources.load(str(tmp_path / "comma.csv")), sources.load(str(tmp_path / "other.csv"))
    assert files.csv_format(tmp_path / "other.csv") == {"sep": sep, "decimal": "."}
    assert other.features == comma.features == ("x0", "x1", "x2")
    np.testing.assert_array_equal(other.X, comma.X)
    np.testing.assert_array_equal(other.y, comma.y)
    # read in chunks (a folder): the same separator, the same sufficient statistics
    (tmp_path / "parts").mkdir()
    frame.to_csv(tmp_path / "parts" / "a.csv", index=False, sep=sep)
    from priorfit.data.files import from_files

    chunked = from_files(tmp_path / "parts")
    centred = comma.X - comma.X.mean(axis=0)
    np.testing.assert_allclose(chunked.xx, centred.T @ centred, rtol=1e-12)
    assert chunked.features == ("x0", "x1", "x2") and chunked.n == 50


def test_semicolons_with_decimal_commas(tmp_path):
    (tmp_path / "d.csv").write_text("x0;x1;y\n1,5;2,25;3\n-2,5;1;4\n0,5;3,0;1\n4,0;,5;2\n")
    dataset = sources.load(str(tmp_path / "d.csv"))
    np.testing.assert_array_equal(dataset.X, [[1.5, 2.25], [-2.5, 1.0], [0.5, 3.0], [4.0, 0.5]])
    np.testing.assert_array_equal(dataset.y, [3, 4, 1, 2])
    # a comma-separated file keeps its commas as separators, and a semicolon file with points its points
    assert files.csv_format(tmp_path / "d.csv") == {"sep": ";", "decimal": ","}
    (tmp_path / "p.csv").write_text("x0;x1;y\n1.5;2;3\n2,5;1;4\n")
    assert files.csv_format(tmp_path / "p.csv") == {"sep": ";", "decimal": "."}
    (tmp_path / "c.csv").write_text("x;0,y\n1,2\n")  # a semicolon in a comma file's header name
    assert files.csv_format(tmp_path / "c.csv") == {"sep": ",", "decimal": "."}


def test_a_semicolon_file_through_the_cli(tmp_path, capsys):
    pd.DataFrame(X3, columns=["x0", "x1", "x2"]).assign(y=Y3).to_csv(tmp_path / "d.csv", index=False, sep=";")
    code = main(["compare", str(tmp_path / "d.csv"), *GAUSSIAN_FLAGS, "--no-plots", "--json", "--out", str(tmp_path / "out")])
    summary = json.loads(capsys.readouterr().out)
    assert code == 0 and summary["data"]["features"] == ["x0", "x1", "x2"] and summary["data"]["n"] == 50
