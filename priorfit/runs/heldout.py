"""The held-out rows of a comparison, taken where the run is assembled (:func:`priorfit.runs.compare.compare`):
``--holdout FRACTION`` splits a seeded share off the data's rows before anything is fitted (the
design, the twins, their cross-validation and the conformal calibration rows see only the rest);
``--test DATA`` reads a file or data set of held-out rows with the training columns. Their scores
are computed by :mod:`priorfit.results.holdout`."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from priorfit.data.design import Dataset
from priorfit.errors import InputError

MIN_TRAINING_ROWS = 10  # a fraction that leaves fewer is refused


@dataclass(frozen=True)
class HeldOut:
    """Held-out rows: ``X`` on the original scale in the training features' order, ``y`` as given
    (encoded by :func:`encode`), ``rows`` their 0-based positions in the data or the test file."""

    X: np.ndarray
    y: np.ndarray
    rows: np.ndarray
    source: str


def split_rows(n: int, fraction: float, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """``(training, held_out)`` row indices of ``n`` rows, each sorted: a permutation seeded by
    ``seed`` holds out ``round(fraction * n)`` rows. The same seed gives the same rows."""
    held = math.floor(fraction * n + 0.5)
    if held < 1:
        raise InputError(f"holdout {fraction:g} of the {n} rows holds out no row ({fraction:g} x {n} rounds to 0); "
                         "give a larger fraction.")
    if n - held < MIN_TRAINING_ROWS:
        raise InputError(f"holdout {fraction:g} of the {n} rows leaves {n - held} rows to fit on; at least "
                         f"{MIN_TRAINING_ROWS} are needed, so give a smaller fraction.")
    order = np.random.default_rng(np.random.SeedSequence([seed, 17])).permutation(n)
    return np.sort(order[held:]), np.sort(order[:held])


def hold_out(dataset: Dataset, fraction: float, seed: int) -> tuple[Dataset, HeldOut]:
    """The training rows of ``dataset`` and the held-out ones (:func:`split_rows`)."""
    train, held = split_rows(dataset.n, fraction, seed)
    source = f"{len(held)} of the {dataset.n} rows, drawn with seed {seed} (holdout {fraction:g})"
    return replace(dataset, X=dataset.X[train], y=dataset.y[train]), HeldOut(dataset.X[held], dataset.y[held], held, source)


def refuse_without_rows(X, fraction: float) -> None:
    """``--holdout`` on data read in chunks or summarized where they live: the rows are not kept."""
    what = repr(str(X)) if isinstance(X, str | Path) else "the dask data"
    raise InputError(f"holdout {fraction:g} needs the rows, but {what} is summarized by X'X, X'y and y'y and its rows are not "
                     "kept; give the held-out rows as a file with --test, or one file of at most 1 GiB.")


def read_test(source: str, features, target: str, formula_spec: dict | None = None) -> HeldOut:
    """The rows of ``source`` (a CSV/Parquet file, or a data set by name) with the training
    ``features`` (any order) and the ``target`` column; one sentence for a file that is not there
    or has other columns. With a formula's ``formula_spec``, the columns the formula reads."""
    import pandas as pd

    from priorfit.data import checks, sources
    from priorfit.data.new_rows import rows_in

    path = Path(source)
    bundled = None if path.is_file() else sources.bundled_frame(source)  # a bundled table, text columns too
    if path.is_file() or bundled is not None:
        frame = sources.read_frame(path) if bundled is None else bundled
        name = f"the held-out rows in {path.name!r}" if bundled is None else f"the held-out rows of {source}"
        if target not in frame.columns:
            raise checks.target_not_in(target, name, checks.names(frame.columns))
        series = frame[target]
        if pd.api.types.is_bool_dtype(series) or not pd.api.types.is_numeric_dtype(series):
            y = checks.labels(series, target, name)
        else:
            y = checks.column_values(series, target, True)
            if isinstance(y, checks.Problem):
                raise InputError(y.message(name))
        X = frame.drop(columns=[target])
    elif source in sources.BUNDLED or source.startswith("synthetic"):
        dataset, name = sources.load(source), f"the held-out rows of {source}"
        X, y = pd.DataFrame(dataset.X, columns=list(dataset.features)), dataset.y
    else:
        raise InputError(f"test {source!r} is not a file that exists; give a CSV or Parquet file of held-out rows with the "
                         "training columns (or a data set by name, such as synthetic:...).")
    X = rows_in(features, target, X, name, formula_spec)
    return HeldOut(X, y, np.arange(len(X)), f"the {len(X)} rows of {source}")


def encode(likelihood, held: HeldOut, train_y: np.ndarray | None, labels: dict | None, where: str) -> HeldOut:
    """The held-out ``y`` encoded as the training target was (two labels mapped to 0/1 alike): the
    family encodes training and held-out targets together, and the mapping must be the training one."""
    if train_y is None:  # rows read in chunks (the Gaussian only): nothing to map
        y, _ = likelihood.encode_y(held.y, where)
        return replace(held, y=np.asarray(y, dtype=float))
    numeric = train_y.dtype.kind in "iuf" and held.y.dtype.kind in "iuf"
    both = (np.concatenate([train_y.astype(float), held.y.astype(float)]) if numeric
            else np.concatenate([train_y.astype(str), held.y.astype(str)]))
    y, mapping = likelihood.encode_y(both, f"{where} with its held-out rows")
    if mapping != labels:
        raise InputError(f"The target of the held-out rows ({held.source}) has other labels than the training rows' "
                         f"{', '.join(map(str, labels or {'0': 0, '1': 1}))}; give held-out rows with the same labels.")
    return replace(held, y=np.asarray(y[len(train_y):], dtype=float))
