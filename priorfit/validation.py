"""Checks of user-facing values: each returns the parsed value or raises InputError with one sentence."""

from __future__ import annotations

import math
from os import PathLike

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


def minutes(value, what: str) -> float:
    """A time limit in minutes: a number >= 0 (0: none)."""
    return _real(value, what, lambda x: math.isfinite(x) and x >= 0, "be a number of minutes >= 0 (0: no limit)")


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


# -- the values of single settings ------------------------------------------------------------
def prior_location(value) -> float | tuple[float, ...]:
    """The prior location: a number, or one number per feature (its length is checked against the
    data's columns when the data are known)."""
    if isinstance(value, str) and "," in value:
        value = value.split(",")
    if getattr(value, "ndim", None) == 1:  # a NumPy vector
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        values = tuple(finite(v, "An entry of the prior location mu") for v in value)
        if not values:
            raise InputError("The prior location mu is an empty list; give one number, or one per feature.")
        return values
    return finite(value, "The prior location mu")


def sigma_or_estimate(value) -> float | None:
    if value is None or (isinstance(value, str) and value.strip().lower() == "estimate"):
        return None
    try:
        return positive(value, "sigma")
    except InputError:
        raise InputError(f"sigma {value!r} is not allowed; give a positive number to fix it, or 'estimate'.") from None


def nu_or_estimate(value) -> float | str:
    if isinstance(value, str) and value.strip().lower() == "estimate":
        return "estimate"
    try:
        return positive(value, "nu")
    except InputError:
        raise InputError(f"nu {value!r} is not allowed; the Student-t degrees of freedom must be a positive number, "
                         "or 'estimate'.") from None


def quantile_level(value) -> float:
    try:
        return probability(value, "quantile")
    except InputError:
        raise InputError(f"quantile {value!r} is not allowed; the quantile Q must lie strictly between 0 and 1.") from None


def loo_choice(value) -> str:
    text = "yes" if value is True else "no" if value is False else str(value).strip().lower()
    if text not in ("auto", "yes", "no"):
        raise InputError(f"loo {value!r} is not allowed; use auto, yes or no.")
    return text


def relevance_threshold(value) -> float | None:
    if value is None:
        return None
    try:
        return positive(value, "relevance")
    except InputError:
        raise InputError(
            f"relevance {value!r} is not allowed; it must be a positive finite number, the threshold C of P(|w - mu| > C)."
        ) from None


def test_rows(value) -> str:
    if not isinstance(value, str | PathLike) or not str(value).strip():
        raise InputError(f"test {value!r} is not allowed; give a CSV or Parquet file (or a data set by name) of held-out rows.")
    return str(value)


def missing_rows(value) -> str:
    text = str(value).strip().lower()
    if text not in ("refuse", "drop"):
        raise InputError(f"missing {value!r} is not allowed; use refuse (a row with a missing value is refused with a "
                         "sentence) or drop (such rows are dropped and counted).")
    return text
