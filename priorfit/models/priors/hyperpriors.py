"""Hyperpriors: a prior on a prior's scale, ``hyper:halfcauchy:S`` or ``hyper:halfnormal:S``."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import numpy as np

from priorfit.errors import InputError
from priorfit.validation import positive


@dataclass(frozen=True)
class Hyperprior:
    """A prior on a prior's scale (``hyper:halfcauchy:S`` or ``hyper:halfnormal:S``): the global
    scale tau or b is then a random variable, ``global_scale``, instead of a fixed number."""

    family: str
    scale: float
    FAMILIES: ClassVar[tuple[str, ...]] = ("halfcauchy", "halfnormal")

    def __str__(self) -> str:
        return f"hyper:{self.family}:{self.scale:g}"

    def build(self, name: str):
        import pymc as pm

        if self.family == "halfcauchy":
            return pm.HalfCauchy(name, beta=self.scale)
        return pm.HalfNormal(name, sigma=self.scale)

    def log_density(self, x: np.ndarray) -> np.ndarray:
        """The hyperprior's log density at draws ``x`` of the scale (NumPy)."""
        if self.family == "halfcauchy":
            return half_cauchy_log_density(x, self.scale)
        return 0.5 * np.log(2.0 / np.pi) - np.log(self.scale) - 0.5 * (x / self.scale) ** 2


def half_cauchy_log_density(x, beta):
    """``log`` of the HalfCauchy(beta) density at ``x >= 0`` (NumPy)."""
    return np.log(2.0 / (np.pi * beta)) - np.log1p((x / beta) ** 2)


def hyperprior(text) -> Hyperprior:
    """Parse ``hyper:halfcauchy:S`` or ``hyper:halfnormal:S`` (S > 0)."""
    head, _, rest = str(text).strip().partition(":")
    family, _, scale = rest.partition(":")
    if head != "hyper" or family not in Hyperprior.FAMILIES or not scale:
        raise InputError(f"Scale {text!r} is not understood; give a positive number, or hyper:halfcauchy:S or hyper:halfnormal:S.")
    return Hyperprior(family, positive(scale, f"The {family} hyperprior scale"))
