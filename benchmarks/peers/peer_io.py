"""What every peer script shares: the workload it is given and the one JSON line it prints.

A peer script runs as ``python run_TOOL.py WORKLOAD SPEC.json DRAWS.npy`` in its tool's own
environment (NumPy is all this module needs). ``SPEC.json`` (written by ``benchmarks/peers.py``)
maps workload names to the model priorfit fitted: ``likelihood`` (gaussian or bernoulli),
``prior`` (laplace or normal) with its ``scale`` on the standardized coefficients, ``sigma`` (a
number: fixed; ``"jeffreys"``: p(sigma) proportional to 1/sigma; null for the Bernoulli), a flat
intercept, ``chains``, ``draws``, ``tune``, ``seed`` and ``data``: an ``.npz`` file of the centred,
standardized design ``X`` and the target ``y``.
"""

import json
import sys
from pathlib import Path

import numpy as np


def workload() -> tuple[dict, np.ndarray, np.ndarray]:
    """The workload named on the command line, and its ``X`` and ``y``."""
    spec = json.loads(Path(sys.argv[2]).read_text())[sys.argv[1]]
    data = np.load(spec["data"])
    return spec, data["X"], data["y"]


def report(coef, *, tool: str, sampler: str, sampling_s: float, steps, diverging) -> None:
    """Save the coefficient draws (chain, draw, feature) to the path on the command line and print
    the measurements: sampling time, mean leapfrog steps per draw and divergences (post-warmup)."""
    np.save(sys.argv[3], np.asarray(coef, dtype=float))
    print(json.dumps({"tool": tool, "sampler": sampler, "sampling_s": float(sampling_s),
                      "steps_per_draw": float(np.mean(steps)), "divergences": int(np.sum(diverging))}))
