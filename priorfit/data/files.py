"""CSV and Parquet files read in chunks: a file, a folder of them or a glob pattern, in one pass.

:func:`from_files` reads them into :class:`priorfit.data.statistics.GramStats` (one chunk in
memory at a time), checking each chunk's columns (:mod:`priorfit.data.checks`) with rows counted
across files; :func:`csv_format` tells the separator and decimal mark of a CSV file, for this
reader and for the in-memory one (:func:`priorfit.data.sources.load`).
"""

from __future__ import annotations

import csv
import glob
import re
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd

from priorfit.data import checks
from priorfit.data.checks import Problem
from priorfit.data.statistics import BLOCK_BYTES, Accumulator, FoldOfRow, GramStats
from priorfit.errors import InputError

_CSV = (".csv", ".csv.gz")
_PARQUET = (".parquet", ".pq")
_SUFFIXES = ".csv, .csv.gz, .parquet and .pq"


def from_files(
    source, target: str = "y", *, chunk_rows: int = 100_000, fold_of_row: FoldOfRow = None
) -> GramStats | list[GramStats]:
    """Statistics of a CSV or Parquet file, a folder of them or a glob pattern, in one pass.

    Files are read in name order, ``chunk_rows`` rows at a time (``pandas.read_csv`` with
    ``chunksize``, ``pyarrow.parquet.ParquetFile.iter_batches``), and must all have the same
    columns in the same order; the features are every column but ``target``. Validation
    follows :func:`priorfit.data.design.from_frame`, with row numbers counted across files (and
    the file and its own row named); the first chunk with a bad value is reported, its
    columns checked in order. ``fold_of_row`` gives per-fold statistics as in
    :meth:`GramStats.from_arrays` (:class:`priorfit.data.folds.RowFolds` when the number of rows is
    not known).
    """
    if (
        isinstance(chunk_rows, bool)
        or not isinstance(chunk_rows, int | np.integer)
        or chunk_rows < 1
    ):
        raise InputError(
            f"chunk_rows={chunk_rows!r} is not allowed; chunk_rows must be a positive integer."
        )
    files, name = source_files(source)
    columns = file_columns(files[0])
    if target not in columns:
        raise checks.target_not_in(target, repr(str(files[0])), ", ".join(columns))
    for path in files[1:]:
        other = file_columns(path)
        if other != columns:
            raise InputError(
                f"Data file {str(path)!r} has columns {', '.join(other)}, but "
                f"{str(files[0])!r} has {', '.join(columns)}; every file must have the same "
                "columns in the same order."
            )
    features = tuple(c for c in columns if c != target)
    accumulator = Accumulator(features, target, name, fold_of_row, BLOCK_BYTES)
    chunks = _file_chunks(files, columns, int(chunk_rows))
    for path, file_rows, chunk in chunks:
        arrays = chunk_arrays(chunk, features, target)
        if isinstance(arrays, Problem):
            problem, rows = arrays, accumulator.rows
            if problem.kind == "numeric" and problem.value is None:
                # every value of this chunk converts: look further for one that does not
                problem, rows, path, file_rows = _example(
                    problem, chunks, rows, path, file_rows, len(chunk)
                )
            raise InputError(
                problem.message(name, rows, (path.name, file_rows + problem.row + 1))
            )
        accumulator.add(*arrays, owned=True, check=False)
    return accumulator.finish()


SEPARATORS = (",", ";", "\t")
_DECIMAL_COMMA = re.compile(r"[+-]?\d*,\d+([eE][+-]?\d+)?")
_DECIMAL_POINT = re.compile(r"[+-]?\d*\.\d+([eE][+-]?\d+)?")


def csv_format(path) -> dict:
    """``pandas.read_csv``'s ``sep`` and ``decimal`` for a CSV file (or .csv.gz), from its first
    non-blank lines: the separator (comma, semicolon or tab) that splits each of the first two
    into the most fields, comma on a tie (a file of one column); with semicolons, a decimal comma
    where the sample holds numbers like ``1,5`` and none like ``1.5`` (as spreadsheets write
    CSV in many locales)."""
    import gzip

    lines = []
    opener = gzip.open if str(path).lower().endswith(".gz") else open
    try:
        with opener(path, "rt", newline="", encoding="utf-8", errors="replace") as handle:
            for line in handle:
                if line.strip():
                    lines.append(line)
                if len(lines) == 5:
                    break
    except (OSError, EOFError):  # pandas says what is wrong with the file
        return {"sep": ",", "decimal": "."}
    if not lines:
        return {"sep": ",", "decimal": "."}

    def rows(sep):
        return [next(csv.reader([line], delimiter=sep), []) for line in lines]

    sep = max(SEPARATORS, key=lambda sep: min(len(r) for r in rows(sep)[:2]))
    cells = [cell.strip() for row in rows(sep)[1:] for cell in row]
    comma = sep == ";" and any(_DECIMAL_COMMA.fullmatch(c) for c in cells) and not any(_DECIMAL_POINT.fullmatch(c) for c in cells)
    return {"sep": sep, "decimal": "," if comma else "."}


def _column(chunk, label: str) -> pd.Series:
    """One column of a pandas DataFrame or pyarrow RecordBatch."""
    if isinstance(chunk, pd.DataFrame):
        return chunk[label]
    return chunk.column(chunk.schema.get_field_index(label)).to_pandas()


def chunk_arrays(chunk, features, target: str) -> tuple[np.ndarray, np.ndarray] | Problem:
    """A pandas DataFrame or pyarrow RecordBatch as float64 ``(X, y)``, checked column by column."""
    X = np.empty((len(chunk), len(features)))
    for j, feature in enumerate(features):
        values = checks.column_values(_column(chunk, feature), feature, False)
        if isinstance(values, Problem):
            return values
        X[:, j] = values
    y = checks.column_values(_column(chunk, target), target, True)
    if isinstance(y, Problem):
        return y
    return X, np.array(y)  # a copy: y may be a view of the chunk, which is overwritten later


# -- the files of a source, in chunks -------------------------------------------------------------
def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(_CSV):
        return "csv"
    if name.endswith(_PARQUET):
        return "parquet"
    return None


def source_files(source) -> tuple[list[Path], str]:
    """The files of ``source`` in name order, and the data set's name."""
    text = str(source)
    path = Path(source)
    allowed = (
        "give a CSV or Parquet file, a folder of them, or a glob pattern such as 'parts/*.parquet'"
    )
    if path.is_file():
        if _kind(path) is None:
            raise InputError(
                f"Data file {text!r} has suffix {path.suffix!r}; allowed are {_SUFFIXES}."
            )
        return [path], path.name
    if path.is_dir():
        files = sorted(f for f in path.iterdir() if f.is_file() and _kind(f) is not None)
        if not files:
            raise InputError(f"Folder {text!r} has no .csv or .parquet file; {allowed}.")
        return files, path.name
    if not any(c in text for c in "*?["):
        raise InputError(f"Data {text!r} is neither a file nor a folder that exists; {allowed}.")
    files = sorted(Path(f) for f in glob.glob(text, recursive=True) if Path(f).is_file())
    if not files:
        raise InputError(f"No file matches the pattern {text!r}; {allowed}.")
    for f in files:
        if _kind(f) is None:
            raise InputError(
                f"Data file {str(f)!r}, matched by {text!r}, has suffix {f.suffix!r}; allowed are {_SUFFIXES}."
            )
    return files, text


def file_columns(path: Path) -> list[str]:
    """Column names of a file from its header or schema (a pandas index stored in Parquet is
    not a column)."""
    try:
        if _kind(path) == "csv":
            return [str(c) for c in pd.read_csv(path, nrows=0, **csv_format(path)).columns]
        import pyarrow.parquet as pq

        schema = pq.ParquetFile(path).schema_arrow
        index = (schema.pandas_metadata or {}).get("index_columns", [])
        return [name for name in schema.names if name not in index]
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise checks.unreadable(path, checks.first_line(exc)) from None


def _read_chunks(path: Path, columns: list[str], chunk_rows: int) -> Iterator:
    """DataFrames (CSV) or RecordBatches (Parquet) of at most ``chunk_rows`` rows."""
    try:
        if _kind(path) == "csv":
            with pd.read_csv(path, chunksize=chunk_rows, **csv_format(path)) as reader:
                yield from reader
        else:
            import pyarrow.parquet as pq

            with pq.ParquetFile(path) as file:
                yield from file.iter_batches(batch_size=chunk_rows, columns=columns)
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise checks.unreadable(path, checks.first_line(exc)) from None


def _file_chunks(files: list[Path], columns: list[str], chunk_rows: int) -> Iterator:
    """``(file, rows of the file before the chunk, chunk)`` for every non-empty chunk."""
    for path in files:
        file_rows = 0
        for chunk in _read_chunks(path, columns, chunk_rows):
            if len(chunk):
                yield path, file_rows, chunk
                file_rows += len(chunk)


def _example(
    problem: Problem, chunks: Iterator, rows: int, path: Path, file_rows: int, length: int
):
    """The first unconvertible value of ``problem``'s non-numeric column in the chunks after the
    one at ``(rows before it, its file, rows of the file before it, its length)``:
    ``(problem, rows before its chunk, file, rows of the file before its chunk)``; the problem as
    given if every value converts."""
    first = (problem, rows, path, file_rows)
    rows += length
    for later_path, later_file_rows, chunk in chunks:
        values = checks.column_values(_column(chunk, problem.label), problem.label, problem.is_target)
        if isinstance(values, Problem) and values.kind == "numeric" and values.value is not None:
            return values, rows, later_path, later_file_rows
        rows += len(chunk)
    return first

