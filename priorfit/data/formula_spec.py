"""formulaic's model spec as JSON, and back: what rebuilds a formula's columns for new rows.

A formula's columns depend on the training data beyond the formula's text: a categorical's levels
(and so which dummy is the reference), a stateful transform's state (``center(x)``'s mean,
``bs(x)``'s knots, ``poly(x)``'s recurrence). formulaic keeps them in the :class:`ModelSpec` of
the model matrix (``encoder_state``, ``transform_state``); saved with the results (summary.json),
they make ``priorfit predict`` and ``result.load`` build for new rows exactly the training columns.

The JSON is tagged, so that it comes back as it was: floats as their shortest exact text (summary.json
rounds its own numbers to 12 digits; a knot must not move), tuples, NumPy arrays, enumerations and
formulaic's dataclasses (a contrast's state) by class name. Only formulaic's own classes are rebuilt
from a name, so a results folder from elsewhere cannot make priorfit import anything else.
"""

from __future__ import annotations

import dataclasses
import enum
import importlib

import numpy as np

_ALLOWED = "formulaic."  # the only modules whose classes a saved spec may name


def to_json(spec) -> dict | None:
    """``spec`` (formulaic's ModelSpec of a formula's right side, as the model matrix carries it) as
    plain JSON, with the data columns each factor reads (``factor_columns``); None for a state that
    holds something this module does not write (a custom contrast matrix, a user transform)."""
    data = {str(v) for v in spec.variables_by_source.get("data", ())}
    reads = {str(factor): sorted(str(v) for v in variables if str(v) in data)
             for factor, variables in spec.factor_variables.items()}
    try:
        return {"formula": str(spec.formula), "ensure_full_rank": bool(spec.ensure_full_rank), "factor_columns": reads,
                "encoder_state": _encode(spec.encoder_state), "transform_state": _encode(spec.transform_state)}
    except TypeError:
        return None


def from_json(saved: dict):
    """The ModelSpec that :func:`to_json` wrote: it builds the training columns for new rows."""
    from formulaic import ModelSpec

    return ModelSpec(formula=saved["formula"], materializer="pandas", ensure_full_rank=saved["ensure_full_rank"],
                     na_action="raise", output="pandas", encoder_state=_decode(saved["encoder_state"]),
                     transform_state=_decode(saved["transform_state"]))


def categories(saved: dict) -> dict[str, list]:
    """The levels of each categorical factor of a saved spec, by the factor's expression (``C(site)``)."""
    state = _decode(saved["encoder_state"])
    return {factor: list(options["categories"]) for factor, (kind, options) in state.items()
            if kind.value == "categorical" and "categories" in options}


def reference(saved: dict, factor: str):
    """The reference level of a treatment-coded factor (its first level unless the formula names
    another), or None for another coding (sum, Helmert, polynomial: no level is a reference)."""
    from formulaic.transforms.contrasts import TreatmentContrasts
    from formulaic.utils.sentinels import UNSET

    kind, options = _decode(saved["encoder_state"])[factor]
    contrasts = getattr(options.get("contrasts"), "contrasts", None)
    if not isinstance(contrasts, TreatmentContrasts):
        return None
    return options["categories"][0] if contrasts.base is UNSET else contrasts.base


def _name(cls) -> str:
    return f"{cls.__module__}:{cls.__qualname__}"


def _encode(value):
    if value is None or isinstance(value, bool | str):
        return value
    if isinstance(value, np.bool_):
        return bool(value)
    if isinstance(value, int | np.integer):
        return int(value)
    if isinstance(value, float | np.floating):
        return {"float": repr(float(value))}
    if isinstance(value, list):
        return [_encode(v) for v in value]
    if isinstance(value, tuple):
        return {"tuple": [_encode(v) for v in value]}
    if isinstance(value, dict):
        return {"dict": [[_encode(k), _encode(v)] for k, v in value.items()]}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biuf":
        return {"array": _encode(value.tolist()), "dtype": value.dtype.str}
    if isinstance(value, enum.Enum) and type(value).__module__.startswith(_ALLOWED):
        return {"enum": _name(type(value)), "name": value.name}
    if dataclasses.is_dataclass(value) and type(value).__module__.startswith(_ALLOWED):
        return {"object": _name(type(value)),
                "fields": {f.name: _encode(getattr(value, f.name)) for f in dataclasses.fields(value) if f.init}}
    raise TypeError(f"{type(value).__name__} is not written")


def _class(name: str):
    module, _, qualname = name.partition(":")
    if not module.startswith(_ALLOWED):
        raise ValueError(f"a saved formula names the class {name!r}, which is not formulaic's")
    found = importlib.import_module(module)
    for part in qualname.split("."):
        found = getattr(found, part)
    return found


def _decode(value):
    if isinstance(value, list):
        return [_decode(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "float" in value:
        return float(value["float"])
    if "tuple" in value:
        return tuple(_decode(v) for v in value["tuple"])
    if "dict" in value:
        return {_decode(k): _decode(v) for k, v in value["dict"]}
    if "array" in value:
        return np.asarray(_decode(value["array"]), dtype=value["dtype"])
    if "enum" in value:
        return _class(value["enum"])[value["name"]]
    return _class(value["object"])(**{k: _decode(v) for k, v in value["fields"].items()})
