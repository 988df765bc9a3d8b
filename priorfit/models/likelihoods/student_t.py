"""The Student-t family: ``y ~ StudentT(nu, Xw + c, s)`` with ``nu`` fixed, robust regression.

No penalized estimator minimizes minus this log likelihood plus a penalty (its loss is not
convex), so the family has no twin: the nearest references (HuberRegressor) are shown beside it.
The log density is the true one: its normalizer ``lgamma((nu+1)/2) - lgamma(nu/2) - log(nu pi)/2
- log s`` is kept, as it depends on the random dispersion ``s``.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaln

from priorfit.errors import InputError
from priorfit.models.likelihoods.base import PluginDispersion
from priorfit.models.likelihoods.location_scale import LocationScale


class StudentT(LocationScale):
    """``y ~ StudentT(nu, Xw + c, s)``; the nearest references are robust losses (Huber)."""

    name = "student_t"
    summary = "y ~ StudentT(nu, Xw + c, s), nu fixed (--nu); robust, no penalized twin"
    options = ("nu",)

    def __init__(self, nu: float | None = None):
        self.nu = nu

    def check(self) -> None:
        self._nu()

    def _nu(self) -> float:
        if self.nu is None:
            raise InputError("The student_t likelihood needs --nu NU, its degrees of freedom (a number > 0).")
        return float(self.nu)

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The median absolute deviation of the least-squares residuals over the t quantile at 3/4
        (the MAD of a t(nu, 0, s) variable is ``s * t_nu.ppf(0.75)``), robust to the outliers."""
        from scipy.stats import t

        r = self.least_squares_residuals(design)
        mad = float(np.median(np.abs(r - np.median(r))))
        if not mad > 0:
            raise InputError(f"{design.dataset.name}: the residuals have no spread, so no plug-in s; give --sigma.")
        return PluginDispersion(mad / float(t.ppf(0.75, self._nu())), "MAD of the least-squares residuals / t_nu quantile 0.75")

    def observe(self, location, sigma, y):
        import pymc as pm

        pm.StudentT("y", nu=self._nu(), mu=location, sigma=sigma, observed=y)

    def information(self, sigma) -> float:
        # the expected information of the location, (nu + 1) / ((nu + 3) s^2) per row
        nu = self._nu()
        return (nu + 1.0) / ((nu + 3.0) * float(np.square(sigma)))

    def simulate(self, eta, sigma, rng):
        return eta + sigma * rng.standard_t(self._nu(), size=np.shape(eta))

    def variance(self, eta, sigma):
        nu = self._nu()
        value = np.square(sigma) * nu / (nu - 2.0) if nu > 2 else np.inf
        return np.broadcast_to(value, np.shape(eta))

    def pointwise(self, eta, y, sigma):
        nu = self._nu()
        z = (y - eta) / sigma
        return (gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * np.log(nu * np.pi) - np.log(sigma)
                - 0.5 * (nu + 1) * np.log1p(z * z / nu))
