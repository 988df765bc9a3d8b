"""Write a comparison to a folder, atomically: all files appear at once, or none do.

Files are written into a hidden temporary folder beside the target and renamed into place;
an interrupted run leaves the user's earlier results as they were. A non-empty target is
replaced only with ``force=True``.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from priorfit.runtime.folders import write_folder


def coefficient_frame(comparison) -> pd.DataFrame:
    """All coefficient rows, on the model scale and (if standardized) the original scale."""
    frames = []
    for fit in comparison.fits:
        for scale, table in (("model", fit.coefficients), ("original", fit.original)):
            if table is not None:
                frames.append(table.reset_index().assign(prior=fit.prior.name, scale=scale))
    frame = pd.concat(frames, ignore_index=True)
    return frame[["prior", "scale", *[c for c in frame.columns if c not in ("prior", "scale")]]]


def write(comparison, out, *, force: bool = False, plots: bool = True, extra: dict | None = None) -> Path:
    """Write summary.json, coefficients.csv, posterior_<prior>.nc, plots/*.png, report.html and
    report.md into ``out``, and each of ``extra`` (``name -> write(path)``)."""

    def fill(tmp: Path) -> None:
        (tmp / "summary.json").write_text(comparison.to_json() + "\n")
        coefficient_frame(comparison).to_csv(tmp / "coefficients.csv", index=False, float_format="%.17g")
        for fit in comparison.fits:
            fit.tree.to_netcdf(str(tmp / f"posterior_{fit.prior.name}.nc"))
        if plots:
            from priorfit.plots import write_all

            write_all(comparison, tmp / "plots")
        from priorfit.report import write_reports

        write_reports(comparison, tmp)
        for name, write_one in (extra or {}).items():
            write_one(tmp / name)

    return write_folder(out, fill, force=force)
