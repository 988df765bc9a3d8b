"""Checks of a fit: closed forms, the identity, shrinkage."""
