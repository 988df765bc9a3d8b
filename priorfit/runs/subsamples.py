"""NUTS on one subsample of the rows under one prior, sigma as the run's settings say: what
``priorfit rows`` fits at each alpha and row count, and what the explorer's rows slider fits for a
prior without a closed form (``explorer_rows``)."""

from __future__ import annotations

from priorfit import inference
from priorfit.runtime.progress import Progress


def subsample_model(sub, prior, likelihood, config, dispersion: float | None, samplings: int = 1):
    """The PosteriorModel of ``prior`` on the subsample ``sub``, sigma fixed or estimated as ``config``
    says (``dispersion``: the full data's plug-in, its start), for ``samplings`` NUTS runs."""
    from priorfit.models.posterior import PosteriorModel

    estimated = likelihood.has_dispersion and config.sigma is None
    return PosteriorModel(sub, prior, likelihood, config.sigma_prior if estimated else config.sigma, plugin_sigma=dispersion,
                          whiten=config.whiten, samplings=samplings)


def subsample_posterior(prior, likelihood, dispersion: float | None, config, report: Progress):
    """For the explorer's rows (``explorer_rows``, :func:`priorfit.diagnostics.dial.compute`): a
    subsample's Design -> its NUTS posterior (a Dataset) under ``prior`` with the fit's sampler
    settings, or None where the posterior would be improper there (never sampled)."""
    estimated = likelihood.has_dispersion and config.sigma is None

    def posterior(sub):
        if estimated and likelihood.improper_reason(sub, config.sigma_prior, prior.scale_follows_sigma(config)):
            return None
        with report.step(f"{prior.name}: NUTS on the first {sub.n} rows (the explorer's rows)", spinner=False):
            tree = inference.sample(subsample_model(sub, prior, likelihood, config, dispersion), sampler=config.sampler,
                                    draws=config.draws, tune=config.tune, chains=config.chains, seed=config.seed,
                                    target_accept=config.target_accept or prior.target_accept)
        return tree["posterior"].to_dataset()

    return posterior
