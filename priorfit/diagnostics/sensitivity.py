"""Power-scaling sensitivity (Kallioinen et al. 2024): how much the posterior of each coefficient
moves when the prior, or the likelihood, is raised to a power near 1, by importance weighting of
the draws already there (arviz-stats' ``psense_summary``; no refit).

Its inputs are computed in NumPy: the log likelihood of each draw is the sum of the pointwise one
PSIS-LOO computes (:func:`priorfit.diagnostics.shrinkage.log_likelihood`, not recomputed), and the
log prior is each prior family's own density at the draws
(:meth:`~priorfit.models.priors.Prior.log_prior`, in the variables themselves, without the Jacobian of
a sampler's transform, as PyMC's ``compute_log_prior`` stores it). What is power-scaled
(:meth:`~priorfit.models.priors.Prior.power_scaled`): the coefficients' prior for a prior with a fixed
scale; for a hierarchical prior its top level, the priors of its random scales (the global scale's
hyperprior, the horseshoes' local scales and slab, R2-D2's R^2 and phi), as Kallioinen et al.
recommend. The noise sd's prior is not scaled: the subject is the prior on the coefficients.

The same computation moves a posterior along its penalty (``priorfit path --reweight``,
:func:`prior_reweighting`): the prior at another scale is the fitted one raised to a power for every
prior whose scale divides the kernel (Normal, Laplace, elastic net, bridge: ``p_b(w)^a`` is
``p_(b / a^(1/q))`` up to its normalizer), so the draws reweighted by ``p_new / p_old`` are draws of
the posterior at the new scale, Pareto-smoothed and checked by their Pareto k.

The diagnosis is arviz-stats' own, at its threshold 0.05 (cumulative Jensen-Shannon distance per
unit of log alpha): prior and likelihood sensitivity both at or above it, "potential prior-data
conflict"; prior above and likelihood below, "potential strong prior / weak likelihood" (the
likelihood is not informative beside the prior); otherwise none.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

THRESHOLD = 0.05  # arviz-stats' default


@dataclass(frozen=True)
class SensitivityRow:
    """One variable's sensitivity to power-scaling the prior and the likelihood."""

    name: str  # coef[feature], or a random scale
    prior: float
    likelihood: float
    diagnosis: str | None  # "potential prior-data conflict", "potential strong prior / weak likelihood", or None


@dataclass(frozen=True)
class Sensitivity:
    """One fit's power-scaling sensitivity (module docstring)."""

    power_scaled: tuple[str, ...]  # the log_prior variables whose density was power-scaled
    threshold: float = THRESHOLD
    rows: list[SensitivityRow] = field(default_factory=list)

    def flagged(self) -> list[SensitivityRow]:
        return [row for row in self.rows if row.diagnosis]


def log_prior_group(prior, posterior, sigma):
    """The ``log_prior`` group of a fit (an ``xarray.Dataset``): each random variable's log prior
    density at the posterior draws; ``sigma`` the noise sd's draws (chain, draw), a fixed value, or
    None."""
    import xarray as xr

    values = {name: posterior[name].values for name in posterior.data_vars}
    density = prior.log_prior(values, sigma)
    out = {}
    for name, array in density.items():
        dims = posterior[name].dims if name in posterior and posterior[name].ndim == array.ndim else ("chain", "draw")
        out[name] = (dims, array)
    return xr.Dataset(out, coords={k: v for k, v in posterior.coords.items() if k in ("chain", "draw", "feature")})


def sensitivity(prior, posterior, log_prior, loglik: np.ndarray, *, names: list[str] | None = None) -> Sensitivity:
    """Power-scaling sensitivity of ``names`` (default: ``coef`` and a random global scale) from
    the ``log_prior`` group and the pointwise log likelihood ``loglik`` (chain, draw, row)."""
    import logging
    import warnings

    import xarray as xr
    from arviz_stats import psense_summary

    names = names or ["coef", *(["global_scale"] if "global_scale" in posterior and prior.scale is None else [])]
    tree = xr.DataTree.from_dict({
        "posterior": posterior[names],
        "log_prior": log_prior,
        "log_likelihood": xr.Dataset({"y": (("chain", "draw"), loglik.sum(axis=-1))},
                                     coords={"chain": posterior["chain"], "draw": posterior["draw"]}),
    })
    logger = logging.getLogger("arviz_stats.psense")
    level = logger.level
    logger.setLevel(logging.ERROR)  # its pointer to the documentation on every flagged run; the report says it
    try:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", "Estimated shape parameter of Pareto", UserWarning)
            table = psense_summary(tree, var_names=names, prior_var_names=list(prior.power_scaled()),
                                   threshold=THRESHOLD, round_to=12)
    finally:
        logger.setLevel(level)
    rows = [SensitivityRow(str(label), float(row["prior"]), float(row["likelihood"]),
                           None if row["diagnosis"] == "✓" else str(row["diagnosis"]))
            for label, row in table.iterrows()]
    return Sensitivity(tuple(prior.power_scaled()), THRESHOLD, rows)


def prior_reweighting(prior, new_prior, posterior, sigma):
    """Pareto-smoothed log weights (chain, draw; self-normalized) that make draws of the posterior
    under ``prior`` draws of the posterior under ``new_prior``, and their Pareto k
    (``log w = log p_new(theta) - log p(theta)``, both from :func:`log_prior_group`, the densities
    psense power-scales). Both are whole densities, normalizers included: their ratio is a constant,
    which self-normalizing removes, wherever the normalizer does not depend on a random quantity.
    For the exponential-power priors it is ``p log(b / b')`` even with a sigma-scaled scale (sigma's
    factor cancels); for the elastic net with ``--scale-by-sigma`` and sigma estimated it varies with
    sigma's draws, and it is kept. ``sigma`` as for :func:`log_prior_group`."""
    import arviz as az

    def log_density(p):
        coef = log_prior_group(p, posterior, sigma)["coef"]
        return coef.sum("feature") if "feature" in coef.dims else coef  # elementwise, or joint (mvnormal, group_laplace)

    log_ratio = log_density(new_prior) - log_density(prior)
    size = log_ratio.size
    r_eff = min(1.0, float(az.ess(log_ratio.to_dataset(name="w"), method="mean")["w"]) / size)
    # arviz-stats' psislw takes what PSIS-LOO gives it, the log likelihood, and smooths its negative
    log_weights, k = (-log_ratio).azstats.psislw(dim=["chain", "draw"], r_eff=r_eff)
    return log_weights - np.logaddexp.reduce(log_weights.values.ravel()), float(k)


#: PSIS's threshold: a reweighted point whose Pareto k is above it is refitted (Vehtari et al. 2024;
#: with S draws, min(1 - 1 / log10(S), 0.7): 0.7 from S = 2,154 draws on)
MAX_PARETO_K = 0.7
#: and one whose weights' effective sample size (1 / sum w^2) is below this share of the draws: a
#: stronger prior's weights are bounded, so their k is low even where few draws carry them
MIN_ESS_SHARE = 0.1


def k_threshold(draws: int) -> float:
    """The largest Pareto k whose weights are trusted, with ``draws`` draws."""
    return min(1.0 - 1.0 / np.log10(draws), MAX_PARETO_K)


def weights_trusted(log_weights, k: float) -> tuple[bool, float]:
    """Whether self-normalized ``log_weights`` with Pareto ``k`` are trusted (:func:`k_threshold`,
    :data:`MIN_ESS_SHARE`), and their effective sample size ``1 / sum w^2``."""
    size = log_weights.size
    ess = 1.0 / float(np.exp(2 * np.asarray(log_weights)).sum())
    return bool(k <= k_threshold(size) and ess >= MIN_ESS_SHARE * size), ess


def posterior_summary(draws, hdi_prob: float, log_weights=None, seed: int = 0):
    """Mean, sd and HDI of ``coef``; with ``log_weights`` (chain, draw) the weighted mean and sd, and the
    HDI of a stratified resample by the weights (arviz-base's ``extract``, as psense resamples)."""
    import arviz as az

    coef = draws[["coef"]]
    if log_weights is None:
        stats = az.summary(coef, kind="stats", fmt="xarray", ci_kind="hdi", ci_prob=hdi_prob, round_to="none")["coef"]
        labels = [str(v) for v in stats["summary"].values]
        return tuple(stats.sel(summary=label).values for label in ("mean", "sd", labels[2], labels[3]))
    from arviz_base import extract

    weights = np.exp(log_weights.transpose("chain", "draw").values.ravel())
    values = coef["coef"].transpose("chain", "draw", "feature").values.reshape(weights.size, -1)
    mean = weights @ values
    sd = np.sqrt(weights @ (values - mean) ** 2)
    resampled = extract(coef, group="posterior", num_samples=weights.size, weights=weights / weights.sum(),
                        resampling_method="stratified", random_seed=seed, keep_dataset=True)
    again = resampled["coef"].transpose("sample", "feature").values[None]
    stats = az.summary(az.from_dict({"posterior": {"coef": again}}, dims={"coef": ["feature"]},
                                    coords={"feature": coef["feature"].values})["posterior"].to_dataset(),
                       kind="stats", fmt="xarray", ci_kind="hdi", ci_prob=hdi_prob, round_to="none")["coef"]
    labels = [str(v) for v in stats["summary"].values]
    return mean, sd, stats.sel(summary=labels[2]).values, stats.sel(summary=labels[3]).values
