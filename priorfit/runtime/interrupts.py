"""How a run ends on SIGINT or SIGTERM: cleaned up, with nothing half-written.

The CLI installs :func:`interrupt` for both signals (SIGINT only where it is not ignored, as in
a job a script started in the background). Python raises its KeyboardInterrupt wherever the
main thread happens to be, and C code inside a library that clears every error can swallow it
(measured: about 1 in 20-90 SIGTERMs sent while plots and netCDF files were being written). So
the signal is also recorded in :data:`signals_received`, and the output folder is not moved
into place once one has arrived. While it is moved, :func:`deferred` only records them.
"""

from __future__ import annotations

import contextlib
import signal
import threading

signals_received: list[int] = []  # SIGINT / SIGTERM received during this run


def interrupt(signum, frame):
    """Record the signal, then end the run as Ctrl-C does."""
    signals_received.append(signum)
    raise KeyboardInterrupt


def install() -> dict:
    """:func:`interrupt` for SIGTERM, and for SIGINT unless it is ignored; returns the previous
    handlers for :func:`uninstall` (none outside the main thread, where Python cannot set them)."""
    signals_received.clear()
    if threading.current_thread() is not threading.main_thread():
        return {}
    return {s: signal.signal(s, interrupt) for s in _handled()}


def uninstall(previous: dict) -> None:
    """The handlers from before :func:`install`; nothing recorded is left for later calls."""
    _restore(previous)
    signals_received.clear()


def _handled() -> list:
    """SIGINT and SIGTERM, less those ignored."""
    return [s for s in (signal.SIGINT, signal.SIGTERM) if signal.getsignal(s) is not signal.SIG_IGN]


def _restore(previous: dict) -> None:
    for s, handler in previous.items():
        signal.signal(s, handler)


@contextlib.contextmanager
def deferred():
    """SIGINT and SIGTERM only recorded during the block (Python runs signal handlers in the main
    thread, whichever thread the signal reached); the caller sees them in the yielded list."""
    pending: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield pending
        return
    previous = {s: signal.signal(s, lambda signum, frame: pending.append(signum)) for s in _handled()}
    try:
        yield pending
    finally:
        _restore(previous)
