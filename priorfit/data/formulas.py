"""Formulas: a table and a Wilkinson formula make the design, through formulaic.

``y ~ dose + age + C(site) + arm + dose:arm`` is formulaic's model matrix for the formula as written
(treatment coding unless the formula says otherwise). Its left side is a column of the table, the
target, taken as it is (labels stay labels: the likelihood encodes them); its right side's columns
are the features, under formulaic's names (``C(site)[T.b]``, ``dose:arm[T.t]``), everywhere. The
``Intercept`` column is not a feature: it is the model's unpenalized intercept, and a formula without
one (``- 1`` or ``+ 0``) fits none, as ``--no-intercept`` does. Dummy and interaction columns are
standardized like any other column (unless ``--no-standardize``), on both sides alike.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from priorfit.data import checks
from priorfit.data.design import Dataset, from_frame
from priorfit.errors import InputError

INTERCEPT = "Intercept"
EXAMPLE = "y ~ x1 + C(site) + x1:arm"


def parse_formula(value) -> str | None:
    """``formula``: a Wilkinson formula with one column on its left side (formulaic's grammar), or None."""
    if value is None:
        return None
    from formulaic import Formula

    text = str(value).strip()
    try:
        formula = Formula(text)
        sides = formula.lhs, formula.rhs
    except AttributeError:
        raise InputError(f"The formula {text!r} has no left side; name the target on it, as {EXAMPLE!r}.") from None
    except Exception as error:  # noqa: BLE001 - formulaic's syntax errors have many types
        raise InputError(f"The formula {text!r} is not one formulaic can read ({checks.first_line(error)}); "
                         f"write it as {EXAMPLE!r}.") from None
    target = [str(term) for term in sides[0]]
    if len(target) != 1 or target[0] == "1":
        raise InputError(f"The formula {text!r} has {' + '.join(target) or 'nothing'} on its left side; name one column "
                         f"of the data there, the target, as {EXAMPLE!r}.")
    return text


@dataclass(frozen=True)
class FormulaDesign:
    """The formula's data set (features: the right side's columns without the intercept), whether the
    formula has an intercept, and formulaic's model spec of its right side (which rebuilds the same
    columns, with the training data's levels, for new rows)."""

    dataset: Dataset
    intercept: bool
    spec: Any


def target_of(formula: str) -> str:
    from formulaic import Formula

    return str(next(iter(Formula(formula).lhs)))


def apply(frame: pd.DataFrame, formula: str, name: str) -> FormulaDesign:
    """The design of ``formula`` on ``frame`` (the table with the target among its columns)."""
    from formulaic import Formula, model_matrix

    columns = [str(c) for c in frame.columns]
    used = sorted(Formula(formula).required_variables)
    absent = [v for v in used if v not in columns]
    if absent:
        raise InputError(f"The formula {formula!r} uses {', '.join(map(repr, absent))}, which {name!r} does not have; "
                         f"its columns are: {checks.names(columns)}.")
    for column in used:  # formulaic would drop incomplete rows without a word
        missing = np.flatnonzero(frame[column].isna().to_numpy())
        if missing.size:
            raise InputError(f"Column {column!r} of {name!r}, which the formula uses, has {missing.size} missing "
                             f"value{'s' * (missing.size > 1)}, the first in row {int(missing[0]) + 1}; give complete rows.")
    target = target_of(formula)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # formulaic's notes on its own defaults
            right = model_matrix(Formula(formula).rhs, frame.drop(columns=[target]), na_action="raise")
    except InputError:
        raise
    except Exception as error:  # noqa: BLE001 - any evaluation failure is a bad formula for these data
        raise InputError(f"The formula {formula!r} cannot be evaluated on {name!r}: {checks.first_line(error)}.") from None
    intercept = INTERCEPT in right.columns
    X = right.drop(columns=[INTERCEPT]) if intercept else right
    if X.shape[1] == 0:
        raise checks.no_features(name)
    # the model matrix and the target take the checks of any table (labels stay labels)
    dataset = from_frame(X.set_axis([str(c) for c in X.columns], axis=1), frame[target], name=name, target=target)
    return FormulaDesign(dataset, intercept, right.model_spec)


def frame_of(dataset: Dataset) -> pd.DataFrame:
    """A data set as one table, its target among the columns (a bundled or synthetic data set for a formula)."""
    frame = pd.DataFrame(np.asarray(dataset.X, dtype=float), columns=list(dataset.features))
    frame[dataset.target] = dataset.y
    return frame


def table(source, y=None, *, target: str | None = None) -> tuple[pd.DataFrame, str]:
    """The table a formula reads, and its name: a CSV or Parquet file as it is (text columns too), a
    bundled or synthetic data set, or a DataFrame (the target among its columns: the formula names it)."""
    from pathlib import Path

    from priorfit.data import sources

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
        dataset = sources.load(source)
        return frame_of(dataset), dataset.name
    path = Path(source)
    if not path.exists():
        sources.load(source)  # its sentence for data that are not there
    return sources.read_frame(path), path.name
