"""Results: the records of a comparison, its tables, JSON and files."""

from priorfit.results.comparison import Comparison, load

__all__ = ["Comparison", "load"]
