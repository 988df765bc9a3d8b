"""The prior registry, and the one place where prior scales and penalty strengths convert.

Gaussian likelihood ``y ~ N(X w + c, sigma^2)``, flat prior on the intercept ``c``, ``n`` rows.
scikit-learn's objectives, as written in its docstrings:

==========================  ==============================================  ==============================
prior on each ``w_j``       scikit-learn objective                          exact match
==========================  ==============================================  ==============================
Normal(mu_j, tau)           Ridge: ``||y - Xw||^2 + alpha ||w||^2``         ``alpha = sigma^2 / tau^2``
Laplace(mu_j, b)            Lasso: ``(1/2n)||y - Xw||^2 + alpha ||w||_1``   ``alpha = sigma^2 / (n b)``
horseshoe                   none exists                                     nearest: LassoCV, ARDRegression
==========================  ==============================================  ==============================

A prior centred at ``mu != 0`` is the penalty on ``w - mu``; the penalized side fits
``y - X mu`` and adds ``mu`` back. PyMC and scikit-learn are imported inside methods only,
so that listing the priors stays instant.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from .errors import InputError


class Prior:
    """A prior on the coefficient vector and what it corresponds to on the penalized side.

    Subclasses register themselves by ``name``; adding a prior is one class.
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    counterpart: ClassVar[str]  # scikit-learn estimator, or the nearest ones
    conversion: ClassVar[str]  # formula shown by `priorfit priors` and in reports
    exact: ClassVar[bool] = True  # the MAP equals the penalized estimate
    has_mode: ClassVar[bool] = True
    kinked: ClassVar[bool] = False  # non-differentiable at mu (needs an L1 certificate)
    target_accept: ClassVar[float] = 0.8
    whitened: ClassVar[bool] = True  # the coefficient vector can be sampled in whitened form

    registry: ClassVar[dict[str, type[Prior]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        Prior.registry[cls.name] = cls

    def __init__(self, scale: float, mu=0.0):
        self.scale = positive(scale, f"The {self.name} prior scale")
        if not np.all(np.isfinite(np.asarray(mu, dtype=float))):
            raise InputError(f"The {self.name} prior location {mu!r} is not allowed; it must be finite.")
        self.mu = mu

    # -- the conversions: the only place they are written --------------------------------
    @staticmethod
    def alpha_from_scale(scale: float, sigma: float, n: int) -> float:
        raise NotImplementedError

    @staticmethod
    def scale_from_alpha(alpha: float, sigma: float, n: int) -> float:
        raise NotImplementedError

    @classmethod
    def from_alpha(cls, alpha: float, *, sigma: float, n: int, mu=0.0) -> Prior:
        alpha = positive(alpha, "alpha")
        return cls(cls.scale_from_alpha(alpha, sigma, n), mu=mu)

    def alpha(self, sigma: float, n: int) -> float:
        """The scikit-learn alpha of the counterpart at noise sd ``sigma``."""
        return self.alpha_from_scale(self.scale, sigma, n)

    # -- description ------------------------------------------------------------------------
    def params(self) -> dict:
        mu = np.asarray(self.mu, dtype=float)
        return {"scale": self.scale, "mu": mu.tolist() if mu.ndim else float(mu)}

    def mu_vector(self, p: int) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.mu, dtype=float), (p,)).copy()

    def precision(self) -> float:
        """Precision of a Gaussian with the prior's variance (to precondition sampling)."""
        raise NotImplementedError

    def l1_weight(self) -> float | None:
        """Weight of |w_j - mu_j| in the negative log density, for kinked priors."""
        return None

    # -- the two sides ------------------------------------------------------------------------
    def build(self, p: int, whiten):
        """Create the coefficient vector ``coef`` inside the current PyMC model."""
        raise NotImplementedError

    def estimator(self, alpha: float, fit_intercept: bool):
        """The scikit-learn estimator whose objective this prior's MAP minimizes."""
        raise NotImplementedError

    @classmethod
    def cv_estimator(cls, fit_intercept: bool, n: int):
        """The cross-validated counterpart (for ``n`` rows) that picks the default alpha."""
        raise NotImplementedError

    @classmethod
    def default(cls, mu, *, sigma: float) -> tuple[Prior, str]:
        """Default hyperparameters of a prior without a penalized twin, and their description."""
        raise NotImplementedError


class Normal(Prior):
    name = "normal"
    summary = "Gaussian prior w_j ~ Normal(mu, tau): ridge regression"
    counterpart = "Ridge"
    conversion = "alpha = sigma^2 / tau^2"

    @staticmethod
    def alpha_from_scale(scale, sigma, n):
        return sigma**2 / scale**2

    @staticmethod
    def scale_from_alpha(alpha, sigma, n):
        return float(sigma / np.sqrt(alpha))

    def precision(self):
        return 1.0 / self.scale**2

    def build(self, p, whiten):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        tau = pm.Data("prior_scale", self.scale)
        return pm.Normal("coef", mu=mu, sigma=tau, dims="feature", **_transform(whiten))

    def estimator(self, alpha, fit_intercept):
        from sklearn.linear_model import Ridge

        return Ridge(alpha=alpha, fit_intercept=fit_intercept, solver="cholesky")

    @classmethod
    def cv_estimator(cls, fit_intercept, n):
        from sklearn.linear_model import RidgeCV

        # efficient leave-one-out over a grid wide enough for standardized or raw designs
        return RidgeCV(alphas=np.logspace(-4, 5, 91), fit_intercept=fit_intercept)


class Laplace(Prior):
    name = "laplace"
    summary = "Laplace prior w_j ~ Laplace(mu, b): the lasso"
    counterpart = "Lasso"
    conversion = "alpha = sigma^2 / (n b)"
    kinked = True

    @staticmethod
    def alpha_from_scale(scale, sigma, n):
        return sigma**2 / (n * scale)

    @staticmethod
    def scale_from_alpha(alpha, sigma, n):
        return float(sigma**2 / (n * alpha))

    def precision(self):
        return 1.0 / (2.0 * self.scale**2)

    def l1_weight(self):
        return 1.0 / self.scale

    def build(self, p, whiten):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        b = pm.Data("prior_scale", self.scale)
        return pm.Laplace("coef", mu=mu, b=b, dims="feature", **_transform(whiten))

    def estimator(self, alpha, fit_intercept):
        from sklearn.linear_model import Lasso

        # tol is relative to the dual gap; this makes the estimate exact to ~1e-10.
        return Lasso(alpha=alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=1_000_000)

    @classmethod
    def cv_estimator(cls, fit_intercept, n):
        from sklearn.linear_model import LassoCV

        return LassoCV(cv=min(5, n), fit_intercept=fit_intercept, max_iter=100_000)


class Horseshoe(Prior):
    """Horseshoe, non-centred: ``w_j = mu_j + z_j lambda_j tau``, ``lambda_j ~ C+(0, 1)``.

    The global scale ``tau`` is fixed (``scale``) or, by default, ``tau ~ C+(0, global_prior_scale)``.
    """

    name = "horseshoe"
    summary = "horseshoe w_j ~ Normal(mu, lambda_j tau), lambda_j ~ C+(0,1); non-centred"
    counterpart = "LassoCV, ARDRegression (nearest; no exact counterpart)"
    conversion = "none: the density has a pole at mu, so there is no meaningful posterior mode"
    exact = False
    has_mode = False
    # measured on diabetes over seeds 0-3 (4 x 1000 draws): 0.99 gave 27-144 divergences and
    # once R-hat 1.03; 0.999 gave 8-23 divergences, R-hat <= 1.005, at twice the sampling time
    target_accept = 0.999
    whitened = False

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
        if self.scale is None:
            params["global_scale"] = f"halfcauchy:{self.global_prior_scale:.6g}"
        return params

    def precision(self):
        return 0.0

    def build(self, p, whiten):
        import pymc as pm

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        if self.scale is None:
            tau = pm.HalfCauchy("global_scale", beta=pm.Data("prior_scale", self.global_prior_scale))
        else:
            tau = pm.Data("prior_scale", self.scale)
        local = pm.HalfCauchy("local_scale", beta=1.0, dims="feature")
        z = pm.Normal("coef_raw", 0.0, 1.0, dims="feature")
        return pm.Deterministic("coef", mu + z * local * tau, dims="feature")

    def estimators(self, fit_intercept: bool, n: int):
        """The nearest penalized estimators: the lasso with CV alpha, and ARD."""
        from sklearn.linear_model import ARDRegression

        return {
            "LassoCV": Laplace.cv_estimator(fit_intercept, n),
            "ARDRegression": ARDRegression(fit_intercept=fit_intercept),
        }


def _transform(whiten) -> dict:
    return {} if whiten is None else {"transform": whiten}


def positive(value, what: str) -> float:
    """``value`` as a float, or an InputError naming ``what`` unless it is a positive number."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not (np.isfinite(number) and number > 0):
        raise InputError(f"{what} {value!r} is not allowed; it must be a positive number.")
    return number


def get(name: str) -> type[Prior]:
    """The prior class registered as ``name``."""
    try:
        return Prior.registry[name]
    except KeyError:
        raise InputError(
            f"Unknown prior {name!r}; allowed are: {', '.join(Prior.registry)}."
        ) from None
