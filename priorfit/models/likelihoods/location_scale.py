"""The base of the row-wise location-scale families ``y ~ D(Xw + c, s)`` with a dispersion ``s``:
Student-t, Laplace and the quantile (asymmetric Laplace) likelihood.

What they share: ``s`` fixed (``pm.Data``) or random under a sigma prior, the log density summed
over rows of the centred design, the starting intercept at the kink's (or centre's) quantile of
``y``, and the rule that makes an estimated ``s`` improper under Jeffreys' prior (the data fitted
exactly). The family's own file says what ``D`` is.
"""

from __future__ import annotations

from typing import ClassVar, Literal

import numpy as np

from priorfit.errors import InputError
from priorfit.models.likelihoods.base import Likelihood, fits_exactly
from priorfit.models.likelihoods.sigma import SigmaPrior


class LocationScale(Likelihood):
    """``y ~ D(Xw + c, s)``, row by row; subclasses set ``D`` (:meth:`observe`) and its moments."""

    has_dispersion = True
    sufficient = False
    center: ClassVar[float] = 0.5  # the quantile of y given eta that eta is (the median; quantile Q)

    def initial_intercept(self, design) -> float:
        return float(np.quantile(design.y, self.center)) if design.intercept else 0.0

    @staticmethod
    def least_squares_residuals(design) -> np.ndarray:
        """The residuals of least squares on the centred design (a plug-in ``s`` starts from them)."""
        Xc = design.X - design.x_mean
        yc = design.y - (design.y.mean() if design.intercept else 0.0)
        beta, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
        return yc - Xc @ beta

    def effect_scale(self, design) -> float:
        y = design.y
        mad = 1.4826 * float(np.median(np.abs(y - np.median(y))))
        return mad if mad > 0 else float(y.std())

    def improper_reason(self, design, sigma_prior: SigmaPrior | None, scale_follows_sigma: bool) -> str | None:
        """As for the Gaussian: with Jeffreys' ``p(s) ∝ 1/s``, a prior not scaled by ``s`` and data
        that some coefficients fit exactly, the marginal posterior of ``s`` behaves as ``1/s`` near 0
        (the likelihood's ``s^-n`` against the ``s^n`` volume of coefficients within ``s`` of the
        exact fit), which is not integrable."""
        if sigma_prior is None or not sigma_prior.improper_at_zero or scale_follows_sigma or not fits_exactly(design):
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
        self.observe(mean, sigma, pm.Data("y_observed", design.y))

    def observe(self, location, sigma, y) -> None:
        """The observed random variable ``y`` of the current PyMC model."""
        raise NotImplementedError

    def information(self, sigma) -> float:
        """The Fisher information of the location per row (preconditions NUTS only)."""
        raise NotImplementedError

    def quadratic(self, design, sigma):
        w = self.information(sigma)
        Xc = design.X - design.x_mean
        return w * (Xc.T @ Xc), w * (Xc.T @ (design.y - self.initial_intercept(design)))

    def quadratic_rows(self, design, sigma):
        w = self.information(sigma)
        Xc = design.X - design.x_mean
        return np.sqrt(w) * Xc, w * (Xc.T @ (design.y - self.initial_intercept(design)))

    def weights(self, eta, sigma):
        return np.full(np.shape(eta), self.information(sigma))

    def data_values(self, design, form: str = "rows") -> dict:
        return {"y_observed": design.y}

    def mean(self, eta):
        return eta  # the point prediction: the median (Student-t, Laplace) or the quantile Q
