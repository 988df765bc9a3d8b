"""Targets 2 and 3: a million rows.

2. `priorfit compare synthetic:n=1000000,p=100 --prior laplace` in a fresh process: wall time
   and peak memory (X itself is 0.8 GB), with the time of each stage from its progress lines.
3. NUTS sampling time (compilation excluded) of the same Laplace posterior at n = 1e6 against
   n = 1e4, in this process: the Gaussian likelihood works through X'X, so a gradient costs
   O(p^2) whatever n is.

Run: python benchmarks/large_n.py        (targets: <= 20 s and <= 1.5 GB; ratio <= 1.5)
"""

import json
import re
import resource
import subprocess
import sys
import tempfile
import time
import warnings

WALL_TARGET, MEMORY_TARGET_GB, RATIO_TARGET = 20.0, 1.5, 1.5
SOURCE = "synthetic:n={n},p=100,k=10,seed=0"


def whole_compare() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        run = subprocess.run([sys.executable, "-m", "priorfit.cli", "compare", SOURCE.format(n=1_000_000), "--prior", "laplace",
                              "--out", f"{tmp}/out"], capture_output=True, text=True)
        wall = time.perf_counter() - start
    peak_gb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 2**20  # kB -> GB; this script's only child so far
    stages = {m[1]: float(m[2]) for m in re.finditer(r"✓ (.+?) \((\d+\.\d) s\)", run.stderr.replace("\n(", " ("))}
    if run.returncode not in (0, 1):  # 1: a failed check, still a complete run
        print(run.stderr[-2000:])
    for stage, seconds in stages.items():
        print(f"  {seconds:6.1f} s  {stage}")
    print(f"compare n=1e6, p=100, Laplace: {wall:.1f} s (target {WALL_TARGET:g}, x{wall / WALL_TARGET:.2f}), "
          f"peak memory {peak_gb:.2f} GB (target {MEMORY_TARGET_GB:g}); exit status {run.returncode}")
    return {"wall_s": wall, "peak_gb": peak_gb, "stages": stages, "returncode": run.returncode}


def sampling_ratio() -> dict:
    warnings.filterwarnings("ignore")
    from priorfit import inference
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods, priors
    from priorfit.inference import nutpie_adapter
    from priorfit.models.posterior import PosteriorModel

    gaussian = likelihoods.get("gaussian")
    seconds = {}
    for n in (10_000, 1_000_000):
        design = data.make_design(sources.load(SOURCE.format(n=n)))
        sigma = gaussian.plugin_dispersion(design).value
        model = PosteriorModel(design, priors.Laplace(0.1), gaussian, likelihoods.Jeffreys(), plugin_sigma=sigma)
        nutpie_adapter.compiled(model)  # compiled outside the timing
        start = time.perf_counter()
        inference.sample(model, seed=0)
        seconds[n] = time.perf_counter() - start
        del design, model
    ratio = seconds[1_000_000] / seconds[10_000]
    print(f"sampling (4 x 1000 + 1000 tune), Laplace, p=100: n=1e4 {seconds[10_000]:.2f} s, n=1e6 {seconds[1_000_000]:.2f} s, "
          f"ratio x{ratio:.2f} (target <= {RATIO_TARGET:g})")
    return {"sampling_1e4_s": seconds[10_000], "sampling_1e6_s": seconds[1_000_000], "ratio": ratio}


def main() -> list:
    whole = whole_compare()
    ratio = sampling_ratio()
    return [
        {"target": "compare n=1e6, p=100, Laplace: wall (s) / peak memory (GB)",
         "measured": f"{whole['wall_s']:.1f} / {whole['peak_gb']:.2f}", "goal": f"<= {WALL_TARGET:g} / <= {MEMORY_TARGET_GB:g}",
         "met": whole["wall_s"] <= WALL_TARGET and whole["peak_gb"] <= MEMORY_TARGET_GB and whole["returncode"] in (0, 1), **whole},
        {"target": "sampling time n=1e6 / n=1e4", "measured": f"x{ratio['ratio']:.2f}", "goal": f"<= {RATIO_TARGET:g}",
         "met": ratio["ratio"] <= RATIO_TARGET, **ratio},
    ]


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
