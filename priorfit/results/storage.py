"""Reading a saved folder back: the :class:`~priorfit.results.comparison.Comparison` of its
summary.json and netCDF DataTrees, without refitting, and its reports rebuilt from it."""

from __future__ import annotations

import json
from pathlib import Path

from priorfit.results.comparison import Comparison


def load(folder) -> Comparison:
    """The :class:`Comparison` saved in ``folder`` (summary.json and posterior_<prior>.nc), without
    refitting: what the reports and plots need. Numbers come back as written (12 digits)."""
    import xarray as xr

    from priorfit.errors import InputError

    folder = Path(folder)
    path = folder / "summary.json"
    if not path.is_file():
        raise InputError(f"{str(folder)!r} holds no priorfit results (no summary.json); give a folder `priorfit compare --out` wrote.")

    def tree(prior: str):
        nc = folder / f"posterior_{prior}.nc"
        if not nc.is_file():
            raise InputError(f"{str(folder)!r} lacks {nc.name}, the posterior its summary.json names; give a whole folder "
                             "`priorfit compare --out` wrote.")
        return xr.open_datatree(nc).load()

    try:
        summary = json.loads(path.read_text())
    except (ValueError, UnicodeDecodeError):
        summary = None
    if not isinstance(summary, dict) or not isinstance(summary.get("fits"), list):
        raise InputError(f"{str(path)!r} is not a priorfit summary (no fits in it); give a folder `priorfit compare --out` wrote.")
    return Comparison.from_dict(summary, tree)


def rebuild_reports(folder, *, plots: bool = True) -> list[Path]:
    """Rebuild report.html and report.md of a saved folder without refitting; draw the plots
    first if the folder has none (and ``plots``). Nothing else in the folder changes."""
    import os
    import shutil
    import tempfile

    from priorfit.report import write_reports

    folder = Path(folder)
    comparison = load(folder)
    if plots and not (folder / "plots").is_dir():
        from priorfit.plots import write_all

        tmp = Path(tempfile.mkdtemp(prefix=".plots.", dir=folder))
        try:
            write_all(comparison, tmp)
            os.replace(tmp, folder / "plots")
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return write_reports(comparison, folder)
