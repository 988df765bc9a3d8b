"""Inference: the posterior mode (find_MAP, polished to the exact mode with a certificate) and NUTS."""

from priorfit.inference.mode import (
    Certificate,
    ModeResult,
    find_map,
    l1_quadratic,
    polish,
    polish_from,
)
from priorfit.inference.sampling import Diagnostics, diagnostics, sample

__all__ = ["Certificate", "Diagnostics", "ModeResult", "diagnostics", "find_map", "l1_quadratic", "polish", "polish_from", "sample"]
