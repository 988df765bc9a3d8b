"""Notices of the libraries underneath that are not the user's business, hidden in one place."""

from __future__ import annotations

import warnings

# pip-installed PyTensor warns at import that it found no BLAS to link its C code to
BLAS_NOTICE = "PyTensor could not link to a BLAS"


def quiet_pytensor() -> None:
    """Hide PyTensor's import-time BLAS notice (:data:`BLAS_NOTICE`): called by each command (and
    each worker process) before it first imports PyMC or PyTensor. Only sets a warnings filter,
    so ``priorfit --help`` stays instant."""
    warnings.filterwarnings("ignore", message=BLAS_NOTICE)
