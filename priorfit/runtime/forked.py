"""Work shared with a forked copy of this process, for work that writes files and returns nothing
(the plots: :func:`priorfit.plots.write_all`).

The copy is made only where that is safe and pays: Linux, two usable cores, not inside a dask
worker, and not once JAX has started its backends (``--sampler numpyro``: its threads make a fork
unsafe, as it warns; importing arviz puts a lazy ``jax`` in ``sys.modules``, which starts nothing). It writes nothing to the terminal (its stdout and stderr go to /dev/null, before it can
write through a lock that a thread of this process, a progress spinner, held when it was forked),
and it is given a deadline. Where it fails, is killed at its deadline, or cannot be waited for,
this process does its share itself; where this process fails, the copy is killed first.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from collections.abc import Callable, Sequence

# the copy's deadline, counted from the end of this process's own share: GRACE_S, or SHARE_FACTOR times that share
GRACE_S, SHARE_FACTOR = 60.0, 3.0


def split(work: Callable[[Sequence], object], items: Sequence, done: Callable[[Sequence], bool]) -> None:
    """``work(items)``, every second item in a forked copy (:func:`can_fork`), the rest here; then
    ``work`` here on the copy's items where it did not finish them (``done`` says, after it exits)."""
    if len(items) < 2 or not can_fork():
        work(items)
        return
    mine, theirs = items[0::2], items[1::2]
    child = _fork(work, theirs)
    try:
        start = time.perf_counter()
        work(mine)
        finished = _wait(child, max(GRACE_S, SHARE_FACTOR * (time.perf_counter() - start)))
    except BaseException:
        _kill(child)
        raise
    if not (finished and done(theirs)):
        work(theirs)


def usable_cores() -> int:
    """The cores this process may run on: its CPU affinity (the CPU count where there is none)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


def can_fork() -> bool:
    """Linux, at least two cores this process may use, not a dask worker, and JAX's backends not started."""
    from priorfit.runtime.cluster import in_worker

    return sys.platform == "linux" and usable_cores() >= 2 and not in_worker() and not jax_started()


def jax_started() -> bool:
    """Whether JAX has started its backends (and their threads) in this process."""
    bridge = sys.modules.get("jax._src.xla_bridge")
    started = getattr(bridge, "backends_are_initialized", None)
    return bool(started and started())


def _fork(work, items) -> int:
    child = os.fork()
    if child:
        return child
    code = 1
    try:
        import warnings

        quiet = os.open(os.devnull, os.O_WRONLY)
        os.dup2(quiet, 1)
        os.dup2(quiet, 2)
        sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - the process ends below
        warnings.simplefilter("ignore")
        work(items)
        code = 0
    finally:
        os._exit(code)  # no atexit handlers, no flushing of this process's buffers


def _wait(child: int, deadline_s: float) -> bool:
    """Whether the copy exited with 0 within ``deadline_s``; killed when it did not."""
    end = time.perf_counter() + deadline_s
    try:
        while time.perf_counter() < end:
            pid, status = os.waitpid(child, os.WNOHANG)
            if pid == child:
                return os.waitstatus_to_exitcode(status) == 0
            time.sleep(0.02)
    except ChildProcessError:  # reaped elsewhere, or SIGCHLD ignored: its share is redone here
        return False
    _kill(child)
    return False


def _kill(child: int) -> None:
    try:
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
    except (ProcessLookupError, ChildProcessError):
        pass
