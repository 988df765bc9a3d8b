"""Target 1: the README's `priorfit compare` on diabetes, cold (fresh PyTensor and numba caches)
and warm (the same caches, second run), each in a fresh process, with the results compared.

Run: python benchmarks/default_compare.py        (targets: <= 30 s cold, <= 10 s warm)
"""

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

COLD_TARGET, WARM_TARGET = 30.0, 10.0


def _run(caches: Path, out: Path) -> float:
    env = dict(os.environ, PYTENSOR_FLAGS=f"base_compiledir={caches / 'pytensor'}", NUMBA_CACHE_DIR=str(caches / "numba"))
    start = time.perf_counter()
    subprocess.run([sys.executable, "-m", "priorfit.cli", "compare", "--quiet", "--out", str(out)],
                   check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def _checks(out: Path) -> dict:
    return json.loads((out / "summary.json").read_text())["checks"]


def _stages(out: Path) -> dict:
    """Each prior's stage timings (s) as summary.json records them."""
    fits = json.loads((out / "summary.json").read_text())["fits"]
    return {fit["prior"]["family"]: {stage: round(t, 2) for stage, t in fit["timings"].items()} for fit in fits}


def main() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        cold = _run(tmp / "caches", tmp / "cold")
        warm = _run(tmp / "caches", tmp / "warm")
        same = _checks(tmp / "cold") == _checks(tmp / "warm")
        stages = {"cold": _stages(tmp / "cold"), "warm": _stages(tmp / "warm")}
    for run, fits in stages.items():
        for prior, timings in fits.items():
            print(f"{run} {prior}: " + ", ".join(f"{stage} {t:.2f} s" for stage, t in timings.items()))
    print(f"default compare on diabetes: cold {cold:.1f} s (target {COLD_TARGET:g}, x{cold / COLD_TARGET:.2f}), "
          f"warm {warm:.1f} s (target {WARM_TARGET:g}, x{warm / WARM_TARGET:.2f}); same checks: {same}")
    return {"target": "default compare, cold / warm (s)", "measured": f"{cold:.1f} / {warm:.1f}",
            "goal": f"<= {COLD_TARGET:g} / <= {WARM_TARGET:g}", "met": cold <= COLD_TARGET and warm <= WARM_TARGET and same,
            "cold_s": cold, "warm_s": warm, "same_checks": same,
            "stages": stages}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
