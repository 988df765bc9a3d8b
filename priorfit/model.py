"""The PyMC model for a design, a prior and a noise model. No sampling happens here.

Hyperparameters and data enter through ``pm.Data`` so that a compiled model can be reused
with new values. Coefficients of Normal and Laplace priors are sampled in whitened
coordinates ``z`` with ``w = shift + L z``, where ``L L' = (X'X / s^2 + prior precision)^-1``
comes from the Gram matrix: a correlated design then looks isotropic to NUTS. The transform
is affine, so its Jacobian is a constant and neither the posterior nor its mode change.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from .data import Design
from .likelihoods import Gaussian, SigmaPrior
from .priors import Prior


def whitening(design: Design, prior: Prior, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Shift and Cholesky factor of the Gaussian approximation of the coefficient posterior."""
    precision = design.gram / sigma**2 + prior.precision() * np.eye(design.p)
    cov = np.linalg.inv(precision)
    cov = (cov + cov.T) / 2
    shift = cov @ (design.xty / sigma**2 + prior.precision() * prior.mu_vector(design.p))
    return shift, np.linalg.cholesky(cov)


def _whiten_transform(shift: np.ndarray, chol: np.ndarray):
    # Constants, not pm.Data: a transform cannot reach shared variables outside the RV's
    # graph. That is fine: the whitening only preconditions, and any fixed one is valid
    # for every value of the hyperparameters.
    import pytensor.tensor as pt
    from pymc.logprob.transforms import Transform

    class Whiten(Transform):
        name = "whiten"
        ndim_supp = 1

        def forward(self, value, *inputs):
            return pt.linalg.solve_triangular(chol, value - shift, lower=True)

        def backward(self, value, *inputs):
            return shift + pt.dot(chol, value)

        def log_jac_det(self, value, *inputs):
            # a scalar: PyMC then sums the elementwise prior log density over features
            return pt.sum(pt.log(pt.diag(chol)))

    return Whiten()


def build_model(
    design: Design,
    prior: Prior,
    sigma: float | SigmaPrior,
    *,
    plugin_sigma: float,
    whiten: bool = True,
    form: Literal["sufficient", "rows"] = "sufficient",
):
    """A PyMC model: ``prior`` on ``coef``, flat intercept, ``sigma`` fixed or with a prior.

    Parameters
    ----------
    design : Design
        Model-scale data and sufficient statistics.
    prior : Prior
        Prior on the coefficients.
    sigma : float or SigmaPrior
        A fixed noise sd, or the prior of an estimated one.
    plugin_sigma : float
        A rough noise sd, used for the whitening and as the starting value of ``sigma``.
    whiten : bool
        Sample Normal/Laplace coefficients in whitened coordinates.
    form : {"sufficient", "rows"}
        Gaussian likelihood through X'X, X'y, y'y (default) or row by row (cross-check).
    """
    import pymc as pm
    import pytensor.tensor as pt

    with pm.Model(coords={"feature": list(design.features)}) as model:
        if isinstance(sigma, SigmaPrior):
            noise = sigma.build(initval=plugin_sigma)
        else:
            noise = pm.Data("sigma", float(sigma))
        transform = None
        if whiten and prior.whitened:
            shift, chol = whitening(design, prior, float(sigma) if not isinstance(sigma, SigmaPrior) else plugin_sigma)
            transform = _whiten_transform(shift, chol)
        coef = prior.build(design.p, transform)
        centred = pm.Flat("intercept_centred", initval=design.y_mean) if design.intercept else None
        Gaussian.add(design, coef, centred, noise, form=form)
        if design.intercept:
            intercept = pm.Deterministic("intercept", centred - pt.dot(coef, design.x_mean))
        if design.standardized:
            coef_original = pm.Deterministic("coef_original", coef / design.x_scale, dims="feature")
            if design.intercept:
                pm.Deterministic("intercept_original", intercept - pt.dot(coef_original, design.x_center))
    return model
