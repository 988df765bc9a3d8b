"""The exact posterior of a Normal prior with fixed sigma: the reference NUTS is tested against.

With ``w ~ N(mu, tau^2 I)``, flat intercept and known ``sigma``, the coefficients are Gaussian
with precision ``A = X'X / sigma^2 + I / tau^2`` (centred X) and mean
``A^-1 (X'y / sigma^2 + mu / tau^2)``; the centred intercept is ``N(ybar, sigma^2 / n)``,
independent of them. The multivariate normal prior ``N(mu, tau^2 Q^-1)`` puts ``Q`` in the place of
``I`` (Tikhonov's closed form).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from priorfit.data.design import Design
from priorfit.models.likelihoods import Gaussian
from priorfit.models.priors import MvNormal, Normal

# the chance that a correct run fails the check, over all its statistics together
FALSE_ALARM = 1e-3


def threshold(statistics: int, false_alarm: float = FALSE_ALARM) -> float:
    """The largest ``|z|`` a correct run may show among ``statistics`` MCSE-scaled errors.

    Each error divided by its Monte Carlo standard error is close to N(0, 1) for a correct
    sampler (the central limit theorem for Markov chains; the MCSE comes from the effective sample
    size). By Bonferroni, ``P(max |z| > k) <= statistics * P(|Z| > k)``, so
    ``k = Phi^-1(1 - false_alarm / (2 statistics))`` bounds the chance that a correct run fails by
    ``false_alarm``, whatever the dependence between the coefficients: 4.08 for the 22 statistics
    of diabetes (10 coefficients and the intercept, mean and sd each) at 1e-3.
    """
    from scipy.special import ndtri

    return float(-ndtri(false_alarm / (2.0 * statistics)))


@dataclass(frozen=True)
class ExactPosteriorCheck:
    """How far NUTS's means and sds are from the exact ones (see :func:`compare_draws`).

    The check holds when every mean and every sd is within ``threshold`` of its own Monte Carlo
    standard error of the exact value (``max_abs_mcse_z``, ``max_abs_mcse_z_sd``); the threshold
    comes from :func:`threshold` for ``statistics`` errors at :data:`FALSE_ALARM`.
    """

    max_abs_z_mean: float
    max_rel_sd: float
    max_abs_mcse_z: float
    max_abs_mcse_z_sd: float | None = None  # |sd_nuts - sd| / MCSE of the sd (None: an older file)
    threshold: float | None = None
    statistics: int | None = None  # how many errors the threshold covers (2 per coefficient)
    worst: str | None = None  # the coefficient (and statistic) farthest from the closed form

    @property
    def checked(self) -> bool:
        """Whether the check's inputs are here (a file written before it was a check has none)."""
        return self.threshold is not None and self.max_abs_mcse_z_sd is not None

    @property
    def holds(self) -> bool:
        return self.checked and bool(max(self.max_abs_mcse_z, self.max_abs_mcse_z_sd) <= self.threshold)

    def sentence(self) -> str:
        """The check for people: the largest errors in MCSE and the threshold, with its reason."""
        largest = f"max |mean - exact| {self.max_abs_mcse_z:.2f} MCSE, max |sd - exact| {self.max_abs_mcse_z_sd:.2f} MCSE"
        sign = "<=" if self.holds else ">"
        where = "" if self.holds or not self.worst else f" (worst: {self.worst})"
        return (f"NUTS vs the closed-form Gaussian posterior: {largest} {sign} {self.threshold:.2f}{where}; "
                f"the threshold lets a correct run fail with probability {FALSE_ALARM:g} over its {self.statistics} "
                "statistics (Bonferroni)")


def applies(prior, likelihood: str, sigma: float | None) -> bool:
    """Whether the posterior is Gaussian in closed form: a Normal or multivariate normal prior of fixed
    scale, Gaussian likelihood, fixed sigma."""
    return isinstance(prior, Normal | MvNormal) and prior.scale is not None and likelihood == Gaussian.name and sigma is not None


def normal_posterior(design: Design, prior: Normal | MvNormal, sigma: float) -> dict:
    """Means and sds of ``coef`` and ``intercept`` (uncentred model scale). The prior precision is
    ``I / tau^2``, or ``Q / tau^2`` for the multivariate normal (Q singular: flat on its null space,
    which the data identify)."""
    stats = Gaussian().statistics(design)
    tau = prior.effective_scale(sigma)
    prior_precision = np.eye(design.p) / tau**2 if isinstance(prior, Normal) else prior.matrix(design.p) / tau**2
    cov = np.linalg.inv(stats.gram / sigma**2 + prior_precision)
    mean = cov @ (stats.xty / sigma**2 + prior_precision @ prior.mu_vector(design.p))
    result = {"coef_mean": mean, "coef_sd": np.sqrt(np.diag(cov))}
    if design.intercept:
        x_mean = design.x_mean
        result["intercept_mean"] = stats.y_mean - x_mean @ mean
        result["intercept_sd"] = float(np.sqrt(sigma**2 / design.n + x_mean @ cov @ x_mean))
    return result


def errors(exact: dict, posterior) -> dict:
    """Per coefficient (``coef`` then ``intercept``): NUTS's mean and sd against the exact ones,
    in posterior sds and in their own Monte Carlo standard errors. Arrays keyed ``z_mean``
    (error / sd), ``rel_sd`` (|sd ratio - 1|), ``mcse_z_mean`` and ``mcse_z_sd``, and ``names``."""
    import arviz as az

    out = {key: [] for key in ("z_mean", "rel_sd", "mcse_z_mean", "mcse_z_sd", "names")}
    for name in ("coef", "intercept"):
        if f"{name}_mean" not in exact:
            continue
        draws = posterior[name]
        mean = draws.mean(("chain", "draw")).values
        sd = draws.std(("chain", "draw")).values
        mcse = az.mcse(posterior[[name]], method="mean")[name].values
        mcse_sd = az.mcse(posterior[[name]], method="sd")[name].values
        error = np.abs(mean - exact[f"{name}_mean"])
        out["z_mean"].append(np.atleast_1d(error / exact[f"{name}_sd"]))
        out["rel_sd"].append(np.atleast_1d(np.abs(sd / exact[f"{name}_sd"] - 1)))
        out["mcse_z_mean"].append(np.atleast_1d(error / mcse))
        out["mcse_z_sd"].append(np.atleast_1d(np.abs(sd - exact[f"{name}_sd"]) / mcse_sd))
        labels = [str(v) for v in draws[draws.dims[-1]].values] if draws.ndim > 2 else [name]
        out["names"].append(np.array(labels, dtype=object))
    return {key: np.concatenate(values) for key, values in out.items()}


def compare_draws(exact: dict, posterior) -> ExactPosteriorCheck:  # posterior: xarray.Dataset
    """How far NUTS's means and sds are from the exact ones, per posterior sd and per MCSE.

    ``max_abs_z_mean`` is max |mean_nuts - mean| / sd; ``max_rel_sd`` is max |sd_nuts / sd - 1|;
    ``max_abs_mcse_z`` divides the mean error by its Monte Carlo standard error instead, and
    ``max_abs_mcse_z_sd`` the sd error by the sd's. A NaN MCSE (too few draws) fails the check.
    """
    e = errors(exact, posterior)
    z = np.concatenate([e["mcse_z_mean"], e["mcse_z_sd"]])
    z = np.where(np.isfinite(z), z, np.inf)
    worst = int(np.argmax(z))
    m = len(e["names"])
    return ExactPosteriorCheck(
        max_abs_z_mean=float(e["z_mean"].max()),
        max_rel_sd=float(e["rel_sd"].max()),
        max_abs_mcse_z=float(np.max(z[:m])),
        max_abs_mcse_z_sd=float(np.max(z[m:])),
        threshold=threshold(2 * m),
        statistics=2 * m,
        worst=f"{e['names'][worst % m]} ({'mean' if worst < m else 'sd'}, {z[worst]:.2f} MCSE)",
    )


def nested_counts(design: Design, count: int) -> np.ndarray:
    """``count`` row counts of nested subsamples, geometric from 10 (or p + 2) to every row."""
    low = min(max(10, design.p + 2), design.n)
    return np.unique(np.geomspace(low, design.n, count).round().astype(int))


def nested_subsamples(design: Design, counts, seed: int) -> list[Design]:
    """The first ``m`` rows of one seeded order of the rows, for each ``m`` of ``counts``: a larger
    subsample holds every smaller one. Each keeps the full data's standardization (``Design.take``)."""
    order = np.random.default_rng(seed).permutation(design.n)
    return [design.take(np.sort(order[:m])) for m in counts]


def nested_normal_posteriors(subsamples, prior: Normal | MvNormal, scales, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Means and sds of ``coef`` (scales x subsamples x p) of the closed-form posterior on each of
    ``subsamples`` at each prior scale of ``scales`` (one prior held fixed as the rows grow)."""
    shape = (len(scales), len(subsamples), subsamples[0].p)
    mean, sd = np.zeros(shape), np.zeros(shape)
    for a, scale in enumerate(scales):
        for r, sub in enumerate(subsamples):
            exact = normal_posterior(sub, prior.with_scale(float(scale)), sigma)
            mean[a, r], sd[a, r] = exact["coef_mean"], exact["coef_sd"]
    return mean, sd
