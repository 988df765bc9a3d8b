"""NumPyro's NUTS on priorfit's own PyMC model (``--sampler numpyro``): the one module that calls JAX.

PyMC exports the model's log density to JAX (``pm.sample(nuts_sampler="numpyro")``), so NumPyro samples
the same posterior as nutpie does, whitened coordinates included, and the whole trajectory runs as one
XLA program rather than a call out per gradient. JAX picks its device: with the CPU wheels
(``pip install 'priorfit[jax]'``) the chains run in parallel, one host device each; with JAX's CUDA
wheels on a machine with a GPU the same call runs there, the chains vectorized on the one device.

Compiled programs go to JAX's persistent cache in priorfit's cache folder
(:func:`priorfit.runtime.compile_cache.jax_cache_folder`), so a second run loads them.
"""

from __future__ import annotations

import importlib.util
import os

from priorfit.errors import InputError

#: NumPyro's default maximum tree depth: a transition that took 2**10 - 1 leapfrog steps stopped there
MAX_TREE_DEPTH = 10


def check_installed() -> None:
    """One sentence, before anything is fitted, when JAX or NumPyro is missing."""
    missing = [name for name in ("jax", "numpyro") if importlib.util.find_spec(name) is None]
    if missing:
        raise InputError(
            f"Sampler 'numpyro' needs {' and '.join(missing)}, which {'is' if len(missing) == 1 else 'are'} not "
            "installed; install them with pip install 'priorfit[jax]' or use --sampler nutpie."
        )


#: the persistent cache's bound: PyMC's export makes the data (``pm.Data``) constants of the compiled
#: programs, so each data set adds entries that hold it
CACHE_MAX_BYTES = 2**30


def _configure(chains: int) -> None:
    """One host device per chain, unless the user's ``XLA_FLAGS`` set a count (read when JAX starts its
    CPU backend, so it holds from the first run of a process on); float64 for the whole process, as
    PyMC's graphs are; and the persistent compilation cache, every program in it (PyMC's export makes
    many small ones, whose compiling is most of a cold run), at most :data:`CACHE_MAX_BYTES`."""
    import numpyro

    from priorfit.runtime.compile_cache import jax_cache_folder
    from priorfit.runtime.forked import usable_cores

    if "xla_force_host_platform_device_count" not in os.environ.get("XLA_FLAGS", ""):
        numpyro.set_host_device_count(max(chains, usable_cores()))
    numpyro.enable_x64()
    import jax

    if jax.config.jax_compilation_cache_dir is None:
        jax.config.update("jax_compilation_cache_dir", str(jax_cache_folder()))
        jax.config.update("jax_persistent_cache_min_compile_time_secs", 0.0)
        jax.config.update("jax_compilation_cache_max_size", CACHE_MAX_BYTES)


def sample(model, *, draws: int, tune: int, chains: int, seed: int, target_accept: float, progress: bool):
    """Draw the posterior of ``model`` (a :class:`~priorfit.models.posterior.PosteriorModel`) with NumPyro;
    an ``xarray.DataTree`` (posterior, sample_stats with ``diverging``, ``n_steps`` and
    ``reached_max_treedepth``)."""
    check_installed()
    _configure(chains)
    import jax
    import pymc as pm

    chain_method = "parallel" if jax.local_device_count() >= chains else "vectorized"
    tree = pm.sample(
        model=model.pymc,
        draws=draws,
        tune=tune,
        chains=chains,
        random_seed=seed,
        target_accept=target_accept,
        nuts_sampler="numpyro",
        nuts={"chain_method": chain_method, "max_tree_depth": MAX_TREE_DEPTH},
        progressbar=progress,
        quiet=not progress,
        compute_convergence_checks=False,
    )
    stats = tree["sample_stats"]
    stats["reached_max_treedepth"] = stats["n_steps"] >= 2**MAX_TREE_DEPTH - 1
    return tree
