"""The base of every likelihood family: :class:`Likelihood`, its registry and :func:`get`, the
row-wise base of the GLMs (:class:`RowLikelihood`) and :class:`PluginDispersion`.

A family is one subclass of :class:`Likelihood` in its own file of this package; defining it
registers it under its ``name``. Whatever differs between families is a class attribute or a
method declared here, with the default, and overridden in the family's file.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

import numpy as np

from priorfit.errors import InputError

if TYPE_CHECKING:
    from priorfit.models.likelihoods.sigma import SigmaPrior


def numeric_target(y: np.ndarray, where: str, family: str) -> np.ndarray:
    """``y`` when it is numbers; for labels (text or booleans), one sentence."""
    if y.dtype.kind == "b":
        raise InputError(
            f"The target of {where} is boolean; the {family} likelihood needs numbers "
            "(convert it to 0/1, or use the bernoulli likelihood for two labels)."
        )
    if y.dtype.kind == "U":
        import pandas as pd

        converted = pd.to_numeric(pd.Series(y), errors="coerce").isna().to_numpy()
        row = int(np.flatnonzero(converted)[0]) if converted.any() else 0
        raise InputError(
            f"The target of {where} is not numeric (value {str(y[row])!r} in row {row + 1}); the {family} likelihood "
            "needs numbers (two text labels are a target of the bernoulli likelihood)."
        )
    return y


def fits_exactly(design) -> bool:
    """Whether some coefficients (and intercept) fit every row exactly: always when the centred
    columns span the rows (p >= n - 1 with an intercept), else only for noise-free y. From the
    least-squares residual, whose relative rounding is ~1e-30 at an exact fit; computed once per
    design (every prior of a comparison asks)."""

    def compute():
        Xc, yc = design.X - design.x_mean, design.y - (design.y.mean() if design.intercept else 0.0)
        beta, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
        return float(np.sum((yc - Xc @ beta) ** 2)) <= 1e-20 * float(yc @ yc)

    return design.memo("exact_fit", compute)


@dataclass(frozen=True)
class PluginDispersion:
    """A rough dispersion from the data alone, to convert an alpha into a prior scale."""

    value: float
    method: str


class Likelihood:
    """A likelihood family; subclasses register themselves by ``name``."""

    name: ClassVar[str]
    summary: ClassVar[str]
    has_dispersion: ClassVar[bool] = False
    sufficient: ClassVar[bool] = False  # the log likelihood has sufficient statistics of fixed size
    support: ClassVar[tuple[float, float]] = (-np.inf, np.inf)  # of y: where intervals of y are clipped
    discrete: ClassVar[bool] = False  # y takes whole-number values (predictive draws are stored as integers)
    binary: ClassVar[bool] = False  # y is 0/1: held-out rows are scored by the Brier score and log loss, not RMSE
    options: ClassVar[tuple[str, ...]] = ()  # the settings the family is constructed with (``nu``, ``quantile``)
    kinked: ClassVar[bool] = False  # the log density has a kink at every zero residual (Laplace, quantile)
    caveat: ClassVar[str | None] = None  # what every report says of the family's intervals, if anything
    registry: ClassVar[dict[str, type[Likelihood]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:  # abstract intermediate classes have none
            Likelihood.registry[cls.name] = cls

    def check(self) -> None:
        """An InputError when a setting the family needs (its :attr:`options`) was not given."""

    def estimated(self) -> tuple[str, ...]:
        """The names of the family's own random parameters besides the dispersion (Student-t's
        ``nu`` when estimated): free variables of its model, with draws in its posterior."""
        return ()

    def estimated_prior(self, name: str) -> str:
        """The prior of the estimated parameter ``name``, as reports name it."""
        raise NotImplementedError

    def at_draws(self, draws: dict) -> Likelihood:
        """The family with its :meth:`estimated` parameters set to ``draws`` (name -> array, shaped
        as the caller shapes the dispersion's draws), for NumPy evaluations at posterior draws."""
        return self

    def prior_draws(self, size: int, rng) -> dict:
        """Draws of the :meth:`estimated` parameters from their prior (name -> ``(size, 1)``), for a
        prior predictive check."""
        return {}

    def local_mode_reason(self, design, dispersion_estimated: bool) -> str | None:
        """Why the joint density is unbounded, so that a mode found is a local one; None if it is not."""
        return None

    def encode_y(self, y: np.ndarray, where: str) -> tuple[np.ndarray, dict | None]:
        """``y`` as the family models it, and the label mapping when one was applied (reported);
        an InputError if ``y`` cannot come from this family. ``y`` is float, or labels (bool or
        text, :class:`priorfit.data.design.Dataset`) that only the bernoulli family takes."""
        return numeric_target(y, where, self.name), None

    def pseudo_sigma(self, design, dispersion: float | None) -> float:
        """The noise scale the global scale of a sparse prior is measured in (Piironen & Vehtari
        2017): the noise sd for the Gaussian, a pseudo-sigma from the mean of ``y`` otherwise."""
        return 1.0 if dispersion is None else dispersion

    def initial_intercept(self, design) -> float:
        """A starting value of the intercept of the centred design."""
        raise NotImplementedError

    def plugin_dispersion(self, design) -> PluginDispersion | None:
        """A dispersion from the data alone (to convert an alpha into a prior scale); None for a
        family without one."""
        return None

    def improper_reason(self, design, sigma_prior: SigmaPrior | None, scale_follows_sigma: bool) -> str | None:
        """Why the posterior of an estimated dispersion under ``sigma_prior`` would be improper on
        ``design``, or None (always None for a family without a dispersion)."""
        return None

    def rises_without_end(self, Z: np.ndarray, y: np.ndarray) -> str | None:
        """Whether the likelihood, as a function of coefficients ``v`` on the columns ``Z`` (directions
        a prior leaves flat), rises toward a limit along some ``t v``, t -> infinity, so that a flat
        prior on them leaves the posterior improper: what it is, for a sentence, or None. Only
        ``Z``'s rank matters to the Gaussian (checked by the caller): None."""
        return None

    def effect_scale(self, design) -> float:
        """The size of a large effect of one standardized feature on the linear predictor: the sd
        of y for the Gaussian, 1 (log-odds, log-rate) for the GLMs."""
        return 1.0

    def dispersion(self, fixed: float | None, prior: SigmaPrior | None, initval: float | None):
        """The dispersion inside the current PyMC model: data when fixed, else a random variable."""
        return

    def add(self, design, coef, intercept, dispersion, *, form: str = "sufficient") -> None:
        """Add the log likelihood to the current PyMC model.

        ``intercept`` is the intercept of the centred design (``None`` without intercept).
        """
        raise NotImplementedError

    def quadratic(self, design, dispersion: float) -> tuple[np.ndarray, np.ndarray]:
        """``(P, b)``: the log likelihood of the coefficients is about ``-w'Pw/2 + b'w``."""
        raise NotImplementedError

    def quadratic_rows(self, design, dispersion: float) -> tuple[np.ndarray, np.ndarray]:
        """``(F, b)`` with ``P = F'F`` (F: one row per data row) and ``b`` of :meth:`quadratic`, from the
        rows, without the p x p ``P`` (the low-rank whitening of wide data)."""
        raise NotImplementedError

    def pointwise(self, eta: np.ndarray, y: np.ndarray, dispersion: float | None) -> np.ndarray:
        """Log likelihood of each row at linear predictor ``eta`` (NumPy; objectives, LOO)."""
        raise NotImplementedError

    def weights(self, eta: np.ndarray, dispersion: float | None) -> np.ndarray:
        """Minus the second derivative of each row's log likelihood in ``eta`` (the GLM weights)."""
        raise NotImplementedError

    def form_for(self, design) -> str:
        """The form of the density that costs least on ``design`` (``"rows"``; the Gaussian also has
        ``"sufficient"``, :meth:`add`)."""
        return "rows"

    def data_values(self, design, form: str) -> dict:
        """The values of the model's ``pm.Data`` that depend on y (new data without recompiling)."""
        raise NotImplementedError

    def twin_options(self) -> dict:
        """The family's settings that its penalized twin takes (QuantileRegressor's ``quantile``)."""
        return {}

    def mean(self, eta: np.ndarray) -> np.ndarray:
        """The point prediction at ``eta``, as the twin predicts: ``E[y | eta]`` (the inverse link,
        in NumPy), or the quantile that ``eta`` is for a family whose location is one (median,
        quantile Q)."""
        raise NotImplementedError

    def simulate(self, eta: np.ndarray, dispersion: float | None, rng) -> np.ndarray:
        """Draws of y given the linear predictor ``eta`` (simulation-based calibration)."""
        raise NotImplementedError

    def variance(self, eta: np.ndarray, dispersion) -> np.ndarray:
        """``Var[y | eta]`` (NumPy; the estimators' predictive sd)."""
        raise NotImplementedError


class RowLikelihood(Likelihood):
    """A GLM without sufficient statistics: the log likelihood is a sum over rows, O(np) per
    gradient (only the Gaussian has the O(p^2) form)."""

    def mean_function(self, eta):
        """The inverse link, in PyTensor."""
        raise NotImplementedError

    def variance_at_mean(self, mean: float) -> float:
        raise NotImplementedError

    def link(self, mean: float) -> float:
        raise NotImplementedError

    def variance(self, eta, dispersion=None):
        return self.variance_at_mean(self.mean(eta))

    def initial_intercept(self, design) -> float:
        return self.link(float(design.y.mean())) if design.intercept else 0.0

    def pseudo_sigma(self, design, dispersion=None) -> float:
        # Piironen & Vehtari (2017), section 3.5: sigma = 1 / sqrt(V(mean)) at the mean of y
        return float(1.0 / np.sqrt(self.variance_at_mean(float(design.y.mean()))))

    def quadratic(self, design, dispersion):
        # the Hessian of the log likelihood at w = 0 (intercept at the link of the mean): a Newton
        # step from there is the shift; this only preconditions NUTS
        ybar = float(design.y.mean())
        Xc = design.X - design.x_mean
        return self.variance_at_mean(ybar) * (Xc.T @ Xc), Xc.T @ (design.y - ybar)

    def quadratic_rows(self, design, dispersion):
        ybar = float(design.y.mean())
        Xc = design.X - design.x_mean
        return np.sqrt(self.variance_at_mean(ybar)) * Xc, Xc.T @ (design.y - ybar)

    def data_values(self, design, form: str = "rows") -> dict:
        return {"y_observed": design.y}

    def log_density(self, y, eta, *data):
        """The log density of each row, in PyTensor: ``y`` and ``data`` are :meth:`data_values`' values,
        in their order. It is the whole density, normalizer included, without PyMC's checks of the
        parameters and the values (``y`` is checked once, by :meth:`encode_y`): they cost as much as
        the density itself on every gradient."""
        raise NotImplementedError

    def add(self, design, coef, intercept, dispersion, *, form="rows"):
        import pymc as pm

        y, *data = (pm.Data(name, value) for name, value in self.data_values(design, form).items())
        pm.CustomDist("y", self.linear_predictor(design, coef, intercept), *data, logp=self.log_density,
                      random=self._random, observed=y)

    def _random(self, eta, *data, rng=None, size=None):
        """Draws of y at ``eta`` for PyMC's predictive sampling (:meth:`simulate`)."""
        return self.simulate(np.broadcast_to(eta, size) if size is not None else eta, None, rng)

    def linear_predictor(self, design, coef, intercept):
        import pymc as pm

        Xc = pm.Data("X_centred", design.X - design.x_mean)
        return Xc @ coef + (intercept if intercept is not None else 0.0)


def get(name: str, **options) -> Likelihood:
    """The likelihood family registered as ``name``, constructed with those of ``options`` it takes
    (its :attr:`Likelihood.options`; the others are ignored, so a caller may pass every setting)."""
    try:
        cls = Likelihood.registry[name]
    except KeyError:
        raise InputError(f"Unknown likelihood {name!r}; allowed are: {', '.join(Likelihood.registry)}.") from None
    return cls(**{key: options[key] for key in cls.options if options.get(key) is not None})


def check_options(name: str, given: dict) -> Likelihood:
    """The family ``name`` constructed with ``given`` (every family's settings, None where not
    set), or an InputError for a setting it does not take or one it needs and was not given."""
    family = get(name, **given)
    for key, value in given.items():
        if value is not None and key not in family.options:
            owners = " or ".join(other.name for other in Likelihood.registry.values() if key in other.options)
            shown = value if isinstance(value, str) else f"{value:g}"
            raise InputError(f"{key}={shown} is given, but the {name} likelihood does not take it; {key} goes with --likelihood {owners}.")
    family.check()
    return family
