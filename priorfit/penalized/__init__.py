"""The penalized twins: the twin table, fits, Gram-matrix fits and CV, the bootstrap."""
