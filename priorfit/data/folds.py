"""Cross-validation folds: KFold's for rows in memory, hashed row numbers for chunked rows."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from priorfit.errors import InputError

FOLDS = 5  # the twins' cross-validation (LassoCV's and ElasticNetCV's cv=5)


@dataclass(frozen=True)
class Folds:
    """Raw statistics of each cross-validation fold, from the same pass as the whole's."""

    parts: tuple  # GramStats, one per fold
    kind: str  # how rows were assigned, for the reports


def labels_in_memory(n: int) -> np.ndarray:
    """Fold labels of ``n`` in-memory rows: ``KFold(5)``'s contiguous folds, as LassoCV's."""
    from sklearn.model_selection import KFold

    labels = np.zeros(n, dtype=np.int64)
    for k, (_, test) in enumerate(KFold(FOLDS).split(np.empty((n, 1)))):
        labels[test] = k
    return labels


def labels_of_rows(seed: int = 0):
    """Fold labels for rows read in chunks (files, Dask), where n is not known in advance:
    hashed row numbers (:class:`priorfit.data.folds.RowFolds`)."""
    from priorfit.data.folds import RowFolds

    return RowFolds(FOLDS, seed)

@dataclass(frozen=True)
class RowFolds:
    """Fold labels 0..k-1 that depend only on the 0-based row number and ``seed``.

    A ``fold_of_row`` for data whose length is not known in advance (files, chunks): each row's
    fold is a SplitMix64 hash of its number modulo k, so folds are about equal in size, random
    with respect to row order, and the same however the rows are chunked.
    """

    k: int
    seed: int = 0

    def __post_init__(self):
        if isinstance(self.k, bool) or not isinstance(self.k, int | np.integer) or self.k < 2:
            raise InputError(
                f"k={self.k!r} folds is not allowed; k must be an integer of at least 2."
            )
        if not 0 <= self.seed < 2**32:
            raise InputError(
                f"seed={self.seed} is not allowed; seed must be between 0 and 2**32 - 1."
            )

    def __call__(self, rows: np.ndarray) -> np.ndarray:
        z = np.asarray(rows, dtype=np.uint64) + np.uint64(self.seed) * np.uint64(2**32 + 1)
        z = z + np.uint64(0x9E3779B97F4A7C15)
        z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
        z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
        z = z ^ (z >> np.uint64(31))
        return (z % np.uint64(self.k)).astype(np.int64)
