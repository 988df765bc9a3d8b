"""Wide data (p > n): the mode stage (issue 14, item 9), the whole run and its NUTS stage (issue 20).

Each case is a whole `priorfit.compare` run (Laplace prior, 2 chains x 200 draws + 200 tune) in a
fresh process, timed after a first run in another fresh process has warmed the compile caches:
the wall time of the call, the time of each stage (``Fit.timings``), the mode's status, its
certificate, and the identity (the polished MAP against the twin at the MAP sigma) beside find_MAP's
raw distance to it. The machine's load (``os.getloadavg``) is printed beside each time: on a shared
2-core machine the times move with it.

Cases: n = 40, p = 300 (3 nonzero) with sigma estimated under halfnormal:5 (the issue's command: with
p >= n - 1 and a prior scale not multiplied by sigma the joint density is unbounded as sigma -> 0, so
the mode is reported as degenerate, fast), with sigma fixed at 1, and with --scale-by-sigma (a joint
mode exists); n = 200, p = 2,000 with sigma fixed and with --scale-by-sigma. Before each whole run the
mode stage alone (find_MAP, the twin's start, the polish; item 9's own part) is timed in a fresh process;
``--mode-only`` times only that.

Run: python benchmarks/wide.py [--quick] [--mode-only]   (targets: p = 300 <= 30 s, p = 2,000 <= 120 s; identity <= 1e-9)
"""

import json
import os
import subprocess
import sys
import time

TARGETS = {300: 30.0, 2000: 120.0}
IDENTITY_TARGET = 1e-9
CASES = [
    ("n=40,p=300 halfnormal:5", {"n": 40, "p": 300}, {"sigma_prior": "halfnormal:5"}),
    ("n=40,p=300 sigma=1", {"n": 40, "p": 300}, {"sigma": 1.0}),
    ("n=40,p=300 halfnormal:5 scale-by-sigma", {"n": 40, "p": 300}, {"sigma_prior": "halfnormal:5", "scale_by_sigma": True}),
    ("n=200,p=2000 sigma=1", {"n": 200, "p": 2000}, {"sigma": 1.0}),
    ("n=200,p=2000 halfnormal:5 scale-by-sigma", {"n": 200, "p": 2000}, {"sigma_prior": "halfnormal:5", "scale_by_sigma": True}),
]

CHILD = r"""
import json, sys, time, warnings
import numpy as np
warnings.simplefilter("ignore")
source, settings = sys.argv[1], json.loads(sys.argv[2])
start = time.perf_counter()
import priorfit
from priorfit.data import design as data, sources
from priorfit.inference import budget
from priorfit.models import likelihoods, priors
comparison = priorfit.compare(source, prior="laplace", draws=200, tune=200, chains=2, progress=False, **settings)
wall = time.perf_counter() - start
fit = comparison.fits[0]
estimate = budget.estimate(data.make_design(sources.load(source)), priors.Laplace, likelihoods.Gaussian(), draws=200, tune=200, chains=2)
mode, a = fit.mode, fit.agreement
print("CHILD " + json.dumps({
    "wall_s": wall, "timings": fit.timings, "estimated_sampling_s": estimate.seconds, "status": mode.status, "message": mode.message,
    "certificate": None if mode.certificate is None else vars(mode.certificate),
    "map_vs_twin_rel": None if a is None else a.max_rel_diff, "raw_vs_twin_abs": None if a is None else a.raw_max_abs_diff,
    "same_zeros": None if a is None else a.same_zero_pattern, "sigma_map": fit.noise.value,
    "nonzero": None if not mode.point else int(np.sum(mode.point["coef"] != 0)),
}))
"""


MODE_CHILD = r"""
import json, sys, time, warnings
warnings.simplefilter("ignore")
from priorfit import inference, settings as schema
from priorfit.data import sources
from priorfit.models import likelihoods
from priorfit.models.posterior import PosteriorModel
from priorfit.runs import compare as comparison
source, settings = sys.argv[1], json.loads(sys.argv[2])
config = schema.from_user({"prior": "laplace", **settings})
gaussian = likelihoods.get("gaussian")
design = comparison._design(sources.load(source), gaussian, config)
plugin = gaussian.plugin_dispersion(design) if config.sigma is None else None
dispersion = config.sigma if config.sigma is not None else plugin.value
prior, _ = comparison.resolve_hyperparameters(design, "laplace", gaussian, config, dispersion, plugin)
noise = config.sigma if config.sigma is not None else config.sigma_prior
model = PosteriorModel(design, prior, gaussian, noise, plugin_sigma=dispersion)
steps = []
start = time.perf_counter()
mode = inference.find_map(model, progress=steps.append)
wall = time.perf_counter() - start
print("CHILD " + json.dumps({"mode_s": wall, "status": mode.status, "newton_steps": sum(s.startswith("polish") for s in steps),
                             "certificate": None if mode.certificate is None else vars(mode.certificate)}))
"""


def mode_stage(source: str, settings: dict) -> dict:
    """The mode stage alone (find_MAP, the twin's start, the polish) in a fresh process: item 9's own part."""
    done = subprocess.run([sys.executable, "-c", MODE_CHILD, source, json.dumps(settings)], capture_output=True, text=True,
                          check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode != 0 or not lines:
        print(done.stderr[-3000:])
        return {"failed": True}
    return json.loads(lines[-1].removeprefix("CHILD "))


def run_case(source: str, settings: dict) -> dict:
    done = subprocess.run([sys.executable, "-c", CHILD, source, json.dumps(settings)], capture_output=True, text=True, check=False)
    lines = [line for line in done.stdout.splitlines() if line.startswith("CHILD ")]
    if done.returncode != 0 or not lines:
        print(done.stderr[-3000:])
        return {"failed": True}
    return json.loads(lines[-1].removeprefix("CHILD "))


def main(quick: bool = False, mode_only: bool = False) -> list:
    rows = []
    for label, shape, settings in CASES[:2] if quick else CASES:
        source = f"synthetic:n={shape['n']},p={shape['p']},k=3,seed=1"
        load = os.getloadavg()[0]
        stage = mode_stage(source, settings)
        if not stage.get("failed"):
            print(f"{label}: mode stage {stage['mode_s']:.1f} s (load {load:.1f}), {stage['status']}, "
                  f"{stage['newton_steps']} Newton steps, certificate {stage['certificate']}", flush=True)
        if mode_only:
            rows.append({"target": f"{label}: mode stage", "measured": f"{stage.get('mode_s', float('nan')):.1f} s",
                         "goal": "", "met": stage.get("status") in ("ok", "degenerate"), "load": load, **stage})
            continue
        run_case(source, settings)  # warms the compile caches
        load = os.getloadavg()[0]
        start = time.perf_counter()
        result = run_case(source, settings)
        process = time.perf_counter() - start
        if result.get("failed"):
            rows.append({"target": label, "measured": "failed", "goal": "", "met": False})
            continue
        target = TARGETS[shape["p"]]
        certificate = result["certificate"] or {}
        identity = result["map_vs_twin_rel"]
        stages = ", ".join(f"{k} {v:.1f} s" for k, v in result["timings"].items())
        print(f"{label}: compare {result['wall_s']:.1f} s (process {process:.1f} s; load {load:.1f} before, "
              f"{os.getloadavg()[0]:.1f} after; target {target:g} s); {stages}")
        print(f"  NUTS stage {result['timings']['sampling']:.1f} s against the time limit's estimate "
              f"{result['estimated_sampling_s']:.1f} s (x{result['timings']['sampling'] / result['estimated_sampling_s']:.2f})")
        print(f"  mode {result['status']}: {result['message']}")
        if identity is not None:
            print(f"  certificate {certificate.get('kind')} {certificate.get('value', float('nan')):.1e}, Newton decrement "
                  f"{certificate.get('newton_decrement', float('nan')):.1e}; MAP vs twin {identity:.1e} relative "
                  f"(same zeros: {result['same_zeros']}, {result['nonzero']} nonzero); find_MAP's raw distance "
                  f"{result['raw_vs_twin_abs']:.1e}; MAP sigma {result['sigma_map']}")
        met = result["wall_s"] <= target and (identity is None or identity <= IDENTITY_TARGET)
        rows.append({"target": label, "measured": f"{result['wall_s']:.1f} s", "goal": f"<= {target:g} s", "met": met,
                     "load": load, **result})
    return rows


if __name__ == "__main__":
    print("RESULT " + json.dumps(main("--quick" in sys.argv, "--mode-only" in sys.argv)))
