"""The Student-t family: ``y ~ StudentT(nu, Xw + c, s)``, robust regression, with ``nu`` fixed or
estimated under ``nu ~ Gamma(2, 0.1)``.

No penalized estimator minimizes minus this log likelihood plus a penalty (its loss is not
convex), so the family has no twin: the nearest references (HuberRegressor) are shown beside it.
The log density is the true one: its normalizer ``lgamma((nu+1)/2) - lgamma(nu/2) - log(nu pi)/2
- log s`` is kept, as it depends on the random dispersion ``s`` (and on ``nu`` when it is random).

The prior of an estimated ``nu`` is Juárez & Steel's (2010) ``Gamma(2, 0.1)`` (shape 2, rate
0.1: mean 20, mode 10), brms' and bambi's default. Its density vanishes linearly at 0, which keeps
the posterior proper with Jeffreys' ``p(s) ∝ 1/s`` (near an exact fit of ``k`` rows the integral
over ``s`` is ``1 / ((n - k) nu)``, and ``nu / nu`` is integrable at 0; Fernández & Steel 1999).
The joint *density* is still unbounded there (``s^-k`` against ``s^((n - k) nu)`` with ``nu -> 0``),
so a mode found with ``nu`` estimated is a local one, and the report says so.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from priorfit.errors import InputError
from priorfit.models.likelihoods.base import PluginDispersion
from priorfit.models.likelihoods.location_scale import LocationScale

NU_PRIOR = (2.0, 0.1)  # nu ~ Gamma(shape 2, rate 0.1): Juárez & Steel (2010)
NU_REFERENCE = 10.0  # the prior's mode: the nu of the plug-in s and of the sampler's preconditioning


class StudentT(LocationScale):
    """``y ~ StudentT(nu, Xw + c, s)``; the nearest references are robust losses (Huber)."""

    name = "student_t"
    summary = "y ~ StudentT(nu, Xw + c, s), nu fixed (--nu NU) or estimated (--nu estimate); robust, no penalized twin"
    options = ("nu",)

    def __init__(self, nu: float | str | np.ndarray | None = None):
        self.nu = nu  # a number, "estimate", or (at_draws) an array of draws

    @property
    def nu_estimated(self) -> bool:
        return isinstance(self.nu, str)

    def check(self) -> None:
        if self.nu is None:
            raise InputError("The student_t likelihood needs --nu NU, its degrees of freedom (a number > 0), or --nu estimate.")

    def estimated(self) -> tuple[str, ...]:
        return ("nu",) if self.nu_estimated else ()

    def at_draws(self, draws: dict) -> StudentT:
        return StudentT(np.asarray(draws["nu"], dtype=float)) if self.nu_estimated else self

    def prior_draws(self, size: int, rng) -> dict:
        if not self.nu_estimated:
            return {}
        shape, rate = NU_PRIOR
        return {"nu": rng.gamma(shape, 1.0 / rate, size=(size, 1))}

    def local_mode_reason(self, design, dispersion_estimated: bool) -> str | None:
        if not self.nu_estimated or not dispersion_estimated:
            return None
        k = design.p + int(design.intercept)  # the residuals the coefficients (and intercept) can make 0
        return (f"with nu and s estimated the Student-t joint density is unbounded where {k} residuals vanish as nu and "
                "s go to 0 (Fernández & Steel 1999), so the reported mode is a local one")

    def estimated_prior(self, name: str) -> str:
        shape, rate = NU_PRIOR
        return f"Gamma({shape:g}, {rate:g})"

    def _nu(self):
        """``nu`` for a NumPy evaluation: the fixed value or the draws :meth:`at_draws` bound."""
        if self.nu is None:
            self.check()
        if self.nu_estimated:
            raise RuntimeError("nu is estimated: evaluate the family at its draws (at_draws)")
        return self.nu if isinstance(self.nu, np.ndarray) else float(self.nu)

    def _reference(self) -> float:
        """A single ``nu`` for what needs one number: the fixed value, else the prior's mode."""
        self.check()
        return NU_REFERENCE if self.nu_estimated else float(np.median(self.nu))

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The median absolute deviation of the least-squares residuals over the t quantile at 3/4
        (the MAD of a t(nu, 0, s) variable is ``s * t_nu.ppf(0.75)``), robust to the outliers; at
        the prior's mode of ``nu`` when it is estimated."""
        from scipy.stats import t

        r = self.least_squares_residuals(design)
        mad = float(np.median(np.abs(r - np.median(r))))
        if not mad > 0:
            raise InputError(f"{design.dataset.name}: the residuals have no spread, so no plug-in s; give --sigma.")
        nu = self._reference()
        at = f"nu = {nu:g}, the prior's mode" if self.nu_estimated else "nu"
        return PluginDispersion(mad / float(t.ppf(0.75, nu)), f"MAD of the least-squares residuals / t quantile 0.75 ({at})")

    def observe(self, location, sigma, y):
        import pymc as pm

        if self.nu_estimated:
            shape, rate = NU_PRIOR
            nu = pm.Gamma("nu", alpha=shape, beta=rate, initval=NU_REFERENCE)
        else:
            nu = self._nu()
        pm.StudentT("y", nu=nu, mu=location, sigma=sigma, observed=y)

    def information(self, sigma) -> float:
        # the expected information of the location, (nu + 1) / ((nu + 3) s^2) per row
        nu = self._reference()
        return (nu + 1.0) / ((nu + 3.0) * float(np.square(sigma)))

    def simulate(self, eta, sigma, rng):
        return eta + sigma * rng.standard_t(self._nu(), size=np.shape(eta))

    def variance(self, eta, sigma):
        nu = np.asarray(self._nu(), dtype=float)
        value = np.where(nu > 2, np.square(sigma) * nu / np.maximum(nu - 2.0, 1e-300), np.inf)
        return np.broadcast_to(value, np.broadcast_shapes(np.shape(eta), np.shape(value)))

    def pointwise(self, eta, y, sigma):
        nu = self._nu()
        z = (y - eta) / sigma
        return (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - np.log(sigma)
                - 0.5 * (nu + 1) * np.log1p(z * z / nu))
