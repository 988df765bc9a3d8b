"""Workflows: compare, path, calibrate, declared comparisons, scikit-learn estimators."""
