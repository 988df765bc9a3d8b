"""The proof of optimality of a polished mode, whichever method polished it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal


@dataclass(frozen=True)
class Certificate:
    """Proof of optimality of a polished mode.

    ``value`` is the largest gradient (for L1: subgradient, KKT) residual in log-density units
    per unit of the variables; ``newton_decrement`` its scale-free counterpart; for L1 priors
    ``kkt_relative`` is the largest violation ``(|grad_j| - 1/b) * b`` over coefficients at ``mu``.
    For a kinked likelihood (``"dual"``, :mod:`priorfit.inference.kinked_mode`) ``value`` is the
    distance of 0 from the subdifferential, ``kkt_relative`` that distance relative to the terms it
    balances, and ``newton_decrement`` is taken along the mode's face.
    """

    kind: Literal["gradient", "kkt", "dual"]
    value: float
    newton_decrement: float
    kkt_relative: float | None = None
    zero_residuals: int | None = None  # "dual": the rows on their kink (a kinked likelihood's interpolated points)

