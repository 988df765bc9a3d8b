import numpy as np
import pandas as pd
import pytest

from priorfit import InputError
from priorfit.data import design as data
from priorfit.data import sources
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
    a = sources.load("synthetic:n=50,p=6,k=2,noise=0.5,seed=3")
    b = sources.load("synthetic:n=50,p=6,k=2,noise=0.5,seed=3")
    np.testing.assert_array_equal(a.X, b.X)
    truth = np.array(list(a.truth["coefficients"].values()))
    assert a.X.shape == (50, 6) and np.count_nonzero(truth) == 2
    residual = a.y - a.X @ truth
    assert residual.std() == pytest.approx(0.5, rel=0.3)


def test_synthetic_outliers_are_high_leverage_rows_moved_up_and_the_rest_is_unchanged():
    clean = sources.load("synthetic:n=200,p=3,k=2,noise=0.5,seed=7")
    dirty = sources.load("synthetic:n=200,p=3,k=2,noise=0.5,seed=7,outliers=0.1")
    rows = np.array(dirty.truth["outlier_rows"])
    assert dirty.name == "synthetic:n=200,p=3,k=2,noise=0.5,seed=7,rho=0.0,outliers=0.1" and len(rows) == 20
    assert "outlier_rows" not in clean.truth and clean.name == "synthetic:n=200,p=3,k=2,noise=0.5,seed=7,rho=0.0"
    np.testing.assert_array_equal(dirty.X, clean.X)  # drawn after the clean data, from the same stream
    others = np.setdiff1d(np.arange(200), rows)
    np.testing.assert_array_equal(dirty.y[others], clean.y[others])
    shift = (dirty.y - clean.y)[rows] / 0.5  # in units of the noise sd: 10 + 5 |z|
    assert shift.min() >= 10 and shift.max() < 10 + 5 * 5
    assert np.all(dirty.X[rows, 0] > np.median(dirty.X[:, 0]))  # high leverage along the first feature


@pytest.mark.parametrize(("spec", "sentence"), [
    ("synthetic:outliers=0.5", "Synthetic outliers=0.5 is not allowed; the share of outlying rows must lie in [0, 0.5)."),
    ("synthetic:outliers=-0.1", "Synthetic outliers=-0.1 is not allowed; the share of outlying rows must lie in [0, 0.5)."),
    ("synthetic:family=poisson,outliers=0.1",
     "Synthetic outliers applies to family=gaussian only; a poisson target has no noise sd to move its rows by."),
])
def test_synthetic_bad_outliers_get_one_sentence(spec, sentence):
    with pytest.raises(InputError) as error:
        sources.load(spec)
    assert str(error.value) == sentence


def test_synthetic_bad_key():
    with pytest.raises(InputError, match=r"^Synthetic parameter 'q=1' is not understood; write key=value with keys n, p, k, noise, seed, rho"):
        sources.load("synthetic:q=1")


def test_csv_and_parquet_round_trip(tmp_path, diabetes):
    frame = pd.DataFrame(diabetes.X, columns=diabetes.features).assign(target=diabetes.y)
    frame.to_csv(tmp_path / "d.csv", index=False)
    frame.to_parquet(tmp_path / "d.parquet")
    for name in ("d.csv", "d.parquet"):
        loaded = sources.load(str(tmp_path / name), target="target")
        np.testing.assert_allclose(loaded.X, diabetes.X)
        assert loaded.features == diabetes.features


BAD = [
    ("missing", None, r"^Data '.*nothere.csv' is neither a file that exists nor a known data set; use a CSV or Parquet path, diabetes, breast_cancer, diamonds, randhie, grunfeld, or synthetic:n=...,p=....$"),
    ("target", "nope", r"^Target column 'nope' is not in '.*ok.csv'; columns are: a, b, y.$"),
    ("nan", None, r"^Column 'b' of nan.csv has 1 missing or non-finite value\(s\), the first in row 2; priorfit needs complete, finite data.$"),
    ("text", None, r"^Column 'b' of text.csv is not numeric \(value 'abc' in row 2\); priorfit needs numeric columns; to encode "
                   r"its levels, give the formula --formula 'y ~ a \+ C\(b\)'.$"),
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
        sources.load(str(tmp_path / name), target=target)


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
    loaded = sources.load("synthetic_mine.csv")
    assert loaded.n == 4 and loaded.features == ("a", "b")


def test_boolean_and_empty_columns(tmp_path):
    (tmp_path / "b.csv").write_text("a,b,y\n1,True,3\n2,False,5\n3,True,4\n")
    with pytest.raises(InputError, match=r"^Column 'b' of b.csv is boolean; convert it to 0/1"):
        sources.load(str(tmp_path / "b.csv"))
    (tmp_path / "e.csv").write_text("a,b,y\n")
    with pytest.raises(InputError, match=r"^e.csv has no rows; priorfit needs at least 3.$"):
        sources.load(str(tmp_path / "e.csv"))


def test_diamonds_is_posteriordbs_design_as_bundled():
    d = sources.load("diamonds")
    assert d.X.shape == (5000, 24) and d.features[0] == "x1" and d.features[-1] == "x24"
    assert d.y[:3] == pytest.approx([7.99260665, 8.247482, 8.31678913], rel=1e-8)


@pytest.mark.parametrize(("n", "p", "rho", "seed"), [(200, 8, 0.5, 3), (30, 60, 0.0, 4), (3000, 5, 0.95, 0)])
def test_synthetic_design_is_numpys_multivariate_normal_draw_for_draw(n, p, rho, seed):
    from priorfit.data.synthetic import _correlated_normal

    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    expected = np.random.default_rng(seed).multivariate_normal(np.zeros(p), cov, size=n, method="cholesky")
    np.testing.assert_array_equal(_correlated_normal(np.random.default_rng(seed), n, p, rho), expected)


def test_many_correlated_columns_come_from_the_ar1_recursion_equal_to_rounding():
    from priorfit.data.synthetic import CHOLESKY_MAX_P, _correlated_normal

    n, p, rho = 40, CHOLESKY_MAX_P + 200, 0.6
    cov = rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p)))
    expected = np.random.default_rng(1).multivariate_normal(np.zeros(p), cov, size=n, method="cholesky")
    np.testing.assert_allclose(_correlated_normal(np.random.default_rng(1), n, p, rho), expected, rtol=0, atol=1e-12)


# -- one home per fact: the model-scale statistics, the prior location's offset, the checks --------
@pytest.mark.parametrize("intercept", [True, False])
def test_sufficient_is_memoized_and_offsets_before_uncentring(diabetes, intercept):
    """``Design.sufficient(mu)`` is the statistics of ``(X, y - X mu)``, from the rows and from the
    stored raw statistics alike; the likelihood and the twins read the same object."""
    rows = data.make_design(diabetes, intercept=intercept)
    summary = sources.summarize(diabetes, intercept=intercept)
    assert GAUSSIAN.statistics(summary) is summary.sufficient() is summary.sufficient(np.zeros(10))
    mu = np.linspace(-20.0, 30.0, 10)
    target = rows.offset_target(mu)
    np.testing.assert_array_equal(target, diabetes.y - rows.X @ mu)
    assert rows.offset_target(np.zeros(10)) is rows.y
    Xc = rows.X - rows.x_mean
    yc = target - (target.mean() if intercept else 0.0)
    for design in (rows, summary):
        m = design.sufficient(mu)
        assert design.sufficient(mu.copy()) is m
        np.testing.assert_allclose(m.gram, Xc.T @ Xc, rtol=1e-10)
        np.testing.assert_allclose(m.xty, Xc.T @ yc, rtol=1e-10)
        assert m.yty == pytest.approx(yc @ yc, rel=1e-10)
        assert m.y_mean == pytest.approx(target.mean() if intercept else 0.0, rel=1e-10, abs=1e-12)


BAD_ARRAYS = {
    "non-finite column": lambda X, y: (np.where(np.arange(40)[:, None] == 7, [1.0, np.nan, 1.0], X), y),
    "non-finite target": lambda X, y: (X, np.where(np.arange(40) == 3, np.inf, y)),
    "constant column": lambda X, y: (np.column_stack([X[:, :2], np.full(40, 2.5)]), y),
    "constant target": lambda X, y: (X, np.full(40, 1.5)),
    "two rows": lambda X, y: (X[:2], y[:2]),
    "one-dimensional X": lambda X, y: (X[:, 0], y),
    "y of another length": lambda X, y: (X, y[:-1]),
    "y missing": lambda X, y: (X, None),
}


@pytest.mark.parametrize("case", list(BAD_ARRAYS))
def test_in_memory_and_chunked_rows_say_the_same_sentence(case):
    """The sentences live once (priorfit.data.checks): the in-memory check of arrays and the
    one-pass statistics of the same arrays, whole and in chunks, say the same."""
    from priorfit.data.statistics import GramStats

    rng = np.random.default_rng(2)
    X, y = BAD_ARRAYS[case](rng.normal(size=(40, 3)), rng.normal(size=40))
    sentences = []
    for build in (lambda: data.from_arrays(X, y), lambda: GramStats.from_arrays(X, y, block_bytes=8 * 3 * 5)):
        with pytest.raises(InputError) as error:
            build()
        sentences.append(str(error.value))
    assert sentences[0] == sentences[1]


def test_frame_and_file_chunks_name_the_first_bad_value_alike(tmp_path):
    from priorfit.data.files import from_files

    frame = pd.DataFrame({"a": np.arange(30.0), "b": np.r_[np.arange(20.0), ["x"], np.arange(9.0)], "y": np.arange(30.0) % 7})
    frame.to_csv(tmp_path / "d.csv", index=False)
    with pytest.raises(InputError) as memory:
        data.from_frame(frame[["a", "b"]], frame["y"])
    with pytest.raises(InputError) as chunks:
        from_files(tmp_path / "d.csv", chunk_rows=8)
    head = "Column 'b' of {} is not numeric (value 'x' in row 21"
    # in memory the sentence shows the formula that encodes the text column; a file read in chunks takes no formula
    assert str(memory.value) == head.format("data") + ("); priorfit needs numeric columns; to encode its levels, give the formula "
                                                       "--formula 'y ~ a + C(b)'.")
    assert str(chunks.value) == head.format("d.csv") + ", data row 21 of d.csv); priorfit needs numeric columns."


def test_data_modules_import_only_downward_and_stay_small():
    """No import circle inside priorfit/data, and no module of it over 500 lines."""
    import ast
    from pathlib import Path

    folder = Path(data.__file__).parent
    imports = {}
    for path in folder.glob("*.py"):
        assert len(path.read_text().splitlines()) <= 500, path.name
        names = set()
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "priorfit.data":
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("priorfit.data."):
                names.add(node.module.split(".")[2])
        imports[path.stem] = names - {path.stem}
    done, visiting = set(), []

    def visit(name):
        assert name not in visiting, f"import circle: {' -> '.join([*visiting, name])}"
        if name in done or name not in imports:
            return
        visiting.append(name)
        for other in imports[name]:
            visit(other)
        visiting.pop()
        done.add(name)

    for name in imports:
        visit(name)
    assert imports["design"] <= {"checks", "sufficient"}
