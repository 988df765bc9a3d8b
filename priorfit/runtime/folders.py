"""Atomic output folders: all files appear at once, or none do."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from priorfit.errors import InputError
from priorfit.runtime.interrupts import deferred, signals_received

FILES = ("summary.json", "coefficients.csv", "report.html", "report.md", "path.json", "path.png", "rows.json", "rows.png", "predictions.csv")


def _ours(path: Path) -> bool:
    if path.is_dir():
        return path.name == "plots" and all(p.suffix == ".png" for p in path.iterdir())
    return path.name in FILES or (path.name.startswith("posterior_") and path.suffix == ".nc")


def check_target(out, *, force: bool) -> Path:
    """Fail early, before any fitting, if ``out`` cannot or must not be written.

    ``force`` replaces earlier priorfit results only: a folder holding anything else, or the
    current folder, is never replaced.
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise InputError(f"Output path {str(out)!r} is a file; --out must name a folder.")
    if out.resolve() in (Path.cwd(), *Path.cwd().parents):
        raise InputError(f"Output folder {str(out)!r} is the current folder or above it; name a folder for the results.")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if not _ours(p))
        if foreign:
            raise InputError(
                f"Output folder {str(out)!r} holds files priorfit did not write (e.g. {foreign[0]!r}); "
                "choose another --out."
            )
        if any(out.iterdir()) and not force:
            raise InputError(
                f"Output folder {str(out)!r} already holds results; pass --force to replace them "
                "or choose another --out."
            )
    parent = out.resolve().parent
    if not parent.is_dir():
        raise InputError(f"Output folder {str(out)!r} cannot be created: {str(parent)!r} does not exist.")
    try:
        Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".probe", dir=parent)).rmdir()
    except OSError as error:
        raise InputError(f"Output folder {str(out)!r} cannot be created in {str(parent)!r}: {error.strerror}.") from None
    return out


def check_file_target(out, *, force: bool, suffixes: tuple[str, ...]) -> Path:
    """Fail early if the file ``out`` cannot or must not be written: a folder, a suffix not in
    ``suffixes``, a file that exists (replaced only with ``force``), or a parent that does not exist."""
    out = Path(out)
    if out.is_dir():
        raise InputError(f"Output path {str(out)!r} is a folder; --out must name a file ({', '.join(suffixes)}).")
    if not str(out).lower().endswith(suffixes):
        raise InputError(f"Output file {str(out)!r} has suffix {out.suffix!r}; allowed are {', '.join(suffixes)}.")
    if out.exists() and not force:
        raise InputError(f"Output file {str(out)!r} already exists; pass --force to replace it or choose another --out.")
    if not out.resolve().parent.is_dir():
        raise InputError(f"Output file {str(out)!r} cannot be created: {str(out.resolve().parent)!r} does not exist.")
    return out


def write_file(out, fill, *, force: bool = False, suffixes: tuple[str, ...] = ()) -> Path:
    """Create the file ``out`` atomically: ``fill(path)`` writes a hidden temporary file beside it,
    which is then renamed into place (an existing file is replaced only with ``force``)."""
    out = check_file_target(out, force=force, suffixes=suffixes)
    handle, name = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.resolve().parent)
    os.close(handle)
    tmp = Path(name)
    umask = os.umask(0)
    os.umask(umask)
    try:
        fill(tmp)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes it private; the result should not be
        if signals_received:
            raise KeyboardInterrupt
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


def write_folder(out, fill, *, force: bool = False) -> Path:
    """Create ``out`` atomically: ``fill(folder)`` writes into a hidden temporary folder beside it,
    which is then renamed into place (an earlier folder is replaced only with ``force``)."""
    out = check_target(out, force=force)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.resolve().parent))
    umask = os.umask(0)
    os.umask(umask)
    os.chmod(tmp, 0o777 & ~umask)  # mkdtemp makes it private; the result should not be
    old = None
    try:
        fill(tmp)
        if signals_received:  # its KeyboardInterrupt was lost inside a library
            raise KeyboardInterrupt
        with deferred() as pending:  # an interrupt between the renames would lose a folder
            if out.exists():
                old = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".old", dir=out.resolve().parent))
                os.replace(out, old / out.name)
            try:
                os.replace(tmp, out)
            except OSError:
                if old is not None:
                    os.replace(old / out.name, out)  # the earlier results back in place
                raise
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)
        if old is not None and out.exists():  # the replaced results (or nothing, after a failed rename)
            shutil.rmtree(old, ignore_errors=True)
    if pending:
        raise InterruptedAfterWriting(out)
    return out


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C or SIGTERM arrived while a finished folder was moved into place: it is complete."""

    def __init__(self, out: Path):
        super().__init__(str(out))
        self.out = out
