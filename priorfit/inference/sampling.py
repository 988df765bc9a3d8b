"""NUTS (nutpie, PyMC or NumPyro) and its diagnostics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np

Sampler = Literal["nutpie", "pymc", "numpyro"]


def sampler_for(model, sampler: Sampler) -> Sampler:
    """The NUTS implementation that runs for ``sampler`` on ``model``: PyMC's where nutpie cannot
    start. nuts-rs 0.18 fails to initialize on a piecewise-linear log density for some seeds ("bad
    initial gradient: Invalid initial point"; measured: Laplace prior and likelihood on diabetes,
    seed 0, either nutpie backend), a panic that cannot be recovered from; PyMC's NUTS samples it."""
    return "pymc" if sampler == "nutpie" and model.likelihood.kinked else sampler


def sample(
    model,
    *,
    sampler: Sampler = "nutpie",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int = 0,
    target_accept: float = 0.8,
    cores: int | None = None,
    progress: bool = False,
):
    """Draw the posterior of ``model`` (a :class:`~priorfit.models.posterior.PosteriorModel`) with NUTS;
    returns an ``xarray.DataTree`` (posterior, sample_stats)."""
    import os

    from priorfit.runtime.cluster import in_worker

    cores = 1 if in_worker() else (cores or min(chains, os.cpu_count() or 1))  # a dask worker must not fork
    sampler = sampler_for(model, sampler)
    if sampler == "nutpie":
        from priorfit.inference import nutpie_adapter

        return nutpie_adapter.sample(model, draws=draws, tune=tune, chains=chains, cores=cores, seed=seed,
                                     target_accept=target_accept, progress=progress)
    if sampler == "numpyro":
        from priorfit.inference import numpyro_adapter

        return numpyro_adapter.sample(model, draws=draws, tune=tune, chains=chains, seed=seed,
                                      target_accept=target_accept, progress=progress)
    import pymc as pm

    return pm.sample(
        model=model.pymc,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        random_seed=seed,
        target_accept=target_accept,
        nuts_sampler="pymc",  # pm.sample would silently switch to nutpie when it is installed
        progressbar=progress,
        compute_convergence_checks=False,
    )


@dataclass(frozen=True)
class Diagnostics:
    """NUTS health over every sampled quantity: max R-hat (None with one chain), min bulk and
    tail ESS (arviz-stats), the number of divergent transitions and of transitions that hit
    the maximum tree depth (the sampler gave up lengthening the trajectory)."""

    max_rhat: float | None
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    treedepth_hits: int = 0  # transitions that stopped at the maximum tree depth


def diagnostics(tree) -> Diagnostics:
    """The :class:`Diagnostics` of a sampled ``xarray.DataTree``."""
    import arviz as az

    posterior = tree["posterior"].to_dataset()

    def extreme(ds, fn):
        return float(fn([float(fn(ds[v].values)) for v in ds.data_vars]))

    return Diagnostics(
        max_rhat=extreme(az.rhat(posterior), np.nanmax) if posterior.sizes["chain"] > 1 else None,
        min_ess_bulk=extreme(az.ess(posterior, method="bulk"), np.nanmin),
        min_ess_tail=extreme(az.ess(posterior, method="tail"), np.nanmin),
        divergences=int(tree["sample_stats"]["diverging"].sum()),
        treedepth_hits=int(sum(tree["sample_stats"][name].sum() for name in ("maxdepth_reached", "reached_max_treedepth")
                               if name in tree["sample_stats"])),
    )
