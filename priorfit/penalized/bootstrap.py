"""Percentile bootstrap intervals for the penalized estimate (``--bootstrap B``).

The posterior's HDI is a credible interval: where the coefficient lies given this data and the
prior. A bootstrap interval answers another question: how much the *penalized estimate* (the
exact twin, at the same alpha or C) varies from resample to resample of the rows. It is a
percentile confidence interval of the estimator, of a different kind, and the two need not
agree: where the penalty puts the estimate exactly at the prior location ``mu`` in most
resamples (the lasso's zeros), the bootstrap interval collapses to ``{mu}``, which a credible
interval of a continuous posterior never does.

Only priors with an exact twin have one; :func:`bootstrap` returns None for the others.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from priorfit.data.design import Design, intercept_name
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins

KIND = "percentile bootstrap confidence interval"


@dataclass(frozen=True, eq=False)
class Bootstrap:
    """``draws`` refits of the exact twin on rows resampled with replacement, and their percentile
    intervals. Arrays run over ``names``: the features, then the intercept when there is one
    (named by :func:`priorfit.data.design.intercept_name`; its
    ``mu`` and ``share_at_mu`` are NaN: the intercept has a flat prior). ``coef`` (draws x p) and
    ``intercept`` (draws) are the replicates on the model scale."""

    draws: int
    seed: int
    prob: float
    estimator: str
    names: tuple[str, ...]
    mu: np.ndarray
    low: np.ndarray
    high: np.ndarray
    share_at_mu: np.ndarray  # fraction of replicates whose estimate is exactly mu
    coef: np.ndarray
    intercept: np.ndarray | None
    kind: str = KIND

    @classmethod
    def from_replicates(cls, coef, intercept, mu, *, seed: int, prob: float, estimator: str, features) -> Bootstrap:
        """The intervals of replicate estimates (``coef`` draws x p, ``intercept`` draws or None)."""
        coef = np.asarray(coef, dtype=float)
        intercept = None if intercept is None else np.asarray(intercept, dtype=float)
        low, high = _percentiles(coef, intercept, prob)
        share = (coef == mu).mean(axis=0)
        names, mu = tuple(features), np.asarray(mu, dtype=float)
        if intercept is not None:
            names, mu, share = (*names, intercept_name(names)), np.append(mu, np.nan), np.append(share, np.nan)
        return cls(len(coef), seed, prob, estimator, names, mu, low, high, share, coef, intercept)

    @property
    def collapses_to_mu(self) -> np.ndarray:
        """Per row: the whole interval is exactly ``{mu}`` (both ends equal mu; never the intercept)."""
        return (self.low == self.mu) & (self.high == self.mu)

    def original(self, design: Design) -> tuple[np.ndarray, np.ndarray]:
        """``(low, high)`` on the original scale of X: each replicate is transformed as the
        coefficients are (``coef / x_scale``; its intercept ``intercept - coef_original @ x_center``,
        which mixes coefficients, so it is computed per replicate, not from the model-scale ends)."""
        coef, intercept = design.to_original(self.coef, self.intercept)
        return _percentiles(coef, intercept, self.prob)

    def to_dict(self) -> dict:
        """The JSON block; the intervals themselves are columns of the coefficient tables."""
        return {"draws": self.draws, "seed": self.seed, "prob": self.prob, "kind": self.kind}


def _percentiles(coef: np.ndarray, intercept: np.ndarray | None, prob: float) -> tuple[np.ndarray, np.ndarray]:
    values = coef if intercept is None else np.column_stack([coef, intercept])
    tail = (1.0 - prob) / 2.0
    low, high = np.quantile(values, [tail, 1.0 - tail], axis=0)  # linear: ends equal to mu stay exactly mu
    return low, high


def replicate_estimator(twin: twins.Twin, value: float, fit_intercept: bool, options: dict):
    """The twin as :func:`priorfit.penalized.fits.fit` makes it, except that a twin whose solver only
    reaches a loose agreement (saga for L1 logistic regression, which penalized.fit runs at tol
    1e-10) runs at :data:`priorfit.penalized.twins.LOOSE_TOL` (:meth:`~priorfit.penalized.twins.Twin.make_for_refits`):
    a bootstrap spread is far wider than that. Same penalty value, same objective."""
    return twin.make_for_refits(value, fit_intercept, **options)


def _replicate(design: Design, estimator, mu: np.ndarray, child: np.random.SeedSequence):
    from sklearn.base import clone

    rng = np.random.default_rng(child)
    rows = rng.integers(0, design.n, design.n)
    while np.ptp(design.y[rows]) == 0:  # a constant target (one class, all zero counts) has no fit: redraw
        rows = rng.integers(0, design.n, design.n)
    estimator = clone(estimator)
    if "random_state" in estimator.get_params():  # saga shuffles: seeded per replicate, so n_jobs changes nothing
        estimator.set_params(random_state=int(child.generate_state(1)[0]))
    return penalized.fit_estimator(estimator, design.take(rows), mu)


def bootstrap(design: Design, prior, likelihood, value: float, draws: int, seed: int, prob: float,
              n_jobs: int | None = None) -> Bootstrap | None:
    """Percentile bootstrap of the exact twin of (``prior``, ``likelihood``) at penalty ``value``
    (alpha, or C): ``draws`` resamples of the rows with replacement, each refitted with the same
    penalty value and the same prior-location offset as :func:`priorfit.penalized.fits.fit` (through
    :func:`priorfit.penalized.fits.fit_estimator`), and the central ``prob`` interval of the replicates.

    - The standardization is that of the full data and is kept fixed: ``design.X`` is not
      re-standardized per replicate (:meth:`priorfit.data.design.Design.take`), so every replicate
      estimates the same coefficients, in the same units, with the same penalty on them.
    - Replicate ``i`` draws its rows from ``default_rng(SeedSequence(seed).spawn(draws)[i])``, so
      the result depends on ``seed`` only, not on ``n_jobs`` or the order the workers finish in.
      A resample with a constant target (which no estimator fits) is redrawn from the same stream.
    - Twins with a loose solver tolerance run at :data:`priorfit.penalized.twins.LOOSE_TOL`
      (:func:`replicate_estimator`).
    - ``n_jobs`` goes to :class:`joblib.Parallel` (None: joblib's default, one process unless a
      ``joblib.parallel_config`` says otherwise).

    Returns None for a prior without an exact twin (there is no penalized estimate to resample).
    """
    twin = twins.twin(prior, likelihood)
    if twin is None:
        return None
    if draws < 1:
        raise ValueError(f"draws must be at least 1, not {draws}")
    from joblib import Parallel, delayed

    mu = prior.mu_vector(design.p)
    estimator = replicate_estimator(twin, value, design.intercept, twin.options(prior))
    children = np.random.SeedSequence(seed).spawn(draws)
    fits = Parallel(n_jobs=n_jobs)(delayed(_replicate)(design, estimator, mu, child) for child in children)
    coef = np.array([c for c, _ in fits], dtype=float).reshape(draws, design.p)
    intercept = np.array([i for _, i in fits], dtype=float) if design.intercept else None
    return Bootstrap.from_replicates(coef, intercept, mu, seed=seed, prob=prob, estimator=twin.estimator, features=design.features)
