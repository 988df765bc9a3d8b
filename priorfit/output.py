"""Write a comparison to a folder, atomically: all files appear at once, or none do.

Files are written into a hidden temporary folder beside the target and renamed into place;
an interrupted run leaves the user's earlier results as they were. A non-empty target is
replaced only with ``force=True``.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pandas as pd

from .errors import InputError
from .interrupts import deferred, signals_received

FILES = ("summary.json", "coefficients.csv", "report.html", "report.md", "path.json", "path.png")


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


def coefficient_frame(comparison) -> pd.DataFrame:
    """All coefficient rows, on the model scale and (if standardized) the original scale."""
    frames = []
    for fit in comparison.fits:
        for scale, table in (("model", fit.coefficients), ("original", fit.original)):
            if table is not None:
                frames.append(table.reset_index().assign(prior=fit.prior.name, scale=scale))
    frame = pd.concat(frames, ignore_index=True)
    return frame[["prior", "scale", *[c for c in frame.columns if c not in ("prior", "scale")]]]


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


def write(comparison, out, *, force: bool = False, plots: bool = True) -> Path:
    """Write summary.json, coefficients.csv, posterior_<prior>.nc, plots/*.png, report.html and
    report.md into ``out``."""

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text(comparison.to_json() + "\n")
        coefficient_frame(comparison).to_csv(tmp / "coefficients.csv", index=False, float_format="%.17g")
        for fit in comparison.fits:
            fit.tree.to_netcdf(str(tmp / f"posterior_{fit.prior.name}.nc"))
        if plots:
            from .plots import write_all

            write_all(comparison, tmp / "plots")
        from .report import write_reports

        write_reports(comparison, tmp)

    return write_folder(out, fill, force=force)


def write_path(result, out, *, force: bool = False, plot: bool = True) -> Path:
    """Write path.json and path.png of a regularization path into ``out``."""

    def fill(tmp: Path) -> None:
        (tmp / "path.json").write_text(result.to_json() + "\n")
        if plot:
            import matplotlib

            matplotlib.use("Agg", force=False)
            import matplotlib.pyplot as plt

            figure = result.plot()
            figure.savefig(tmp / "path.png", dpi=110)
            plt.close(figure)

    return write_folder(out, fill, force=force)


def rebuild_reports(folder, *, plots: bool = True) -> list[Path]:
    """Rebuild report.html and report.md of a saved folder without refitting; draw the plots
    first if the folder has none (and ``plots``). Nothing else in the folder changes."""
    from .report import write_reports
    from .result import load

    folder = Path(folder)
    comparison = load(folder)
    if plots and not (folder / "plots").is_dir():
        from .plots import write_all

        tmp = Path(tempfile.mkdtemp(prefix=".plots.", dir=folder))
        try:
            write_all(comparison, tmp)
            os.replace(tmp, folder / "plots")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return write_reports(comparison, folder)
