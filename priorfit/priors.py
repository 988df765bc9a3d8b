"""The prior registry: densities on the coefficient vector, and nothing about penalties.

Each prior is one class, registered by ``name``: how it builds ``coef`` inside a PyMC model,
whether it has a meaningful mode, its Gaussian-equivalent precision (to whiten sampling) and,
for kinked priors, the weight of ``|w - mu|`` in its negative log density (for the polish's
L1 certificate). Which penalized estimator a prior's mode equals, and how its scale converts
to that estimator's alpha, depends on the likelihood too: see :mod:`priorfit.twins`.
PyMC is imported inside methods only, so that listing the priors stays instant.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .errors import InputError
from .settings import positive


class Prior:
    """A prior on the coefficient vector, located at ``mu`` with scale ``scale``.

    Subclasses register themselves by ``name``; adding a prior is one class (plus its rows in
    :mod:`priorfit.twins`).
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    has_mode: ClassVar[bool] = True
    target_accept: ClassVar[float] = 0.8
    whitened: ClassVar[bool] = True  # the coefficient vector can be sampled in whitened form
    scales: ClassVar[tuple[str, ...]] = ()  # random scale parameters of a hierarchical prior

    registry: ClassVar[dict[str, type[Prior]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Prior.registry[cls.name] = cls

    def __init__(self, scale: float, mu=0.0):
        self.scale = positive(scale, f"The {self.name} prior scale")
        if not np.all(np.isfinite(np.asarray(mu, dtype=float))):
            raise InputError(f"The {self.name} prior location {mu!r} is not allowed; it must be finite.")
        self.mu = mu

    def params(self) -> dict:
        mu = np.asarray(self.mu, dtype=float)
        return {"scale": self.scale, "mu": mu.tolist() if mu.ndim else float(mu)}

    @classmethod
    def from_params(cls, params: dict) -> Prior:
        """The prior that :meth:`params` describes (to read saved results)."""
        return cls(params["scale"], params["mu"])

    def mu_vector(self, p: int) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.mu, dtype=float), (p,)).copy()

    def precision(self) -> float:
        """Precision of a Gaussian with the prior's variance (to precondition sampling)."""
        raise NotImplementedError

    def l1_weight(self) -> float | None:
        """Weight of |w_j - mu_j| in the negative log density, for kinked priors."""
        return None

    def build(self, p: int, transform=None):
        """Create the coefficient vector ``coef`` inside the current PyMC model.

        ``transform`` is a PyMC transform of ``coef`` (the whitening), or None.
        """
        raise NotImplementedError

    @classmethod
    def default(cls, mu, *, sigma: float) -> tuple[Prior, str]:
        """Default hyperparameters of a prior without a penalized twin, and their description."""
        raise NotImplementedError


class Normal(Prior):
    name = "normal"
    summary = "Gaussian prior w_j ~ Normal(mu, tau): ridge regression"

    def precision(self):
        return 1.0 / self.scale**2

    def build(self, p, transform=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        tau = pm.Data("prior_scale", self.scale)
        return pm.Normal("coef", mu=mu, sigma=tau, dims="feature", **_transform(transform))


class Laplace(Prior):
    name = "laplace"
    summary = "Laplace prior w_j ~ Laplace(mu, b): the lasso"

    def precision(self):
        return 1.0 / (2.0 * self.scale**2)

    def l1_weight(self):
        return 1.0 / self.scale

    def build(self, p, transform=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        b = pm.Data("prior_scale", self.scale)
        return pm.Laplace("coef", mu=mu, b=b, dims="feature", **_transform(transform))


class Horseshoe(Prior):
    """Horseshoe, non-centred: ``w_j = mu_j + z_j lambda_j tau``, ``lambda_j ~ C+(0, 1)``.

    The global scale ``tau`` is fixed (``scale``) or, by default, ``tau ~ C+(0, global_prior_scale)``.
    """

    name = "horseshoe"
    summary = "horseshoe w_j ~ Normal(mu, lambda_j tau), lambda_j ~ C+(0,1); non-centred"
    has_mode = False
    # measured on diabetes over seeds 0-3 (4 x 1000 draws): 0.99 gave 27-144 divergences and
    # once R-hat 1.03; 0.999 gave 8-23 divergences, R-hat <= 1.005, at twice the sampling time
    target_accept = 0.999
    whitened = False
    scales = ("global_scale", "local_scale")

    def __init__(self, scale: float | None = None, mu=0.0, *, global_prior_scale: float = 1.0):
        super().__init__(global_prior_scale if scale is None else scale, mu)
        self.scale = None if scale is None else self.scale
        self.global_prior_scale = positive(global_prior_scale, "The horseshoe global prior scale")

    @classmethod
    def default(cls, mu, *, sigma: float) -> tuple[Horseshoe, str]:
        """tau ~ C+(0, sigma), as Carvalho, Polson & Scott scale the horseshoe by the noise sd."""
        return cls(None, mu, global_prior_scale=sigma), f"global scale ~ HalfCauchy(sigma) with sigma = {sigma:.6g}"

    def params(self):
        params = super().params()
        params["global_prior_scale"] = self.global_prior_scale
        if self.scale is None:
            params["global_scale"] = f"halfcauchy:{self.global_prior_scale:.6g}"
        return params

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], global_prior_scale=params["global_prior_scale"])

    def precision(self):
        return 0.0

    def build(self, p, transform=None):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        if self.scale is None:
            tau = pm.HalfCauchy("global_scale", beta=pm.Data("prior_scale", self.global_prior_scale))
        else:
            tau = pm.Data("prior_scale", self.scale)
        local = pm.HalfCauchy("local_scale", beta=1.0, dims="feature")
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * local * tau, dims="feature")


def _transform(transform) -> dict:
    return {} if transform is None else {"transform": transform}


def get(name: str) -> type[Prior]:
    """The prior class registered as ``name``."""
    try:
        return Prior.registry[name]
    except KeyError:
        raise InputError(
            f"Unknown prior {name!r}; allowed are: {', '.join(Prior.registry)}."
        ) from None
