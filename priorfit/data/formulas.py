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
from dataclasses import dataclass, replace

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
    """The formula's data set (features: the right side's columns without the intercept; its
    ``formula_spec`` rebuilds them for new rows) and whether the formula has an intercept."""

    dataset: Dataset
    intercept: bool


def target_of(formula: str) -> str:
    from formulaic import Formula

    return str(next(iter(Formula(formula).lhs)))


def used(formula: str) -> list[str]:
    """The columns ``formula`` reads: its target and the variables of its right side."""
    from formulaic import Formula

    return [target_of(formula), *sorted(Formula(formula).rhs.required_variables)]


def _refuse_missing(frame: pd.DataFrame, columns, name: str, remedy: str) -> None:
    """One sentence for the first column of ``columns`` with a missing value (formulaic would drop
    the row without a word)."""
    for column in columns:
        missing = np.flatnonzero(frame[column].isna().to_numpy())
        if missing.size:
            raise InputError(f"Column {column!r} of {name}, which the formula uses, has {missing.size} missing "
                             f"value{'s' * (missing.size > 1)}, the first in row {int(missing[0]) + 1}; {remedy}.")


def _absent(formula: str, columns, name: str, needed, *, plural: bool = False) -> None:
    absent = [v for v in needed if v not in columns]
    if absent:
        have = "do not have; their" if plural else "does not have; its"
        raise InputError(f"The formula {formula!r} uses {', '.join(map(repr, absent))}, which {name} {have} columns are: "
                         f"{checks.names(columns)}.")


def apply(frame: pd.DataFrame, formula: str, name: str, missing: str = "refuse") -> FormulaDesign:
    """The design of ``formula`` on ``frame`` (the table with the target among its columns);
    ``missing``: 'refuse' a row with a missing value in a column the formula uses, or 'drop' it
    (the number dropped is the data set's ``dropped``)."""
    from formulaic import Formula, model_matrix

    from priorfit.data import formula_spec

    columns = [str(c) for c in frame.columns]
    needed = used(formula)
    _absent(formula, columns, repr(name), needed)
    frame, dropped = checks.complete_rows(frame.set_axis(columns, axis=1), needed, repr(name), missing)
    _refuse_missing(frame, needed, repr(name), "give complete rows, or drop the incomplete ones with --missing drop")
    target = needed[0]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # formulaic's notes on its own defaults
            right = model_matrix(Formula(formula).rhs, frame.drop(columns=[target]), na_action="raise")
    except Exception as error:  # noqa: BLE001 - any evaluation failure is a bad formula for these data
        raise InputError(f"The formula {formula!r} cannot be evaluated on {name!r}: {checks.first_line(error)}.") from None
    intercept = INTERCEPT in right.columns
    X = right.drop(columns=[INTERCEPT]) if intercept else right
    if X.shape[1] == 0:
        raise checks.no_features(name)
    # the model matrix and the target take the checks of any table (labels stay labels)
    dataset = from_frame(X.set_axis([str(c) for c in X.columns], axis=1), frame[target], name=name, target=target)
    return FormulaDesign(replace(dataset, formula_spec=formula_spec.to_json(right.model_spec), dropped=dropped), intercept)


def new_columns(saved: dict, frame: pd.DataFrame, name: str) -> pd.DataFrame:
    """New rows (a table of the columns the formula reads; others are ignored) as the training
    design's columns, built by the saved spec (:mod:`priorfit.data.formula_spec`): the training
    levels and transform states, the intercept column left out. One sentence for a column the
    formula reads that is not there, a missing value, or a level the training data did not have."""
    from priorfit.data import formula_spec

    spec = formula_spec.from_json(saved)
    formula = f"~ {saved['formula']}"
    columns = [str(c) for c in frame.columns]
    frame = frame.set_axis(columns, axis=1)
    needed = sorted(spec.required_variables)
    _absent(formula, columns, name, needed, plural=True)
    _refuse_missing(frame, needed, name, "give complete rows")
    for factor, levels in formula_spec.categories(saved).items():
        for column in saved["factor_columns"].get(factor, ()):
            unseen = np.flatnonzero(~frame[column].isin(levels).to_numpy())
            if unseen.size:
                value = frame[column].iloc[unseen[0]]
                raise InputError(f"Column {column!r} of {name} has the level {value!r} in row {int(unseen[0]) + 1}, which the "
                                 f"training data did not have; its levels are: {', '.join(map(repr, levels))}.")
    from formulaic.errors import DataMismatchWarning

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            warnings.simplefilter("error", DataMismatchWarning)  # a level not seen in training: not a row of zeros
            built = spec.get_model_matrix(frame)
    except Exception as error:  # noqa: BLE001 - any evaluation failure is a bad row for this formula
        raise InputError(f"The formula {formula!r} cannot build the training columns for {name}: "
                         f"{checks.first_line(error)}.") from None
    return built.drop(columns=[INTERCEPT]) if INTERCEPT in built.columns else built
