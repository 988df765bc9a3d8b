"""Results: the records of a comparison (:mod:`.records`), its tables and DataTree groups
(:mod:`.tables`), the result object (:mod:`.comparison`), JSON from the records' fields
(:mod:`.schema`), the files written (:mod:`.files`) and read back (:mod:`.storage`)."""

from priorfit.results.comparison import Comparison
from priorfit.results.storage import load

__all__ = ["Comparison", "load"]
