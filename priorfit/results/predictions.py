"""Predictions for new rows: the posterior mean of E[y | x] with its credible interval, the posterior
predictive interval of y, the exact twin's prediction and a split-conformal interval around the twin,
one row per (prior, new row).

Every number comes from the fit's DataTree, on the original scale of X: the posterior draws of
``coef_original`` and ``intercept_original`` (``coef`` and ``intercept`` where the design was not
standardized, when they already are on that scale), so new rows are used as given and no
standardization can be misapplied; the twin's coefficients and the conformal refit from the group
``conformal`` (:mod:`priorfit.penalized.conformal`).

- ``mean``: the posterior mean of E[y | x], the family's mean of the linear predictor averaged over
  the draws (for Bernoulli the probability of the label coded 1); ``mean_low``, ``mean_high``: its
  equal-tailed credible interval (quantiles of E[y | x] over the draws, linearly interpolated).
- ``pred_low``, ``pred_high``: the equal-tailed posterior predictive interval of y, from one draw of
  y per posterior draw (the family's ``simulate``, with that draw's sigma or the fixed one); each end
  is one of those draws (the ``inverted_cdf`` quantile), so Bernoulli ends are 0 or 1 and Poisson
  ends counts.
- ``twin``: the exact penalized twin's E[y | x] (its ``predict``, ``predict_proba`` for
  LogisticRegression); NaN where the prior has no exact twin (the nearest references are not twins).
- ``conformal_low``, ``conformal_high``: the split-conformal interval at the same level, around the
  twin refitted on the proper-training rows; NaN where there is none.

With one level the columns are named as above; with several, every interval column carries the
level in percent (``mean_low_90``, ``pred_high_97.5``). The rows x draws product is computed in
blocks of :data:`BLOCK_ROWS` new rows (memory bounded by the block, not by the number of rows), and
block ``b`` of the ``k``-th prior draws y from ``SeedSequence(seed, spawn_key=(k, b))``: the same seed
gives the same numbers, whatever the number of rows predicted after them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from priorfit.data.new_rows import rows_in
from priorfit.errors import InputError
from priorfit.validation import probability

BLOCK_ROWS = 256  # new rows per block: with 4,000 draws, a block's arrays are 8 MB each


def suffix(prob: float) -> str:
    """The level of ``prob`` in percent, as column names carry it: 0.9 -> ``90``, 0.975 -> ``97.5``."""
    return f"{100 * prob:.10g}"


def levels(prob) -> list[float]:
    """``prob`` (one number or several) checked: each strictly between 0 and 1, no level twice."""
    values = [prob] if np.isscalar(prob) or isinstance(prob, str) else list(prob)
    if not values:
        raise InputError("No probability was given for the intervals; give one or more numbers strictly between 0 and 1, e.g. 0.9.")
    out = [probability(v, "prob") for v in values]
    seen = {}
    for value in out:
        if suffix(value) in seen:
            raise InputError(f"prob {value:g} is given twice; give each interval level once.")
        seen[suffix(value)] = value
    return out


def new_rows(comparison, X_new, name: str = "the new rows") -> np.ndarray:
    """``X_new`` as a float array in the training features' order, checked: a DataFrame with every
    training feature (any order; the training target's column, if present, is ignored; any other
    column is refused: it is most often a misspelt feature), or an array of one column per feature
    in training order. ``name`` says what the rows are in the sentences, in the plural ("the new
    rows in 'new.csv'"). After a formula, a DataFrame holds the columns the formula reads, and the
    saved formula builds the features from them (:func:`priorfit.data.formulas.new_columns`)."""
    return rows_in(comparison.data.features, comparison.data.target, X_new, name, comparison.data.formula_spec)


def draws(fit, family) -> tuple[np.ndarray, np.ndarray, np.ndarray | float | None]:
    """The posterior draws on the original scale of X: ``coef`` (draws x p), ``intercept`` (draws; 0
    without one) and the dispersion (draws, the fixed value, or None for a family without one)."""
    post = fit.tree["posterior"]
    original = "coef_original" in post
    coef = post["coef_original" if original else "coef"].values
    coef = coef.reshape(-1, coef.shape[-1])
    name = "intercept_original" if original else "intercept"
    intercept = post[name].values.ravel() if name in post else np.zeros(len(coef))
    dispersion = None
    if family.has_dispersion:
        dispersion = post["sigma"].values.ravel() if "sigma" in post else float(fit.noise.value)
    return coef, intercept, dispersion


def twin_coefficients(fit) -> tuple[np.ndarray, float] | None:
    """The exact twin's coefficients and intercept on the original scale of X: from the ``conformal``
    group, or (folders written before it) from the coefficient table; None without an exact twin."""
    if not fit.penalized.exact:
        return None
    if "conformal" in fit.tree.children:
        group = fit.tree["conformal"]
        return np.asarray(group["twin_coef"].values, dtype=float), float(group["twin_intercept"])
    table = fit.original if fit.original is not None else fit.coefficients
    values = table["penalized"].to_numpy(dtype=float)
    p = len(fit.tree["posterior"]["feature"])
    return values[:p], float(values[p]) if len(values) > p else 0.0


def conformal_split(fit):
    """The fit's :class:`~priorfit.penalized.conformal.Conformal`, or None."""
    from priorfit.penalized.conformal import Conformal

    if "conformal" not in fit.tree.children:
        return None
    return Conformal.from_dataset(fit.tree["conformal"].to_dataset())


def _quantiles(rows: np.ndarray, q: np.ndarray, *, draw: bool) -> np.ndarray:
    """Quantiles ``q`` of each row of ``rows`` (sorted in place): ``draw`` False, linearly interpolated
    (NumPy's default method); True, each one of the values (NumPy's ``inverted_cdf``: the smallest
    value whose share of values at or below it reaches q). One sort of a row costs less than
    ``np.quantile``'s partitions at these sizes."""
    rows.sort(axis=1)
    S = rows.shape[1]
    if draw:
        return rows[:, np.clip(np.ceil(S * q).astype(int) - 1, 0, S - 1)].T
    h = (S - 1) * q
    low = np.floor(h).astype(int)
    high = np.minimum(low + 1, S - 1)
    a, b = rows[:, low], rows[:, high]
    return (a + (b - a) * (h - low)).T


def summarize(family, X: np.ndarray, coef: np.ndarray, intercept: np.ndarray, dispersion, probs: list[float], seed: int,
              index: int = 0, workers: int | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Over the posterior draws (``coef`` draws x p, ``intercept`` and ``dispersion`` as :func:`draws`
    gives them), at rows ``X``: the mean of E[y | x], and the quantiles ``(1 - p) / 2`` of every
    level then ``1 - (1 - p) / 2`` of every level, of E[y | x] and of y (levels x rows each).

    Computed in blocks of :data:`BLOCK_ROWS` rows (block ``b`` draws y from
    ``SeedSequence(seed, spawn_key=(index, b))``), ``workers`` blocks at a time in threads (default:
    the cores, at most 4; NumPy's matrix product, sort and random draws release the GIL), with one
    BLAS thread each: a product this small runs slower on several. Memory: a few arrays of
    ``BLOCK_ROWS`` x draws per worker, whatever the number of rows."""
    import os
    from concurrent.futures import ThreadPoolExecutor

    from threadpoolctl import threadpool_limits

    m = len(X)
    tails = [(1.0 - p) / 2.0 for p in probs]
    q = np.array(tails + [1.0 - t for t in tails])
    mean, mean_q, pred_q = np.empty(m), np.empty((len(q), m)), np.empty((len(q), m))
    coef_t = np.ascontiguousarray(coef.T)

    def block(b: int) -> None:
        rows = slice(b * BLOCK_ROWS, (b + 1) * BLOCK_ROWS)
        eta = X[rows] @ coef_t
        eta += intercept  # block rows x draws
        rng = np.random.default_rng(np.random.SeedSequence(seed, spawn_key=(index, b)))
        y = family.simulate(eta, dispersion, rng)
        mu = family.mean(eta)
        mean[rows] = mu.mean(axis=1)
        mean_q[:, rows] = _quantiles(mu, q, draw=False)  # mu may be eta itself (the Gaussian): y is drawn already
        pred_q[:, rows] = _quantiles(y, q, draw=True)

    blocks = range(-(-m // BLOCK_ROWS))
    workers = workers or min(4, os.cpu_count() or 1)
    with threadpool_limits(1):
        if workers == 1:
            for b in blocks:
                block(b)
        else:
            with ThreadPoolExecutor(workers) as pool:
                list(pool.map(block, blocks))
    return mean, mean_q, pred_q


def fit_predictions(fit, X: np.ndarray, probs: list[float], seed: int, index: int = 0) -> dict:
    """The columns of one prior's predictions at rows ``X`` (original scale, training order), keyed
    by name, or by ``(name, level)`` for the interval columns."""
    family = fit.posterior_family
    m = len(X)
    mean, mean_q, pred_q = summarize(family, X, *draws(fit, family), probs, seed, index)
    L = len(probs)
    out = {"mean": mean}
    for k, p in enumerate(probs):
        out[("mean_low", p)], out[("mean_high", p)] = mean_q[k], mean_q[L + k]
    for k, p in enumerate(probs):
        out[("pred_low", p)], out[("pred_high", p)] = pred_q[k], pred_q[L + k]
    twin = twin_coefficients(fit)
    out["twin"] = family.mean(X @ twin[0] + twin[1]) if twin is not None else np.full(m, np.nan)
    split = conformal_split(fit)
    center = split.center(X, family) if split is not None else None
    for p in probs:
        low, high = (split.interval(center, p, family.support) if split is not None else (np.full(m, np.nan),) * 2)
        out[("conformal_low", p)], out[("conformal_high", p)] = low, high
    return out


def predict(comparison, X_new, prob=0.9, *, seed: int | None = None, name: str = "the new rows") -> pd.DataFrame:
    """One row per (prior, new row): ``prior, row, mean, mean_low, mean_high, pred_low, pred_high,
    twin, conformal_low, conformal_high`` (see the module docstring; ``row`` is the 0-based position
    of the row in ``X_new``). ``prob``: one level or several (then the interval columns carry the
    level: ``mean_low_90``); ``seed``: of the predictive draws (default: the comparison's seed)."""
    probs = levels(prob)
    X = new_rows(comparison, X_new, name)
    seed = comparison.settings.seed if seed is None else int(seed)
    several = len(probs) > 1
    frames = []
    for k, fit in enumerate(comparison.fits):
        columns = fit_predictions(fit, X, probs, seed, k)
        named = {"prior": np.repeat(fit.prior.name, len(X)), "row": np.arange(len(X))}
        for key, values in columns.items():
            if isinstance(key, tuple):
                key = f"{key[0]}_{suffix(key[1])}" if several else key[0]
            named[key] = values
        frames.append(pd.DataFrame(named))
    frame = pd.concat(frames, ignore_index=True)
    order = ["prior", "row", "mean", *[c for c in frame.columns if c.startswith(("mean_low", "mean_high"))],
             *[c for c in frame.columns if c.startswith("pred_")], "twin",
             *[c for c in frame.columns if c.startswith("conformal_")]]
    return frame[order]
