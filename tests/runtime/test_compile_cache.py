"""PyTensor's compiled code: priorfit's own cache folder per PyTensor/numba version (unless the
user chose one), and numba's cache index kept consistent when several processes write it."""

import multiprocessing
import os
import subprocess
import sys

import pytest

import priorfit  # noqa: F401  (its import hook locks numba's cache files in the writers too)

SAVES = 40


def _save_overloads(folder, writer):
    import numba.core.caching as caching  # after priorfit (imported with this module): locked

    files = caching.IndexDataCacheFile(folder, "f", 0)
    for i in range(SAVES):
        files.save((writer, i), f"{writer}-{i}")


def _wrong_or_missing(folder, writers):
    import numba.core.caching as caching

    with multiprocessing.get_context("spawn").Pool(writers) as pool:
        pool.starmap(_save_overloads, [(str(folder), w) for w in range(writers)])
    files = caching.IndexDataCacheFile(str(folder), "f", 0)
    return sum(files.load((w, i)) != f"{w}-{i}" for w in range(writers) for i in range(SAVES))


def test_concurrent_writers_keep_every_overload_with_its_own_code(tmp_path):
    """4 processes add 40 overloads each to one function's cache at once: with the lock each
    signature loads its own entry. (Without it, 4-10 of the 160 came back missing or as another
    signature's entry in each of 4 runs measured.)"""
    assert _wrong_or_missing(tmp_path, 4) == 0


def test_the_lock_is_in_place_once_numba_caching_is_imported():
    code = "import priorfit, numba.core.caching as c; print(c.IndexDataCacheFile._priorfit_locked)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout.strip() == "True"


def _compiledir(tmp_path, **env):
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTENSOR_FLAGS", "PYTENSORRC")}
    environment |= {"XDG_CACHE_HOME": str(tmp_path / "cache"), "HOME": str(tmp_path)} | env
    code = "import priorfit, pytensor; print(pytensor.config.base_compiledir)"
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=environment).stdout.strip()


def test_priorfit_keeps_its_compiled_code_in_a_folder_per_version(tmp_path):
    from importlib.metadata import version

    expected = tmp_path / "cache" / "priorfit" / f"pytensor-{version('pytensor')}-numba-{version('numba')}"
    assert _compiledir(tmp_path) == str(expected)


@pytest.mark.parametrize("where", ["flags", "rc"])
def test_a_folder_the_user_chose_is_kept(tmp_path, where):
    chosen = tmp_path / "mine"
    if where == "flags":
        assert _compiledir(tmp_path, PYTENSOR_FLAGS=f"floatX=float64,base_compiledir={chosen}") == str(chosen)
    else:
        rc = tmp_path / "pytensorrc"
        rc.write_text(f"[global]\nbase_compiledir = {chosen}\n")
        assert _compiledir(tmp_path, PYTENSORRC=str(rc)) == str(chosen)
