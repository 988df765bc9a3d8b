import numpy as np
import pandas as pd
import pytest

from priorfit import InputError
from priorfit.data import design as data
from priorfit.models.likelihoods import Gaussian

GAUSSIAN = Gaussian()


def test_diabetes_is_sklearn_data_as_shipped(diabetes):
    from sklearn.datasets import load_diabetes

    X, y = load_diabetes(return_X_y=True)
    assert diabetes.X.shape == (442, 10)
    np.testing.assert_array_equal(diabetes.X, X)
    np.testing.assert_array_equal(diabetes.y, y)
    assert diabetes.features[:3] == ("age", "sex", "bmi")


def test_design_standardizes_and_forms_centred_sufficient_statistics(diabetes):
    design = data.make_design(diabetes)
    np.testing.assert_allclose(design.X.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(design.X.std(axis=0), 1, rtol=1e-12)
    Xc, yc = design.X - design.X.mean(0), diabetes.y - diabetes.y.mean()
    np.testing.assert_allclose(GAUSSIAN.statistics(design).gram, Xc.T @ Xc, rtol=1e-12)
    np.testing.assert_allclose(GAUSSIAN.statistics(design).xty, Xc.T @ yc, rtol=1e-12)
    assert GAUSSIAN.statistics(design).yty == pytest.approx(yc @ yc, rel=1e-12)


def test_original_scale_inverts_standardization(diabetes):
    design = data.make_design(diabetes)
    rng = np.random.default_rng(1)
    coef, intercept = rng.normal(size=10), 3.0
    coef_orig, intercept_orig = design.to_original(coef, intercept)
    np.testing.assert_allclose(design.X @ coef + intercept, diabetes.X @ coef_orig + intercept_orig, rtol=1e-10)


def test_no_intercept_does_not_centre(diabetes):
    design = data.make_design(diabetes, standardize=False, intercept=False)
    np.testing.assert_allclose(GAUSSIAN.statistics(design).gram, diabetes.X.T @ diabetes.X)
    assert GAUSSIAN.statistics(design).yty == pytest.approx(diabetes.y @ diabetes.y)


def test_synthetic_is_seeded_and_records_truth():
    a = data.load("synthetic:n=50,p=6,k=2,noise=0.5,seed=3")
    b = data.load("synthetic:n=50,p=6,k=2,noise=0.5,seed=3")
    np.testing.assert_array_equal(a.X, b.X)
    truth = np.array(list(a.truth["coefficients"].values()))
    assert a.X.shape == (50, 6) and np.count_nonzero(truth) == 2
    residual = a.y - a.X @ truth
    assert residual.std() == pytest.approx(0.5, rel=0.3)


def test_synthetic_bad_key():
    with pytest.raises(InputError, match=r"^Synthetic parameter 'q=1' is not understood; write key=value with keys n, p, k, noise, seed, rho"):
        data.load("synthetic:q=1")


def test_csv_and_parquet_round_trip(tmp_path, diabetes):
    frame = pd.DataFrame(diabetes.X, columns=diabetes.features).assign(target=diabetes.y)
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet")
    for name in ("d.csv", "d.parquet"):
        loaded = data.load(str(tmp_path / name), target="target")
        np.testing.assert_allclose(loaded.X, diabetes.X)
        assert loaded.features == diabetes.features


BAD = [
    ("missing", None, r"^Data '.*nothere.csv' is neither a file that exists nor a known data set; use a CSV or Parquet path, diabetes, breast_cancer, diamonds, randhie, or synthetic:n=...,p=....$"),
    ("target", "nope", r"^Target column 'nope' is not in '.*ok.csv'; columns are: a, b, y.$"),
    ("nan", None, r"^Column 'b' of nan.csv has 1 missing or non-finite value\(s\), the first in row 2; priorfit needs complete, finite data.$"),
    ("text", None, r"^Column 'b' of text.csv is not numeric \(value 'abc' in row 2\); priorfit needs numeric columns.$"),
    ("constant", None, r"^Column 'b' of constant.csv is constant \(every value is 7\); drop it: it cannot be standardized and duplicates the intercept.$"),
]


@pytest.mark.parametrize("case,target,message", BAD)
def test_bad_files_give_one_sentence(tmp_path, case, target, message):
    rows = {
        "target": "a,b,y\n1,2,3\n2,3,5\n3,5,4\n",
        "nan": "a,b,y\n1,2,3\n2,,5\n3,5,4\n",
        "text": "a,b,y\n1,2,3\n2,abc,5\n3,5,4\n",
        "constant": "a,b,y\n1,7,3\n2,7,5\n3,7,4\n",
    }
    name = {"missing": "nothere.csv", "target": "ok.csv"}.get(case, f"{case}.csv")
    if case in rows:
        (tmp_path / name).write_text(rows[case])
    with pytest.raises(InputError, match=message):
        data.load(str(tmp_path / name), target=target)


def test_no_intercept_standardizes_without_centring(diabetes):
    design = data.make_design(diabetes, standardize=True, intercept=False)
    np.testing.assert_allclose(design.X, diabetes.X / diabetes.X.std(axis=0))
    coef = np.arange(1.0, 11.0)
    coef_orig, intercept = design.to_original(coef, None)
    assert intercept is None
    np.testing.assert_allclose(design.X @ coef, diabetes.X @ coef_orig, rtol=1e-12)


def test_a_file_named_like_synthetic_is_read_as_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "synthetic_mine.csv").write_text("a,b,y\n1,2,3\n2,3,5\n3,5,4\n4,1,2\n")
    loaded = data.load("synthetic_mine.csv")
    assert loaded.n == 4 and loaded.features == ("a", "b")


def test_boolean_and_empty_columns(tmp_path):
    (tmp_path / "b.csv").write_text("a,b,y\n1,True,3\n2,False,5\n3,True,4\n")
    with pytest.raises(InputError, match=r"^Column 'b' of b.csv is boolean; convert it to 0/1"):
        data.load(str(tmp_path / "b.csv"))
    (tmp_path / "e.csv").write_text("a,b,y\n")
    with pytest.raises(InputError, match=r"^e.csv has no rows; priorfit needs at least 3.$"):
        data.load(str(tmp_path / "e.csv"))


def test_diamonds_is_posteriordbs_design_as_bundled():
    d = data.load("diamonds")
    assert d.X.shape == (5000, 24) and d.features[0] == "x1" and d.features[-1] == "x24"
    assert d.y[:3] == pytest.approx([7.99260665, 8.247482, 8.31678913], rel=1e-8)


@pytest.mark.parametrize(("n", "p", "rho", "seed"), [(200, 8, 0.5, 3), (30, 60, 0.0, 4), (3000, 5, 0.95, 0)])
def test_synthetic_design_is_numpys_multivariate_normal_draw_for_draw(n, p, rho, seed):
    from priorfit.data.design import _correlated_normal

    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    expected = np.random.default_rng(seed).multivariate_normal(np.zeros(p), cov, size=n, method="cholesky")
    np.testing.assert_array_equal(_correlated_normal(np.random.default_rng(seed), n, p, rho), expected)
