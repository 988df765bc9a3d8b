"""Where data come from: a bundled name, a ``synthetic:`` spec, a CSV or Parquet file, or chunked sources.

:func:`load` gives a :class:`~priorfit.data.design.Dataset` in memory; :func:`read_in_chunks`
says which sources are never held as rows (folders, glob patterns, URLs, files over
:data:`IN_MEMORY_FILE_BYTES`), and :func:`summarize_source` and :func:`summarize` turn chunked
sources and large in-memory data sets into designs without rows (their sufficient statistics and
per-fold parts).
"""

from __future__ import annotations

import csv
import warnings
from dataclasses import replace
from pathlib import Path

import pandas as pd

from priorfit.data import checks, statistics, sufficient, synthetic
from priorfit.data import dask as dask_data
from priorfit.data import folds as folds_of
from priorfit.data.design import Dataset, Design, from_arrays, from_frame, statistics_design
from priorfit.data.files import csv_format, from_files
from priorfit.errors import InputError

# scikit-learn's diabetes and breast_cancer; posteriordb's diamonds; statsmodels' randhie counts and
# Grunfeld's investment panel, a text column of firms (priorfit/data/datasets/README.md)
BUNDLED = ("diabetes", "breast_cancer", "diamonds", "randhie", "grunfeld")
_BUNDLED_FILES = {"diamonds": ("diamonds.csv.gz", "y"), "randhie": ("randhie.csv.gz", "mdvis"),
                  "grunfeld": ("grunfeld.csv.gz", "invest")}


def load(source: str = "diabetes", *, target: str | None = None, missing: str = "refuse") -> Dataset:
    """Load a data set by name, ``synthetic:...`` spec, or CSV/Parquet path; ``missing="drop"``
    drops a file's rows that miss a value (:func:`~priorfit.data.checks.complete_rows`)."""
    if source in BUNDLED:
        if target is not None:
            raise InputError(
                f"--target {target!r} applies to CSV and Parquet files only; "
                f"the bundled data set {source!r} has its own target."
            )
        return _load_bundled(source)
    if (source == "synthetic" or source.startswith("synthetic:")) and not Path(source).exists():
        return synthetic.synthetic(**synthetic.parse(source))
    return _load_file(Path(source), target, missing)


def bundled_frame(name: str) -> pd.DataFrame | None:
    """A bundled file's table as it is, its target among the columns (text columns too, for a
    formula); None for a data set that is not a bundled file."""
    if name not in _BUNDLED_FILES:
        return None
    return pd.read_csv(Path(__file__).parent / "datasets" / _BUNDLED_FILES[name][0])


def _load_bundled(name: str) -> Dataset:
    if name in _BUNDLED_FILES:
        frame, target = bundled_frame(name), _BUNDLED_FILES[name][1]
        return from_frame(frame, frame.pop(target), name=name, target=target)
    from sklearn import datasets

    if name == "breast_cancer":  # target 1 = benign, 0 = malignant (scikit-learn's coding)
        bunch = datasets.load_breast_cancer()
        features = [f.replace(" ", "_") for f in bunch.feature_names]
        return from_arrays(bunch.data, bunch.target, features=features, name=name, target="benign")
    bunch = datasets.load_diabetes()
    return from_arrays(bunch.data, bunch.target, features=bunch.feature_names, name=name)


def read_frame(path: Path) -> pd.DataFrame:
    """A CSV (its separator and decimal mark found by :func:`~priorfit.data.files.csv_format`) or
    Parquet file as a DataFrame, every column name once; one sentence for a file that cannot be read."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".csv":
            with warnings.catch_warnings():  # more fields than names: pandas would make an index of them or drop them
                warnings.simplefilter("error", pd.errors.ParserWarning)
                form = csv_format(path)
                try:
                    frame = pd.read_csv(path, index_col=False, **form)
                except pd.errors.ParserWarning as warning:
                    if "Length of header" not in str(warning):
                        raise
                    raise InputError(
                        f"Data file {str(path)!r} has rows with more values than its header names columns; "
                        "give every value a column name."
                    ) from None
            with open(path, newline="") as handle:  # pandas renames a repeated name ('a' -> 'a.1')
                checks.unique_columns(next(csv.reader(handle, delimiter=form["sep"]), []), path.name)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            raise InputError(f"Data file {str(path)!r} has suffix {suffix!r}; allowed are .csv and .parquet.")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise checks.unreadable(path, str(exc).splitlines()[0]) from None
    return frame


def _load_file(path: Path, target: str | None, missing: str = "refuse") -> Dataset:
    if not path.exists():
        raise InputError(
            f"Data {str(path)!r} is neither a file that exists nor a known data set; "
            f"use a CSV or Parquet path, {', '.join(BUNDLED)}, or synthetic:n=...,p=...."
        )
    frame = read_frame(path)
    if target is None:
        if "y" not in frame.columns:
            raise InputError(
                f"Data file {str(path)!r} has no column 'y'; name the target with --target, "
                f"one of: {checks.names(frame.columns)}."
            )
        target = "y"
    if target not in frame.columns:
        raise checks.target_not_in(target, repr(str(path)), checks.names(frame.columns))
    frame, dropped = checks.complete_rows(frame, frame.columns, path.name, missing)
    y = frame.pop(target)
    return replace(from_frame(frame, y, name=path.name, target=target), dropped=dropped)


# a single file larger than this is read in chunks into its sufficient statistics (Gaussian)
IN_MEMORY_FILE_BYTES = 2**30


def read_in_chunks(source) -> bool:
    """Whether ``source`` (a data argument) is read in chunks: a folder, a glob pattern, or one
    file larger than :data:`IN_MEMORY_FILE_BYTES`. Such data never sit in memory as rows."""
    if not isinstance(source, str | Path) or str(source) in BUNDLED or str(source).startswith("synthetic"):
        return False
    if "://" in str(source):  # files on any filesystem Dask reads (s3://, gcs://, ...)
        return True
    path = Path(source)
    if path.is_dir():
        return True
    if path.is_file():
        return path.stat().st_size > IN_MEMORY_FILE_BYTES
    return any(c in str(source) for c in "*?[")


def summarize_source(source, target=None, *, standardize: bool = True, intercept: bool = True, y=None, seed: int = 0) -> Design:
    """The design without rows of chunked data: files (``source`` a file, folder or glob; one
    pass, folds by hashed row number) or a dask collection (``y`` with a dask array, or a dask
    DataFrame with a ``target`` column). With an active ``dask.distributed.Client`` (or a URL),
    files are read by Dask and summarized on its workers."""
    from priorfit.runtime import cluster

    folds = folds_of.labels_of_rows(seed)
    if not dask_data.is_dask(source) and (cluster.active() is not None or "://" in str(source)):
        source = dask_data.read(source, target)  # summarized on the cluster's workers
    if dask_data.is_dask(source):
        whole = dask_data.from_dask(source, y, target=target)
        parts = dask_data.fold_statistics(source, y, whole, folds)
    else:
        parts = from_files(source, target or "y", fold_of_row=folds)
        whole = sufficient.merge(parts)
    if len(parts) != folds_of.FOLDS or any(part is None or part.n < 2 for part in parts):
        raise InputError(
            f"{whole.name} has {whole.n} rows, too few for {folds_of.FOLDS} cross-validation folds of at least 2 rows each; "
            "give more rows, or alpha or scale for every prior."
        )
    return statistics_design(whole, standardize=standardize, intercept=intercept,
                             folds=folds_of.Folds(tuple(parts), f"{folds_of.FOLDS} hashed-row"))


def summarize(dataset: Dataset, *, standardize: bool = True, intercept: bool = True) -> Design:
    """The design without rows of an in-memory data set: one blocked pass for the statistics of
    every cross-validation fold (:func:`priorfit.data.folds.labels_in_memory`), merged for the whole."""
    parts = statistics.from_arrays(dataset.X, dataset.y, features=dataset.features, name=dataset.name, target=dataset.target,
                              fold_of_row=folds_of.labels_in_memory(dataset.n))
    folds = folds_of.Folds(tuple(parts), f"{folds_of.FOLDS} contiguous")
    return statistics_design(sufficient.merge(parts), standardize=standardize, intercept=intercept, folds=folds, truth=dataset.truth)
