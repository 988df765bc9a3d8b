"""What the explorer (the penalty dial in report.html) costs the default run: seconds and bytes.

The default comparison on diabetes (``priorfit compare``: normal, laplace, regularized horseshoe),
warm caches, saved with its plots. The baseline is the same run's whole time; the explorer's share
is the dials' time (``timings["dial"]`` of each fit: reweighting, KDEs, the twelve polished MAPs,
the nested closed-form rows) plus rendering its HTML section, timed here, with Bokeh's import (in a
fresh process). The bytes are the
section's, the report's and the report's less the section. Targets (issue 21): at most 5 s and
2 MB added to the default run.

Run: python benchmarks/explorer.py
"""

import json
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

warnings.filterwarnings("ignore")

import priorfit  # noqa: E402
from priorfit.report import explorer  # noqa: E402


def main() -> dict:
    priorfit.compare("diabetes", prior="normal", draws=50, tune=50, chains=2, progress=False)  # imports and caches warm
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        result = priorfit.compare("diabetes", progress=False)
        result.save(Path(folder) / "out")
        whole = time.perf_counter() - start
        report = (Path(folder) / "out" / "report.html").stat().st_size
    start = time.perf_counter()
    section = explorer.section(result)
    render = time.perf_counter() - start
    # Bokeh is imported by the first rendering only: timed in a fresh process, added to it
    timing = "import time; t = time.perf_counter(); import bokeh.plotting, bokeh.embed, bokeh.resources; print(time.perf_counter() - t)"
    render += float(subprocess.run([sys.executable, "-c", timing], capture_output=True, text=True, check=True).stdout)
    dials = {fit.prior.name: fit.timings["dial"] for fit in result.fits if "dial" in fit.timings}
    added_s = sum(dials.values()) + render
    added_bytes = len(section.encode())
    for name, seconds in dials.items():
        print(f"dial of {name:24s} {seconds:6.2f} s")
    print(f"rendering the section        {render:6.2f} s (Bokeh's import included)")
    print(f"the explorer in all          {added_s:6.2f} s of the run's {whole:.1f} s (x{added_s / whole:.2f})")
    print(f"report.html                  {report / 1e6:6.2f} MB, of which the explorer {added_bytes / 1e6:.2f} MB "
          f"(without it {(report - added_bytes) / 1e6:.2f} MB)")
    met = added_s <= 5.0 and added_bytes <= 2_000_000
    return {"target": "the explorer's cost to the default run", "goal": "<= 5 s, <= 2 MB",
            "measured": f"{added_s:.1f} s of {whole:.1f} s, {added_bytes / 1e6:.2f} MB", "met": bool(met),
            "added_s": added_s, "whole_s": whole, "added_bytes": added_bytes, "report_bytes": report}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
