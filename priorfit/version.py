"""The package version, in a module of its own so that the modules that record it (results, reports)
import it from below, not from the package root and its lazy public API."""

__version__ = "0.1.0"
