"""The Student-t family: ``y ~ StudentT(nu, Xw + c, s)`` with ``nu`` fixed, robust regression.

No penalized estimator minimizes minus this log likelihood plus a penalty (its loss is not
convex), so the family has no twin: the nearest references (HuberRegressor) are shown beside it.
The log density is the true one: its normalizer ``lgamma((nu+1)/2) - lgamma(nu/2) - log(nu pi)/2
- log s`` is kept, as it depends on the random dispersion ``s``.
"""

from __future__ import annotations

from typing import Literal

import numpy as np
from scipy.special import gammaln

from priorfit.errors import InputError
from priorfit.models.likelihoods.base import Likelihood, PluginDispersion
from priorfit.models.likelihoods.sigma import SigmaPrior


class StudentT(Likelihood):
    """``y ~ StudentT(nu, Xw + c, s)``; the nearest references are robust losses (Huber)."""

    name = "student_t"
    summary = "y ~ StudentT(nu, Xw + c, s), nu fixed (--nu); robust, no penalized twin"
    has_dispersion = True
    sufficient = False
    options = ("nu",)

    def __init__(self, nu: float | None = None):
        self.nu = nu

    def _nu(self) -> float:
        if self.nu is None:
            raise InputError("The student_t likelihood needs --nu NU, its degrees of freedom (a number > 0).")
        return float(self.nu)

    def initial_intercept(self, design) -> float:
        return float(np.median(design.y)) if design.intercept else 0.0

    def _residuals(self, design) -> np.ndarray:
        Xc = design.X - design.x_mean
        yc = design.y - (design.y.mean() if design.intercept else 0.0)
        beta, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
        return yc - Xc @ beta

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The median absolute deviation of the least-squares residuals over the t quantile at 3/4
        (the MAD of a t(nu, 0, s) variable is ``s * t_nu.ppf(0.75)``), robust to the outliers."""
        from scipy.stats import t

        r = self._residuals(design)
        mad = float(np.median(np.abs(r - np.median(r))))
        if not mad > 0:
            raise InputError(f"{design.dataset.name}: the residuals have no spread, so no plug-in s; give --sigma.")
        return PluginDispersion(mad / float(t.ppf(0.75, self._nu())), "MAD of the least-squares residuals / t_nu quantile 0.75")

    def pseudo_sigma(self, design, dispersion):
        return 1.0 if dispersion is None else float(dispersion)

    def effect_scale(self, design) -> float:
        y = design.y
        mad = 1.4826 * float(np.median(np.abs(y - np.median(y))))
        return mad if mad > 0 else float(y.std())

    def improper_reason(self, design, sigma_prior: SigmaPrior | None, scale_follows_sigma: bool) -> str | None:
        if sigma_prior is None or not sigma_prior.improper_at_zero or scale_follows_sigma:
            return None
        if design.p < design.n - int(design.intercept):
            return None
        return (
            f"With s estimated under Jeffreys' prior p(s) ∝ 1/s the posterior is improper: {design.p} features for "
            f"{design.n} rows fit the data exactly; give a proper prior (--sigma-prior halfnormal:S) or fix s (--sigma VALUE)."
        )

    def dispersion(self, fixed, prior, initval):
        import pymc as pm

        return pm.Data("sigma", float(fixed)) if fixed is not None else prior.build(initval=initval)

    def add(self, design, coef, intercept, sigma, *, form: Literal["sufficient", "rows"] = "rows"):
        import pymc as pm

        if form not in ("sufficient", "rows"):
            raise InputError(f"Likelihood form {form!r} is not allowed; use 'rows'.")
        Xc = pm.Data("X_centred", design.X - design.x_mean)
        mean = Xc @ coef + (intercept if intercept is not None else 0.0)
        pm.StudentT("y", nu=self._nu(), mu=mean, sigma=sigma, observed=pm.Data("y_observed", design.y))

    def quadratic(self, design, sigma):
        # the expected information of the location, (nu + 1) / ((nu + 3) s^2) per row; preconditions only
        w = float(self.weights(np.zeros(1), sigma)[0])
        Xc = design.X - design.x_mean
        return w * (Xc.T @ Xc), w * (Xc.T @ (design.y - self.initial_intercept(design)))

    def data_values(self, design, form: str = "rows") -> dict:
        return {"y_observed": design.y}

    def mean(self, eta):
        return eta  # E[y | eta] for nu > 1; the median (and mode) for any nu

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

    def weights(self, eta, sigma):
        nu = self._nu()
        return np.full(np.shape(eta), (nu + 1.0) / ((nu + 3.0) * np.square(sigma)))
