"""The Gaussian's sufficient statistics on the model scale, and their centring (once: :func:`on_design`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import reduce

import numpy as np


@dataclass(frozen=True)
class SufficientStatistics:
    """The Gaussian's sufficient statistics of a design on the model scale: n, the means of y and
    of the columns (``x_mean``), and the cross products ``gram = X'X``, ``xty = X'y``,
    ``yty = y'y`` of X and y centred on those means (with an intercept), or uncentred (without
    one: the means are then 0)."""

    n: int
    y_mean: float
    gram: np.ndarray = field(repr=False)
    xty: np.ndarray = field(repr=False)
    yty: float
    x_mean: np.ndarray = field(repr=False, default=None)

    def __post_init__(self):
        if self.x_mean is None:
            object.__setattr__(self, "x_mean", np.zeros(len(self.xty)))

    def offset(self, mu: np.ndarray) -> SufficientStatistics:
        """The statistics of ``(X, y - X mu)``: the target a prior centred at ``mu`` is fitted to."""
        if not np.any(mu):
            return self
        xty = self.xty - self.gram @ mu
        yty = self.yty - 2.0 * mu @ self.xty + mu @ self.gram @ mu
        return SufficientStatistics(self.n, self.y_mean - self.x_mean @ mu, self.gram, xty, yty, self.x_mean)

    def rss(self, w: np.ndarray, intercept: float | None) -> float:
        """``sum_i (y_i - x_i'w - b)^2`` over the rows (``b = 0`` without an intercept)."""
        b = 0.0 if intercept is None else intercept
        gap = self.y_mean - b - self.x_mean @ w
        return float(self.yty - 2.0 * w @ self.xty + w @ self.gram @ w + self.n * gap**2)


def on_design(design, raw=None, mu: np.ndarray | None = None) -> SufficientStatistics:
    """The statistics a model of ``design`` sees: centred with an intercept, uncentred (through the
    origin) without one. From the design's rows, or from raw statistics on its scale: ``raw`` (those
    of some of its rows: a cross-validation fold) or, by default, the design's own ``design.stats``.
    With ``mu``, those of ``(X, y - X mu)`` (:meth:`SufficientStatistics.offset`; from raw
    statistics the offset comes before the uncentring). Memoized per design as
    :meth:`priorfit.data.design.Design.sufficient`."""
    if raw is None and design.has_rows:
        y_mean = float(design.y.mean()) if design.intercept else 0.0
        Xc, yc = design.X - design.x_mean, design.y - y_mean
        m = SufficientStatistics(design.n, y_mean, Xc.T @ Xc, Xc.T @ yc, float(yc @ yc), design.x_mean)
        return m if mu is None else m.offset(mu)
    m = moments(design.stats if raw is None else raw, design)
    m = m if mu is None else m.offset(mu)
    return m if design.intercept else uncentred(m)


def moments(stats, design) -> SufficientStatistics:
    """The centred :class:`~priorfit.data.sufficient.SufficientStatistics` of raw statistics ``stats``
    (:class:`priorfit.data.statistics.GramStats`) on ``design``'s model scale (its ``x_center`` and
    ``x_scale``): centred products divide by the scales, means shift and scale."""
    scale = design.x_scale
    x_mean = (stats.x_mean - design.x_center) / scale
    return SufficientStatistics(stats.n, stats.y_mean, stats.xx / np.outer(scale, scale), stats.xy / scale, stats.yy, x_mean)


def uncentred(m: SufficientStatistics) -> SufficientStatistics:
    """Without an intercept the model goes through the origin: the raw (uncentred) products."""
    gram = m.gram + m.n * np.outer(m.x_mean, m.x_mean)
    return SufficientStatistics(m.n, 0.0, gram, m.xty + m.n * m.x_mean * m.y_mean, m.yty + m.n * m.y_mean**2)


def merge(parts):
    """The statistics of the union of disjoint row sets (``GramStats.merge``, folded)."""
    return reduce(lambda a, b: a.merge(b), parts)
