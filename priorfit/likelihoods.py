"""Likelihoods and the prior on the noise scale.

The Gaussian likelihood is written with the sufficient statistics (X'X, X'y, y'y, n): each
gradient then costs O(p^2) instead of O(np) (DESIGN.md, "Speed"). The plain row-wise form is
kept as a cross-check (``form="rows"``).
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from .errors import InputError
from .priors import positive


class SigmaPrior:
    """A prior on the Gaussian noise sd ``sigma``; registered by ``name``."""

    name: ClassVar[str]
    registry: ClassVar[dict[str, type[SigmaPrior]]] = {}
    takes_scale: ClassVar[bool] = True

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        SigmaPrior.registry[cls.name] = cls

    def __init__(self, scale: float | None = None):
        self.scale = positive(scale, f"The {self.name} sigma prior scale") if self.takes_scale else None

    def __str__(self) -> str:
        return self.name if self.scale is None else f"{self.name}:{self.scale:g}"

    def build(self, initval: float):
        raise NotImplementedError


class Jeffreys(SigmaPrior):
    """p(sigma) proportional to 1/sigma (improper)."""

    name = "jeffreys"
    takes_scale = False

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
    name, _, scale = str(text).partition(":")
    cls = SigmaPrior.registry.get(name)
    allowed = "jeffreys, halfnormal:S or halfcauchy:S with S > 0"
    if cls is None or (cls.takes_scale and not scale) or (not cls.takes_scale and scale):
        raise InputError(f"Sigma prior {text!r} is not understood; allowed are {allowed}.")
    return cls(scale) if cls.takes_scale else cls()


class Gaussian:
    """``y ~ Normal(X w + c, sigma)``; scikit-learn's squared-error estimators."""

    name = "gaussian"

    @staticmethod
    def add(design, coef, intercept, sigma, *, form: Literal["sufficient", "rows"] = "sufficient"):
        """Add the log likelihood of ``design`` to the current model.

        ``intercept`` is the intercept of the centred design (``None`` without intercept).
        """
        import pymc as pm
        import pytensor.tensor as pt

        n = design.n
        if form == "rows":
            Xc = pm.Data("X_centred", design.X - design.x_mean)
            mean = Xc @ coef + (intercept if intercept is not None else 0.0)
            pm.Normal("y", mu=mean, sigma=sigma, observed=design.y)
            return
        if form != "sufficient":
            raise InputError(f"Likelihood form {form!r} is not allowed; use 'sufficient' or 'rows'.")
        gram = pm.Data("gram", design.gram)
        xty = pm.Data("xty", design.xty)
        yty = pm.Data("yty", design.yty)
        # ||yc - Xc w||^2 + n (ybar - c)^2 = ||y - X w - c'||^2 with centred X and y
        rss = yty - 2.0 * pt.dot(coef, xty) + pt.dot(coef, pt.dot(gram, coef))
        if intercept is not None:
            rss = rss + n * (pm.Data("y_mean", design.y_mean) - intercept) ** 2
        loglik = -n * pt.log(sigma) - 0.5 * n * np.log(2 * np.pi) - rss / (2.0 * sigma**2)
        pm.Potential("loglik", loglik)
