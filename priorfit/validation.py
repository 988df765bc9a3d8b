"""Checks of user-facing values: each returns the parsed value or raises InputError with one sentence."""

from __future__ import annotations

import math

from priorfit.errors import InputError


# -- parsers: value -> parsed value, or InputError naming `what` -------------------------------
def _real(value, what: str, accept, allowed: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if isinstance(value, bool) or not accept(number):
        raise InputError(f"{what} {value!r} is not allowed; it must {allowed}.")
    return number


def positive(value, what: str) -> float:
    """``value`` as a float, or an InputError naming ``what`` unless it is a positive number."""
    return _real(value, what, lambda x: math.isfinite(x) and x > 0, "be a positive number")


def probability(value, what: str) -> float:
    return _real(value, what, lambda x: 0 < x < 1, "lie strictly between 0 and 1")


def bridge_exponent(value, what: str = "bridge_q") -> float:
    """The exponent q of the bridge prior (the L_q penalty), ``0 < q <= 2``."""
    return _real(value, what, lambda x: 0 < x <= 2, "be a number with 0 < Q <= 2")


def finite(value, what: str) -> float:
    return _real(value, what, math.isfinite, "be a finite number")


def integer(value, what: str, minimum: int, maximum: int = 10**9) -> int:
    try:
        number = None if isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not minimum <= number <= maximum:
        raise InputError(f"{what} {value!r} is not allowed; it must be a whole number from {minimum} to {maximum}.")
    return number


def boolean(value, what: str) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("true", "yes", "1"):
        return True
    if text in ("false", "no", "0"):
        return False
    raise InputError(f"{what} {value!r} is not allowed; it must be true or false.")
