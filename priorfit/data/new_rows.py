"""New rows checked against the training features: the rows a comparison predicts, scores as
held out, or draws its fitted lines through, as a float array in the training order."""

from __future__ import annotations

import numpy as np
import pandas as pd

from priorfit.data import checks
from priorfit.errors import InputError


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def rows_in(features, target: str, X_new, name: str = "the new rows", formula_spec: dict | None = None) -> np.ndarray:
    """``X_new`` as a float array in the order of the training ``features``, checked: a DataFrame
    with every training feature (any order; the training ``target``'s column, if present, is ignored;
    any other column is refused: it is most often a misspelt feature), or an array of one column per
    feature in training order. ``name`` says what the rows are in the sentences, in the plural ("the
    new rows in 'new.csv'"). With the ``formula_spec`` of a formula's design, a DataFrame holds the
    columns the formula reads (others are ignored, as in training), and the formula builds the
    features from them, with the training levels."""
    features = list(features)
    if isinstance(X_new, pd.DataFrame) and formula_spec is not None:
        from priorfit.data.formulas import new_columns

        X_new = new_columns(formula_spec, X_new, name)
    if isinstance(X_new, pd.DataFrame):
        columns = [str(c) for c in X_new.columns]
        twice = next((c for k, c in enumerate(columns) if c in columns[:k]), None)
        if twice is not None:
            raise InputError(f"{_cap(name)} name the column {twice!r} twice; give every column its own name.")
        missing = [f for f in features if f not in columns]
        if missing:
            s = "s" if len(missing) > 1 else ""
            raise InputError(f"{_cap(name)} lack the training feature{s} "
                             f"{checks.names(missing)}; give every feature the comparison was fitted on: {checks.names(features)}.")
        extra = [c for c in columns if c not in features and c != target]
        if extra:
            s = "s" if len(extra) > 1 else ""
            what = "which are not training features; drop them" if s else "which is not a training feature; drop it"
            raise InputError(f"{_cap(name)} have the column{s} {checks.names(extra)}, {what}: the features are "
                             f"{checks.names(features)}.")
        frame = X_new.set_axis(columns, axis=1)
        X = np.empty((len(frame), len(features)))
        for j, feature in enumerate(features):
            values = checks.column_values(frame[feature], feature, False)
            if isinstance(values, checks.Problem):
                raise InputError(values.message(name))
            X[:, j] = values
    else:
        X = np.asarray(X_new)
        if X.ndim != 2 or X.shape[1] != len(features):
            shape = "x".join(str(d) for d in X.shape)
            raise InputError(f"{_cap(name)} are an array of shape {shape}; give one column per training "
                             f"feature ({len(features)}: {checks.names(features)}), in that order, or a DataFrame.")
        if X.dtype.kind not in "iuf":
            frame = pd.DataFrame(X, columns=features)
            return rows_in(features, target, frame, name)
        X = X.astype(float)
        problem = checks.find_problem(X, np.zeros(1), features, target)
        if problem is not None:
            raise InputError(problem.message(name))
    if len(X) == 0:
        raise InputError(f"{_cap(name)} have no rows; give at least one row to predict.")
    return X
