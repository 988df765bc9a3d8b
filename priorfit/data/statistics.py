"""One-pass, out-of-core Gaussian sufficient statistics.

A Gaussian linear model sees its data only through ``n``, the means of X and y and the centred
cross products ``sum_i (x_i - x_mean)(x_i - x_mean)'``, ``sum_i (x_i - x_mean)(y_i - y_mean)``
and ``sum_i (y_i - y_mean)^2``. :class:`GramStats` holds them, computed in one pass over rows
that never have to be in memory together: from a NumPy array in row blocks of at most 64 MB
and from any iterable of chunks; :mod:`priorfit.data.files` feeds it CSV and Parquet files (a
file, a folder or a glob pattern), :mod:`priorfit.data.dask` dask arrays and DataFrames.

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

Entry points: :meth:`GramStats.from_arrays`, :meth:`GramStats.from_chunks`,
:func:`priorfit.data.files.from_files` and :func:`priorfit.data.dask.from_dask`;
:meth:`GramStats.merge` and :meth:`GramStats.standardized` (the statistics of priorfit's
model-scale design). The checks of the rows are :mod:`priorfit.data.checks`.

Chan, T. F., Golub, G. H. & LeVeque, R. J. (1979). Updating formulae and a pairwise algorithm
for computing sample variances. Technical Report STAN-CS-79-773, Stanford University.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import numpy as np

from priorfit.data import checks
from priorfit.errors import InputError

BLOCK_BYTES = 64 * 2**20  # the largest block of float64 rows processed at once
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
        :class:`priorfit.data.sufficient.SufficientStatistics`: those of the design without rows
        (:func:`priorfit.data.design.statistics_design`), which is what ``Gaussian().statistics(design)``
        returns for the in-memory design.

        Columns are divided by :attr:`x_sd` (unless ``standardize=False``). With an intercept, X
        and y are centred (``gram = xx / (sd sd')``); without one, the model goes through the
        origin and the raw cross products are used (``gram = X'X / (sd sd')``, ``y_mean = 0``).
        The design's ``x_center`` is :attr:`x_mean` with an intercept (zero without) and its
        ``x_scale`` is :attr:`x_sd`.
        """
        from priorfit.data.design import statistics_design

        return statistics_design(self, standardize=standardize, intercept=intercept).sufficient()

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
        :class:`priorfit.data.folds.RowFolds`), the result is a list of k statistics, one per fold.
        """
        X, y = checks.shapes_and_types(X, y)
        features = checks.features(features, X.shape[1])
        accumulator = Accumulator(features, target, name, fold_of_row, block_bytes)
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
            X, y = checks.shapes_and_types(X, y, chunk=number)
            if accumulator is None:
                accumulator = Accumulator(
                    checks.features(features, X.shape[1]), target, name, fold_of_row, block_bytes
                )
            elif X.shape[1] != accumulator.p:
                raise InputError(
                    f"Chunk {number} of {name} has {X.shape[1]} columns, the chunks before it "
                    f"{accumulator.p}; every chunk must have the same columns."
                )
            accumulator.add(X, y, owned=False, check=True)
        if accumulator is None:
            raise checks.no_rows(name)
        return accumulator.finish()


def fold_parts(X, y, fold_of_row, *, features, target: str = "y", name: str = "data") -> dict:
    """Per-fold statistics of one block of rows, without the checks that apply to a whole data set
    (at least 3 rows, no constant column, every fold used): a block of a larger data set (a dask
    partition) may be short, constant in a column, or miss a fold. Folds without rows are absent."""
    X, y = np.asarray(X, dtype=float), np.asarray(y, dtype=float)
    accumulator = Accumulator(checks.features(features, X.shape[1]), target, name, fold_of_row, BLOCK_BYTES)
    if len(y):
        accumulator.add(X, y, owned=False, check=False)
    return accumulator.parts


from_arrays = GramStats.from_arrays
from_chunks = GramStats.from_chunks


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


class Accumulator:
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
            if check and (problem := checks.find_problem(Xb, yb, self.features, self.target)) is not None:
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
        total = checks.whole_data(total, self.rows, self.features, self.target, self.name)
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


