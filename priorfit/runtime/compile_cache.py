"""Where PyTensor keeps the code it compiles for priorfit, and a lock that makes numba's on-disk
cache safe when several processes compile at once.

PyTensor 3 compiles every graph with numba and caches the machine code on disk. Two faults of
that cache were met in this project's CI (a Bernoulli log density returned -inf at finite
points, order-dependent, never with a fresh cache):

* numba reads a function's cache index, adds an overload and writes the index back without a
  lock (``numba.core.caching.IndexDataCacheFile.save``). Two processes adding overloads of one
  function at the same moment (the joblib or dask workers of ``priorfit calibrate`` compile the
  same graphs) can pick the same data file, and the index then points one signature at another
  signature's machine code (numba#4807, numba#10128). :func:`lock_numba_cache` puts the index
  and its data files under an ``fcntl`` lock: exclusive to write, shared to read.
* PyTensor never invalidates that cache (its locator's source stamp is a constant), neither
  across its own releases nor when an entry went bad. :func:`configure` keeps priorfit's caches
  in a folder of their own per PyTensor and numba version, unless the user chose one.
"""

from __future__ import annotations

import contextlib
import functools
import importlib.abc
import importlib.util
import os
import sys
from pathlib import Path

NUMBA_CACHING = "numba.core.caching"


def _root() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "priorfit"


def cache_folder() -> Path:
    """``<user cache>/priorfit/pytensor-<version>-numba-<version>``."""
    from importlib.metadata import PackageNotFoundError, version

    def installed(name: str) -> str:
        try:
            return version(name)
        except PackageNotFoundError:
            return "none"

    return _root() / f"pytensor-{installed('pytensor')}-numba-{installed('numba')}"


def jax_cache_folder() -> Path:
    """``<user cache>/priorfit/jax-<version>``: JAX's persistent compilation cache (``--sampler numpyro``)."""
    from importlib.metadata import version

    return _root() / f"jax-{version('jax')}-jaxlib-{version('jaxlib')}"


def _user_chose_a_folder() -> bool:
    if "compiledir" in os.environ.get("PYTENSOR_FLAGS", ""):  # base_compiledir or compiledir
        return True
    default = os.pathsep.join(str(Path.home() / name) for name in (".pytensorrc", ".pytensorrc.txt"))
    rc_files = os.environ.get("PYTENSORRC", default).split(os.pathsep)
    for rc in rc_files:
        with contextlib.suppress(OSError, UnicodeDecodeError):
            if "compiledir" in Path(rc).expanduser().read_text():
                return True
    return False


def configure() -> None:
    """Point PyTensor at :func:`cache_folder` when it is imported (unless the user set
    ``base_compiledir``), and lock numba's cache files once numba's caching is loaded. Importing
    priorfit imports neither."""
    if "pytensor" not in sys.modules and not _hooked("pytensor"):
        sys.meta_path.insert(0, _OnImport("pytensor", before=_use_own_folder))
    if NUMBA_CACHING in sys.modules:
        lock_numba_cache(sys.modules[NUMBA_CACHING])
    elif not _hooked(NUMBA_CACHING):
        sys.meta_path.insert(0, _OnImport(NUMBA_CACHING, after=lock_numba_cache))


def _hooked(name: str) -> bool:
    return any(isinstance(finder, _OnImport) and finder.name == name for finder in sys.meta_path)


def _use_own_folder() -> None:
    if _user_chose_a_folder():
        return
    try:
        folder = cache_folder()
    except RuntimeError:  # no home folder: PyTensor's default
        return
    flags = os.environ.get("PYTENSOR_FLAGS", "")
    os.environ["PYTENSOR_FLAGS"] = ",".join(f for f in (flags, f"base_compiledir={folder}") if f)


def lock_numba_cache(caching) -> None:
    """Wrap ``IndexDataCacheFile.save`` (index and data written) in an exclusive lock and
    ``load`` in a shared one. One lock, ``<user cache>/priorfit/numba-cache.lock``, for every
    numba cache folder: a save takes milliseconds. Idempotent."""
    files = caching.IndexDataCacheFile
    if getattr(files, "_priorfit_locked", False):
        return
    files.save = _under_lock(files.save, exclusive=True)
    files.load = _under_lock(files.load, exclusive=False)
    files._priorfit_locked = True


def _under_lock(method, *, exclusive: bool):
    try:
        import fcntl
    except ImportError:  # not POSIX: numba's own behaviour
        return method

    @functools.wraps(method)
    def locked(self, *args, **kwargs):
        try:
            path = _root() / "numba-cache.lock"
            path.parent.mkdir(parents=True, exist_ok=True)
            lock = open(path, "a")
        except (OSError, RuntimeError):  # no writable cache folder: numba's own behaviour
            return method(self, *args, **kwargs)
        with lock:
            fcntl.flock(lock, fcntl.LOCK_EX if exclusive else fcntl.LOCK_SH)
            return method(self, *args, **kwargs)

    return locked


class _OnImport(importlib.abc.MetaPathFinder):
    """Calls ``before()`` when the module ``name`` is about to be imported for the first time and
    ``after(module)`` right after it has run."""

    def __init__(self, name: str, *, before=None, after=None):
        self.name, self.before, self.after = name, before, after

    def find_spec(self, fullname, path, target=None):
        if fullname != self.name:
            return None
        sys.meta_path.remove(self)
        if self.before is not None:
            self.before()
        spec = importlib.util.find_spec(fullname)
        if self.after is None or spec is None or spec.loader is None:
            return spec
        execute, after = spec.loader.exec_module, self.after

        def exec_module(module):
            execute(module)
            after(module)

        spec.loader.exec_module = exec_module
        return spec
