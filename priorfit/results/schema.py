"""How the records become summary.json and come back: one walk over their dataclass fields.

:func:`dump` writes each field of a record under its name, and :func:`restore` reads it from
there, so that a key cannot be written and forgotten on reading. A field that lives elsewhere in
the JSON, or whose value is not a record of plain values, says so once, beside the field::

    noise: Noise = field(metadata=stored("likelihood.sigma"))
    tree: object = field(metadata=stored(saved=False, load=lambda _, context: context.tree))

``key`` is a dotted path (blocks that several fields fill are shared: ``likelihood.family`` and
``likelihood.sigma``); ``dump(value)`` gives the JSON value and ``load(json, context)`` the
field's value back, where ``context`` holds what :func:`restore` was given (a fit's DataTree)
and the fields restored before it. Without them the value is walked by its type: records
field by field, tuples and lists item by item. A key missing from an older file gives the
field's default.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

# the libraries whose versions decide the numbers, recorded in every summary.json
VERSIONED = ("priorfit", "pymc", "pytensor", "nutpie", "arviz", "scikit-learn", "numpy", "glum", "numpyro", "jax")


@dataclass(frozen=True)
class Stored:
    """Where and how one field is kept in the JSON (see the module docstring)."""

    key: str | None = None  # dotted path; None: the field's name
    dump: Callable | None = None  # value -> JSON value; None: walked by type
    load: Callable | None = None  # (JSON value, context) -> value; None: rebuilt by type
    saved: bool = True  # False: not in the JSON (a DataTree kept in its own file); load gets None


def stored(key: str | None = None, *, dump: Callable | None = None, load: Callable | None = None,
           saved: bool = True) -> dict:
    """The ``metadata`` of a dataclass field kept as :class:`Stored` says."""
    return {"stored": Stored(key, dump, load, saved)}


def _spec(f: dataclasses.Field) -> Stored:
    return f.metadata.get("stored") or Stored()


def dump(record) -> dict:
    """The JSON of a record (NumPy values stay; :func:`plain` makes them JSON-safe)."""
    out: dict = {}
    for f in dataclasses.fields(record):
        spec = _spec(f)
        if not spec.saved:
            continue
        value = getattr(record, f.name)
        _put(out, (spec.key or f.name).split("."), spec.dump(value) if spec.dump else _dump_value(value))
    return out


def _dump_value(value):
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dump(value)
    if isinstance(value, (list, tuple)):
        return [_dump_value(v) for v in value]
    if isinstance(value, dict):
        return {k: _dump_value(v) for k, v in value.items()}
    return value


def _put(out: dict, path: list[str], value) -> None:
    """Set ``out[a][b]... = value``, sharing blocks; a key inside a block that is null (a profile
    that was not computed) is only written with a value, and then it cannot be."""
    *blocks, last = path
    for key in blocks:
        if out.get(key, {}) is None:
            if value is None:
                return
            raise ValueError(f"cannot store {'.'.join(path)}: its block is null")
        out = out.setdefault(key, {})
    out[last] = value


_MISSING = object()


def _get(data: dict, path: list[str]):
    for key in path:
        if not isinstance(data, dict) or key not in data:
            return _MISSING
        data = data[key]
    return data


def restore(cls, data: dict, **context):
    """The record of type ``cls`` from its JSON ``data`` (see the module docstring)."""
    hints = typing.get_type_hints(cls)
    values: dict = {}
    given = types.SimpleNamespace(**context)
    for f in dataclasses.fields(cls):
        spec = _spec(f)
        raw = _get(data, (spec.key or f.name).split(".")) if spec.saved else None
        if raw is _MISSING:  # an older file
            if f.default is not dataclasses.MISSING or f.default_factory is not dataclasses.MISSING:
                continue
            raise KeyError(f"{cls.__name__}.{f.name}: no {spec.key or f.name!r} in the file")
        value = spec.load(raw, given) if spec.load else _restore_value(hints[f.name], raw)
        values[f.name] = value
        setattr(given, f.name, value)
    return cls(**values)


def _restore_value(hint, raw):
    if raw is None:
        return None
    origin, args = typing.get_origin(hint), typing.get_args(hint)
    if origin in (typing.Union, types.UnionType):
        options = [a for a in args if a is not type(None)]
        return _restore_value(options[0], raw) if len(options) == 1 else raw
    if dataclasses.is_dataclass(hint):
        return restore(hint, raw)
    if origin is tuple:
        item = args[0] if args else typing.Any
        return tuple(_restore_value(item, v) for v in raw)
    if origin is list:
        item = args[0] if args else typing.Any
        return [_restore_value(item, v) for v in raw]
    return raw


def plain(value):
    """JSON-safe: NumPy scalars and arrays to Python, NaN and infinities to null."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.ndarray):
        return plain(value.tolist())
    if isinstance(value, (np.bool_, bool)):
        return bool(value)
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        # 12 significant digits: the last bits of a float can differ between runs (threaded BLAS)
        return float(f"{value:.12g}") if np.isfinite(value) else None
    return value


def versions() -> dict[str, str]:
    """The installed versions of :data:`VERSIONED` (distribution name -> version)."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name):
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    return {name: installed(name) for name in VERSIONED}
