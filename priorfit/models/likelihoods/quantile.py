"""The quantile family: ``y ~ AsymmetricLaplace(Xw + c, s, Q)``, quantile regression.

``-log p(y | eta, s) = -log(Q (1 - Q) / s) + rho_Q(r) / s`` with the pinball loss
``rho_Q(r) = r (Q - 1[r < 0])``, so ``eta`` is the Q-quantile of ``y`` and the posterior mode with a
Laplace prior is scikit-learn's ``QuantileRegressor(quantile=Q)``. As a likelihood it is a working
model: nothing says the data are asymmetric-Laplace, and its posterior intervals are known to be
too narrow or too wide when they are not (Yang, Wang & He 2016, "Posterior inference in Bayesian
quantile regression with asymmetric Laplace likelihood"; Sriram, Ramamoorthi & Ghosh 2013): the
held-out coverage (``--holdout``) shows it. PyMC's ``AsymmetricLaplace(q=Q, b=sqrt(Q (1 - Q)) / s)``
is this density.
"""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.likelihoods.laplace import Laplace


class Quantile(Laplace):
    """``y ~ AsymmetricLaplace(Xw + c, s, Q)``; with a Laplace prior, ``QuantileRegressor(quantile=Q)``."""

    name = "quantile"
    summary = "y ~ AsymmetricLaplace(Xw + c, s, Q) (--quantile Q): the Q-quantile; QuantileRegressor(quantile=Q)"
    caveat = ("the asymmetric Laplace is a working likelihood for the quantile: its credible intervals have the wrong "
              "width unless y given x is asymmetric-Laplace (Yang, Wang & He 2016; Sriram, Ramamoorthi & Ghosh 2013), "
              "so read them with held-out coverage (--holdout) beside them")
    options = ("quantile",)

    def __init__(self, quantile: float | None = None):
        self.quantile = quantile

    @property
    def center(self) -> float:
        return self._q()

    def check(self) -> None:
        self._q()

    def _q(self) -> float:
        if self.quantile is None:
            raise InputError("The quantile likelihood needs --quantile Q, the quantile it models (a number between 0 and 1).")
        return float(self.quantile)

    @property
    def slopes(self) -> tuple[float, float]:
        q = self._q()
        return 1.0 - q, q

    def twin_options(self) -> dict:
        return {"quantile": self._q()}

    def observe(self, location, sigma, y):
        import pymc as pm

        q = self._q()
        pm.AsymmetricLaplace("y", q=q, mu=location, b=np.sqrt(q * (1 - q)) / sigma, observed=y)
