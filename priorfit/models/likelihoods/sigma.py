"""Priors of the Gaussian noise sd ``sigma``, registered by name: ``jeffreys``, ``halfnormal:S``,
``halfcauchy:S``."""

from __future__ import annotations

from typing import ClassVar

from priorfit.errors import InputError
from priorfit.validation import positive


class SigmaPrior:
    """A prior on the Gaussian noise sd ``sigma``; registered by ``name``."""

    name: ClassVar[str]
    registry: ClassVar[dict[str, type[SigmaPrior]]] = {}
    takes_scale: ClassVar[bool] = True
    improper_at_zero: ClassVar[bool] = False  # its integral diverges at sigma = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        SigmaPrior.registry[cls.name] = cls

    def __init__(self, scale: float | None = None):
        self.scale = positive(scale, f"The {self.name} sigma prior scale") if self.takes_scale else None

    def __str__(self) -> str:
        return self.name if self.scale is None else f"{self.name}:{self.scale:g}"

    def __eq__(self, other) -> bool:  # a value, as the settings that hold it compare by value
        return isinstance(other, SigmaPrior) and (self.name, self.scale) == (other.name, other.scale)

    def __hash__(self) -> int:
        return hash((self.name, self.scale))

    def build(self, initval: float):
        raise NotImplementedError


class Jeffreys(SigmaPrior):
    """p(sigma) proportional to 1/sigma (improper)."""

    name = "jeffreys"
    takes_scale = False
    improper_at_zero = True

    def build(self, initval: float):
        import pymc as pm
        import pytensor.tensor as pt

        sigma = pm.HalfFlat("sigma", initval=initval)
        pm.Potential("sigma_jeffreys", -pt.log(sigma))
        return sigma


class HalfNormal(SigmaPrior):
    name = "halfnormal"

    def build(self, initval: float):
        import pymc as pm

        return pm.HalfNormal("sigma", sigma=self.scale, initval=initval)


class HalfCauchy(SigmaPrior):
    name = "halfcauchy"

    def build(self, initval: float):
        import pymc as pm

        return pm.HalfCauchy("sigma", beta=self.scale, initval=initval)


def sigma_prior(text: str) -> SigmaPrior:
    """Parse ``jeffreys``, ``halfnormal:S`` or ``halfcauchy:S``."""
    name, colon, scale = str(text).strip().partition(":")
    cls = SigmaPrior.registry.get(name.strip().lower())
    allowed = "jeffreys, halfnormal:S or halfcauchy:S with S > 0"
    if cls is None or (cls.takes_scale and not scale.strip()) or (not cls.takes_scale and colon):
        raise InputError(f"Sigma prior {text!r} is not understood; allowed are {allowed}.")
    return cls(scale) if cls.takes_scale else cls()
