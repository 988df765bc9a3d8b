"""The Poisson family: ``y ~ Poisson(exp(X w + c))``, row by row."""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.likelihoods.unbounded import counts_unbounded
from priorfit.models.likelihoods.base import RowLikelihood, numeric_target


MAX_RATE = 1e18


class Poisson(RowLikelihood):
    """``y ~ Poisson(exp(X w + c))``; scikit-learn's PoissonRegressor."""

    name = "poisson"
    discrete = True
    summary = "y ~ Poisson(exp(Xw + c)); y is a non-negative integer count; row by row"
    support = (0.0, np.inf)

    def rises_without_end(self, Z, y):
        if not counts_unbounded(Z, y):
            return None
        return ("the counts' likelihood increases without end along them (X times a flat direction is 0 on every positive "
                "count and negative on zeros)")

    def encode_y(self, y, where):
        y = numeric_target(y, where, self.name)
        bad = np.flatnonzero((y < 0) | (y != np.round(y)))
        if bad.size:
            raise InputError(
                f"The target of {where} has the value {y[bad[0]]:g} in row {bad[0] + 1}; the poisson likelihood "
                "needs non-negative whole numbers (counts)."
            )
        if not y.any():
            raise InputError(f"The target of {where} is all zeros; the poisson likelihood needs some positive counts.")
        return y, None

    def mean_function(self, eta):
        import pytensor.tensor as pt

        return pt.exp(eta)

    def variance_at_mean(self, mean):
        return mean

    def link(self, mean):
        return float(np.log(mean))

    def mean(self, eta):
        return np.exp(eta)

    def simulate(self, eta, dispersion, rng):
        # a rate above MAX_RATE (a prior predictive far in its tail) is drawn at MAX_RATE: NumPy's
        # Poisson sampler refuses rates near 2**63
        return rng.poisson(np.exp(np.minimum(eta, np.log(MAX_RATE)))).astype(float)

    def data_values(self, design, form="rows"):
        from scipy.special import gammaln

        return {"y_observed": design.y, "y_log_factorial": gammaln(design.y + 1.0)}

    def log_density(self, y, eta, log_factorial):
        import pytensor.tensor as pt

        return y * eta - pt.exp(eta) - log_factorial

    def pointwise(self, eta, y, dispersion=None):
        from scipy.special import gammaln

        return y * eta - np.exp(eta) - gammaln(y + 1.0)

    def weights(self, eta, dispersion=None):
        return np.exp(eta)
