"""One PyMC model per (design, prior, likelihood, dispersion), built and compiled once.

The same model serves ``pm.find_MAP``, the polish and NUTS: the polish's value, gradient and
Hessian are compiled once per model (not per call), and a sampler's compiled model is kept
(:attr:`PosteriorModel.compiled`, filled by :mod:`priorfit.inference.nutpie_adapter`).
Hyperparameters and data enter through ``pm.Data``, so :meth:`PosteriorModel.set_data`
changes them without rebuilding or recompiling anything while each keeps its shape (nutpie's
``with_data``; a new shape rebuilds nutpie's callbacks). PyTensor's
compile cache keys a graph by the values of its constants, so the data's column means and
scales and the whitening are not constants either: a new model of the same structure (prior
family, likelihood, n and p, intercept, sigma handling, fixed hyperprior, sigma-prior and
horseshoe-slab settings) on other data or another prior scale finds its compiled graphs cached.

Coefficients of Normal and Laplace priors are sampled in whitened coordinates ``z`` with
``w = shift + L z`` (:mod:`priorfit.models.whitening`): a correlated design then looks isotropic to
NUTS. The mode is found on the same model without that transform (:attr:`PosteriorModel.mode_model`):
in ``w`` the kinks of an L1 prior sit exactly on the axes, which ``shift + L z`` would blur by
rounding.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from priorfit.data.design import Design
from priorfit.models.likelihoods import Likelihood, SigmaPrior
from priorfit.models.priors import Prior
from priorfit.models.whitening import applies as whitening_applies
from priorfit.models.whitening import whitening

# nutpie calls PyTensor's C VM through Python on a short run only while the gradients are few and cheap:
# the row-wise likelihood of a design with more cells than this makes each one costly, and more
# coefficients than this need more per draw; numba's callbacks then pay for their compile
ROWS_CELLS_FOR_PYTHON = 200_000
MAX_P_FOR_PYTHON = 64
#: the rewrites of the mode's functions (:func:`python_mode`): PyTensor's canonical, numerically stable
#: and specialized forms, without fast_run's in-place, BLAS and fusion passes, which cost more to apply
#: (the vectorized Hessian products of diabetes: 1.28 s with fast_run, 0.54 s with these) than they
#: save in the few hundred calls an optimizer and a Newton polish make (1.1 ms a call either way)
PYTHON_MODE_REWRITES = ("canonicalize", "stabilize", "specialize")
#: the one stabilizing rewrite left out there: it turns log1p(exp(x)) into softplus, which has no NumPy
#: function, so that the Python VM calls its scalar code once a row (the Bernoulli's value on n = 20,000
#: rows: 8.8 ms a call with it, 0.6 ms without); the form it replaces is as stable where it is written
#: (:meth:`~priorfit.models.likelihoods.bernoulli.Bernoulli.log_density`: exp of a value <= 0)
PYTHON_MODE_EXCLUDED = ("local_log1p_plusminus_exp",)


class PosteriorModel:
    """A PyMC model: ``prior`` on ``coef``, flat intercept, the likelihood and its dispersion.

    Parameters
    ----------
    design : Design
        Model-scale data.
    prior : Prior
        Prior on the coefficients.
    likelihood : Likelihood
        Likelihood family.
    sigma : float or SigmaPrior or None
        A fixed dispersion (Gaussian noise sd), the prior of an estimated one, or None for
        families without a dispersion.
    plugin_sigma : float, optional
        A rough dispersion, for the whitening and as the starting value of an estimated one.
    whiten : bool
        Sample Normal/Laplace coefficients in whitened coordinates.
    form : {"sufficient", "rows"}, optional
        Gaussian likelihood through X'X, X'y, y'y or row by row; by default the cheaper of the two
        (:meth:`~priorfit.models.likelihoods.Likelihood.form_for`: the rows on wide data).
    samplings : int
        How many times NUTS will run on this model (a path: one per point); it decides
        :attr:`nutpie_backend`.
    intercept_sd : float, optional
        The sd of a ``Normal(0, intercept_sd)`` prior on the intercept instead of the flat one
        (calibration needs a proper prior to draw from).
    """

    def __init__(
        self,
        design: Design,
        prior: Prior,
        likelihood: Likelihood,
        sigma: float | SigmaPrior | None,
        *,
        plugin_sigma: float | None = None,
        whiten: bool = True,
        form: Literal["sufficient", "rows"] | None = None,
        samplings: int = 1,
        intercept_sd: float | None = None,
    ):
        self.design, self.prior, self.likelihood = design, prior, likelihood
        self.sigma = sigma  # fixed value, prior of an estimated one, or None
        self.form, self.samplings = form or likelihood.form_for(design), samplings
        estimated = isinstance(sigma, SigmaPrior)
        self.whitening = None
        if whiten and whitening_applies(design, prior):
            self.whitening = whitening(design, prior, likelihood, plugin_sigma if estimated else (sigma or 1.0))

        def build(transform):
            return _build(design, prior, likelihood, sigma, plugin_sigma, transform, self.form, intercept_sd)

        self.pymc = build(None if self.whitening is None else self.whitening.transform(shared=prior.anchors_whitening))
        # the same model without the whitening, for find_MAP and the polish (built, not cloned:
        # PyMC cannot clone a model with initial values)
        self.mode_model = self.pymc if self.whitening is None else build(None)
        self._mode_functions = None
        # what a sampler compiled from :attr:`pymc`, kept for its next run (priorfit.inference fills
        # it: nutpie's compiled model); ``data_values`` and ``data_version`` let it catch up with set_data
        self.compiled: dict = {}
        self.data_values: dict = {}
        self.data_version = 0

    def mode_functions(self) -> ModeFunctions:
        """The polish's compiled functions of the flat vector of :attr:`mode_model`'s value
        variables (:class:`ModeFunctions`), compiled on first use and kept."""
        if self._mode_functions is None:
            self._mode_functions = ModeFunctions(self.mode_model)
        return self._mode_functions

    @property
    def nutpie_backend(self) -> Literal["numba", "python"]:
        """Whether nutpie may call this model's log density through Python on PyTensor's C VM for a short
        run (``"python"``), or always takes the numba callbacks (``"numba"``); the run's length decides
        between the two for ``"python"`` (:func:`priorfit.inference.nutpie_adapter.linker`).

        The C VM builds a new model from ops cached on disk (0.4-1 s) but a gradient then costs about
        100 microseconds, chains sharing one core; the numba callbacks take 1.8-3.3 s to build from
        warm caches, then about 1 microsecond a gradient, chains in parallel. A whitened posterior is
        near-isotropic (diabetes: 3-7 gradients per draw), so a short run of a cheap gradient is
        ``"python"``; the row-wise likelihood of a large design (a costly gradient), many coefficients,
        an unwhitened prior (the horseshoe family's funnels: 912,000 gradients on diabetes) and a model
        sampled more than once (a path) are ``"numba"``.
        """
        cheap = (self.likelihood.sufficient and self.form == "sufficient") or self.design.n * self.design.p <= ROWS_CELLS_FOR_PYTHON
        few = self.design.p <= MAX_P_FOR_PYTHON and self.samplings == 1
        return "python" if self.whitening is not None and cheap and few else "numba"

    def prior_draws(self, draws: int, seed: int):
        """Draws of the prior's random scales (hierarchical priors), as a DataTree ``prior`` group."""
        names = [name for name in self.prior.scales if name in self.pymc.named_vars]
        if not names:
            return None
        return prior_predictive(self.pymc, names, draws, seed)["prior"]

    def set_prior_scale(self, scale: float) -> None:
        """A new prior scale (a point of a path), without recompiling; the whitening stays."""
        self.prior = self.prior.with_scale(scale)
        self.set_data(prior_scale=scale)

    def set_data(self, **values) -> None:
        """New values of ``pm.Data`` (hyperparameters, data) without recompiling."""
        import pymc as pm

        for model in {id(m): m for m in (self.pymc, self.mode_model)}.values():
            pm.set_data(values, model=model)
        self.data_values.update(values)  # a compiled sampler holding copies of the data catches up from these
        self.data_version += 1


def python_mode():
    """PyTensor's canonical, stable and specialized rewrites (:data:`PYTHON_MODE_REWRITES`, less
    :data:`PYTHON_MODE_EXCLUDED`), evaluated by its Python VM: NumPy calls with nothing to compile. For functions called tens or hundreds of times (an optimizer, a
    Newton polish, a few Hessians) compiling machine code with numba costs seconds per model,
    more than all the calls gain from it."""
    from pytensor.compile.mode import Mode
    from pytensor.graph.rewriting.db import RewriteDatabaseQuery
    from pytensor.link.vm import VMLinker

    return Mode(VMLinker(use_cloop=False, c_thunks=False), RewriteDatabaseQuery(include=list(PYTHON_MODE_REWRITES), exclude=list(PYTHON_MODE_EXCLUDED)))


class ModeFunctions:
    """``-log p`` of the mode model (``jacobian=False``: the density of the variables themselves,
    whose maximum is the MAP) and its derivatives, as functions of one flat vector ``x`` of the
    value variables (in ``value_vars`` order, raveled).

    The value alone, the value with the gradient, and Hessian columns are separate functions,
    so that a line search pays for neither a gradient nor a Hessian, and a Hessian is formed
    only on the coordinates that need it: :meth:`hessian` is one vectorized Hessian-vector
    product (``H V`` for a block ``V`` of unit vectors), O(p^2 k) for k columns of the
    Gaussian's sufficient-statistics density where PyTensor's row-by-row ``hessian`` is a loop
    of p gradients (0.9 s for p = 300, 50 ms vectorized).
    """

    def __init__(self, model):
        import pytensor
        import pytensor.tensor as pt
        from pymc.pytensorf import join_nonshared_inputs
        from pytensor.graph import vectorize_graph

        point = model.initial_point()
        self.names = [v.name for v in model.value_vars]
        self.shapes = [np.shape(point[name]) for name in self.names]
        self.offsets = np.cumsum([0, *(int(np.prod(s)) for s in self.shapes)])
        self.size = int(self.offsets[-1])
        self.unobserved = [v.name for v in model.unobserved_value_vars]
        outputs = [model.logp(jacobian=False), *model.unobserved_value_vars]
        (logp, *unobserved), x = join_nonshared_inputs(point, outputs, model.value_vars)
        x.name = "x"
        grad = pytensor.gradient.grad(logp, x)
        tangent = pt.vector("tangent")
        columns = pt.matrix("columns")  # k x size: rows of unit vectors
        hvp = pytensor.gradient.grad((grad * tangent).sum(), x)
        products = vectorize_graph(hvp, replace={tangent: columns})
        mode = python_mode()
        self._value = pytensor.function([x], logp, mode=mode)
        self._gradient = pytensor.function([x], [logp, grad], mode=mode)
        # a density linear in every variable (a Laplace prior and likelihood at a fixed s) has no
        # Hessian-vector product that depends on the block: its zeros then come without it
        self._products = pytensor.function([x, columns], products, mode=mode, on_unused_input="ignore")
        self._point = pytensor.function([x], unobserved, mode=mode)
        self._prior = (model, point)
        self._prior_gradient = None

    def flat(self, values: dict) -> np.ndarray:
        """The flat vector of a dict of value-variable values."""
        return np.concatenate([np.ravel(values[name]) for name in self.names]).astype(float)

    def values(self, x: np.ndarray) -> dict:
        """The dict of value-variable values of a flat vector."""
        return {n: x[a:b].reshape(s) for n, a, b, s in zip(self.names, self.offsets[:-1], self.offsets[1:], self.shapes)}

    def slice(self, name: str) -> slice:
        i = self.names.index(name)
        return slice(int(self.offsets[i]), int(self.offsets[i + 1]))

    def value(self, x: np.ndarray) -> float:
        """``log p`` at ``x``."""
        return float(self._value(x))

    def gradient(self, x: np.ndarray) -> tuple[float, np.ndarray]:
        """``log p`` and its gradient at ``x``."""
        value, grad = self._gradient(x)
        return float(value), np.asarray(grad)

    def prior_gradient(self, x: np.ndarray) -> np.ndarray:
        """The gradient at ``x`` of ``log p`` without the observed variables' terms (the prior of the
        coefficients and of the dispersion; a likelihood written as a Potential stays in), compiled
        on first use: a kinked likelihood's certificate adds the likelihood's subgradients itself."""
        if self._prior_gradient is None:
            import pytensor
            from pymc.pytensorf import join_nonshared_inputs

            model, point = self._prior
            terms = model.logp(vars=[*model.free_RVs, *model.potentials], jacobian=False)
            (logp,), x_var = join_nonshared_inputs(point, [terms], model.value_vars)
            self._prior_gradient = pytensor.function([x_var], pytensor.gradient.grad(logp, x_var), mode=python_mode())
        return np.asarray(self._prior_gradient(x))

    def hessian(self, x: np.ndarray, columns: np.ndarray | None = None) -> np.ndarray:
        """The Hessian of ``log p`` at ``x`` on the coordinates ``columns`` (a boolean mask or
        indices; all of them when None): the square block ``H[columns][:, columns]``."""
        index = np.arange(self.size) if columns is None else np.flatnonzero(columns) if np.asarray(columns).dtype == bool else np.asarray(columns)
        unit = np.zeros((len(index), self.size))
        unit[np.arange(len(index)), index] = 1.0
        block = np.broadcast_to(np.asarray(self._products(x, unit)), unit.shape)[:, index]
        return (block + block.T) / 2

    def point(self, x: np.ndarray) -> dict:
        """The model's unobserved values (value variables, their constrained values and the
        deterministics) at ``x``."""
        return {name: np.asarray(value) for name, value in zip(self.unobserved, self._point(x))}


def prior_predictive(model, names: list[str], draws: int, seed: int):
    """``pm.sample_prior_predictive`` of ``names``, without its log line and its warning about
    Potentials (they are the likelihood, and Jeffreys' sigma term: the prior ignores them)."""
    import logging
    import warnings

    import pymc as pm

    logger = logging.getLogger("pymc")
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "The effect of Potentials", UserWarning)
            return pm.sample_prior_predictive(draws=draws, model=model, var_names=names, random_seed=seed)
    finally:
        logger.setLevel(level)


def _build(design, prior, likelihood, sigma, plugin_sigma, transform, form, intercept_sd=None):
    import pymc as pm
    import pytensor.tensor as pt

    estimated = isinstance(sigma, SigmaPrior)
    with pm.Model(coords={"feature": list(design.features)}) as model:
        noise = likelihood.dispersion(None if estimated else sigma, sigma if estimated else None, plugin_sigma)
        coef = prior.build(design.p, transform, sigma=noise)
        centred = pm.Flat("intercept_centred", initval=likelihood.initial_intercept(design)) if design.intercept else None
        likelihood.add(design, coef, centred, noise, form=form)
        if design.intercept:
            x_mean = pm.Data("x_mean", design.x_mean, dims="feature")
            intercept = pm.Deterministic("intercept", centred - pt.dot(coef, x_mean))
            if intercept_sd is not None:  # on c = centred - w'x_mean: a shift of centred, Jacobian 1
                pm.Potential("intercept_prior", pm.logp(pm.Normal.dist(0.0, pm.Data("intercept_sd", intercept_sd)), intercept))
        if design.standardized:
            x_scale = pm.Data("x_scale", design.x_scale, dims="feature")
            coef_original = pm.Deterministic("coef_original", coef / x_scale, dims="feature")
            if design.intercept:
                x_center = pm.Data("x_center", design.x_center, dims="feature")
                pm.Deterministic("intercept_original", intercept - pt.dot(coef_original, x_center))
    return model
