"""One-pass, out-of-core Gaussian sufficient statistics.

A Gaussian linear model sees its data only through ``n``, the means of X and y and the centred
cross products ``sum_i (x_i - x_mean)(x_i - x_mean)'``, ``sum_i (x_i - x_mean)(y_i - y_mean)``
and ``sum_i (y_i - y_mean)^2``. :class:`GramStats` holds them, computed in one pass over rows
that never have to be in memory together: from a NumPy array in row blocks of at most 64 MB,
from any iterable of chunks, from CSV and Parquet files (a file, a folder or a glob pattern)
and from dask arrays and DataFrames.

Each block is centred on its own mean (two passes over the block, which is in memory), and
blocks are combined with the pairwise update of Chan, Golub & LeVeque (1979): for disjoint row
sets A and B with ``n = n_A + n_B`` and ``d = mean_B - mean_A``,

    mean = mean_A + d n_B / n,    M = M_A + M_B + d d' n_A n_B / n,

where M is a centred co-moment (``xx``, ``xy`` or ``yy``). The update is exact in exact
arithmetic, and in floating point it keeps the accuracy of the two-pass formula
``(X - mean)'(X - mean)`` even when the data sit far from zero (a column at 1e6 + N(0, 1)),
where the textbook one-pass ``X'X - n mean mean'`` loses every digit.

Per-fold statistics (``fold_of_row``) give one :class:`GramStats` per fold whose merge is the
total, so that cross-validation can run from Gram matrices alone.

Entry points: :meth:`GramStats.from_arrays`, :meth:`GramStats.from_chunks`, :func:`from_files`
and :func:`from_dask` (dask is imported there only); :meth:`GramStats.merge` and
:meth:`GramStats.standardized` (the statistics of priorfit's model-scale design).

Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae and a pairwise algorithm
for computing sample variances. Technical Report STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

import glob
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd

from priorfit.errors import InputError

BLOCK_BYTES = 64 * 2**20  # the largest block of float64 rows processed at once
_CSV = (".csv", ".csv.gz")
_PARQUET = (".parquet", ".pq")
_ARRAYS = ("x_mean", "x_mean_lo", "xx", "xy", "x_min", "x_max")

FoldOfRow = np.ndarray | Callable[[np.ndarray], np.ndarray] | None


@dataclass(frozen=True, eq=False)
class GramStats:
    """Gaussian sufficient statistics of a design X (n x p, raw units) and a target y.

    ``xx``, ``xy`` and ``yy`` are centred on the means; the raw cross products are
    :attr:`xtx`, :attr:`xty` and :attr:`yty`. Ranges (``x_min`` ... ``y_max``) are kept for
    validation: a constant column has ``x_min == x_max``. The arrays are read-only.

    ``x_mean_lo`` and ``y_mean_lo`` carry the rounding error of the means (the mean is
    ``x_mean + x_mean_lo`` to about twice double precision): with them, :meth:`merge` adds no
    first-order error even when the means are far larger than the spread (1e8 + N(0, 1)).
    They default to zero for statistics built by hand.
    """

    n: int
    x_mean: np.ndarray
    y_mean: float
    xx: np.ndarray
    xy: np.ndarray
    yy: float
    features: tuple[str, ...]
    target: str
    name: str
    x_min: np.ndarray
    x_max: np.ndarray
    y_min: float
    y_max: float
    x_mean_lo: np.ndarray | None = field(default=None, repr=False)
    y_mean_lo: float = field(default=0.0, repr=False)

    def __post_init__(self):
        if self.x_mean_lo is None:
            object.__setattr__(self, "x_mean_lo", np.zeros(np.shape(self.x_mean)))
        for key in _ARRAYS:
            array = np.array(getattr(self, key), dtype=float)
            array.setflags(write=False)
            object.__setattr__(self, key, array)
        for key in ("y_mean", "y_mean_lo", "yy", "y_min", "y_max"):
            object.__setattr__(self, key, float(getattr(self, key)))
        object.__setattr__(self, "n", int(self.n))
        object.__setattr__(self, "features", tuple(self.features))

    def __repr__(self) -> str:
        return f"GramStats(name={self.name!r}, n={self.n}, p={self.p}, target={self.target!r})"

    @property
    def p(self) -> int:
        return self.x_mean.shape[0]

    @property
    def x_sd(self) -> np.ndarray:
        """Population standard deviations of the columns of X (ddof=0)."""
        return np.sqrt(np.diag(self.xx) / self.n)

    @property
    def y_sd(self) -> float:
        """Population standard deviation of y (ddof=0)."""
        return float(np.sqrt(self.yy / self.n))

    @property
    def xtx(self) -> np.ndarray:
        """The raw (uncentred) ``X'X = xx + n x_mean x_mean'``."""
        return self.xx + self.n * np.outer(self.x_mean, self.x_mean)

    @property
    def xty(self) -> np.ndarray:
        """The raw (uncentred) ``X'y = xy + n x_mean y_mean``."""
        return self.xy + self.n * self.x_mean * self.y_mean

    @property
    def yty(self) -> float:
        """The raw (uncentred) ``y'y = yy + n y_mean^2``."""
        return self.yy + self.n * self.y_mean**2

    def merge(self, other: GramStats) -> GramStats:
        """The statistics of the union of two disjoint row sets (Chan, Golub & LeVeque 1979)."""
        if self.features != other.features or self.target != other.target:
            raise InputError(
                f"Statistics of columns {', '.join(other.features)} -> {other.target!r} cannot be "
                f"merged into statistics of {', '.join(self.features)} -> {self.target!r}; both "
                "must have the same columns in the same order."
            )
        n = self.n + other.n
        weight = self.n * other.n / n
        # the difference of the means, from their high parts (exact when close) and low parts
        dx = (other.x_mean - self.x_mean) + (other.x_mean_lo - self.x_mean_lo)
        dy = (other.y_mean - self.y_mean) + (other.y_mean_lo - self.y_mean_lo)
        x_mean, x_mean_lo = _add(self.x_mean, self.x_mean_lo, dx * (other.n / n))
        y_mean, y_mean_lo = _add(self.y_mean, self.y_mean_lo, dy * (other.n / n))
        return GramStats(
            n=n,
            x_mean=x_mean,
            y_mean=y_mean,
            xx=self.xx + other.xx + np.outer(dx, dx) * weight,
            xy=self.xy + other.xy + dx * (dy * weight),
            yy=self.yy + other.yy + dy * dy * weight,
            features=self.features,
            target=self.target,
            name=self.name,
            x_min=np.minimum(self.x_min, other.x_min),
            x_max=np.maximum(self.x_max, other.x_max),
            y_min=min(self.y_min, other.y_min),
            y_max=max(self.y_max, other.y_max),
            x_mean_lo=x_mean_lo,
            y_mean_lo=y_mean_lo,
        )

    def standardized(self, intercept: bool = True, *, standardize: bool = True):
        """The Gaussian sufficient statistics of the model-scale design that
        :func:`priorfit.data.design.make_design` builds, as
        :class:`priorfit.data.sufficient.SufficientStatistics` (what ``Gaussian().statistics(design)``
        returns for the in-memory design).

        Columns are divided by :attr:`x_sd` (unless ``standardize=False``). With an intercept, X
        and y are centred (``gram = xx / (sd sd')``); without one, the model goes through the
        origin and the raw cross products are used (``gram = X'X / (sd sd')``, ``y_mean = 0``).
        The design's ``x_center`` is :attr:`x_mean` with an intercept (zero without) and its
        ``x_scale`` is :attr:`x_sd`.
        """
        from priorfit.data.sufficient import SufficientStatistics

        scale = self.x_sd if standardize else np.ones(self.p)
        if intercept:
            gram, xty, yty, y_mean = self.xx, self.xy, self.yy, self.y_mean
            x_mean = np.zeros(self.p) if standardize else np.array(self.x_mean)  # the model scale's
        else:
            gram, xty, yty, y_mean, x_mean = self.xtx, self.xty, self.yty, 0.0, np.zeros(self.p)
        return SufficientStatistics(
            self.n, float(y_mean), gram / np.outer(scale, scale), xty / scale, float(yty), x_mean
        )

    # -- constructors ---------------------------------------------------------------------------
    @classmethod
    def from_arrays(
        cls,
        X,
        y,
        *,
        features=None,
        name: str = "data",
        target: str = "y",
        fold_of_row: FoldOfRow = None,
        block_bytes: int = BLOCK_BYTES,
    ) -> GramStats | list[GramStats]:
        """Statistics of in-memory arrays, in row blocks of at most ``block_bytes`` of float64.

        X is never copied whole: each block is converted to float64 and centred on its own.
        Validation follows :func:`priorfit.data.design.from_arrays`. With ``fold_of_row`` (one integer
        label in 0..k-1 per row, or a function from 0-based row numbers to labels, such as
        :class:`RowFolds`), the result is a list of k statistics, one per fold.
        """
        X, y = _check_arrays(X, y)
        features = _features(features, X.shape[1])
        accumulator = _Accumulator(features, target, name, fold_of_row, block_bytes)
        accumulator.add(X, y, owned=False, check=True)
        return accumulator.finish()

    @classmethod
    def from_chunks(
        cls,
        chunks: Iterable,
        *,
        features=None,
        name: str = "data",
        target: str = "y",
        fold_of_row: FoldOfRow = None,
        block_bytes: int = BLOCK_BYTES,
    ) -> GramStats | list[GramStats]:
        """Statistics of an iterable of ``(X_chunk, y_chunk)`` pairs of consecutive rows, folded
        with :meth:`merge`; only one chunk is in memory at a time. Row numbers in messages and
        in ``fold_of_row`` count across chunks."""
        accumulator = None
        for number, (X, y) in enumerate(chunks, start=1):
            X, y = _check_arrays(X, y, chunk=number)
            if accumulator is None:
                accumulator = _Accumulator(
                    _features(features, X.shape[1]), target, name, fold_of_row, block_bytes
                )
            elif X.shape[1] != accumulator.p:
                raise InputError(
                    f"Chunk {number} of {name} has {X.shape[1]} columns, the chunks before it "
                    f"{accumulator.p}; every chunk must have the same columns."
                )
            accumulator.add(X, y, owned=False, check=True)
        if accumulator is None:
            raise InputError(f"{name} has no rows; priorfit needs at least 3.")
        return accumulator.finish()

    @classmethod
    def from_files(
        cls, source, target: str = "y", *, chunk_rows: int = 100_000, fold_of_row: FoldOfRow = None
    ) -> GramStats | list[GramStats]:
        """Statistics of a CSV or Parquet file, a folder of them or a glob pattern, in one pass.

        Files are read in name order, ``chunk_rows`` rows at a time (``pandas.read_csv`` with
        ``chunksize``, ``pyarrow.parquet.ParquetFile.iter_batches``), and must all have the same
        columns in the same order; the features are every column but ``target``. Validation
        follows :func:`priorfit.data.design.from_frame`, with row numbers counted across files (and
        the file and its own row named); the first chunk with a bad value is reported, its
        columns checked in order. ``fold_of_row`` gives per-fold statistics as in
        :meth:`from_arrays` (:class:`RowFolds` when the number of rows is not known).
        """
        if (
            isinstance(chunk_rows, bool)
            or not isinstance(chunk_rows, int | np.integer)
            or chunk_rows < 1
        ):
            raise InputError(
                f"chunk_rows={chunk_rows!r} is not allowed; chunk_rows must be a positive integer."
            )
        files, name = _source_files(source)
        columns = _file_columns(files[0])
        if target not in columns:
            raise InputError(
                f"Target column {target!r} is not in {str(files[0])!r}; columns are: "
                f"{', '.join(columns)}."
            )
        for path in files[1:]:
            other = _file_columns(path)
            if other != columns:
                raise InputError(
                    f"Data file {str(path)!r} has columns {', '.join(other)}, but "
                    f"{str(files[0])!r} has {', '.join(columns)}; every file must have the same "
                    "columns in the same order."
                )
        features = tuple(c for c in columns if c != target)
        accumulator = _Accumulator(features, target, name, fold_of_row, BLOCK_BYTES)
        chunks = _file_chunks(files, columns, int(chunk_rows))
        for path, file_rows, chunk in chunks:
            arrays = _chunk_arrays(chunk, features, target)
            if isinstance(arrays, _Problem):
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

    @classmethod
    def from_dask(
        cls, X, y=None, *, target: str | None = None, features=None, name: str = "dask data"
    ) -> GramStats:
        """Statistics of a dask array pair ``(X, y)`` (``y`` may also be a dask Series or a NumPy
        array) or of a dask DataFrame ``X`` with a ``target`` column (default ``'y'``; the
        features are the other columns).

        Each block (partition) is summarized where it lives and the summaries are combined with
        :meth:`merge` in a binary tree, in row order, so that messages name the row counted
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
                raise InputError(
                    f"Target column {target!r} is not in {name}; columns are: {', '.join(columns)}."
                )
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
            if X.ndim != 2:
                raise InputError(
                    f"X has shape {X.shape}; it must be a 2-D array (rows x features)."
                )
            if isinstance(y, dd.Series):
                y = y.to_dask_array()
            elif not isinstance(y, da.Array):
                y = da.from_array(np.asarray(y), chunks=(X.chunks[0],))
            # unknown row counts (e.g. DataFrame.to_dask_array()): pair the blocks as they are
            unknown = np.isnan(X.shape[0]) or np.isnan(y.shape[0])
            if y.ndim != 1 or (not unknown and y.shape[0] != X.shape[0]):
                raise InputError(
                    f"y has shape {y.shape}; it must be 1-D with one value per row of X "
                    f"({X.shape[0]})."
                )
            if not (np.issubdtype(X.dtype, np.number) and np.issubdtype(y.dtype, np.number)):
                raise InputError("X and y must be numeric arrays; priorfit needs numeric columns.")
            features = _features(features, X.shape[1])
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
        return _finish(segment.stats, segment.rows, features, target, name)


def fold_parts(X, y, fold_of_row, *, features, target: str = "y", name: str = "data") -> dict:
    """Per-fold statistics of one block of rows, without the checks that apply to a whole data set
    (at least 3 rows, no constant column, every fold used): a block of a larger data set (a dask
    partition) may be short, constant in a column, or miss a fold. Folds without rows are absent."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    accumulator = _Accumulator(_features(features, X.shape[1]), target, name, fold_of_row, BLOCK_BYTES)
    if len(y):
        accumulator.add(X, y, owned=False, check=False)
    return accumulator.parts


from_arrays = GramStats.from_arrays
from_chunks = GramStats.from_chunks
from_files = GramStats.from_files
from_dask = GramStats.from_dask


# -- accumulation ---------------------------------------------------------------------------------
def _two_sum(a, b):
    """``(s, e)`` with ``s = fl(a + b)`` and ``s + e = a + b`` exactly (Knuth's TwoSum)."""
    s = a + b
    v = s - a
    return s, (a - (s - v)) + (b - v)


def _add(hi, lo, t):
    """The double-double ``hi + lo`` plus ``t``, renormalized."""
    s, e = _two_sum(hi, t)
    return _two_sum(s, e + lo)


def _moments(X: np.ndarray, y: np.ndarray, features, target, name) -> GramStats:
    """Two-pass statistics of one block; ``X`` and ``y`` (float64, owned) are overwritten.

    The block is shifted by its first row before its mean is taken, so that the mean is known
    to about twice double precision (``x_mean + x_mean_lo``) however large it is.
    """
    x_min, x_max = X.min(axis=0), X.max(axis=0)
    y_min, y_max = y.min(), y.max()
    x_shift, y_shift = X[0].copy(), y[0]
    X -= x_shift
    y -= y_shift
    x_rel, y_rel = X.mean(axis=0), y.mean()
    X -= x_rel
    y -= y_rel
    x_mean, x_mean_lo = _two_sum(x_shift, x_rel)
    y_mean, y_mean_lo = _two_sum(y_shift, y_rel)
    return GramStats(
        n=len(y),
        x_mean=x_mean,
        y_mean=y_mean,
        xx=X.T @ X,
        xy=X.T @ y,
        yy=y @ y,
        features=features,
        target=target,
        name=name,
        x_min=x_min,
        x_max=x_max,
        y_min=y_min,
        y_max=y_max,
        x_mean_lo=x_mean_lo,
        y_mean_lo=y_mean_lo,
    )


class _Accumulator:
    """Running statistics, per fold, of consecutive row blocks."""

    def __init__(self, features, target: str, name: str, fold_of_row: FoldOfRow, block_bytes: int):
        if fold_of_row is not None and not callable(fold_of_row):
            fold_of_row = np.asarray(fold_of_row)
            if fold_of_row.ndim != 1:
                raise InputError(
                    f"fold_of_row has shape {fold_of_row.shape}; give one fold label per row."
                )
        self.features, self.target, self.name = tuple(features), target, name
        self.fold_of_row = fold_of_row
        self.rows_per_block = max(1, int(block_bytes) // (8 * max(len(self.features), 1)))
        self.rows = 0
        self.parts: dict[int, GramStats] = {}

    @property
    def p(self) -> int:
        return len(self.features)

    def add(self, X: np.ndarray, y: np.ndarray, *, owned: bool, check: bool):
        """Add consecutive rows. ``owned``: X and y are float64 and may be overwritten."""
        labels = self._labels(len(y))
        for start in range(0, len(y), self.rows_per_block):
            stop = min(start + self.rows_per_block, len(y))
            if owned:
                Xb, yb = X[start:stop], y[start:stop]
            else:  # one block of float64, never a full copy
                Xb, yb = np.array(X[start:stop], dtype=float), np.array(y[start:stop], dtype=float)
            if check and (problem := _find_problem(Xb, yb, self.features, self.target)) is not None:
                raise InputError(problem.message(self.name, self.rows + start))
            if labels is None:
                self._merge(0, _moments(Xb, yb, self.features, self.target, self.name))
                continue
            block_labels = labels[start:stop]
            if block_labels[0] == block_labels[-1] and np.all(block_labels == block_labels[0]):  # one fold: no copy
                self._merge(int(block_labels[0]), _moments(Xb, yb, self.features, self.target, self.name))
                continue
            for fold in np.unique(block_labels):
                rows = block_labels == fold
                self._merge(
                    int(fold), _moments(Xb[rows], yb[rows], self.features, self.target, self.name)
                )
        self.rows += len(y)

    def _merge(self, fold: int, stats: GramStats):
        self.parts[fold] = self.parts[fold].merge(stats) if fold in self.parts else stats

    def _labels(self, m: int) -> np.ndarray | None:
        if self.fold_of_row is None or m == 0:
            return None
        if callable(self.fold_of_row):
            labels = np.asarray(self.fold_of_row(np.arange(self.rows, self.rows + m)))
        else:
            labels = self.fold_of_row[self.rows : self.rows + m]
            if len(labels) < m:
                raise InputError(
                    f"fold_of_row has {len(self.fold_of_row)} labels for at least "
                    f"{self.rows + m} rows of {self.name}; give one fold label per row."
                )
        if labels.shape != (m,) or not np.issubdtype(labels.dtype, np.integer):
            raise InputError(
                f"fold_of_row gave {labels.dtype} labels of shape {labels.shape} for {m} rows; "
                "it must give one integer fold label per row."
            )
        if labels.min() < 0:
            raise InputError(
                f"fold_of_row gave the fold label {labels.min()}; fold labels must be "
                "0, 1, ..., k-1."
            )
        return labels

    def finish(self) -> GramStats | list[GramStats]:
        if (
            self.fold_of_row is not None
            and not callable(self.fold_of_row)
            and len(self.fold_of_row) != self.rows
        ):
            raise InputError(
                f"fold_of_row has {len(self.fold_of_row)} labels for the {self.rows} rows of "
                f"{self.name}; give one fold label per row."
            )
        folds = sorted(self.parts)
        total = None
        for fold in folds:
            total = self.parts[fold] if total is None else total.merge(self.parts[fold])
        total = _finish(total, self.rows, self.features, self.target, self.name)
        if self.fold_of_row is None:
            return total
        k = folds[-1] + 1
        empty = [fold for fold in range(k) if fold not in self.parts]
        if empty:
            raise InputError(
                f"Fold {empty[0]} of {self.name} has no rows; fold labels must be 0, 1, ..., k-1 "
                f"(here k={k}) with every fold used."
            )
        return [self.parts[fold] for fold in range(k)]


def _finish(total: GramStats | None, rows: int, features, target: str, name: str) -> GramStats:
    """The checks of :func:`priorfit.data.design.from_arrays` that need all rows."""
    if rows == 0:
        raise InputError(f"{name} has no rows; priorfit needs at least 3.")
    if rows < 3:
        raise InputError(
            f"{name} has {rows} row{'s' if rows != 1 else ''}; priorfit needs at least 3."
        )
    if len(features) < 1:
        raise InputError(f"{name} has no feature columns; priorfit needs at least one.")
    for j, feature in enumerate(features):
        if total.x_min[j] == total.x_max[j]:
            raise InputError(
                f"Column {feature!r} of {name} is constant (every value is {total.x_min[j]:g}); "
                "drop it: it cannot be standardized and duplicates the intercept."
            )
    if total.y_min == total.y_max:
        raise InputError(
            f"Target {target!r} of {name} is constant (every value is {total.y_min:g}); "
            "there is nothing to regress."
        )
    return total


# -- validation -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Problem:
    """The first bad value of a block: ``kind`` is 'boolean', 'numeric' or 'finite'; ``row`` is
    0-based within the block (or segment)."""

    kind: str
    label: str
    is_target: bool
    row: int = 0
    value: object = None

    def message(self, name: str, offset: int, where: tuple[str, int] | None = None) -> str:
        """The InputError sentence, with the 1-based row ``offset + row + 1`` and, for files,
        ``where = (file name, row within the file)``."""
        column = f"{'Target' if self.is_target else 'Column'} {self.label!r} of {name}"
        row = offset + self.row + 1
        if self.kind == "boolean":
            return f"{column} is boolean; convert it to 0/1 so priorfit can use it as a number."
        if self.kind == "numeric":
            at = f", data row {where[1]} of {where[0]}" if where else ""
            example = f" (value {self.value!r} in row {row}{at})" if self.value is not None else ""
            return f"{column} is not numeric{example}; priorfit needs numeric columns."
        at = f" (data row {where[1]} of {where[0]})" if where else ""
        return (
            f"{column} has a missing or non-finite value in row {row}{at}; "
            "priorfit needs complete, finite data."
        )


def _find_problem(X: np.ndarray, y: np.ndarray, features, target: str) -> _Problem | None:
    """The first non-finite value, columns in order then the target (cheap when there is none)."""
    with np.errstate(all="ignore"):  # integers are finite; a float sum is NaN or inf if one is
        suspects = np.flatnonzero(~np.isfinite(X.sum(axis=0))) if X.dtype.kind == "f" else []
        y_suspect = y.dtype.kind == "f" and not np.isfinite(y.sum())
    for j in suspects:  # a sum that overflowed is a suspect without a bad value
        bad = np.flatnonzero(~np.isfinite(X[:, j]))
        if bad.size:
            return _Problem("finite", features[j], False, int(bad[0]))
    if y_suspect and (bad := np.flatnonzero(~np.isfinite(y))).size:
        return _Problem("finite", target, True, int(bad[0]))
    return None


def _column_values(values: pd.Series, label: str, is_target: bool) -> np.ndarray | _Problem:
    """One column as float64, or its first problem (the checks of ``data.from_frame``)."""
    if pd.api.types.is_bool_dtype(values):
        return _Problem("boolean", label, is_target)
    if not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero((converted.isna() & values.notna()).to_numpy())
        if bad.size:
            return _Problem("numeric", label, is_target, int(bad[0]), values.iloc[bad[0]])
        return _Problem("numeric", label, is_target)
    array = values.to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        return _Problem("finite", label, is_target, int(bad[0]))
    return array


def _column(chunk, label: str) -> pd.Series:
    """One column of a pandas DataFrame or pyarrow RecordBatch."""
    if isinstance(chunk, pd.DataFrame):
        return chunk[label]
    return chunk.column(chunk.schema.get_field_index(label)).to_pandas()


def _chunk_arrays(chunk, features, target: str) -> tuple[np.ndarray, np.ndarray] | _Problem:
    """A pandas DataFrame or pyarrow RecordBatch as float64 ``(X, y)``, checked column by column."""
    X = np.empty((len(chunk), len(features)))
    for j, feature in enumerate(features):
        values = _column_values(_column(chunk, feature), feature, False)
        if isinstance(values, _Problem):
            return values
        X[:, j] = values
    y = _column_values(_column(chunk, target), target, True)
    if isinstance(y, _Problem):
        return y
    return X, np.array(y)  # a copy: y may be a view of the chunk, which is overwritten later


def _check_arrays(X, y, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Shapes and dtypes as :func:`priorfit.data.design.from_arrays` checks them (without copying)."""
    of = f" of chunk {chunk}" if chunk is not None else ""
    if y is None:
        raise InputError(
            "y is missing; give the target with an array or DataFrame X, e.g. compare(X, y)."
        )
    X, y = np.asarray(X), np.asarray(y)
    if X.ndim != 2:
        raise InputError(f"X{of} has shape {X.shape}; it must be a 2-D array (rows x features).")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise InputError(
            f"y{of} has shape {y.shape}; it must be 1-D with one value per row of X ({X.shape[0]})."
        )
    if not (np.issubdtype(X.dtype, np.number) and np.issubdtype(y.dtype, np.number)):
        raise InputError("X and y must be numeric arrays; priorfit needs numeric columns.")
    return X, y


def _features(features, p: int) -> tuple[str, ...]:
    features = tuple(features) if features is not None else tuple(f"x{j + 1}" for j in range(p))
    if len(features) != p:
        raise InputError(f"{len(features)} feature names were given for {p} columns of X.")
    return features


# -- files ----------------------------------------------------------------------------------------
def _kind(path: Path) -> str | None:
    name = path.name.lower()
    if name.endswith(_CSV):
        return "csv"
    if name.endswith(_PARQUET):
        return "parquet"
    return None


def _source_files(source) -> tuple[list[Path], str]:
    """The files of ``source`` in name order, and the data set's name."""
    text = str(source)
    path = Path(source)
    allowed = (
        "give a CSV or Parquet file, a folder of them, or a glob pattern such as 'parts/*.parquet'"
    )
    if path.is_file():
        if _kind(path) is None:
            raise InputError(
                f"Data file {text!r} has suffix {path.suffix!r}; allowed are .csv, .csv.gz, "
                ".parquet and .pq."
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
                f"Data file {str(f)!r}, matched by {text!r}, has suffix {f.suffix!r}; allowed are "
                ".csv, .csv.gz, .parquet and .pq."
            )
    return files, text


def _file_columns(path: Path) -> list[str]:
    """Column names of a file from its header or schema (a pandas index stored in Parquet is
    not a column)."""
    try:
        if _kind(path) == "csv":
            from priorfit.data.design import csv_format

            return [str(c) for c in pd.read_csv(path, nrows=0, **csv_format(path)).columns]
        import pyarrow.parquet as pq

        schema = pq.ParquetFile(path).schema_arrow
        index = (schema.pandas_metadata or {}).get("index_columns", [])
        return [name for name in schema.names if name not in index]
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError(
            f"Data file {str(path)!r} could not be read: {_first_line(exc)}."
        ) from None


def _read_chunks(path: Path, columns: list[str], chunk_rows: int) -> Iterator:
    """DataFrames (CSV) or RecordBatches (Parquet) of at most ``chunk_rows`` rows."""
    try:
        if _kind(path) == "csv":
            from priorfit.data.design import csv_format

            with pd.read_csv(path, chunksize=chunk_rows, **csv_format(path)) as reader:
                yield from reader
        else:
            import pyarrow.parquet as pq

            with pq.ParquetFile(path) as file:
                yield from file.iter_batches(batch_size=chunk_rows, columns=columns)
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError(
            f"Data file {str(path)!r} could not be read: {_first_line(exc)}."
        ) from None


def _file_chunks(files: list[Path], columns: list[str], chunk_rows: int) -> Iterator:
    """``(file, rows of the file before the chunk, chunk)`` for every non-empty chunk."""
    for path in files:
        file_rows = 0
        for chunk in _read_chunks(path, columns, chunk_rows):
            if len(chunk):
                yield path, file_rows, chunk
                file_rows += len(chunk)


def _example(
    problem: _Problem, chunks: Iterator, rows: int, path: Path, file_rows: int, length: int
):
    """The first unconvertible value of ``problem``'s non-numeric column in the chunks after the
    one at ``(rows before it, its file, rows of the file before it, its length)``:
    ``(problem, rows before its chunk, file, rows of the file before its chunk)``; the problem as
    given if every value converts."""
    first = (problem, rows, path, file_rows)
    rows += length
    for later_path, later_file_rows, chunk in chunks:
        values = _column_values(_column(chunk, problem.label), problem.label, problem.is_target)
        if isinstance(values, _Problem) and values.kind == "numeric" and values.value is not None:
            return values, rows, later_path, later_file_rows
        rows += len(chunk)
    return first


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")


# -- dask -----------------------------------------------------------------------------------------
@dataclass(frozen=True)
class _Segment:
    """The summary of consecutive rows: statistics, or the first problem (its row counted
    within the segment)."""

    rows: int
    stats: GramStats | None
    problem: _Problem | None = None


def _array_segment(X: np.ndarray, y: np.ndarray, features, target: str, name: str) -> _Segment:
    X, y = np.asarray(X), np.asarray(y)
    if len(X) != len(y):  # blocks of unknown size that do not match
        raise InputError(
            f"A block of X has {len(X)} rows and the matching block of y {len(y)}; X and y must "
            "be chunked alike along the rows."
        )
    problem = _find_problem(X, y, features, target)
    if problem is not None:
        return _Segment(len(y), None, problem)
    return _summarize(X, y, features, target, name, owned=False)


def _frame_segment(frame: pd.DataFrame, features, target: str, name: str) -> _Segment:
    arrays = _chunk_arrays(frame, features, target)
    if isinstance(arrays, _Problem):
        return _Segment(len(frame), None, arrays)
    return _summarize(*arrays, features, target, name, owned=True)


def _summarize(X, y, features, target: str, name: str, *, owned: bool) -> _Segment:
    if len(y) == 0:
        return _Segment(0, None)
    accumulator = _Accumulator(features, target, name, None, BLOCK_BYTES)
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
