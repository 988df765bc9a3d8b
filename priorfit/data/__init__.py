"""Data: sources (bundled, files, synthetic, Dask) -> Design, sufficient statistics, folds."""
