"""Dask: statistics of dask arrays and DataFrames where their blocks live, and files read by Dask.

:func:`from_dask` summarizes each block (partition) on the active scheduler into
:class:`priorfit.data.statistics.GramStats` and merges the summaries in row order, with the checks
of :mod:`priorfit.data.checks` counted across blocks; :func:`fold_statistics` gives the
per-fold parts of the same collection, :func:`read` a dask DataFrame of chunked files. dask is
imported inside these functions only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from priorfit.data import checks, statistics, sufficient
from priorfit.data import folds as folds_of
from priorfit.data.checks import Problem
from priorfit.data.files import chunk_arrays, source_files
from priorfit.data.statistics import BLOCK_BYTES, Accumulator, GramStats
from priorfit.errors import InputError


def is_dask(data) -> bool:
    """Whether ``data`` is a dask array or DataFrame (without importing dask for other data)."""
    return type(data).__module__.split(".")[0] == "dask"


def from_dask(X, y=None, *, target: str | None = None, features=None, name: str = "dask data") -> GramStats:
    """Statistics of a dask array pair ``(X, y)`` (``y`` may also be a dask Series or a NumPy
    array) or of a dask DataFrame ``X`` with a ``target`` column (default ``'y'``; the
    features are the other columns).

    Each block (partition) is summarized where it lives and the summaries are combined with
    :meth:`GramStats.merge` in a binary tree, in row order, so that messages name the row counted
    across partitions. Runs on the active scheduler: a ``dask.distributed.Client`` if one
    is active, dask's default otherwise.
    """
    import dask
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        if y is not None:
            raise InputError(
                "y was given with a dask DataFrame X; name the target column with target= "
                "instead."
            )
        target = "y" if target is None else target
        columns = [str(c) for c in X.columns]
        if target not in columns:
            raise checks.target_not_in(target, name, ", ".join(columns))
        if features is not None:
            raise InputError(
                "features= applies to dask arrays only; a dask DataFrame names its columns."
            )
        if list(X.columns) != columns:
            X = X.rename(columns=dict(zip(X.columns, columns)))
        features = tuple(c for c in columns if c != target)
        parts = [
            dask.delayed(_frame_segment)(part, features, target, name)
            for part in X.to_delayed()
        ]
    elif isinstance(X, da.Array):
        if y is None:
            raise InputError(
                "y is missing; give the target as a dask array y, or X as a dask DataFrame "
                "with target=."
            )
        target = "y" if target is None else target
        checks.x_shape(X)
        if isinstance(y, dd.Series):
            y = y.to_dask_array()
        elif not isinstance(y, da.Array):
            y = da.from_array(np.asarray(y), chunks=(X.chunks[0],))
        # unknown row counts (e.g. DataFrame.to_dask_array()): pair the blocks as they are
        unknown = np.isnan(X.shape[0]) or np.isnan(y.shape[0])
        checks.y_shape(X, y, rows_known=not unknown)
        checks.numeric(X, y)
        features = checks.features(features, X.shape[1])
        X = X.rechunk({1: -1})
        if unknown and X.numblocks[0] != y.numblocks[0]:
            raise InputError(
                f"X and y have unknown chunk sizes and {X.numblocks[0]} and {y.numblocks[0]} "
                "row blocks; call compute_chunk_sizes() on them, or give a dask DataFrame."
            )
        if not unknown and y.chunks[0] != X.chunks[0]:
            y = y.rechunk((X.chunks[0],))
        blocks = zip(X.to_delayed()[:, 0], y.to_delayed())
        parts = [
            dask.delayed(_array_segment)(xb, yb, features, target, name) for xb, yb in blocks
        ]
    else:
        raise InputError(
            f"X is a {type(X).__name__}; from_dask needs a dask array (with y) or a dask "
            "DataFrame."
        )
    while len(parts) > 1:  # a binary tree of merges, in row order
        pairs = [dask.delayed(_combine)(a, b) for a, b in zip(parts[::2], parts[1::2])]
        parts = pairs + parts[len(pairs) * 2 :]
    (segment,) = dask.compute(parts[0])
    if segment.problem is not None:
        raise InputError(segment.problem.message(name, 0))
    return checks.whole_data(segment.stats, segment.rows, features, target, name)


def fold_statistics(X, y, whole: GramStats, folds) -> list:
    """Per-fold statistics of a dask collection (validated already by ``from_dask``): each block
    summarized where it lives, with the fold labels ``folds`` of its global row numbers (one
    statistics per fold, None for a fold without rows)."""
    import dask
    import dask.array as da
    import dask.dataframe as dd

    if isinstance(X, dd.DataFrame):
        target = whole.target
        y, X = X[target].to_dask_array(lengths=True), X[list(whole.features)].to_dask_array(lengths=True)
    elif not isinstance(y, da.Array):
        y = da.from_array(np.asarray(y), chunks=(X.chunks[0],))
    X = X.rechunk({1: -1})
    y = y.rechunk((X.chunks[0],))
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]])

    def block(xb, yb, offset):
        return statistics.fold_parts(xb, yb, lambda rows: folds(rows + offset), features=whole.features)

    blocks = [dask.delayed(block)(xb, yb, int(o)) for xb, yb, o in zip(X.to_delayed()[:, 0], y.to_delayed(), offsets, strict=True)]
    per_block = dask.compute(*blocks)
    return [sufficient.merge([b[k] for b in per_block if k in b]) if any(k in b for b in per_block) else None
            for k in range(folds_of.FOLDS)]


def read(source, target: str | None):
    """A dask DataFrame of chunked files (a folder, glob or URL of Parquet or CSV files)."""
    import dask.dataframe as dd

    text = str(source)
    if "://" not in text:
        files = [str(f) for f in source_files(source)[0]]
    else:
        files = text
    first = files[0] if isinstance(files, list) else files
    if first.endswith((".parquet", ".pq")) or (isinstance(files, str) and "parquet" in files):
        return dd.read_parquet(files)
    return dd.read_csv(files, blocksize="64MB")


# -- segments: the summary of consecutive rows ----------------------------------------------------
@dataclass(frozen=True)
class _Segment:
    """The summary of consecutive rows: statistics, or the first problem (its row counted
    within the segment)."""

    rows: int
    stats: GramStats | None
    problem: Problem | None = None


def _array_segment(X: np.ndarray, y: np.ndarray, features, target: str, name: str) -> _Segment:
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):  # blocks of unknown size that do not match
        raise InputError(
            f"A block of X has {len(X)} rows and the matching block of y {len(y)}; X and y must "
            "be chunked alike along the rows."
        )
    problem = checks.find_problem(X, y, features, target)
    if problem is not None:
        return _Segment(len(y), None, problem)
    return _summarize(X, y, features, target, name, owned=False)


def _frame_segment(frame: pd.DataFrame, features, target: str, name: str) -> _Segment:
    arrays = chunk_arrays(frame, features, target)
    if isinstance(arrays, Problem):
        return _Segment(len(frame), None, arrays)
    return _summarize(*arrays, features, target, name, owned=True)


def _summarize(X, y, features, target: str, name: str, *, owned: bool) -> _Segment:
    if len(y) == 0:
        return _Segment(0, None)
    accumulator = Accumulator(features, target, name, None, BLOCK_BYTES)
    accumulator.add(X, y, owned=owned, check=False)
    return _Segment(len(y), accumulator.parts[0])


def _combine(a: _Segment, b: _Segment) -> _Segment:
    """Segment ``a`` followed by segment ``b``."""
    rows = a.rows + b.rows
    if a.problem is not None:
        later = b.problem
        if (
            a.problem.kind == "numeric"
            and a.problem.value is None
            and later is not None
            and (later.kind, later.label, later.is_target)
            == (a.problem.kind, a.problem.label, a.problem.is_target)
            and later.value is not None
        ):  # a non-numeric column whose first unconvertible value is in b
            return _Segment(rows, None, replace(later, row=later.row + a.rows))
        return _Segment(rows, None, a.problem)
    if b.problem is not None:
        return _Segment(rows, None, replace(b.problem, row=b.problem.row + a.rows))
    if a.stats is None or b.stats is None:
        return _Segment(rows, a.stats if b.stats is None else b.stats)
    return _Segment(rows, a.stats.merge(b.stats))
