"""priorfit: regularization is a prior.

For a regression data set, priorfit builds a PyMC model with a prior on the coefficients,
finds the posterior mode with ``pm.find_MAP`` (polished and certified), draws the posterior
with NUTS, fits the matching scikit-learn penalized estimator with exactly converted
hyperparameters, and sets them side by side.

Importing this package is instant; PyMC is imported on first use of :func:`compare`.
"""

from __future__ import annotations

__all__ = [
    "BayesianClassifier", "BayesianRegression", "Comparison", "InputError", "Settings", "__version__", "calibrate", "compare",
    "load", "path", "rows",
]

from priorfit.errors import InputError
from priorfit.runtime import compile_cache
from priorfit.settings import Settings
from priorfit.version import __version__

compile_cache.configure()


def __getattr__(name: str):
    if name == "compare":
        from priorfit.runs.compare import compare

        return compare
    if name in ("BayesianRegression", "BayesianClassifier"):
        from priorfit.runs import estimator

        return getattr(estimator, name)
    if name == "Comparison":
        from priorfit.results.comparison import Comparison

        return Comparison
    if name == "load":
        from priorfit.results.storage import load

        return load
    if name == "rows":
        from priorfit.runs.rows import rows

        return rows
    if name == "path":
        from priorfit.runs.path import path

        return path
    if name == "calibrate":
        from priorfit.runs.calibrate import calibrate

        return calibrate
    if name == "result":  # `priorfit.result.load(folder)`, the documented way to read a folder back
        import priorfit.results

        return priorfit.results
    raise AttributeError(f"module 'priorfit' has no attribute {name!r}")
