"""The exact posterior of a Normal prior with fixed sigma: the reference NUTS is tested against.

With ``w ~ N(mu, tau^2 I)``, flat intercept and known ``sigma``, the coefficients are Gaussian
with precision ``A = X'X / sigma^2 + I / tau^2`` (centred X) and mean
``A^-1 (X'y / sigma^2 + mu / tau^2)``; the centred intercept is ``N(ybar, sigma^2 / n)``,
independent of them.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .data import Design
from .likelihoods import Gaussian
from .priors import Normal


@dataclass(frozen=True)
class ExactPosteriorCheck:
    """How far NUTS's means and sds are from the exact ones (see :func:`compare_draws`)."""

    max_abs_z_mean: float
    max_rel_sd: float
    max_abs_mcse_z: float


def applies(prior, likelihood: str, sigma: float | None) -> bool:
    """Whether the posterior is Gaussian in closed form: Normal prior of fixed scale, Gaussian, fixed sigma."""
    return isinstance(prior, Normal) and prior.scale is not None and likelihood == Gaussian.name and sigma is not None


def normal_posterior(design: Design, prior: Normal, sigma: float) -> dict:
    """Means and sds of ``coef`` and ``intercept`` (uncentred model scale)."""
    stats = Gaussian().statistics(design)
    tau = prior.effective_scale(sigma)
    precision = stats.gram / sigma**2 + np.eye(design.p) / tau**2
    cov = np.linalg.inv(precision)
    mean = cov @ (stats.xty / sigma**2 + prior.mu_vector(design.p) / tau**2)
    result = {"coef_mean": mean, "coef_sd": np.sqrt(np.diag(cov))}
    if design.intercept:
        x_mean = design.x_mean
        result["intercept_mean"] = stats.y_mean - x_mean @ mean
        result["intercept_sd"] = float(np.sqrt(sigma**2 / design.n + x_mean @ cov @ x_mean))
    return result


def compare_draws(exact: dict, posterior) -> ExactPosteriorCheck:  # posterior: xarray.Dataset
    """How far NUTS's means and sds are from the exact ones, per posterior sd.

    ``max_abs_z_mean`` is max |mean_nuts - mean| / sd; ``max_rel_sd`` is max |sd_nuts / sd - 1|;
    ``max_abs_mcse_z`` divides the mean error by its Monte Carlo standard error instead.
    """
    import arviz as az

    z, rel, mcse_z = [], [], []
    for name in ("coef", "intercept"):
        if f"{name}_mean" not in exact:
            continue
        draws = posterior[name]
        mean = draws.mean(("chain", "draw")).values
        sd = draws.std(("chain", "draw")).values
        mcse = az.mcse(posterior[[name]], method="mean")[name].values
        z.append(np.atleast_1d(np.abs(mean - exact[f"{name}_mean"]) / exact[f"{name}_sd"]))
        rel.append(np.atleast_1d(np.abs(sd / exact[f"{name}_sd"] - 1)))
        mcse_z.append(np.atleast_1d(np.abs(mean - exact[f"{name}_mean"]) / mcse))
    return ExactPosteriorCheck(
        max_abs_z_mean=float(np.concatenate(z).max()),
        max_rel_sd=float(np.concatenate(rel).max()),
        max_abs_mcse_z=float(np.concatenate(mcse_z).max()),
    )
