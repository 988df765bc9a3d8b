"""What the user gave, as the data set a comparison fits: a data set's name, a CSV or Parquet file,
a DataFrame or arrays, through a formula where one is given (:mod:`priorfit.data.formulas`), with
the rows that miss a value refused (one sentence naming the column and the first row) or dropped
(``missing="drop"``: the rows incomplete in the columns used, counted in the data set's ``dropped``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from priorfit.data import checks, formulas, sources
from priorfit.data.design import Dataset, from_arrays, from_frame
from priorfit.errors import InputError


def dataset(X, y=None, *, target: str | None = None, features=None, formula: str | None = None,
            missing: str = "refuse") -> tuple[Dataset, bool]:
    """The data set, and whether the formula has an intercept (True without a formula)."""
    if formula is not None:
        frame, name = table(X, y, target=target)
        made = formulas.apply(frame, formula, name, missing)
        return made.dataset, made.intercept
    if isinstance(X, Dataset):
        return X, True
    if isinstance(X, str):
        if y is not None:
            raise InputError(f"y was given with the data name {X!r}; give y only with an array or DataFrame X.")
        return sources.load(X, target=target, missing=missing), True
    X, y, dropped = _complete(X, y) if missing == "drop" else (X, y, 0)
    made = (from_frame(X, y, target=target or "y") if isinstance(X, pd.DataFrame)
            else from_arrays(X, y, features=features, target=target or "y"))
    return replace(made, dropped=dropped), True


def _complete(X, y):
    """``X`` and ``y`` without the rows that miss a value in either, and how many there were (shapes
    that do not match are left as they are, for the checks to name)."""
    if y is None or np.ndim(X) != 2 or np.ndim(y) != 1 or len(X) != len(y):
        return X, y, 0
    incomplete = checks.incomplete_rows(X, y)
    keep = ~incomplete
    X = X.loc[keep].reset_index(drop=True) if isinstance(X, pd.DataFrame) else np.asarray(X)[keep]
    y = y.loc[keep].reset_index(drop=True) if isinstance(y, pd.Series) else np.asarray(y)[keep]
    return X, y, int(incomplete.sum())


def frame_of(data: Dataset) -> pd.DataFrame:
    """A data set as one table, its target among the columns (a bundled or synthetic data set for a formula)."""
    frame = pd.DataFrame(np.asarray(data.X, dtype=float), columns=list(data.features))
    frame[data.target] = data.y
    return frame


def table(source, y=None, *, target: str | None = None) -> tuple[pd.DataFrame, str]:
    """The table a formula reads, and its name: a CSV or Parquet file as it is (text columns too), a
    bundled or synthetic data set, or a DataFrame (the target among its columns: the formula names it)."""
    if target is not None:
        raise InputError(f"--target {target!r} is given with a formula; the formula's left side names the target.")
    if isinstance(source, pd.DataFrame):
        if y is not None:
            raise InputError("y was given with a formula; put the target in the DataFrame and name it on the formula's "
                             "left side.")
        return source, "data"
    if isinstance(source, Dataset):
        return frame_of(source), source.name
    if not isinstance(source, str):
        raise InputError("A formula reads a table: give a CSV or Parquet path, a data set's name, or a DataFrame; with arrays "
                         "(the scikit-learn estimators), encode the columns in a Pipeline with a ColumnTransformer instead.")
    if source in sources.BUNDLED or source.startswith("synthetic") and not Path(source).exists():
        frame = sources.bundled_frame(source)
        return (frame, source) if frame is not None else (frame_of(sources.load(source)), source)
    path = Path(source)
    if not path.exists():
        sources.load(source)  # its sentence for data that are not there
    return sources.read_frame(path), path.name

