"""The Laplace family: ``y ~ Laplace(Xw + c, s)``, least absolute deviations.

Its loss is piecewise linear in the residual ``r = y - Xw - c``: ``-log p(y | eta, s) =
log(2 s) + |r| / s``. With a Laplace prior the posterior mode is scikit-learn's
``QuantileRegressor(quantile=0.5)`` (a linear program); the quantile family
(:mod:`priorfit.models.likelihoods.quantile`) is the same density with unequal slopes. Written
once here for both: the loss ``rho(r) = hi * r`` for ``r > 0`` and ``lo * (-r)`` for ``r < 0``
(:attr:`Laplace.slopes` gives ``(lo, hi)``), and the density ``k / s * exp(-rho(r) / s)`` with
``k = lo * hi / (lo + hi)``, so that every moment, draw and plug-in below follows from the slopes.
The log density keeps ``log(k / s)``: it depends on the random dispersion.
"""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.likelihoods.base import PluginDispersion
from priorfit.models.likelihoods.location_scale import LocationScale


class Laplace(LocationScale):
    """``y ~ Laplace(Xw + c, s)``; with a Laplace prior, ``QuantileRegressor(quantile=0.5)``."""

    name = "laplace"
    summary = "y ~ Laplace(Xw + c, s): least absolute deviations; QuantileRegressor(quantile=0.5)"
    kinked = True

    @property
    def slopes(self) -> tuple[float, float]:
        """``(lo, hi)``: the loss is ``hi * r`` above the kink and ``lo * (-r)`` below it."""
        return 1.0, 1.0

    @property
    def log_normalizer(self) -> float:
        """``log k`` in the density ``k / s * exp(-rho(r) / s)``."""
        lo, hi = self.slopes
        return float(np.log(lo * hi / (lo + hi)))

    def loss(self, r) -> np.ndarray:
        """``rho(r)``, the loss of each residual in units of ``s``."""
        lo, hi = self.slopes
        r = np.asarray(r, dtype=float)
        return np.where(r > 0, hi * r, -lo * r)

    def observe(self, location, sigma, y):
        import pymc as pm

        pm.Laplace("y", mu=location, b=sigma, observed=y)

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The maximum-likelihood ``s`` of the least-squares residuals moved to their kink's
        quantile: ``s = mean(rho(r - Q(r)))``."""
        r = self.least_squares_residuals(design)
        s = float(self.loss(r - np.quantile(r, self.center)).mean())
        if not s > 0:
            raise InputError(f"{design.dataset.name}: the residuals have no spread, so no plug-in s; give --sigma.")
        return PluginDispersion(s, "mean loss of the least-squares residuals about their quantile (the MLE of s)")

    def _above(self) -> float:
        lo, hi = self.slopes
        return lo / (lo + hi)  # P(r > 0): the density's mass above the kink

    def information(self, sigma) -> float:
        lo, hi = self.slopes
        above = self._above()
        return (above * hi**2 + (1 - above) * lo**2) / float(np.square(sigma))

    def simulate(self, eta, sigma, rng):
        lo, hi = self.slopes
        shape = np.shape(eta)
        up = rng.random(shape) < self._above()
        return eta + np.where(up, rng.exponential(1.0, shape) * sigma / hi, -rng.exponential(1.0, shape) * sigma / lo)

    def variance(self, eta, sigma):
        lo, hi = self.slopes
        above = self._above()
        mean = above / hi - (1 - above) / lo
        second = 2 * (above / hi**2 + (1 - above) / lo**2)
        return np.broadcast_to(np.square(sigma) * (second - mean**2), np.shape(eta))

    def pointwise(self, eta, y, sigma):
        return self.log_normalizer - np.log(sigma) - self.loss(y - eta) / sigma
