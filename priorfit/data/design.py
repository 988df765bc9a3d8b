"""The data types: a user's :class:`Dataset` as given, and the :class:`Design` every model and twin sees.

A design is the data on the model's scale (standardized or as given, centred for the
intercept), with its rows (:func:`make_design`) or, for a Gaussian model of data too large to
copy or read in chunks, without them: its raw sufficient statistics and their per-fold parts
(:func:`statistics_design`). :meth:`Design.sufficient` is the one place the model-scale
sufficient statistics are computed, from either. :func:`from_arrays` and :func:`from_frame`
check values in memory (:mod:`priorfit.data.checks`) and wrap them as a :class:`Dataset`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from priorfit.data import checks, sufficient


def intercept_name(features) -> str:
    """The name of the intercept's row in the coefficient tables (summary.json, coefficients.csv,
    the reports): ``intercept``, or where a feature has that name ``(intercept)``, parenthesized
    again until no feature has it, so that any column name works and every row name is unique."""
    name, taken = "intercept", {str(f) for f in features}
    while name in taken:
        name = f"({name})"
    return name


class _Shape:
    X: np.ndarray

    @property
    def n(self) -> int:
        return self.X.shape[0]

    @property
    def p(self) -> int:
        return self.X.shape[1]


@dataclass(frozen=True)
class Dataset(_Shape):
    """Raw regression data as the user gave it.

    ``truth`` holds the generating coefficients of synthetic data (``None`` otherwise). ``y`` is
    float, or, for a target that is not numbers, its labels (bool or text) as the user gave them:
    the likelihood encodes them (:meth:`priorfit.models.likelihoods.Likelihood.encode_y`).
    ``formula_spec`` is the saved model spec of a formula's design (:mod:`priorfit.data.formula_spec`),
    which builds its columns for new rows; ``dropped`` counts the rows dropped for a missing value.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    features: tuple[str, ...]
    target: str = "y"
    truth: dict | None = None
    formula_spec: dict | None = None
    dropped: int = 0


@dataclass(frozen=True)
class Design(_Shape):
    """The data on the scale the model uses, for any likelihood.

    ``X`` is standardized (or as given); with an intercept, the model and the penalized side
    both use the centred ``X - x_mean``, so that the flat-prior intercept of the centred design
    decouples from the coefficients. The intercept reported to users is always the one of the
    uncentred model. What is derived from the design (the Gaussian's sufficient statistics,
    :meth:`sufficient`) is computed once through :meth:`memo`.
    """

    dataset: Dataset
    standardized: bool
    intercept: bool
    X: np.ndarray | None  # model-scale design (standardized or as given), uncentred; None: no rows kept
    x_center: np.ndarray  # original column means used for standardization (0 if not)
    x_scale: np.ndarray  # original column sds used for standardization (1 if not)
    x_mean: np.ndarray  # column means of the model-scale X (centring for the intercept)
    # without rows (a Gaussian model of data too large to copy, or read in chunks): the raw
    # sufficient statistics (priorfit.data.statistics.GramStats) and their per-fold parts (priorfit.penalized.gram)
    stats: object = field(default=None, repr=False)
    folds: object = field(default=None, repr=False)
    _memo: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def has_rows(self) -> bool:
        return self.X is not None

    @property
    def wide(self) -> bool:
        """More than twice as many features as rows (and the rows at hand), where a product with the rows
        (2np) costs less than one with a p x p matrix (p^2): the Gaussian's density then goes through
        the rows rather than X'X, and the sampler's whitening is low rank."""
        return self.has_rows and self.p > 2 * self.n

    @property
    def n(self) -> int:
        return self.X.shape[0] if self.X is not None else self.stats.n

    @property
    def p(self) -> int:
        return len(self.x_scale)

    @property
    def y(self) -> np.ndarray:
        return self.dataset.y

    @property
    def features(self) -> tuple[str, ...]:
        return self.dataset.features

    @property
    def intercept_name(self) -> str:
        return intercept_name(self.features)

    def memo(self, key, compute):
        """``compute()``, evaluated once per design and key."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

    def sufficient(self, mu: np.ndarray | None = None) -> sufficient.SufficientStatistics:
        """The Gaussian's sufficient statistics on the model scale, computed once per design (and
        prior location): centred with an intercept, uncentred (through the origin) without one;
        from the rows, or from the stored raw statistics (:func:`priorfit.data.sufficient.on_design`).
        With ``mu``, those of ``(X, y - X mu)``: the target a prior centred at ``mu`` is fitted to."""
        key = ("sufficient", None if mu is None or not np.any(mu) else np.asarray(mu, dtype=float).tobytes())
        return self.memo(key, lambda: sufficient.on_design(self, mu=mu))

    def offset_target(self, mu: np.ndarray, rows: np.ndarray | None = None) -> np.ndarray:
        """``y - X mu`` (of ``rows``): the target a prior centred at ``mu`` is fitted to; ``y`` itself
        where ``mu`` is 0 (the penalized side fits it and adds ``mu`` back)."""
        y = self.y if rows is None else self.y[rows]
        if not np.any(mu):
            return y
        return y - (self.X if rows is None else self.X[rows]) @ mu

    def take(self, rows: np.ndarray) -> Design:
        """The design restricted to ``rows`` (repeats allowed: a bootstrap resample), on the same
        scale: ``x_center`` and ``x_scale`` stay those of the full data, so that coefficients of
        any resample are in the same units as the full fit's. Only the intercept's centring
        ``x_mean`` is recomputed, because it is the mean of the rows the model sees."""
        rows = np.asarray(rows)
        X = self.X[rows]
        dataset = Dataset(self.dataset.name, self.dataset.X[rows], self.dataset.y[rows], self.features, self.dataset.target)
        x_mean = X.mean(axis=0) if self.intercept else np.zeros(self.p)
        return Design(dataset, self.standardized, self.intercept, X, self.x_center, self.x_scale, x_mean)

    def column_variance(self) -> np.ndarray:
        """Population variance of each model-scale column (1 for standardized ones)."""
        if self.X is None:
            return np.diag(self.stats.xx) / self.n / self.x_scale**2
        return (self.X - self.x_mean).var(axis=0)

    def to_original(self, coef: np.ndarray, intercept: np.ndarray | float | None):
        """Coefficients (last axis = features) and intercept on the original scale of X."""
        coef = np.asarray(coef, dtype=float)
        coef_orig = coef / self.x_scale
        if intercept is None:
            return coef_orig, None
        return coef_orig, intercept - coef_orig @ self.x_center


# a Gaussian design with more rows than this keeps only its sufficient statistics (X'X ...):
# no standardized copy of X, twins and cross-validation from the Gram matrices (priorfit.penalized.gram)
STATISTICS_ROWS = 100_000


def statistics_design(stats, *, standardize: bool = True, intercept: bool = True, folds=None, truth=None) -> Design:
    """A design without rows from raw sufficient statistics (:class:`priorfit.data.statistics.GramStats`),
    on the scale :func:`make_design` would give the rows."""
    p = stats.p
    if standardize:
        center, scale = (np.array(stats.x_mean) if intercept else np.zeros(p)), np.array(stats.x_sd)
    else:
        center, scale = np.zeros(p), np.ones(p)
    x_mean = (np.array(stats.x_mean) - center) / scale if intercept else np.zeros(p)
    dataset = Dataset(stats.name, None, None, tuple(stats.features), stats.target, truth)
    return Design(dataset, standardize, intercept, None, center, scale, x_mean, stats=stats, folds=folds)


def make_design(dataset: Dataset, *, standardize: bool = True, intercept: bool = True) -> Design:
    """Standardize (optionally) and record the centring for the intercept."""
    X = dataset.X
    if standardize:
        scale = X.std(axis=0)
        # without an intercept the model goes through the origin: scale, but do not centre
        center = X.mean(axis=0) if intercept else np.zeros(dataset.p)
        Xm = (X - center) / scale
    else:
        center, scale = np.zeros(dataset.p), np.ones(dataset.p)
        Xm = X
    x_mean = Xm.mean(axis=0) if intercept else np.zeros(dataset.p)
    return Design(dataset=dataset, standardized=standardize, intercept=intercept, X=Xm, x_center=center, x_scale=scale, x_mean=x_mean)


def from_arrays(X, y, *, features=None, name: str = "data", target: str = "y") -> Dataset:
    """Validate NumPy arrays (:func:`priorfit.data.checks.checked_arrays`) and wrap them as a :class:`Dataset`."""
    X, y, features = checks.checked_arrays(X, y, features, name, target)
    return Dataset(name, X, y, features, target)


def from_frame(frame: pd.DataFrame, y, *, name: str = "data", target: str = "y") -> Dataset:
    """Validate a pandas design and target (numeric, finite, no constant column)."""
    y = checks.checked_frame(frame, y, name, target)
    X = frame.to_numpy(dtype=float)
    y = y if isinstance(y, np.ndarray) and y.dtype.kind in "bU" else np.asarray(y, dtype=float)
    return from_arrays(X, y, features=[str(c) for c in frame.columns], name=name, target=target)
