"""Likelihood families, registered by name like the priors.

A family owns everything that depends on the distribution of ``y``: how ``y`` is checked, the
summary of the data its log likelihood needs, its PyMC term, its dispersion (the Gaussian noise
sd with its priors and plug-in value; none for families without one) and a quadratic
approximation used to whiten the coefficients. The penalized twins of each (prior, family)
pair are rows of :mod:`priorfit.penalized.twins`; nothing else names a family.

The Gaussian log likelihood is written with the sufficient statistics (X'X, X'y, y'y, n):
each gradient costs O(p^2) instead of O(np). The row-wise form is kept as a cross-check
(``form="rows"``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal

import numpy as np

from priorfit.data.sufficient import SufficientStatistics
from priorfit.errors import InputError
from priorfit.validation import positive


# -- the prior of the Gaussian noise sd ---------------------------------------------------------
class SigmaPrior:
    """A prior on the Gaussian noise sd ``sigma``; registered by ``name``."""

    name: ClassVar[str]
    registry: ClassVar[dict[str, type[SigmaPrior]]] = {}
    takes_scale: ClassVar[bool] = True
    improper_at_zero: ClassVar[bool] = False  # its integral diverges at sigma = 0

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        SigmaPrior.registry[cls.name] = cls

    def __init__(self, scale: float | None = None):
        self.scale = positive(scale, f"The {self.name} sigma prior scale") if self.takes_scale else None

    def __str__(self) -> str:
        return self.name if self.scale is None else f"{self.name}:{self.scale:g}"

    def __eq__(self, other) -> bool:  # a value, as the settings that hold it compare by value
        return isinstance(other, SigmaPrior) and (self.name, self.scale) == (other.name, other.scale)

    def __hash__(self) -> int:
        return hash((self.name, self.scale))

    def build(self, initval: float):
        raise NotImplementedError


class Jeffreys(SigmaPrior):
    """p(sigma) proportional to 1/sigma (improper)."""

    name = "jeffreys"
    takes_scale = False
    improper_at_zero = True

    def build(self, initval: float):
        import pymc as pm
        import pytensor.tensor as pt

        sigma = pm.HalfFlat("sigma", initval=initval)
        pm.Potential("sigma_jeffreys", -pt.log(sigma))
        return sigma


class HalfNormal(SigmaPrior):
    name = "halfnormal"

    def build(self, initval: float):
        import pymc as pm

        return pm.HalfNormal("sigma", sigma=self.scale, initval=initval)


class HalfCauchy(SigmaPrior):
    name = "halfcauchy"

    def build(self, initval: float):
        import pymc as pm

        return pm.HalfCauchy("sigma", beta=self.scale, initval=initval)


def sigma_prior(text: str) -> SigmaPrior:
    """Parse ``jeffreys``, ``halfnormal:S`` or ``halfcauchy:S``."""
    name, colon, scale = str(text).strip().partition(":")
    cls = SigmaPrior.registry.get(name.strip().lower())
    allowed = "jeffreys, halfnormal:S or halfcauchy:S with S > 0"
    if cls is None or (cls.takes_scale and not scale.strip()) or (not cls.takes_scale and colon):
        raise InputError(f"Sigma prior {text!r} is not understood; allowed are {allowed}.")
    return cls(scale) if cls.takes_scale else cls()


# -- families -------------------------------------------------------------------------------------
def _numbers(y: np.ndarray, where: str, family: str) -> np.ndarray:
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
    registry: ClassVar[dict[str, type[Likelihood]]] = {}

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "name" in cls.__dict__:  # abstract intermediate classes have none
            Likelihood.registry[cls.name] = cls

    def encode_y(self, y: np.ndarray, where: str) -> tuple[np.ndarray, dict | None]:
        """``y`` as the family models it, and the label mapping when one was applied (reported);
        an InputError if ``y`` cannot come from this family. ``y`` is float, or labels (bool or
        text, :class:`priorfit.data.design.Dataset`) that only the bernoulli family takes."""
        return _numbers(y, where, self.name), None

    def pseudo_sigma(self, design, dispersion: float | None) -> float:
        """The noise scale the global scale of a sparse prior is measured in (Piironen & Vehtari
        2017): the noise sd for the Gaussian, a pseudo-sigma from the mean of ``y`` otherwise."""
        return 1.0 if dispersion is None else dispersion

    def initial_intercept(self, design) -> float:
        """A starting value of the intercept of the centred design."""
        raise NotImplementedError

    def plugin_dispersion(self, design) -> PluginDispersion | None:
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

    def pointwise(self, eta: np.ndarray, y: np.ndarray, dispersion: float | None) -> np.ndarray:
        """Log likelihood of each row at linear predictor ``eta`` (NumPy; objectives, LOO)."""
        raise NotImplementedError

    def weights(self, eta: np.ndarray, dispersion: float | None) -> np.ndarray:
        """Minus the second derivative of each row's log likelihood in ``eta`` (the GLM weights)."""
        raise NotImplementedError

    def data_values(self, design, form: str) -> dict:
        """The values of the model's ``pm.Data`` that depend on y (new data without recompiling)."""
        raise NotImplementedError

    def simulate(self, eta: np.ndarray, dispersion: float | None, rng) -> np.ndarray:
        """Draws of y given the linear predictor ``eta`` (simulation-based calibration)."""
        raise NotImplementedError


class Gaussian(Likelihood):
    """``y ~ Normal(X w + c, sigma)``; scikit-learn's squared-error estimators."""

    name = "gaussian"
    summary = "y ~ Normal(Xw + c, sigma); sufficient statistics X'X, X'y, y'y"
    has_dispersion = True
    sufficient = True

    def statistics(self, design) -> SufficientStatistics:
        """Sufficient statistics of ``design``, computed once per design
        (:meth:`priorfit.data.design.Design.sufficient`).

        With an intercept, X and y are centred first, so that the flat-prior intercept
        decouples from the coefficients.
        """
        return design.sufficient()

    def initial_intercept(self, design) -> float:
        return self.statistics(design).y_mean

    def exact_fit(self, design) -> bool:
        """Whether some coefficients (and intercept) fit every row exactly: always when the columns
        (centred, with an intercept) span the rows, as with p >= n - 1; else only for noise-free y.
        Computed once per design (every prior of a comparison asks)."""

        def compute():
            if design.has_rows:  # the residual itself: relative rounding ~1e-30 at an exact fit
                Xc, yc = design.X - design.x_mean, design.y - (design.y.mean() if design.intercept else 0.0)
                beta, *_ = np.linalg.lstsq(Xc, yc, rcond=None)
                return float(np.sum((yc - Xc @ beta) ** 2)) <= 1e-20 * float(yc @ yc)
            stats = self.statistics(design)  # y'y - b'X'y cancels: rounding ~1e-16 relative, or worse
            beta, *_ = np.linalg.lstsq(stats.gram, stats.xty, rcond=None)
            return max(stats.yty - beta @ stats.xty, 0.0) <= 1e-10 * stats.yty

        return design.memo("exact_fit", compute)

    def improper_reason(self, design, sigma_prior: SigmaPrior | None, scale_follows_sigma: bool) -> str | None:
        """Why the posterior of an estimated sigma would be improper, or None.

        With a sigma prior whose integral diverges at 0 (Jeffreys' 1/sigma) and a proper prior on
        the coefficients that does not scale with sigma, the marginal posterior of sigma behaves as
        ``sigma^(r - n - 1)`` near 0 (``r`` the rank of the centred columns, the flat intercept
        adding one power) wherever the data can be fitted exactly, and ``r <= n - 1`` makes that
        non-integrable. A prior scaled by sigma (Park & Casella, R2-D2) shrinks with sigma and
        keeps the posterior proper; a proper sigma prior (finite density at 0) does too.
        """
        if sigma_prior is None or not sigma_prior.improper_at_zero or scale_follows_sigma or not self.exact_fit(design):
            return None
        shape = (f"{design.p} features for {design.n} rows" + (" with an intercept" if design.intercept else "")
                 + (" (p >= n - 1)" if design.intercept else " (p >= n)"))
        if design.p < design.n - int(design.intercept):
            shape = f"y is fitted exactly by the {design.p} features (no noise left in {design.n} rows)"
        return (
            f"With sigma estimated under Jeffreys' prior p(sigma) ∝ 1/sigma the posterior is improper: {shape}, so "
            "the data can be fitted exactly and the density grows without bound as sigma -> 0; give a proper "
            "sigma prior (--sigma-prior halfnormal:S), fix sigma (--sigma VALUE), or scale the prior by sigma (--scale-by-sigma)."
        )

    def effect_scale(self, design) -> float:
        return float(design.y.std()) if design.has_rows else float(design.stats.y_sd)

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The OLS residual sd, ``sqrt(RSS / (n - p - 1))`` (``n - p`` without intercept), when that
        has degrees of freedom left; otherwise the leave-one-out residual sd of RidgeCV."""
        from priorfit.penalized.twins import twin

        stats = self.statistics(design)
        dof = design.n - design.p - int(design.intercept)
        if dof > 0:
            beta, *_ = np.linalg.lstsq(stats.gram, stats.xty, rcond=None)
            rss = max(stats.yty - beta @ stats.xty, 0.0)
            return PluginDispersion(float(np.sqrt(rss / dof)), f"OLS residual sd (RSS / {dof} degrees of freedom)")
        if not design.has_rows:
            raise InputError(
                f"{design.dataset.name} has {design.n} rows for {design.p} columns: too few for an OLS noise sd, "
                "and the leave-one-out alternative needs the rows; give --sigma or fewer columns."
            )
        search = twin("normal", self.name).search(design.intercept, design.n)
        search.set_params(store_cv_results=True).fit(design.X, design.y)
        # leave-one-out squared errors at the chosen alpha: the in-sample residuals would be ~0
        best = int(np.flatnonzero(search.alphas == search.alpha_)[0])
        return PluginDispersion(
            float(np.sqrt(search.cv_results_[:, best].mean())), "RidgeCV leave-one-out residual sd (p >= n - 1: no OLS)"
        )

    def dispersion(self, fixed, prior, initval):
        import pymc as pm

        return pm.Data("sigma", float(fixed)) if fixed is not None else prior.build(initval=initval)

    def add(self, design, coef, intercept, sigma, *, form: Literal["sufficient", "rows"] = "sufficient"):
        import pymc as pm
        import pytensor.tensor as pt

        n = design.n
        if form == "rows":
            Xc = pm.Data("X_centred", design.X - design.x_mean)
            mean = Xc @ coef + (intercept if intercept is not None else 0.0)
            pm.Normal("y", mu=mean, sigma=sigma, observed=pm.Data("y_observed", design.y))
            return
        if form != "sufficient":
            raise InputError(f"Likelihood form {form!r} is not allowed; use 'sufficient' or 'rows'.")
        stats = self.statistics(design)
        gram = pm.Data("gram", stats.gram)
        xty = pm.Data("xty", stats.xty)
        yty = pm.Data("yty", stats.yty)
        # ||yc - Xc w||^2 + n (ybar - c)^2 = ||y - X w - c'||^2 with centred X and y
        rss = yty - 2.0 * pt.dot(coef, xty) + pt.dot(coef, pt.dot(gram, coef))
        if intercept is not None:
            rss = rss + n * (pm.Data("y_mean", stats.y_mean) - intercept) ** 2
        loglik = -n * pt.log(sigma) - 0.5 * n * np.log(2 * np.pi) - rss / (2.0 * sigma**2)
        pm.Potential("loglik", loglik)

    def quadratic(self, design, sigma):
        stats = self.statistics(design)
        return stats.gram / sigma**2, stats.xty / sigma**2

    def data_values(self, design, form: str = "sufficient") -> dict:
        if form == "rows":
            return {"y_observed": design.y}
        stats = self.statistics(design)
        return {"xty": stats.xty, "yty": stats.yty} | ({"y_mean": stats.y_mean} if design.intercept else {})

    def simulate(self, eta, sigma, rng):
        return eta + sigma * rng.standard_normal(np.shape(eta))

    def pointwise(self, eta, y, sigma):
        return -0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((y - eta) / sigma) ** 2

    def weights(self, eta, sigma):
        return np.full(np.shape(eta), 1.0 / sigma**2)


class _RowLikelihood(Likelihood):
    """A GLM without sufficient statistics: the log likelihood is a sum over rows, O(np) per
    gradient (only the Gaussian has the O(p^2) form)."""

    def mean_function(self, eta):
        """The inverse link, in PyTensor."""
        raise NotImplementedError

    def variance_at_mean(self, mean: float) -> float:
        raise NotImplementedError

    def link(self, mean: float) -> float:
        raise NotImplementedError

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

    def data_values(self, design, form: str = "rows") -> dict:
        return {"y_observed": design.y}

    def linear_predictor(self, design, coef, intercept):
        import pymc as pm

        Xc = pm.Data("X_centred", design.X - design.x_mean)
        return Xc @ coef + (intercept if intercept is not None else 0.0)


class Bernoulli(_RowLikelihood):
    """``y ~ Bernoulli(sigmoid(X w + c))``; scikit-learn's LogisticRegression."""

    name = "bernoulli"
    summary = "y ~ Bernoulli(logit^-1(Xw + c)); y is 0/1 or two labels; row by row"

    def encode_y(self, y, where):
        text = y.dtype.kind in "bU"  # labels that are not numbers: compared as text
        labels = np.unique(y.astype(str) if text else y)  # text in sorted (code point) order: no < yes, False < True
        if labels.size != 2:
            shown = ", ".join(repr(str(v)) if text else f"{v:g}" for v in labels[:5]) + (", ..." if labels.size > 5 else "")
            raise InputError(
                f"The target of {where} has {labels.size} distinct values ({shown}); the bernoulli likelihood "
                "needs 0/1 or exactly two labels."
            )
        if not text and np.array_equal(labels, [0.0, 1.0]):
            return y, None
        # two other labels: the smaller (numbers) or the first in sorted order (text) is 0, the
        # other 1, and the report says so
        names = [str(v) for v in labels] if text else [f"{v:g}" for v in labels]
        return ((y.astype(str) if text else y) == labels[1]).astype(float), {names[0]: 0, names[1]: 1}

    def mean_function(self, eta):
        import pytensor.tensor as pt

        return pt.sigmoid(eta)

    def variance_at_mean(self, mean):
        return mean * (1.0 - mean)

    def link(self, mean):
        return float(np.log(mean / (1.0 - mean)))

    def simulate(self, eta, dispersion, rng):
        from scipy.special import expit

        return (rng.random(np.shape(eta)) < expit(eta)).astype(float)

    def add(self, design, coef, intercept, dispersion, *, form="rows"):
        import pymc as pm

        pm.Bernoulli("y", logit_p=self.linear_predictor(design, coef, intercept), observed=pm.Data("y_observed", design.y))

    def pointwise(self, eta, y, dispersion=None):
        # y * eta - log(1 + e^eta), without overflow
        return y * eta - np.logaddexp(0.0, eta)

    def weights(self, eta, dispersion=None):
        p = 1.0 / (1.0 + np.exp(-eta))
        return p * (1.0 - p)


class Poisson(_RowLikelihood):
    """``y ~ Poisson(exp(X w + c))``; scikit-learn's PoissonRegressor."""

    name = "poisson"
    summary = "y ~ Poisson(exp(Xw + c)); y is a non-negative integer count; row by row"

    def encode_y(self, y, where):
        y = _numbers(y, where, self.name)
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

    def simulate(self, eta, dispersion, rng):
        return rng.poisson(np.exp(eta)).astype(float)

    def add(self, design, coef, intercept, dispersion, *, form="rows"):
        import pymc as pm

        pm.Poisson("y", mu=self.mean_function(self.linear_predictor(design, coef, intercept)),
                   observed=pm.Data("y_observed", design.y))

    def pointwise(self, eta, y, dispersion=None):
        from scipy.special import gammaln

        return y * eta - np.exp(eta) - gammaln(y + 1.0)

    def weights(self, eta, dispersion=None):
        return np.exp(eta)


def get(name: str) -> Likelihood:
    """The likelihood family registered as ``name``."""
    try:
        return Likelihood.registry[name]()
    except KeyError:
        raise InputError(f"Unknown likelihood {name!r}; allowed are: {', '.join(Likelihood.registry)}.") from None
