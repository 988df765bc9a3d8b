"""priorfit: regularization is a prior.

For a regression data set, priorfit builds a PyMC model with a prior on the coefficients,
finds the posterior mode with ``pm.find_MAP`` (polished and certified), draws the posterior
with NUTS, fits the matching scikit-learn penalized estimator with exactly converted
hyperparameters, and sets them side by side.

Importing this package is instant; PyMC is imported on first use of :func:`compare`.
"""

from __future__ import annotations

__version__ = "0.1.0"
__all__ = ["BayesianClassifier", "BayesianRegression", "Comparison", "InputError", "Settings", "__version__", "compare"]

from . import compile_cache
from .errors import InputError
from .settings import Settings

compile_cache.configure()


def __getattr__(name: str):
    if name == "compare":
        from .comparison import compare

        return compare
    if name in ("BayesianRegression", "BayesianClassifier"):
        from . import estimator

        return getattr(estimator, name)
    if name == "Comparison":
        from .result import Comparison

        return Comparison
    raise AttributeError(f"module 'priorfit' has no attribute {name!r}")
