"""Load and validate data, and standardize it into the design every likelihood uses.

Everything that turns a user's data into the arrays a model sees lives here: the bundled
diabetes data, CSV and Parquet files, and the seeded synthetic generator
``synthetic:n=500,p=20,k=5,noise=1.0,seed=0,rho=0``.
"""

from __future__ import annotations

import csv
import re
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from priorfit.errors import InputError

# scikit-learn's diabetes and breast_cancer; posteriordb's diamonds; statsmodels' randhie counts
# (priorfit/data/datasets/README.md)
BUNDLED = ("diabetes", "breast_cancer", "diamonds", "randhie")
_BUNDLED_FILES = {"diamonds": ("diamonds.csv.gz", "y"), "randhie": ("randhie.csv.gz", "mdvis")}
SYNTHETIC_DEFAULTS = {"n": 500, "p": 20, "k": 5, "noise": 1.0, "seed": 0, "rho": 0.0, "family": "gaussian"}
SYNTHETIC_FAMILIES = ("gaussian", "bernoulli", "poisson")


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
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    features: tuple[str, ...]
    target: str = "y"
    truth: dict | None = None


@dataclass(frozen=True)
class Design(_Shape):
    """The data on the scale the model uses, for any likelihood.

    ``X`` is standardized (or as given); with an intercept, the model and the penalized side
    both use the centred ``X - x_mean``, so that the flat-prior intercept of the centred design
    decouples from the coefficients. The intercept reported to users is always the one of the
    uncentred model. What a likelihood derives from the design (the Gaussian's sufficient
    statistics) is computed once through :meth:`memo`.
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

    def memo(self, key: str, compute):
        """``compute()``, evaluated once per design and key."""
        if key not in self._memo:
            self._memo[key] = compute()
        return self._memo[key]

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


def is_dask(data) -> bool:
    """Whether ``data`` is a dask array or DataFrame (without importing dask for other data)."""
    return type(data).__module__.split(".")[0] == "dask"


def summarize_source(source, target=None, *, standardize: bool = True, intercept: bool = True, y=None, seed: int = 0) -> Design:
    """The design without rows of chunked data: files (``source`` a file, folder or glob; one
    pass, folds by hashed row number) or a dask collection (``y`` with a dask array, or a dask
    DataFrame with a ``target`` column). With an active ``dask.distributed.Client`` (or a URL),
    files are read by Dask and summarized on its workers."""
    from priorfit.data import folds as folds_of
    from priorfit.data import statistics as stats
    from priorfit.data import sufficient
    from priorfit.runtime import cluster

    folds = folds_of.labels_of_rows(seed)
    if not is_dask(source) and (cluster.active() is not None or "://" in str(source)):
        source = read(source, target)  # summarized on the cluster's workers
    if is_dask(source):
        whole = stats.from_dask(source, y, target=target)
        parts = _dask_folds(source, y, whole, folds)
    else:
        parts = stats.from_files(source, target or "y", fold_of_row=folds)
        whole = sufficient.merge(parts)
    if len(parts) != folds_of.FOLDS or any(part is None or part.n < 2 for part in parts):
        raise InputError(
            f"{whole.name} has {whole.n} rows, too few for {folds_of.FOLDS} cross-validation folds of at least 2 rows each; "
            "give more rows, or alpha or scale for every prior."
        )
    return statistics_design(whole, standardize=standardize, intercept=intercept,
                             folds=folds_of.Folds(tuple(parts), f"{folds_of.FOLDS} hashed-row"))


def _dask_folds(X, y, whole, folds) -> list:
    """Per-fold statistics of a dask collection (validated already by ``from_dask``): each block
    summarized where it lives, with the fold labels of its global row numbers."""
    import dask
    import dask.array as da
    import dask.dataframe as dd

    from priorfit.data import folds as folds_of
    from priorfit.data import statistics as stats
    from priorfit.data import sufficient

    if isinstance(X, dd.DataFrame):
        target = whole.target
        y, X = X[target].to_dask_array(lengths=True), X[list(whole.features)].to_dask_array(lengths=True)
    elif not isinstance(y, da.Array):
        y = da.from_array(np.asarray(y), chunks=(X.chunks[0],))
    X = X.rechunk({1: -1})
    y = y.rechunk((X.chunks[0],))
    offsets = np.concatenate([[0], np.cumsum(X.chunks[0])[:-1]])

    def block(xb, yb, offset):
        return stats.fold_parts(xb, yb, lambda rows: folds(rows + offset), features=whole.features)

    blocks = [dask.delayed(block)(xb, yb, int(o)) for xb, yb, o in zip(X.to_delayed()[:, 0], y.to_delayed(), offsets, strict=True)]
    per_block = dask.compute(*blocks)
    return [sufficient.merge([b[k] for b in per_block if k in b]) if any(k in b for b in per_block) else None
            for k in range(folds_of.FOLDS)]


def summarize(dataset: Dataset, *, standardize: bool = True, intercept: bool = True) -> Design:
    """The design without rows of an in-memory data set: one blocked pass for the statistics of
    every cross-validation fold (:func:`priorfit.data.folds.labels_in_memory`), merged for the whole."""
    from priorfit.data import folds as folds_of
    from priorfit.data import statistics as stats
    from priorfit.data import sufficient

    parts = stats.from_arrays(dataset.X, dataset.y, features=dataset.features, name=dataset.name, target=dataset.target,
                              fold_of_row=folds_of.labels_in_memory(dataset.n))
    folds = folds_of.Folds(tuple(parts), f"{folds_of.FOLDS} contiguous")
    return statistics_design(sufficient.merge(parts), standardize=standardize, intercept=intercept, folds=folds, truth=dataset.truth)


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


def load(source: str = "diabetes", *, target: str | None = None) -> Dataset:
    """Load a data set by name, ``synthetic:...`` spec, or CSV/Parquet path."""
    if source in BUNDLED:
        if target is not None:
            raise InputError(
                f"--target {target!r} applies to CSV and Parquet files only; "
                f"the bundled data set {source!r} has its own target."
            )
        return _load_bundled(source)
    if (source == "synthetic" or source.startswith("synthetic:")) and not Path(source).exists():
        return synthetic(**_parse_synthetic(source))
    return _load_file(Path(source), target)


def _load_bundled(name: str) -> Dataset:
    if name in _BUNDLED_FILES:
        file, target = _BUNDLED_FILES[name]
        frame = pd.read_csv(Path(__file__).parent / "datasets" / file)
        return from_frame(frame, frame.pop(target), name=name, target=target)
    from sklearn import datasets

    if name == "breast_cancer":  # target 1 = benign, 0 = malignant (scikit-learn's coding)
        bunch = datasets.load_breast_cancer()
        features = [f.replace(" ", "_") for f in bunch.feature_names]
        return from_arrays(bunch.data, bunch.target, features=features, name=name, target="benign")
    bunch = datasets.load_diabetes()
    return from_arrays(bunch.data, bunch.target, features=bunch.feature_names, name=name)


def _parse_synthetic(source: str) -> dict:
    params = dict(SYNTHETIC_DEFAULTS)
    given = set()
    _, _, body = source.partition(":")
    allowed = ", ".join(SYNTHETIC_DEFAULTS)
    for item in filter(None, (s.strip() for s in body.split(","))):
        key, eq, value = item.partition("=")
        if key not in SYNTHETIC_DEFAULTS or not eq:
            raise InputError(
                f"Synthetic parameter {item!r} is not understood; write key=value with keys "
                f"{allowed}, e.g. synthetic:n=500,p=20,k=5,noise=1.0,seed=0."
            )
        given.add(key)
        if key == "family":
            if value not in SYNTHETIC_FAMILIES:
                raise InputError(f"Synthetic family={value!r} is not allowed; use one of: {', '.join(SYNTHETIC_FAMILIES)}.")
            params[key] = value
            continue
        kind = type(SYNTHETIC_DEFAULTS[key])
        try:
            params[key] = kind(value)
        except ValueError:
            raise InputError(
                f"Synthetic parameter {key}={value!r} must be {'an integer' if kind is int else 'a number'}."
            ) from None
    if "k" not in given:
        params["k"] = min(params["k"], params["p"])
    if "noise" in given and params["family"] != "gaussian":
        raise InputError(f"Synthetic noise applies to family=gaussian only; the {params['family']} family has no noise sd.")
    return params


def synthetic(
    n: int = 500, p: int = 20, k: int = 5, noise: float = 1.0, seed: int = 0, rho: float = 0.0, family: str = "gaussian"
) -> Dataset:
    """Seeded data with ``k`` nonzero true coefficients out of ``p``.

    Rows of X are Gaussian with AR(1) correlation ``rho`` between neighbouring columns.
    ``family="gaussian"``: ``y = X @ w + noise * e`` with ``|w_j|`` in [1, 3].
    ``family="bernoulli"``: ``y ~ Bernoulli(sigmoid(X @ w))`` and ``family="poisson"``:
    ``y ~ Poisson(exp(1 + X @ w))``, with ``|w_j|`` in [0.25, 0.75]. The true ``w`` (and
    intercept) are recorded in ``Dataset.truth``.
    """
    if n < 3:
        raise InputError(f"Synthetic n={n} is too small; n must be at least 3.")
    if not 0 <= seed < 2**32:
        raise InputError(f"Synthetic seed={seed} is not allowed; seed must be between 0 and 2**32 - 1.")
    if p < 1:
        raise InputError(f"Synthetic p={p} is not allowed; p must be at least 1.")
    if not 0 <= k <= p:
        raise InputError(f"Synthetic k={k} is not allowed; k must be between 0 and p={p}.")
    if not 1e-6 <= noise <= 1e6:
        raise InputError(f"Synthetic noise={noise} is not allowed; noise must lie between 1e-6 and 1e6.")
    if not -1 < rho < 1:
        raise InputError(f"Synthetic rho={rho} is not allowed; rho must lie in (-1, 1).")
    copies = 1 if family == "gaussian" else 4  # a GLM keeps X, its standardized and centred copies
    needed, available = 8.0 * n * p * copies, _memory_bytes()
    if needed > available / 2:  # with room for the rest
        raise InputError(
            f"Synthetic n={n}, p={p} would need {_bytes(needed)} for X" + ("" if copies == 1 else " and its copies")
            + f"; this machine has {_bytes(available)} of memory: make n or p smaller (they must fit in half of it)."
        )
    rng = np.random.default_rng(seed)
    X = _correlated_normal(rng, n, p, rho)
    w = np.zeros(p)
    support = np.sort(rng.choice(p, size=k, replace=False))
    low, high = (1.0, 3.0) if family == "gaussian" else (0.25, 0.75)
    w[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(low, high, size=k)
    intercept = 1.0 if family == "poisson" else 0.0
    eta = intercept + X @ w
    if family == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    else:
        y = eta + noise * rng.standard_normal(n)
    features = tuple(f"x{j + 1}" for j in range(p))
    spec = dict(n=n, p=p, k=k, noise=noise, seed=seed, rho=rho) | ({"family": family} if family != "gaussian" else {})
    if family != "gaussian":
        del spec["noise"]
    spec = ",".join(f"{key}={value}" for key, value in spec.items())
    truth = {"coefficients": dict(zip(features, w.tolist())), "intercept": intercept}
    if family == "gaussian":
        truth["noise"] = noise
    checked = from_arrays(X, y, features=features, name=f"synthetic:{spec}")
    return Dataset(checked.name, checked.X, checked.y, features, "y", truth)


def _memory_bytes() -> float:
    """Physical memory of this machine (os.sysconf), or infinity where it cannot be known."""
    import os

    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def _bytes(value: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}"
        value /= 1000


def _correlated_normal(rng, n: int, p: int, rho: float) -> np.ndarray:
    """``rng.multivariate_normal(0, AR(1) rho, size=n, method="cholesky")``, draw for draw (a
    test checks it), without its temporary copies: standard normals times the Cholesky factor,
    in place, in row blocks (at n = 1e6, p = 100: 1.4 s and one array instead of 6.8 s)."""
    factor = np.linalg.cholesky(rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p))))
    X = rng.standard_normal((n, p))
    step = max(1, 2**23 // p)
    for start in range(0, n, step):
        X[start:start + step] = X[start:start + step] @ factor.T
    return X


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


def _load_file(path: Path, target: str | None) -> Dataset:
    if not path.exists():
        raise InputError(
            f"Data {str(path)!r} is neither a file that exists nor a known data set; "
            f"use a CSV or Parquet path, {', '.join(BUNDLED)}, or synthetic:n=...,p=...."
        )
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
                _check_unique_columns(next(csv.reader(handle, delimiter=form["sep"]), []), path.name)
        elif suffix in (".parquet", ".pq"):
            frame = pd.read_parquet(path)
        else:
            raise InputError(f"Data file {str(path)!r} has suffix {suffix!r}; allowed are .csv and .parquet.")
    except InputError:
        raise
    except Exception as exc:  # noqa: BLE001 - any parser failure is bad input
        raise InputError(f"Data file {str(path)!r} could not be read: {str(exc).splitlines()[0]}.") from None
    if target is None:
        if "y" not in frame.columns:
            raise InputError(
                f"Data file {str(path)!r} has no column 'y'; name the target with --target, "
                f"one of: {_names(frame.columns)}."
            )
        target = "y"
    if target not in frame.columns:
        raise InputError(
            f"Target column {target!r} is not in {str(path)!r}; columns are: "
            f"{_names(frame.columns)}."
        )
    y = frame.pop(target)
    return from_frame(frame, y, name=path.name, target=target)


def from_frame(frame: pd.DataFrame, y, *, name: str = "data", target: str = "y") -> Dataset:
    """Validate a pandas design and target (numeric, finite, no constant column)."""
    if y is None:
        raise InputError("y is missing; give the target with an array or DataFrame X, e.g. compare(X, y).")
    if len(frame) == 0:
        raise InputError(f"{name} has no rows; priorfit needs at least 3.")
    _check_unique_columns([str(c) for c in frame.columns], name)
    for column in [*frame.columns, None]:
        values = frame[column] if column is not None else pd.Series(y, name=target)
        label = values.name
        if column is None and (pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values)):
            y = _labels(values, label, name)  # two labels are a bernoulli target; the likelihood decides
            continue
        if pd.api.types.is_bool_dtype(values):
            raise InputError(f"Column {label!r} of {name} is boolean; convert it to 0/1 so priorfit can use it as a number.")
        if not pd.api.types.is_numeric_dtype(values):
            converted = pd.to_numeric(values, errors="coerce")
            bad = np.flatnonzero(converted.isna().to_numpy() & values.notna().to_numpy())
            example = f" (value {values.iloc[bad[0]]!r} in row {bad[0] + 1})" if bad.size else ""
            raise InputError(f"Column {label!r} of {name} is not numeric{example}; priorfit needs numeric columns.")
        array = values.to_numpy(dtype=float, na_value=np.nan)
        bad_rows = np.flatnonzero(~np.isfinite(array))
        if bad_rows.size:
            raise InputError(
                f"Column {label!r} of {name} has {bad_rows.size} missing or non-finite value(s), "
                f"the first in row {bad_rows[0] + 1}; priorfit needs complete, finite data."
            )
    X = frame.to_numpy(dtype=float)
    y = y if isinstance(y, np.ndarray) and y.dtype.kind in "bU" else np.asarray(y, dtype=float)
    return from_arrays(X, y, features=[str(c) for c in frame.columns], name=name, target=target)


def _labels(values, label, name: str) -> np.ndarray:
    """A target that is not numbers (text, booleans, mixed objects) as labels: a bool array, or
    the values as text; none may be missing. Whether labels are allowed is the likelihood's
    decision (:meth:`priorfit.models.likelihoods.Likelihood.encode_y`): the bernoulli takes two."""
    values = pd.Series(values, name=label)
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise InputError(
            f"Column {label!r} of {name} has {missing.size} missing or non-finite value(s), "
            f"the first in row {missing[0] + 1}; priorfit needs complete, finite data."
        )
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    return np.asarray(values.astype(str), dtype=str)


def _names(columns) -> str:
    """Column names for a message: as written, or quoted where they are empty or not printable."""
    return ", ".join(str(c) if str(c).isprintable() and str(c).strip() == str(c) and str(c) else repr(str(c)) for c in columns)


def _check_unique_columns(columns: list[str], name: str) -> None:
    seen = set()
    for column in columns:
        if column in seen:
            raise InputError(f"{name} names the column {column!r} twice; give every column its own name.")
        seen.add(column)


def from_arrays(X, y, *, features=None, name: str = "data", target: str = "y") -> Dataset:
    """Validate NumPy arrays and wrap them as a :class:`Dataset`."""
    if y is None:
        raise InputError("y is missing; give the target with an array or DataFrame X, e.g. compare(X, y).")
    X = np.asarray(X)
    y = np.asarray(y)
    if X.ndim != 2:
        raise InputError(f"X has shape {X.shape}; it must be a 2-D array (rows x features).")
    if y.ndim != 1 or y.shape[0] != X.shape[0]:
        raise InputError(f"y has shape {y.shape}; it must be 1-D with one value per row of X ({X.shape[0]}).")
    if y.dtype.kind == "O":  # a list or object array: numbers if every value is one, else labels
        try:
            y = y.astype(float)
        except (TypeError, ValueError):
            y = _labels(y, target, name)
    elif y.dtype.kind in "SU":
        y = _labels(y, target, name)
    if not (np.issubdtype(X.dtype, np.number) and (np.issubdtype(y.dtype, np.number) or y.dtype.kind in "bU")):
        raise InputError("X and y must be numeric arrays (y may also be two labels); priorfit needs numeric columns.")
    labels = y.dtype.kind in "bU"  # text or booleans: two labels of a bernoulli target, encoded by the likelihood
    X, y = np.asarray(X, dtype=float), (y if labels else np.asarray(y, dtype=float))  # no copy of float arrays
    features = tuple(features) if features is not None else tuple(f"x{j + 1}" for j in range(X.shape[1]))
    if len(features) != X.shape[1]:
        raise InputError(f"{len(features)} feature names were given for {X.shape[1]} columns of X.")
    if X.shape[0] < 3:
        raise InputError(f"{name} has {X.shape[0]} row{'s' if X.shape[0] != 1 else ''}; priorfit needs at least 3.")
    if X.shape[1] < 1:
        raise InputError(f"{name} has no feature columns; priorfit needs at least one.")
    # whole-array reductions: a loop over the columns of a C-ordered X strides through memory
    finite = np.isfinite(X).all(axis=0)
    constant = X.min(axis=0) == X.max(axis=0) if finite.all() else None
    for j, feature in enumerate(features):
        if not finite[j]:
            row = int(np.flatnonzero(~np.isfinite(X[:, j]))[0]) + 1
            raise InputError(f"Column {feature!r} of {name} has a missing or non-finite value in row {row}; priorfit needs complete, finite data.")
        if constant is not None and constant[j]:
            raise InputError(
                f"Column {feature!r} of {name} is constant (every value is {X[0, j]:g}); "
                "drop it: it cannot be standardized and duplicates the intercept."
            )
    if labels:
        if np.all(y == y[0]):
            raise InputError(f"Target {target!r} of {name} is constant (every value is {y[0].item()!r}); there is nothing to regress.")
        return Dataset(name, X, y, features, target)
    if not np.all(np.isfinite(y)):
        row = int(np.flatnonzero(~np.isfinite(y))[0]) + 1
        raise InputError(f"Target {target!r} of {name} has a missing or non-finite value in row {row}; priorfit needs complete, finite data.")
    if np.ptp(y) == 0:
        raise InputError(f"Target {target!r} of {name} is constant (every value is {y[0]:g}); there is nothing to regress.")
    return Dataset(name, X, y, features, target)


def read(source, target: str | None):
    """A dask DataFrame of chunked files (a folder, glob or URL of Parquet or CSV files)."""
    import dask.dataframe as dd

    text = str(source)
    if "://" not in text:
        from priorfit.data.statistics import _source_files

        files = [str(f) for f in _source_files(source)[0]]
    else:
        files = text
    first = files[0] if isinstance(files, list) else files
    if first.endswith((".parquet", ".pq")) or (isinstance(files, str) and "parquet" in files):
        return dd.read_parquet(files)
    return dd.read_csv(files, blocksize="64MB")
