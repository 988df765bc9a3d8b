"""One-pass Gaussian sufficient statistics (priorfit.data.statistics, .files, .dask) against the in-memory two-pass
computation, from arrays, chunks, files and dask, and the sentences of bad input."""

import tracemalloc

import numpy as np
import pandas as pd
import pytest

from priorfit import InputError
from priorfit.data import design as data
from priorfit.data.folds import RowFolds
from priorfit.data.dask import from_dask
from priorfit.data.files import from_files
from priorfit.data.statistics import GramStats
from priorfit.models.likelihoods import Gaussian

RTOL = 1e-10


def two_pass(X, y):
    """The reference: np.mean, then (X - mean)'(X - mean)."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    x_mean, y_mean = X.mean(axis=0), y.mean()
    Xc, yc = X - x_mean, y - y_mean
    return {
        "n": len(y),
        "x_mean": x_mean,
        "y_mean": y_mean,
        "xx": Xc.T @ Xc,
        "xy": Xc.T @ yc,
        "yy": yc @ yc,
    }


def relative_error(value, reference) -> float:
    """max |value - reference| / max |reference| (norm-wise: off-diagonal entries near zero
    are judged on the scale of the matrix)."""
    value, reference = np.asarray(value, dtype=float), np.asarray(reference, dtype=float)
    return float(np.max(np.abs(value - reference)) / np.max(np.abs(reference)))


def assert_matches(stats: GramStats, X, y, rtol=RTOL):
    reference = two_pass(X, y)
    assert stats.n == reference["n"]
    np.testing.assert_allclose(stats.x_mean, reference["x_mean"], rtol=rtol)
    assert stats.y_mean == pytest.approx(reference["y_mean"], rel=rtol)
    np.testing.assert_allclose(np.diag(stats.xx), np.diag(reference["xx"]), rtol=rtol)
    for key in ("xx", "xy", "yy"):
        assert relative_error(getattr(stats, key), reference[key]) < rtol, key
    np.testing.assert_array_equal(stats.x_min, np.min(X, axis=0))
    np.testing.assert_array_equal(stats.x_max, np.max(X, axis=0))
    assert (stats.y_min, stats.y_max) == (np.min(y), np.max(y))


def assert_same(a: GramStats, b: GramStats, rtol=1e-12):
    assert a.n == b.n and a.features == b.features and a.target == b.target
    for key in ("x_mean", "y_mean", "xx", "xy", "yy"):
        assert relative_error(getattr(a, key), getattr(b, key)) < rtol, key
    for key in ("x_min", "x_max", "y_min", "y_max"):
        np.testing.assert_array_equal(getattr(a, key), getattr(b, key))


def make_data(n=1000, p=4, seed=0, offset=0.0, y_offset=0.0):
    rng = np.random.default_rng(seed)
    X = offset + rng.standard_normal((n, p)) @ np.triu(np.ones((p, p)))  # correlated columns
    y = y_offset + (X - offset) @ np.linspace(-1.0, 2.0, p) + rng.standard_normal(n)
    return X, y


def chunks_of(X, y, size):
    return ((X[i : i + size], y[i : i + size]) for i in range(0, len(y), size))


@pytest.fixture
def frame():
    X, y = make_data(n=300, p=3, seed=1)
    return pd.DataFrame({"a": X[:, 0], "b": X[:, 1], "c": np.round(X[:, 2], 3), "y": y})


def write_parts(frame, folder, sizes, kind="csv"):
    """Write ``frame`` as consecutive parts of the given sizes; returns the file paths."""
    folder.mkdir(exist_ok=True)
    paths, start = [], 0
    for number, size in enumerate(sizes):
        part = frame.iloc[start : start + size]
        path = folder / f"part-{number}.{kind}"
        if kind == "csv":
            part.to_csv(path, index=False)
        else:
            part.to_parquet(path, index=False, row_group_size=37)
        paths.append(path)
        start += size
    return paths


# -- arrays, blocks and merging -------------------------------------------------------------------
def test_blocks_equal_two_pass_and_properties():
    X, y = make_data(n=1003, p=5)
    for rows in (1, 7, 100, 1003, 10**6):
        stats = GramStats.from_arrays(X, y, block_bytes=8 * 5 * rows)
        assert_matches(stats, X, y)
    assert stats.p == 5 and stats.features == ("x1", "x2", "x3", "x4", "x5")
    np.testing.assert_allclose(stats.x_sd, X.std(axis=0), rtol=1e-12)
    assert stats.y_sd == pytest.approx(y.std(), rel=1e-12)
    np.testing.assert_allclose(stats.xtx, X.T @ X, rtol=1e-12)
    np.testing.assert_allclose(stats.xty, X.T @ y, rtol=1e-12)
    assert stats.yty == pytest.approx(y @ y, rel=1e-12)
    with pytest.raises(ValueError, match="read-only"):
        stats.xx[0, 0] = 0.0


def test_integer_and_fortran_input_is_converted_blockwise():
    X, y = make_data(n=500, p=3, seed=2)
    X_int, y_int = np.round(10 * X).astype(np.int32), np.round(10 * y).astype(np.int64)
    assert_matches(GramStats.from_arrays(X_int, y_int, block_bytes=8 * 3 * 64), X_int, y_int)
    assert_matches(GramStats.from_arrays(np.asfortranarray(X), y, block_bytes=8 * 3 * 64), X, y)


def test_from_arrays_never_copies_x_whole():
    X, y = make_data(n=40_000, p=50, seed=3)  # 16 MB
    X.setflags(write=False)  # and it is not written to
    GramStats.from_arrays(X[:100], y[:100])  # warm up imports and caches
    tracemalloc.start()
    stats = GramStats.from_arrays(X, y, block_bytes=2**20)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert peak < 4 * 2**20, f"peak {peak / 2**20:.1f} MB for a 16 MB X in 1 MB blocks"
    assert_matches(stats, X, y)


def test_merge_is_associative_and_chunking_does_not_matter():
    X, y = make_data(n=999, p=4, seed=4)
    a, b, c = (
        GramStats.from_arrays(X[s], y[s]) for s in (slice(0, 10), slice(10, 600), slice(600, None))
    )
    left, right = a.merge(b).merge(c), a.merge(b.merge(c))
    assert_same(left, right)
    assert_matches(left, X, y)
    assert_matches(c.merge(a).merge(b), X, y)  # the union does not depend on the order
    for size in (1, 3, 50, 998, 5000):
        assert_same(GramStats.from_chunks(chunks_of(X, y, size)), left)


def test_large_mean_offset_where_the_naive_formula_fails():
    X, y = make_data(n=20_000, p=5, seed=5, offset=1e6, y_offset=1e8)
    reference = two_pass(X, y)
    n, x_mean, y_mean = len(y), X.mean(axis=0), y.mean()
    naive_xx = X.T @ X - n * np.outer(x_mean, x_mean)  # the textbook one-pass formula
    naive_yy = y @ y - n * y_mean**2
    assert relative_error(naive_xx, reference["xx"]) > 1e-6
    assert abs(naive_yy - reference["yy"]) / reference["yy"] > 1e-6
    for size in (7, 64, 100, 1000, 20_000):
        stats = GramStats.from_chunks(chunks_of(X, y, size))
        assert_matches(stats, X, y)
    # blockwise too, and the mean to double precision (x_mean + x_mean_lo)
    stats = GramStats.from_arrays(X, y, block_bytes=8 * 5 * 300)
    assert_matches(stats, X, y)
    exact_mean = X.astype(np.longdouble).mean(axis=0)
    assert np.max(np.abs(stats.x_mean + stats.x_mean_lo.astype(np.longdouble) - exact_mean)) < 1e-9


@pytest.mark.parametrize("intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
def test_standardized_is_the_gaussian_statistics_of_the_design(diabetes, intercept, standardize):
    stats = GramStats.from_arrays(diabetes.X, diabetes.y, block_bytes=8 * 10 * 50)
    model = stats.standardized(intercept, standardize=standardize)
    design = data.make_design(diabetes, standardize=standardize, intercept=intercept)
    expected = Gaussian().statistics(design)
    assert model.n == expected.n
    assert model.y_mean == pytest.approx(expected.y_mean, rel=1e-12)
    assert relative_error(model.gram, expected.gram) < RTOL
    assert relative_error(model.xty, expected.xty) < RTOL
    assert model.yty == pytest.approx(expected.yty, rel=RTOL)
    if standardize:
        np.testing.assert_allclose(stats.x_sd, design.x_scale, rtol=1e-12)


# -- folds ----------------------------------------------------------------------------------------
def test_fold_statistics_merge_to_the_total():
    X, y = make_data(n=500, p=3, seed=6)
    labels = np.random.default_rng(0).permutation(np.arange(500) % 5)
    total = GramStats.from_arrays(X, y)
    folds = GramStats.from_arrays(X, y, fold_of_row=labels, block_bytes=8 * 3 * 64)
    assert len(folds) == 5
    for fold, stats in enumerate(folds):
        assert_matches(stats, X[labels == fold], y[labels == fold])
    merged = folds[0]
    for stats in folds[1:]:
        merged = merged.merge(stats)
    assert_same(merged, total)
    # the same folds from chunks, the labels counted across them
    for stats, again in zip(folds, GramStats.from_chunks(chunks_of(X, y, 33), fold_of_row=labels)):
        assert_same(stats, again)


def test_row_folds_are_chunking_independent():
    X, y = make_data(n=600, p=3, seed=7)
    folds = RowFolds(4, seed=3)
    labels = folds(np.arange(600))
    assert set(labels) == {0, 1, 2, 3} and np.bincount(labels).min() > 100
    assert not np.array_equal(labels, RowFolds(4, seed=4)(np.arange(600)))
    by_rows = GramStats.from_arrays(X, y, fold_of_row=folds)
    by_chunks = GramStats.from_chunks(chunks_of(X, y, 41), fold_of_row=folds)
    for fold, (a, b) in enumerate(zip(by_rows, by_chunks)):
        assert_same(a, b)
        assert_matches(a, X[labels == fold], y[labels == fold])


def test_fold_labels_are_checked():
    X, y = make_data(n=10, p=2)
    with pytest.raises(InputError) as error:
        GramStats.from_arrays(X, y, fold_of_row=np.arange(9) % 2)
    assert (
        str(error.value)
        == "fold_of_row has 9 labels for at least 10 rows of data; give one fold label per row."
    )
    with pytest.raises(InputError) as error:
        GramStats.from_arrays(X, y, fold_of_row=np.array([0, 2] * 5))
    assert str(error.value) == (
        "Fold 1 of data has no rows; fold labels must be 0, 1, ..., k-1 (here k=3) "
        "with every fold used."
    )
    with pytest.raises(
        InputError, match=r"^k=1 folds is not allowed; k must be an integer of at least 2.$"
    ):
        RowFolds(1)


# -- files ----------------------------------------------------------------------------------------
def test_csv_folder_glob_and_parquet_equal_in_memory(frame, tmp_path):
    X, y = frame[["a", "b", "c"]].to_numpy(), frame["y"].to_numpy()
    write_parts(frame, tmp_path / "csv", [120, 0, 100, 80])
    write_parts(frame, tmp_path / "parquet", [150, 150], kind="parquet")
    frame.to_parquet(tmp_path / "all.parquet")  # with a stored pandas index
    sources = [
        tmp_path / "csv",
        str(tmp_path / "csv" / "part-*.csv"),
        tmp_path / "parquet",
        tmp_path / "all.parquet",
    ]
    for source in sources:
        for chunk_rows in (1, 29, 100_000):
            stats = from_files(source, "y", chunk_rows=chunk_rows)
            assert stats.features == ("a", "b", "c") and stats.target == "y"
            assert_matches(stats, X, y)
    assert from_files(tmp_path / "csv", "y").name == "csv"
    # a target in the middle: the features are the other columns, in file order
    stats = from_files(tmp_path / "parquet", "b")
    assert stats.features == ("a", "c", "y")
    assert_matches(stats, frame[["a", "c", "y"]].to_numpy(), frame["b"].to_numpy())


def test_files_large_offset_and_folds(tmp_path):
    X, y = make_data(n=3000, p=3, seed=8, offset=1e6, y_offset=1e8)
    frame = pd.DataFrame(X, columns=["a", "b", "c"]).assign(y=y)
    write_parts(frame, tmp_path / "parts", [1000, 1500, 500], kind="parquet")
    assert_matches(from_files(tmp_path / "parts", "y", chunk_rows=64), X, y)
    folds = RowFolds(3)
    labels = folds(np.arange(3000))
    for fold, stats in enumerate(
        from_files(tmp_path / "parts", "y", chunk_rows=64, fold_of_row=folds)
    ):
        assert_matches(stats, X[labels == fold], y[labels == fold])


# -- dask -----------------------------------------------------------------------------------------
def test_dask_array_and_dataframe_equal_in_memory(frame):
    dask = pytest.importorskip("dask")
    import dask.array as da
    import dask.dataframe as dd

    X, y = make_data(n=1000, p=4, seed=9, offset=1e6, y_offset=1e8)
    with dask.config.set(scheduler="synchronous"):
        dX = da.from_array(X, chunks=((100, 1, 299, 600), (2, 2)))  # uneven rows, split columns
        stats = from_dask(dX, da.from_array(y, chunks=250))
        assert_matches(stats, X, y)
        assert stats.features == ("x1", "x2", "x3", "x4") and stats.name == "dask data"
        assert_matches(from_dask(dX, y, features=list("abcd")), X, y)  # a NumPy y
        frames = dd.from_pandas(pd.DataFrame(X).assign(y=y), npartitions=3)
        assert_matches(from_dask(frames[[0, 1, 2, 3]].to_dask_array(), frames["y"]), X, y)
        stats = from_dask(dd.from_pandas(frame, npartitions=4), target="y")
        assert stats.features == ("a", "b", "c")
        assert_matches(stats, frame[["a", "b", "c"]].to_numpy(), frame["y"].to_numpy())
        # arrays of unknown chunk sizes, as DataFrame.to_dask_array() gives them
        frames = dd.from_pandas(frame, npartitions=3)
        X_unknown, y_unknown = frames[["a", "b", "c"]].to_dask_array(), frames["y"].to_dask_array()
        assert np.isnan(X_unknown.shape[0])
        assert_matches(from_dask(X_unknown, y_unknown), frame[["a", "b", "c"]], frame["y"])


def test_dask_on_a_local_cluster():
    distributed = pytest.importorskip("distributed")
    import dask.array as da

    X, y = make_data(n=2000, p=3, seed=10)
    cluster = distributed.LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        host="127.0.0.1",
        protocol="tcp",
        dashboard_address=None,
    )
    with cluster, distributed.Client(cluster) as client:
        assert client.scheduler.address.startswith("tcp://127.0.0.1:")
        with distributed.get_task_stream(client) as tasks:
            stats = from_dask(da.from_array(X, chunks=(300, 3)), da.from_array(y, chunks=300))
        assert len(tasks.data) >= 7  # the 7 partitions ran on the cluster
    assert_matches(stats, X, y)


def test_dask_messages_count_rows_across_partitions(frame):
    dask = pytest.importorskip("dask")
    import dask.array as da
    import dask.dataframe as dd

    X, y = make_data(n=100, p=3)
    X[57, 2] = np.nan
    X[80, 0] = np.inf
    with dask.config.set(scheduler="synchronous"), pytest.raises(InputError) as error:
        from_dask(da.from_array(X, chunks=(20, 3)), da.from_array(y, chunks=20))
    assert str(error.value) == (
        "Column 'x3' of dask data has a missing or non-finite value in row 58; "
        "priorfit needs complete, finite data."
    )
    bad = frame.astype({"b": object})
    bad.loc[222, "b"] = "n/a"
    with dask.config.set(scheduler="synchronous"), pytest.raises(InputError) as error:
        from_dask(dd.from_pandas(bad, npartitions=5), target="y", name="frame")
    assert (
        str(error.value) == "Column 'b' of frame is not numeric (value 'n/a' in row 223); "
        "priorfit needs numeric columns."
    )
    with pytest.raises(InputError) as error:
        from_dask(dd.from_pandas(frame, npartitions=2), target="z")
    assert str(error.value) == "Target column 'z' is not in dask data; columns are: a, b, c, y."


# -- bad input ------------------------------------------------------------------------------------
def test_bad_files_give_one_sentence(frame, tmp_path):
    folder = tmp_path / "parts"
    write_parts(frame, folder, [100, 100, 100])

    def message(source, target="y", **kwargs):
        with pytest.raises(InputError) as error:
            from_files(source, target, **kwargs)
        return str(error.value)

    first = str(folder / "part-0.csv")
    assert (
        message(folder, "price")
        == f"Target column 'price' is not in {first!r}; columns are: a, b, c, y."
    )

    broken = frame.astype({"b": object})
    broken.loc[150, "b"] = "abc"
    write_parts(broken, folder, [100, 100, 100])
    assert message(folder, chunk_rows=30) == (
        "Column 'b' of parts is not numeric (value 'abc' in row 151, data row 51 of part-1.csv); "
        "priorfit needs numeric columns."
    )

    # a text column whose first unconvertible value is a few chunks on
    text = frame.astype({"c": str})
    text.loc[250, "c"] = "12,5"
    write_parts(text, tmp_path / "text", [100, 100, 100], kind="parquet")
    assert message(tmp_path / "text", chunk_rows=40) == (
        "Column 'c' of text is not numeric "
        "(value '12,5' in row 251, data row 51 of part-2.parquet); "
        "priorfit needs numeric columns."
    )

    missing = frame.copy()
    missing.loc[270, "c"] = np.nan
    write_parts(missing, folder, [100, 100, 100], kind="parquet")
    assert message(folder / "*.parquet", chunk_rows=16) == (
        f"Column 'c' of {folder / '*.parquet'!s} has a missing or non-finite value in row 271 "
        "(data row 71 of part-2.parquet); priorfit needs complete, finite data."
    )

    constant = frame.assign(c=2.0)
    write_parts(constant, tmp_path / "constant", [150, 150])
    assert message(tmp_path / "constant") == (
        "Column 'c' of constant is constant (every value is 2); drop it: it cannot be standardized "
        "and duplicates the intercept."
    )

    mixed = tmp_path / "mixed"
    write_parts(frame, mixed, [150, 150])
    frame[["a", "c", "b", "y"]].iloc[:10].to_csv(mixed / "part-2.csv", index=False)
    assert message(mixed) == (
        f"Data file {str(mixed / 'part-2.csv')!r} has columns a, c, b, y, but "
        f"{str(mixed / 'part-0.csv')!r} has a, b, c, y; every file must have the same columns "
        "in the same order."
    )

    pattern = str(tmp_path / "nowhere" / "*.parquet")
    assert message(pattern) == (
        f"No file matches the pattern {pattern!r}; give a CSV or Parquet file, a folder of them, "
        "or a glob pattern such as 'parts/*.parquet'."
    )
    frame.iloc[:2].to_csv(tmp_path / "two.csv", index=False)
    assert message(tmp_path / "two.csv") == "two.csv has 2 rows; priorfit needs at least 3."
    assert (
        message(folder, chunk_rows=0)
        == "chunk_rows=0 is not allowed; chunk_rows must be a positive integer."
    )


def test_bad_arrays_give_the_sentences_of_data_from_arrays():
    X, y = make_data(n=200, p=3)
    X[150, 1] = np.nan
    chunks = chunks_of(X, y, 64)
    with pytest.raises(InputError) as error:
        GramStats.from_chunks(chunks, features=["a", "b", "c"], name="stream")
    assert str(error.value) == (
        "Column 'b' of stream has a missing or non-finite value in row 151; "
        "priorfit needs complete, finite data."
    )
    X[150, 1], y[3] = 0.0, -np.inf
    with pytest.raises(InputError) as error:
        GramStats.from_arrays(X, y, block_bytes=8 * 3 * 2)
    assert str(error.value) == (
        "Target 'y' of data has a missing or non-finite value in row 4; "
        "priorfit needs complete, finite data."
    )
    y[3] = 0.0
    with pytest.raises(
        InputError, match=r"^Target 'y' of data is constant \(every value is 1\); there is nothing"
    ):
        GramStats.from_arrays(X, np.ones(200))
    with pytest.raises(InputError, match=r"^X has shape \(200,\); it must be a 2-D array"):
        GramStats.from_arrays(y, y)
    with pytest.raises(
        InputError, match=r"^Chunk 2 of data has 2 columns, the chunks before it 3;"
    ):
        GramStats.from_chunks([(X[:10], y[:10]), (X[10:20, :2], y[10:20])])
    with pytest.raises(InputError, match=r"^data has no rows; priorfit needs at least 3.$"):
        GramStats.from_chunks([])
