"""Whether NUTS fits in the time a run allows, decided before anything is fitted (``--time-limit``).

The NUTS stage's wall time is estimated from the shape of the data and the prior, with constants
measured on this project's 2-core machine (``synthetic:n=200,p=2000,k=3,seed=1``, sigma fixed at 1,
2 chains, nutpie's numba callbacks):

- **gradients per draw**, about ``factor * p ** power`` up to the tree-depth limit of 1,023
  (:attr:`~priorfit.models.priors.base.Prior.nuts_steps`): a smooth, whitened posterior ``2.2 p^(1/4)``
  (an iid Gaussian at p = 2,000: 15); the Laplace prior's kinks ``8 p^(1/2)`` (127 a draw at p = 200,
  330-460 at p = 2,000, an iid Laplace 462); the regularized horseshoe's funnels ``14 p^(1/2)``
  (639 at p = 2,000, half its draws at the depth limit).
- **a gradient**: the products the density and the whitening make with the rows or with p x p matrices
  (:func:`cells`), timed here by a product with these data's X, plus :data:`SECONDS_PER_PARAMETER` for
  each value NUTS moves (the elementwise density and nutpie's own work): at p = 2,000, about 0.39 ms
  for the Laplace prior (0.25 ms of products) and for the regularized horseshoe (0.08 ms of products,
  4,000 values).
- **chains** run side by side on the usable cores.

An estimate, not a bound: the measured runs at p = 2,000 took 0.8-1.7 times it, a short run more, as the
sampler's build of 2-3 s is not in it (2.2 times at n = 40, p = 300), and the unwhitened lasso on wide
data about 0.5 times (0.11 ms a gradient); `benchmarks/wide.py` prints both.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from priorfit.errors import InputError
from priorfit.models import whitening
from priorfit.runtime.forked import usable_cores

MAX_TREE_STEPS = 1023  # nutpie's and PyMC's maximum tree depth of 10
TIMED_ROWS = 100_000  # the rows a gradient's products are timed on
SECONDS_PER_PARAMETER = 7.5e-8  # a gradient's cost per unconstrained value beyond its matrix products (measured)


@dataclass(frozen=True)
class Estimate:
    """An estimate of the NUTS stage's wall time for one prior, with what it is made of."""

    seconds: float
    iterations: int  # per chain, tuning included
    steps_per_draw: float
    gradient_seconds: float
    parallel: int  # chains run at once

    def sentence(self) -> str:
        return (f"{self.iterations} NUTS iterations a chain of about {self.steps_per_draw:.0f} gradients each, "
                f"a gradient about {_duration(self.gradient_seconds)} here, {self.parallel} chain(s) at once")


def cells(design, prior_cls, likelihood) -> int:
    """Multiply-adds of one gradient: the likelihood through the rows (2np) or X'X (p^2), and the
    whitening's products, forward and in the gradient (low rank on wide data: 4np; dense: 2 p^2; none for
    an unwhitened prior)."""
    n, p = design.n, design.p
    rows = likelihood.form_for(design) == "rows"
    total = 2 * n * p if rows else p * p
    if whitening.applies(design, prior_cls):
        total += 4 * n * p if design.wide and prior_cls.precision_is_diagonal else 2 * p * p
    return total


def cell_seconds(design) -> float:
    """Seconds a multiply-add of a matrix-vector product takes here, timed on these data's rows (best
    of five products ``X v`` and ``X' r`` on one BLAS thread, as each chain's gradient runs: BLAS's
    own threads on a busy machine made one such timing 20 times slower; at most :data:`TIMED_ROWS` rows,
    so that a million rows cost no second here); 1 ns without rows."""
    from threadpoolctl import threadpool_limits

    if not design.has_rows:
        return 1e-9
    X = design.X[:TIMED_ROWS]
    v, r = np.ones(design.p), np.ones(len(X))
    best = np.inf
    with threadpool_limits(1, user_api="blas"):
        for _ in range(5):
            start = time.perf_counter()
            X @ v
            X.T @ r
            best = min(best, time.perf_counter() - start)
    return best / (2 * X.size)


def estimate(design, prior_cls, likelihood, *, draws: int, tune: int, chains: int) -> Estimate:
    """The estimated NUTS stage's wall time for a prior of class ``prior_cls`` on ``design``."""
    factor, power = prior_cls.nuts_steps
    steps = min(MAX_TREE_STEPS, max(1.0, factor * design.p**power))
    parameters = design.p * prior_cls.parameters_per_coefficient
    gradient = cells(design, prior_cls, likelihood) * cell_seconds(design) + parameters * SECONDS_PER_PARAMETER
    parallel = max(1, min(chains, usable_cores()))
    iterations = draws + tune
    rounds = -(-chains // parallel)  # chains beyond the cores wait for a free one
    return Estimate(rounds * iterations * steps * gradient, iterations, steps, gradient, parallel)


def check(config, design, likelihood, *, runs: int = 1, times: str | None = None) -> None:
    """Refuse, before any fitting, a run whose NUTS stage alone is estimated to outlast
    ``config.time_limit`` minutes for some prior (0: no limit); ``runs``: how many times each prior
    is sampled (the points of a path), which ``times`` says in words where it is not a path's."""
    from priorfit.models import priors

    if not config.time_limit:
        return
    for name in config.prior:
        found = estimate(design, priors.get(name), likelihood, draws=config.draws, tune=config.tune, chains=config.chains)
        if runs * found.seconds > 60.0 * config.time_limit:
            times = times or ("" if runs == 1 else f" at the {runs} points of the path")
            raise InputError(
                f"Sampling the {name} posterior of {design.p} coefficients from {design.n} rows{times} would take about "
                f"{_duration(runs * found.seconds)} ({found.sentence()}), more than the time limit of {config.time_limit:g} "
                "minutes; use fewer draws, tuning steps or features, or raise --time-limit (0: none).")


def _duration(seconds: float) -> str:
    if seconds < 1e-3:
        return f"{seconds * 1e6:.0f} microseconds"
    if seconds < 1:
        return f"{seconds * 1e3:.1f} ms"
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 7200:
        return f"{seconds / 60:.0f} minutes"
    return f"{seconds / 3600:.1f} hours"
