"""The base of every prior: :class:`Prior`, its registry, and the registry's look-ups.

A prior family is one subclass of :class:`Prior` in its own file of this package; defining the
subclass registers it under its ``name`` (``register=False`` keeps a variant built for a
measurement out of the registry). The package's ``__init__`` imports each family file, in the
order the registry lists them.
"""

from __future__ import annotations

import copy
from typing import ClassVar

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.hyperpriors import Hyperprior, hyperprior
from priorfit.validation import positive


class Prior:
    """A prior on the coefficient vector, located at ``mu`` with scale ``scale``.

    Subclasses register themselves by ``name``; adding a prior is one class (plus its rows in
    :mod:`priorfit.penalized.twins`).
    """

    name: ClassVar[str]
    summary: ClassVar[str]
    has_mode: ClassVar[bool] = True
    target_accept: ClassVar[float] = 0.8
    whitened: ClassVar[bool] = True  # the coefficient vector can be sampled in whitened form
    has_kinks: ClassVar[bool] = False  # its density has kinks (the L1 family): not whitened on wide data (whitening.applies)
    precision_is_diagonal: ClassVar[bool] = True  # precision_matrix() is diagonal (precision_diagonal() gives it)
    # NUTS's gradients per draw, about factor * p ** power (priorfit.inference.budget, where they are measured):
    # a smooth whitened posterior, p^(1/4); kinks (the Laplace prior) or funnels (the horseshoe family), p^(1/2)
    nuts_steps: ClassVar[tuple[float, float]] = (2.2, 0.25)
    parameters_per_coefficient: ClassVar[int] = 1  # unconstrained values NUTS moves per coefficient
    # build() passes its distribution's parameter through anchored(): the whitening is then
    # shared variables, and the compiled graph does not depend on the data or the scale
    anchors_whitening: ClassVar[bool] = False
    scales: ClassVar[tuple[str, ...]] = ()  # random scale parameters of a hierarchical prior
    options: ClassVar[tuple[str, ...]] = ()  # settings the prior takes besides scale and mu
    scales_with_sigma: ClassVar[bool] = False  # can be sigma-scaled (--scale-by-sigma)
    takes_scale: ClassVar[bool] = True  # a scale setting means something to it (refused otherwise)
    # without a twin and a given scale: the prior's sd in units of the effect scale (rstanarm's
    # autoscaled normal(0, 2.5 sd(y)) on standardized columns), or None: a scale must be given
    autoscale_sd: ClassVar[float | None] = None
    # -log p has a norm of each group of coefficients (the group lasso's): the polish's block soft threshold
    grouped: ClassVar[bool] = False
    sd_per_scale: ClassVar[float] = 1.0  # the prior's sd at scale 1 (Laplace: sqrt 2)

    registry: ClassVar[dict[str, type[Prior]]] = {}

    def __init_subclass__(cls, register: bool = True, **kwargs):
        super().__init_subclass__(**kwargs)
        if register:  # a variant built for a measurement (benchmarks/) stays out of the registry
            Prior.registry[cls.name] = cls

    def __init__(self, scale: float | Hyperprior, mu=0.0):
        self.hyperprior = scale if isinstance(scale, Hyperprior) else None
        if self.hyperprior is not None:
            # hierarchical: the scale is random, so the joint density of w and the scale is
            # unbounded as both go to 0 (no meaningful mode), and there is no fixed precision
            self.scale, self.has_mode, self.whitened, self.scales = None, False, False, ("global_scale",)
        else:
            self.scale = positive(scale, f"The {self.name} prior scale")
        if not np.all(np.isfinite(np.asarray(mu, dtype=float))):
            raise InputError(f"The {self.name} prior location {mu!r} is not allowed; it must be finite.")
        self.mu = mu
        # Park & Casella (2008): the scale is multiplied by the noise sd sigma (b = sigma / lambda)
        self.by_sigma = False

    @classmethod
    def scale_follows_sigma(cls, settings) -> bool:
        """Whether the coefficients' prior scale is multiplied by the model's noise sd sigma."""
        return bool(settings.scale_by_sigma and cls.scales_with_sigma)

    def params(self) -> dict:
        mu = np.asarray(self.mu, dtype=float)
        params = {"scale": self.scale, "mu": mu.tolist() if mu.ndim else float(mu)}
        if self.hyperprior is not None:
            params["hyperprior"] = str(self.hyperprior)
        return params | ({"by_sigma": True} if self.by_sigma else {})

    def shown_params(self) -> dict:
        """:meth:`params` as a report shows them (the group Laplace prior's groups by feature name)."""
        return self.params()

    @classmethod
    def from_params(cls, params: dict) -> Prior:
        """The prior that :meth:`params` describes (to read saved results)."""
        return cls(params["scale"], params["mu"])

    @classmethod
    def restore(cls, params: dict) -> Prior:
        if params.get("hyperprior"):
            params = params | {"scale": hyperprior(params["hyperprior"])}
        prior = cls.from_params(params)
        prior.by_sigma = bool(params.get("by_sigma", False))
        return prior

    def with_scale(self, scale: float) -> Prior:
        """The same prior with another scale (a point of a path)."""
        new = copy.copy(self)
        new.scale = positive(scale, f"The {self.name} prior scale")
        return new

    def effective_scale(self, sigma: float | None) -> float:
        """The scale in coefficient units: ``scale * sigma`` for a sigma-scaled prior."""
        return self.scale * sigma if self.by_sigma else self.scale

    def mu_vector(self, p: int) -> np.ndarray:
        return np.broadcast_to(np.asarray(self.mu, dtype=float), (p,)).copy()

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray | None:
        """Exact prior draws of the coefficients (size x p) where PyMC cannot draw them (a density
        written as a Potential), given the effective scale of each draw (``scale``: a vector, or
        None for the fixed one); None: PyMC's prior predictive of the model draws them."""
        return None

    # the prior predictive and power-scaling (priorfit.diagnostics.predictive / sensitivity): NumPy, no PyMC

    def coef_draws(self, p: int, size: int, rng, *, scales: dict | None = None, sigma: float | None = None) -> np.ndarray:
        """Prior draws of the coefficients (size x p) in NumPy, given the draws of the prior's random
        scales (``scales``: name -> array of ``size`` rows, the model's ``prior`` group) and the
        noise sd ``sigma`` (a sigma-scaled prior's unit; None without one)."""
        return self.mu_vector(p) + self._kernel_draws(p, size, rng, self.coef_scales(p, size, scales, sigma)[:, 0])

    def coef_scales(self, p: int, size: int, scales: dict | None, sigma: float | None) -> np.ndarray:
        """The effective scale of the coefficients' kernel at each of ``size`` draws of the random
        scales (``scales`` as in :meth:`coef_draws`; unused at a fixed scale): size x 1, or size x p
        where each coefficient has its own (the horseshoe family's local scales)."""
        s = np.broadcast_to(self._global_scale(scales, size), (size,))
        if self.by_sigma and sigma is not None:
            s = s * sigma
        return np.asarray(s, dtype=float)[:, None]

    def marginal_density(self, x: np.ndarray, scales: dict | None = None, sigma: float | None = None) -> np.ndarray:
        """The prior density of each coefficient on its own (its marginal) at the values ``x`` (m x p:
        column j holds values of coefficient j), for the density plots: exact at a fixed scale; with
        random scales, the mean of the conditional densities over their draws (``scales``: name ->
        array of draws, the model's ``prior`` group flattened), whose Monte Carlo error shrinks as
        1/sqrt(draws). ``sigma``: the noise sd of a sigma-scaled prior. NaN where it is improper."""
        x = np.asarray(x, dtype=float)
        p = x.shape[-1]
        size = len(next(iter(scales.values()))) if scales and self.scales else 1
        s = self.coef_scales(p, size, scales if self.scales else None, sigma)
        d = x - self.mu_vector(p)
        return mixture(lambda rows: self._kernel_log_density(d, s[rows][:, None, :]), size, d.size)

    def log_prior(self, values: dict, sigma=None) -> dict[str, np.ndarray]:
        """The log prior density of each random variable at posterior draws (``values``: name ->
        array of shape (chain, draw, ...)), in the variables themselves (no Jacobian of a sampler's
        transform: what PyMC's ``compute_log_prior`` stores and arviz-stats' ``psense`` expects):
        ``coef`` elementwise (given the random scales), and each random scale's density. ``sigma``
        is the noise sd, a number or its draws (chain, draw), for a sigma-scaled prior."""
        coef = np.asarray(values["coef"], dtype=float)
        s = self.scale if self.hyperprior is None else np.asarray(values["global_scale"], dtype=float)[..., None]
        if self.by_sigma and sigma is not None:
            s = s * (np.asarray(sigma, dtype=float)[..., None] if np.ndim(sigma) else sigma)
        out = {"coef": self._kernel_log_density(coef - self.mu_vector(coef.shape[-1]), s)}
        if self.hyperprior is not None:
            out["global_scale"] = self.hyperprior.log_density(np.asarray(values["global_scale"], dtype=float))
        return out

    def power_scaled(self) -> tuple[str, ...]:
        """The variables of :meth:`log_prior` that power-scaling scales: the coefficients' prior, or
        for a hierarchical prior its top level (the random scales' priors), as Kallioinen et al.
        (2024) recommend; the conditional density of the coefficients given the scales stays."""
        return ("global_scale",) if self.hyperprior is not None else ("coef",)

    def _global_scale(self, scales: dict | None, size: int):
        if self.hyperprior is None:
            return self.scale
        return np.asarray(scales["global_scale"], dtype=float).reshape(size)

    def _kernel_draws(self, p: int, size: int, rng, scale: np.ndarray) -> np.ndarray:
        """Draws of ``w - mu`` (size x p) at the effective scale of each draw (``scale``: size)."""
        raise NotImplementedError

    def _kernel_log_density(self, d: np.ndarray, scale) -> np.ndarray:
        """``log p(w_j)`` at ``d = w - mu``, elementwise, at the effective scale (broadcast to d)."""
        raise NotImplementedError

    def gaussian_precision(self) -> float:
        """Precision of a Gaussian with the prior's variance (to precondition sampling)."""
        raise NotImplementedError

    def precision_diagonal(self, p: int) -> np.ndarray:
        """The diagonal of :meth:`precision_matrix` (p entries), for a prior whose matrix is diagonal
        (:attr:`precision_is_diagonal`)."""
        return np.full(p, self.gaussian_precision())

    def precision_matrix(self, p: int) -> np.ndarray:
        """The p x p precision of a Gaussian with the prior's covariance (to whiten sampling), in the
        unit of :meth:`gaussian_precision`: that precision times the identity for independent coefficients."""
        return np.diag(self.precision_diagonal(p))

    def l1_weight(self) -> float | None:
        """Weight of |w_j - mu_j| in the negative log density, for kinked priors."""
        return None

    def l1_weights(self, p: int) -> np.ndarray:
        """The weight of each |w_j - mu_j| (p of them): :meth:`l1_weight` for every coefficient, but for a
        prior with a scale per coefficient (the weighted Laplace's ``v_j / b``)."""
        return np.full(p, self.l1_weight() or 0.0)

    def kink_groups(self, p: int) -> list[np.ndarray]:
        """The sets of coefficients on whose mu the density has a kink in ``|w - mu|`` terms (the identity's
        random points put a third of them there): each coefficient alone for an L1 prior, none for others."""
        return [np.array([j]) for j in range(p)] if self.l1_weight() else []

    def active(self, d: np.ndarray) -> np.ndarray:
        """The coefficients off their kink at ``d = w - mu`` (the active set: every one for a smooth prior)."""
        d = np.asarray(d, dtype=float)
        return d != 0 if (self.l1_weight() or self.pins_at_mu()) else np.ones(d.shape[-1], dtype=bool)

    def curvatures(self, d: np.ndarray, sigma: float | None) -> np.ndarray:
        """The second derivative of the smooth part of -log p(w_j) at each ``d = w - mu`` (a penalty's
        local curvature, for the degrees of freedom at the estimate): :meth:`curvature` where it is
        constant."""
        return np.full(np.shape(d), self.curvature(sigma))

    def curvature_matrix(self, d: np.ndarray, sigma: float | None) -> np.ndarray:
        """The Hessian of the smooth part of ``-log p(w)`` at ``d = w - mu`` (p x p): the diagonal of
        :meth:`curvatures` for independent coefficients."""
        return np.diag(self.curvatures(d, sigma))

    def solved_as_a_program(self) -> bool:
        """Whether ``-log p(w)`` is an L1 term plus a quadratic (:meth:`l1_weight`, :meth:`curvature`), so
        that the mode under a kinked likelihood is a linear or quadratic program."""
        return True

    def local_mode_reason(self) -> str | None:
        """Why the mode found may be a local one (a penalty that is not convex), or None."""
        return None

    def note(self, p: int) -> str | None:
        """What a reader should know about the prior on p coefficients (a flat, improper part), or None."""
        return None

    def pins_at_mu(self) -> bool:
        """Whether a coefficient the mode puts exactly on ``mu`` is a local minimum in its coordinate
        whatever the likelihood's slope (a density whose slope is infinite at mu)."""
        return False

    def curvature(self, sigma: float | None) -> float:
        """Second derivative of the smooth part of -log p(w_j) (the penalty's curvature), at the
        noise sd ``sigma`` for a sigma-scaled prior; 0 where there is none or it is not fixed."""
        return 0.0

    def build(self, p: int, transform=None, sigma=None):
        """Create the coefficient vector ``coef`` inside the current PyMC model.

        ``transform`` is a PyMC transform of ``coef`` (the whitening), or None; ``sigma`` is the
        model's noise sd (a number, ``pm.Data`` or a random variable; None without one).
        """
        raise NotImplementedError

    def no_mode_reason(self) -> str:
        if self.hyperprior is not None:
            return (f"the {self.name} prior's scale is random ({self.hyperprior}): the joint density of the coefficients "
                    "and their scale is unbounded as both go to 0")
        return f"the {self.name} density has a pole at its location, so the joint density is unbounded there"

    def _scale_in_model(self, sigma):
        import pymc as pm

        scale = self.hyperprior.build("global_scale") if self.hyperprior else pm.Data("prior_scale", self.scale)
        return scale * sigma if self.by_sigma else scale

    @classmethod
    def check_settings(cls, settings) -> None:
        """Refuse, with one sentence, settings the prior cannot be built from (a missing option)."""

    @classmethod
    def check_design(cls, settings, design, likelihood) -> None:
        """Refuse, with one sentence, data on which the prior is not defined or leaves the posterior
        improper (the mvnormal prior's precision matrix: its size, and what its null space needs);
        nothing for a proper prior of independent coefficients."""

    @classmethod
    def needs_scale(cls, settings, design) -> bool:
        """Whether, without a twin, :meth:`default` needs a given scale: no default of its own
        applies (the autoscale holds on standardized columns, for a scale not multiplied by sigma)."""
        return cls.autoscale_sd is None or not design.standardized or cls.scale_follows_sigma(settings)

    @classmethod
    def default(cls, settings, *, scale: float | None, sigma: float, effect_scale: float, design) -> tuple[Prior, str]:
        """Hyperparameters of a prior without a penalized twin: ``scale`` when given, else the
        prior's own default, measured in the noise scale ``sigma`` (the Gaussian noise sd, or a
        GLM's pseudo-sigma) and ``effect_scale`` (a large effect of one standardized feature);
        and their description."""
        if scale is not None:
            return create(cls.name, scale, settings), "scale"
        if cls.needs_scale(settings, design):
            raise InputError(f"The {cls.name} prior needs a scale with this likelihood; give --scale {cls.name}=S.")
        prior = create(cls.name, cls.autoscale_sd * effect_scale / cls.sd_per_scale, settings)
        return prior, (f"default: prior sd {cls.autoscale_sd:g} x the effect scale {effect_scale:.4g} (rstanarm's autoscaled "
                       "weakly informative prior; the pair has no penalized twin to choose it)")


def transform_kwargs(transform) -> dict:
    """The keyword that passes a whitening transform of ``coef`` to a PyMC distribution, if any."""
    return {} if transform is None else {"transform": transform}


def anchored(parameter, transform):
    """A parameter of ``coef``'s distribution, made to depend on the whitening transform's shared
    variables (which PyMC can then reach when it transforms ``coef``); the same numbers."""
    return parameter if transform is None else transform.anchor(parameter)


def create(name: str, scale: float | None, settings) -> Prior:
    """The prior ``name`` at ``scale``, with its location and options from ``settings``."""
    cls = get(name)
    prior = cls(scale, settings.mu, **{option: getattr(settings, option) for option in cls.options})
    prior.by_sigma = bool(settings.scale_by_sigma and cls.scales_with_sigma)
    return prior


def get(name: str) -> type[Prior]:
    """The prior class registered as ``name``."""
    try:
        return Prior.registry[name]
    except KeyError:
        raise InputError(
            f"Unknown prior {name!r}; allowed are: {', '.join(Prior.registry)}."
        ) from None


MIXTURE_CELLS = 4_000_000  # densities evaluated at once by mixture()


def mixture(log_conditional, size: int, cells: int) -> np.ndarray:
    """``mean_s exp(log_conditional(rows))`` over ``size`` draws, a few at a time: ``log_conditional``
    takes an index array of draws and returns their log densities (draws first, ``cells`` values each)."""
    from scipy.special import logsumexp

    total = None
    step = max(1, MIXTURE_CELLS // max(cells, 1))
    for start in range(0, size, step):
        part = logsumexp(log_conditional(np.arange(start, min(start + step, size))), axis=0)
        total = part if total is None else np.logaddexp(total, part)
    return np.exp(total - np.log(size))


def normal_log_density(d, scale):
    """``log N(d; 0, scale^2)``, elementwise."""
    return -0.5 * np.log(2 * np.pi) - np.log(scale) - 0.5 * (d / scale) ** 2
