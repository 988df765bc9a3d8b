"""Posterior and prior predictive checks: replicated data sets y_rep set against the observed y.

Both run in NumPy on draws a comparison already has (no PyMC, no compile):

- **Posterior predictive.** For an evenly thinned subset of the posterior draws (all of them while
  rows x draws stays under :data:`CHECK_CELLS`, at least :data:`CHECK_MIN_DRAWS`), one y_rep each
  from the likelihood (:meth:`~priorfit.models.likelihoods.Likelihood.simulate`) at the draw's
  coefficients, intercept and noise sd. The posterior predictive p-value of a statistic T is
  ``P(T(y_rep) >= T(y))``, ties counted half (binary and count data tie often); T is the mean and the
  sd of y. Values near 0 or 1 say the model does not reproduce that feature of the data.
- **Prior predictive.** y_rep from coefficients drawn from the prior
  (:meth:`~priorfit.models.priors.Prior.coef_draws`, given the draws of a hierarchical prior's random
  scales that the model's ``prior`` group already holds): what the prior claims about the data before
  seeing them. The intercept's prior is flat (improper), so the centred intercept is held at its
  starting value (the mean of y, or the link of it), and the noise sd at the fixed or plug-in value:
  the prior predictive is that of the coefficients' prior. For the Gaussian the mean of y is then
  pinned and the sd of y is what the coefficients' prior speaks to; through a GLM's link the prior
  moves the mean as well. The same p-value says where the observed statistic
  falls in the prior predictive (0.5: in the middle; near 0: the prior expects much larger values).

A subset of each is kept in the fit's DataTree as ArviZ's groups ``posterior_predictive`` and
``prior_predictive`` (variable ``y`` over ``row``), with ``observed_data``: at most
:data:`STORED_DRAWS` replicated data sets and :data:`STORED_CELLS` values, so files stay small.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

CHECK_CELLS = 2_000_000  # rows x replicated data sets simulated for the p-values
CHECK_MIN_DRAWS = 100
STORED_DRAWS = 100  # replicated data sets kept in the DataTree, at most
STORED_CELLS = 500_000  # and rows x data sets kept, at most (then fewer data sets, at least MIN_STORED)
MIN_STORED = 10
SEED_STREAM = 16  # default_rng([seed, SEED_STREAM, k]): streams of their own, apart from the sampler's


@dataclass(frozen=True)
class PredictiveCheck:
    """The numeric summary of one fit's posterior and prior predictive checks (module docstring)."""

    draws: int  # posterior predictive data sets behind the p-values
    stored: int  # of them kept in the DataTree's posterior_predictive group
    observed_mean: float
    observed_sd: float
    p_mean: float  # P(mean(y_rep) >= mean(y)), ties half, under the posterior predictive
    p_sd: float
    prior_draws: int | None = None  # prior predictive data sets (None: not computed)
    prior_stored: int | None = None
    prior_p_mean: float | None = None  # the same under the prior predictive
    prior_p_sd: float | None = None
    prior_sd_low: float | None = None  # 5% and 95% quantiles of sd(y_rep) under the prior predictive
    prior_sd_high: float | None = None


def p_value(replicated: np.ndarray, observed: float) -> float:
    """``P(T_rep >= T_obs)`` over the replicated statistics, ties counted half."""
    replicated = np.asarray(replicated, dtype=float)
    return float(np.mean(replicated > observed) + 0.5 * np.mean(replicated == observed))


def _statistics(y_rep: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return y_rep.mean(axis=-1), y_rep.std(axis=-1)


def _counts(n: int, available: int) -> tuple[int, int]:
    """Data sets to simulate and to store, for ``n`` rows and ``available`` draws."""
    simulated = min(available, max(CHECK_MIN_DRAWS, CHECK_CELLS // max(n, 1)))
    stored = min(simulated, STORED_DRAWS, max(MIN_STORED, STORED_CELLS // max(n, 1)))
    return simulated, stored


def spaced(total: int, k: int) -> np.ndarray:
    """``k`` evenly spaced indices of ``range(total)``."""
    return np.unique(np.linspace(0, total - 1, k).round().astype(int))


def posterior_predictive(design, likelihood, posterior, dispersion, seed: int):
    """``(y_rep, chain, draw)``: replicated data sets (data sets x rows) at an evenly thinned
    subset of the posterior draws, and the chain and draw index of each."""
    chains, draws = posterior.sizes["chain"], posterior.sizes["draw"]
    simulated, _ = _counts(design.n, chains * draws)
    per_chain = spaced(draws, max(1, -(-simulated // chains)))
    chain = np.repeat(np.arange(chains), len(per_chain))
    draw = np.tile(per_chain, chains)
    coef = posterior["coef"].values[chain, draw]
    eta = coef @ design.X.T
    if "intercept" in posterior:
        eta = eta + posterior["intercept"].values[chain, draw][:, None]
    sigma = posterior["sigma"].values[chain, draw][:, None] if "sigma" in posterior else dispersion
    likelihood = likelihood.at_draws({name: posterior[name].values[chain, draw][:, None] for name in likelihood.estimated()})
    rng = np.random.default_rng([seed, SEED_STREAM, 0])
    return likelihood.simulate(eta, sigma, rng), chain, draw


def prior_predictive(design, likelihood, prior, scales, dispersion, size: int, seed: int) -> np.ndarray:
    """Replicated data sets (size x rows) under the prior: coefficients from the prior (given the
    draws ``scales`` of its random scales, the model's ``prior`` group, or None), the centred
    intercept at the likelihood's starting value, the noise sd at ``dispersion``, the likelihood's
    own estimated parameters (Student-t's ``nu``) from their prior."""
    rng = np.random.default_rng([seed, SEED_STREAM, 1])
    given = None
    if scales is not None:
        names = [name for name in scales.data_vars]
        flat = {name: scales[name].stack(sample=("chain", "draw")).transpose("sample", ...).values for name in names}
        total = next(iter(flat.values())).shape[0]
        pick = spaced(total, size)
        size = len(pick)
        given = {name: values[pick] for name, values in flat.items()}
    sigma = dispersion if likelihood.has_dispersion else None
    coef = prior.coef_draws(design.p, size, rng, scales=given, sigma=sigma)
    X = design.X - design.x_mean if design.intercept else design.X
    eta = coef @ X.T + (likelihood.initial_intercept(design) if design.intercept else 0.0)
    return likelihood.at_draws(likelihood.prior_draws(size, rng)).simulate(eta, dispersion, rng)


def check(design, likelihood, prior, posterior, scales, dispersion, seed: int):
    """The :class:`PredictiveCheck` of one fit and the DataTree groups that keep its draws
    (``{"posterior_predictive": Dataset, "prior_predictive": Dataset, "observed_data": Dataset}``).
    ``scales``: the model's ``prior`` group (a Dataset) or None."""
    import xarray as xr

    y = np.asarray(design.y, dtype=float)
    y_rep, chain, draw = posterior_predictive(design, likelihood, posterior, dispersion, seed)
    means, sds = _statistics(y_rep)
    observed_mean, observed_sd = float(y.mean()), float(y.std())
    _, stored = _counts(design.n, len(y_rep))
    chains = posterior.sizes["chain"]
    per_chain = len(y_rep) // chains
    keep = spaced(per_chain, max(1, stored // chains))
    dtype = np.int64 if likelihood.discrete else float
    kept = y_rep.reshape(chains, per_chain, -1)[:, keep].astype(dtype)
    rows = np.arange(design.n)
    groups = {
        "posterior_predictive": xr.Dataset(
            {"y": (("chain", "draw", "row"), kept)},
            coords={"chain": posterior["chain"].values, "draw": draw[:per_chain][keep], "row": rows}),
        "observed_data": xr.Dataset({"y": ("row", y.astype(dtype))}, coords={"row": rows}),
    }
    fields = dict(draws=len(y_rep), stored=int(kept.shape[0] * kept.shape[1]), observed_mean=observed_mean,
                  observed_sd=observed_sd, p_mean=p_value(means, observed_mean), p_sd=p_value(sds, observed_sd))
    try:
        prior_rep = prior_predictive(design, likelihood, prior, scales, dispersion, len(y_rep), seed)
    except NotImplementedError:  # a prior family without coef_draws: no prior predictive
        return PredictiveCheck(**fields), groups
    prior_means, prior_sds = _statistics(prior_rep)
    _, prior_stored = _counts(design.n, len(prior_rep))
    pick = spaced(len(prior_rep), prior_stored)
    groups["prior_predictive"] = xr.Dataset(
        {"y": (("chain", "draw", "row"), prior_rep[pick][None].astype(dtype))},
        coords={"chain": [0], "draw": np.arange(len(pick)), "row": rows})
    low, high = np.quantile(prior_sds, [0.05, 0.95])
    fields.update(prior_draws=len(prior_rep), prior_stored=len(pick), prior_p_mean=p_value(prior_means, observed_mean),
                  prior_p_sd=p_value(prior_sds, observed_sd), prior_sd_low=float(low), prior_sd_high=float(high))
    return PredictiveCheck(**fields), groups


def fit_checks(design, likelihood, prior, tree, loglik, dispersion, seed: int):
    """One fit's predictive checks and power-scaling sensitivity
    (:mod:`priorfit.diagnostics.sensitivity`), their draws and the log prior added to ``tree`` as
    the standard groups: ``(PredictiveCheck or None, Sensitivity or None)``. Both need the rows;
    the sensitivity also the pointwise log likelihood ``loglik`` that PSIS-LOO computed (None: none).
    ``dispersion`` is the fixed or plug-in noise sd (1 for a family without one)."""
    import xarray as xr

    from priorfit.diagnostics import sensitivity

    if not design.has_rows:
        return None, None
    posterior = tree["posterior"].to_dataset()
    scales = tree["prior"].to_dataset() if "prior" in tree.children else None
    checked, groups = check(design, likelihood, prior, posterior, scales, dispersion, seed)
    for name, group in groups.items():
        tree[name] = xr.DataTree(group)
    sigma = posterior["sigma"].values if "sigma" in posterior else (dispersion if likelihood.has_dispersion else None)
    try:
        log_prior = sensitivity.log_prior_group(prior, posterior, sigma)
    except NotImplementedError:  # a prior family without its NumPy log density: no power-scaling
        return checked, None
    tree["log_prior"] = xr.DataTree(log_prior)
    sensed = None if loglik is None else sensitivity.sensitivity(prior, posterior, log_prior, loglik)
    return checked, sensed
