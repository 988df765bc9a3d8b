"""The checks of a user's data, each sentence once: arrays and frames in memory, chunks, files and Dask.

Every path that reads rows (:func:`priorfit.data.design.from_arrays` and ``from_frame``, the
chunked :mod:`priorfit.data.statistics`, :mod:`priorfit.data.files` and :mod:`priorfit.data.dask`)
raises the :class:`~priorfit.errors.InputError` sentences written here, so that the same bad value
reads the same wherever it is found. Chunked paths find a bad value as a :class:`Problem` (the
first of a block) and say it with the row counted across blocks and files.

The scalar checkers of settings (``positive``, ``probability`` ...) live in
:mod:`priorfit.validation`, a floor below: they need neither NumPy nor pandas, and the CLI's
``--help`` imports them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from priorfit.errors import InputError

MISSING_Y = "y is missing; give the target with an array or DataFrame X, e.g. compare(X, y)."


# -- one bad value --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Problem:
    """The first bad value of a column: ``kind`` is 'boolean', 'numeric' or 'finite'; ``row`` is
    0-based within the block (or segment), ``count`` the number of bad values there."""

    kind: str
    label: str
    is_target: bool
    row: int = 0
    value: object = None
    count: int = 1

    def message(self, name: str, offset: int = 0, where: tuple[str, int] | None = None, *, counted: bool = False) -> str:
        """The InputError sentence, with the 1-based row ``offset + row + 1`` and, for files,
        ``where = (file name, row within the file)``; ``counted``: with the number of bad values
        (a whole column in memory, not a chunk of it)."""
        column = f"{'Target' if self.is_target else 'Column'} {self.label!r} of {name}"
        row = offset + self.row + 1
        if self.kind == "boolean":
            return f"{column} is boolean; convert it to 0/1 so priorfit can use it as a number."
        if self.kind == "numeric":
            at = f", data row {where[1]} of {where[0]}" if where else ""
            example = f" (value {self.value!r} in row {row}{at})" if self.value is not None else ""
            return f"{column} is not numeric{example}; priorfit needs numeric columns."
        if counted:
            return (
                f"{column} has {self.count} missing or non-finite value(s), the first in row {row}; "
                "priorfit needs complete, finite data."
            )
        at = f" (data row {where[1]} of {where[0]})" if where else ""
        return f"{column} has a missing or non-finite value in row {row}{at}; priorfit needs complete, finite data."


def find_problem(X: np.ndarray, y: np.ndarray, features, target: str) -> Problem | None:
    """The first non-finite value, columns in order then the target (cheap when there is none)."""
    with np.errstate(all="ignore"):  # integers are finite; a float sum is NaN or inf if one is
        suspects = np.flatnonzero(~np.isfinite(X.sum(axis=0))) if X.dtype.kind == "f" else []
        y_suspect = y.dtype.kind == "f" and not np.isfinite(y.sum())
    for j in suspects:  # a sum that overflowed is a suspect without a bad value
        bad = np.flatnonzero(~np.isfinite(X[:, j]))
        if bad.size:
            return Problem("finite", features[j], False, int(bad[0]))
    if y_suspect and (bad := np.flatnonzero(~np.isfinite(y))).size:
        return Problem("finite", target, True, int(bad[0]))
    return None


def column_values(values: pd.Series, label: str, is_target: bool) -> np.ndarray | Problem:
    """One column as float64, or its first problem: boolean, not numeric (with the first value that
    does not convert, if any), or missing and non-finite values."""
    if pd.api.types.is_bool_dtype(values):
        return Problem("boolean", label, is_target)
    if not pd.api.types.is_numeric_dtype(values):
        converted = pd.to_numeric(values, errors="coerce")
        bad = np.flatnonzero((converted.isna() & values.notna()).to_numpy())
        if bad.size:
            return Problem("numeric", label, is_target, int(bad[0]), values.iloc[bad[0]])
        return Problem("numeric", label, is_target)
    array = values.to_numpy(dtype=float, na_value=np.nan)
    bad = np.flatnonzero(~np.isfinite(array))
    if bad.size:
        return Problem("finite", label, is_target, int(bad[0]), count=int(bad.size))
    return array


# -- sentences about a whole data set -------------------------------------------------------------
MISSING = ("refuse", "drop")  # what --missing does with a row that has a missing value


def complete_rows(frame: pd.DataFrame, columns, name: str, missing: str) -> tuple[pd.DataFrame, int]:
    """``frame`` without the rows that miss a value (NaN, None, NA) in one of ``columns``, and how
    many were dropped, where ``missing`` is 'drop'; ``frame`` as it is where it is 'refuse' (the
    checks that follow name the first missing value). Rows keep their order; the index restarts."""
    if missing == "refuse":
        return frame, 0
    incomplete = incomplete_rows(frame[list(columns)], name=name)
    return frame.loc[~incomplete].reset_index(drop=True), int(incomplete.sum())


def incomplete_rows(*parts, name: str = "the data") -> np.ndarray:
    """Which rows miss a value (NaN, None, NA) in any of ``parts`` (frames, 2-D or 1-D arrays of one
    row count); the sentence of :func:`nothing_left` if every row does."""
    masks = [p.isna().to_numpy() if isinstance(p, pd.DataFrame | pd.Series) else pd.isna(np.asarray(p)) for p in parts]
    incomplete = np.logical_or.reduce([m.reshape(len(m), -1).any(axis=1) for m in masks])
    if incomplete.all():
        raise nothing_left(name)
    return incomplete


def nothing_left(name: str) -> InputError:
    return InputError(f"Every row of {name} misses a value in a column the fit uses; nothing is left after dropping the "
                      "incomplete rows (--missing drop).")


def no_rows(name: str) -> InputError:
    return InputError(f"{name} has no rows; priorfit needs at least 3.")


def too_few_rows(name: str, rows: int) -> InputError:
    return InputError(f"{name} has {rows} row{'s' if rows != 1 else ''}; priorfit needs at least 3.")


def no_features(name: str) -> InputError:
    return InputError(f"{name} has no feature columns; priorfit needs at least one.")


def constant_column(feature, name: str, value: float) -> InputError:
    return InputError(
        f"Column {feature!r} of {name} is constant (every value is {value:g}); "
        "drop it: it cannot be standardized and duplicates the intercept."
    )


def constant_target(target: str, name: str, value: str) -> InputError:
    """``value`` as written: ``f"{v:g}"`` for numbers, ``repr`` for labels."""
    return InputError(f"Target {target!r} of {name} is constant (every value is {value}); there is nothing to regress.")


def target_not_in(target: str, where: str, columns: str) -> InputError:
    return InputError(f"Target column {target!r} is not in {where}; columns are: {columns}.")


def unreadable(path, reason: str) -> InputError:
    return InputError(f"Data file {str(path)!r} could not be read: {reason}.")


def names(columns) -> str:
    """Column names for a message: as written, or quoted where they are empty or not printable."""
    return ", ".join(str(c) if str(c).isprintable() and str(c).strip() == str(c) and str(c) else repr(str(c)) for c in columns)


def first_line(exc: Exception) -> str:
    """The first line of an exception's message, without its full stop (a sentence follows)."""
    return (str(exc).splitlines() or [type(exc).__name__])[0].rstrip(".")


# -- shapes, types and names ----------------------------------------------------------------------
def x_shape(X, of: str = "") -> None:
    """X is 2-D (``of``: which chunk, for messages)."""
    if X.ndim != 2:
        raise InputError(f"X{of} has shape {X.shape}; it must be a 2-D array (rows x features).")


def y_shape(X, y, of: str = "", *, rows_known: bool = True) -> None:
    """y is 1-D with one value per row of X (where both row counts are known)."""
    if y.ndim != 1 or (rows_known and y.shape[0] != X.shape[0]):
        raise InputError(f"y{of} has shape {y.shape}; it must be 1-D with one value per row of X ({X.shape[0]}).")


def numeric(X, y, *, labels: bool = False) -> None:
    """X and y are numbers (``labels``: y may also be text or booleans, a bernoulli target)."""
    y_ok = np.issubdtype(y.dtype, np.number) or (labels and y.dtype.kind in "bU")
    if not (np.issubdtype(X.dtype, np.number) and y_ok):
        allowed = " (y may also be two labels)" if labels else ""
        raise InputError(f"X and y must be numeric arrays{allowed}; priorfit needs numeric columns.")


def shapes_and_types(X, y, chunk: int | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Numeric X (2-D) and y (one value per row), as arrays without a copy (``chunk``: its number)."""
    if y is None:
        raise InputError(MISSING_Y)
    X, y = np.asarray(X), np.asarray(y)
    of = f" of chunk {chunk}" if chunk is not None else ""
    x_shape(X, of)
    y_shape(X, y, of)
    numeric(X, y)
    return X, y


def features(given, p: int) -> tuple[str, ...]:
    """The feature names: ``given`` (one per column) or ``x1 ... xp``."""
    given = tuple(given) if given is not None else tuple(f"x{j + 1}" for j in range(p))
    if len(given) != p:
        raise InputError(f"{len(given)} feature names were given for {p} columns of X.")
    return given


def unique_columns(columns: list[str], name: str) -> None:
    seen = set()
    for column in columns:
        if column in seen:
            raise InputError(f"{name} names the column {column!r} twice; give every column its own name.")
        seen.add(column)


def labels(values, label, name: str) -> np.ndarray:
    """A target that is not numbers (text, booleans, mixed objects) as labels: a bool array, or
    the values as text; none may be missing. Whether labels are allowed is the likelihood's
    decision (:meth:`priorfit.models.likelihoods.Likelihood.encode_y`): the bernoulli takes two."""
    values = pd.Series(values, name=label)
    missing = np.flatnonzero(values.isna().to_numpy())
    if missing.size:
        raise InputError(Problem("finite", label, False, int(missing[0]), count=int(missing.size)).message(name, counted=True))
    if pd.api.types.is_bool_dtype(values):
        return values.to_numpy(dtype=bool)
    return np.asarray(values.astype(str), dtype=str)


# -- a whole data set in memory -------------------------------------------------------------------
def checked_frame(frame: pd.DataFrame, y, name: str, target: str):
    """The checks of a pandas design and target (numeric, finite; a target of labels is kept as
    labels), column by column, each column named as in the frame; y as checked."""
    if y is None:
        raise InputError(MISSING_Y)
    if len(frame) == 0:
        raise no_rows(name)
    unique_columns([str(c) for c in frame.columns], name)
    for column in [*frame.columns, None]:
        values = frame[column] if column is not None else pd.Series(y, name=target)
        if column is None and (pd.api.types.is_bool_dtype(values) or not pd.api.types.is_numeric_dtype(values)):
            y = labels(values, values.name, name)  # two labels are a bernoulli target; the likelihood decides
            continue
        problem = column_values(values, values.name, False)
        if isinstance(problem, Problem) and problem.kind == "numeric":
            raise InputError(problem.message(name)[:-1] + "; to encode its levels, give the formula --formula "
                             f"{formula_for(frame, target)!r}.")
        if isinstance(problem, Problem):
            raise InputError(problem.message(name, counted=True))
    return y


def formula_for(frame: pd.DataFrame, target: str) -> str:
    """The formula of every column of ``frame`` against ``target``, the text columns as categories ``C(...)``."""
    def quoted(column) -> str:  # a name that is not an identifier in backticks, as formulaic reads it
        return str(column) if str(column).isidentifier() else f"`{column}`"

    def term(column) -> str:
        numeric = pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column])
        return quoted(column) if numeric else f"C({quoted(column)})"

    return f"{quoted(target)} ~ " + " + ".join(term(c) for c in frame.columns)


def checked_arrays(X, y, given_features, name: str, target: str) -> tuple[np.ndarray, np.ndarray, tuple[str, ...]]:
    """The checks of NumPy arrays: shapes, types, at least 3 rows and 1 column, every value finite,
    no constant column or target. ``(X, y, features)``: X float, y float or labels (no copy of
    float arrays)."""
    if y is None:
        raise InputError(MISSING_Y)
    X = np.asarray(X)
    y = np.asarray(y)
    x_shape(X)
    y_shape(X, y)
    if y.dtype.kind == "O":  # a list or object array: numbers if every value is one, else labels
        try:
            y = y.astype(float)
        except (TypeError, ValueError):
            y = labels(y, target, name)
    elif y.dtype.kind in "SU":
        y = labels(y, target, name)
    numeric(X, y, labels=True)
    is_labels = y.dtype.kind in "bU"  # text or booleans: two labels of a bernoulli target, encoded by the likelihood
    X, y = np.asarray(X, dtype=float), (y if is_labels else np.asarray(y, dtype=float))  # no copy of float arrays
    names_ = features(given_features, X.shape[1])
    if X.shape[0] < 3:
        raise too_few_rows(name, X.shape[0])
    if X.shape[1] < 1:
        raise no_features(name)
    # whole-array reductions: a loop over the columns of a C-ordered X strides through memory
    finite = np.isfinite(X).all(axis=0)
    constant = X.min(axis=0) == X.max(axis=0) if finite.all() else None
    for j, feature in enumerate(names_):
        if not finite[j]:
            row = int(np.flatnonzero(~np.isfinite(X[:, j]))[0])
            raise InputError(Problem("finite", feature, False, row).message(name))
        if constant is not None and constant[j]:
            raise constant_column(feature, name, X[0, j])
    if is_labels:
        if np.all(y == y[0]):
            raise constant_target(target, name, repr(y[0].item()))
        return X, y, names_
    if not np.all(np.isfinite(y)):
        row = int(np.flatnonzero(~np.isfinite(y))[0])
        raise InputError(Problem("finite", target, True, row).message(name))
    if np.ptp(y) == 0:
        raise constant_target(target, name, f"{y[0]:g}")
    return X, y, names_


def whole_data(total, rows: int, features, target: str, name: str):
    """The checks of :func:`checked_arrays` that need all rows, on the statistics of chunked rows
    (:class:`priorfit.data.statistics.GramStats`, whose ranges say what is constant)."""
    if rows == 0:
        raise no_rows(name)
    if rows < 3:
        raise too_few_rows(name, rows)
    if len(features) < 1:
        raise no_features(name)
    for j, feature in enumerate(features):
        if total.x_min[j] == total.x_max[j]:
            raise constant_column(feature, name, total.x_min[j])
    if total.y_min == total.y_max:
        raise constant_target(target, name, f"{total.y_min:g}")
    return total
