"""Dask for data and sweeps: connect to a cluster, read data where it lives, run tasks on it.

- ``--scheduler ADDRESS`` connects to an existing ``dask.distributed`` cluster; ``--workers N``
  starts a ``LocalCluster`` of N single-threaded worker processes for the run's duration.
- With a cluster, chunked data (a folder, glob or URL of Parquet/CSV files) are read by Dask and
  summarized on the workers (:func:`priorfit.data.sources.summarize_source`); without one, in this
  process, one chunk at a time.
- Sweeps (:func:`map`: declarations of ``priorfit run``) run one task per worker. Inside a worker
  NUTS does not fork processes (:func:`in_worker`: PyMC's sampler runs its chains in turn,
  nutpie in threads).
"""

from __future__ import annotations

import contextlib

from priorfit.errors import InputError


def connect(scheduler: str | None = None, workers: int | None = None):
    """A context giving a ``dask.distributed.Client`` (or None without either argument); a
    LocalCluster it started is closed at the end. The arguments are checked at once, the
    cluster is reached when the context is entered."""
    if scheduler is not None and workers is not None:
        raise InputError("--scheduler and --workers exclude each other: connect to a cluster, or start a local one.")
    return _session(scheduler, workers)


@contextlib.contextmanager
def _session(scheduler: str | None, workers: int | None):
    if scheduler is None and workers is None:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if workers is not None:
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as local:
            with Client(local) as client:
                yield client
        return
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as error:
        raise InputError(f"No dask scheduler answers at {scheduler!r} ({str(error).splitlines()[0]}); "
                         "give the address a running scheduler prints, e.g. tcp://10.0.0.5:8786.") from None
    with client:
        yield client


def active():
    """The active ``dask.distributed`` client, or None (dask itself is not imported for that)."""
    import sys

    if "distributed" not in sys.modules:
        return None
    from distributed import default_client

    try:
        return default_client()
    except ValueError:
        return None


def in_worker() -> bool:
    """Whether this code runs inside a dask worker (where processes must not be forked)."""
    import sys

    if "distributed" not in sys.modules:
        return False
    from distributed import get_worker

    try:
        get_worker()
    except ValueError:
        return False
    return True


def map(function, items: list, client) -> list:
    """``[function(item) for item in items]`` on the cluster of ``client``, results in order."""
    futures = client.map(function, items, pure=False)
    return client.gather(futures)
