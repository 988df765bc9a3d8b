"""Inference: the posterior mode (find_MAP, polished to the exact mode with a certificate; its L1
subproblem) and NUTS (PyMC's, or nutpie's through the one adapter that touches nutpie)."""

from priorfit.inference.l1_subproblem import l1_quadratic
from priorfit.inference.mode import (
    Certificate,
    ModeResult,
    find_map,
    polish,
    polish_from,
)
from priorfit.inference.sampling import Diagnostics, diagnostics, sample, sampler_for

__all__ = ["Certificate", "Diagnostics", "ModeResult", "diagnostics", "find_map", "l1_quadratic", "polish", "polish_from", "sample", "sampler_for"]
