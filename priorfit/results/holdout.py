"""Held-out evaluation: each prior's predictions scored on rows it was not fitted on.

The rows come from ``--holdout FRACTION`` (a seeded share of the data's rows, split off where the
run is assembled: :func:`priorfit.runs.compare.compare`) or ``--test DATA`` (a file of held-out
rows with the training columns). The model is fitted on the other rows; the conformal refit and
its calibration rows come out of those training rows too (:mod:`priorfit.penalized.conformal`), so
no held-out row is seen by either interval.

Every interval is the one :func:`priorfit.results.predictions.fit_predictions` gives (one home per
fact: ``comparison.predict(X_test, prob=[0.5, 0.9])`` shows the same numbers, row by row), at the
levels :data:`LEVELS`:

- ``coverage``: the share of held-out rows with ``low <= y <= high``; ``mean_width``: the mean of
  ``high - low``. Kinds: ``posterior predictive`` (equal-tailed, from one y per posterior draw) and
  ``conformal`` (split conformal around the twin's refit; absent without an exact twin).
- ``lpd``: the held-out log predictive density per row, the mean over rows of
  ``log((1/S) sum_s p(y_i | draw s))``, through the family's pointwise log density
  (:meth:`~priorfit.models.likelihoods.Likelihood.pointwise`) at each posterior draw.
- ``rmse``: the root mean squared error of the posterior mean of E[y | x]; for a 0/1 target
  (:attr:`~priorfit.models.likelihoods.Likelihood.binary`) instead the Brier score and the log loss
  of the posterior mean probability (what scikit-learn's ``brier_score_loss`` and ``log_loss``
  compute from it).

The rows themselves (``X`` on the original scale, ``y``, their position ``row`` in the data or the
test file) and each row's log predictive density are kept in the fit's DataTree, group ``holdout``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from priorfit.results import predictions

LEVELS = (0.5, 0.9)
KINDS = ("posterior predictive", "conformal")


@dataclass(frozen=True)
class IntervalScore:
    """One interval kind at one level, on the held-out rows."""

    kind: str  # "posterior predictive" or "conformal"
    prob: float
    coverage: float
    mean_width: float


@dataclass(frozen=True)
class Holdout:
    """One prior's held-out scores (see the module docstring)."""

    source: str  # where the held-out rows came from, for people
    rows: int
    training_rows: int
    calibration_rows: int | None  # the conformal's, out of the training rows; None without a conformal interval
    intervals: list[IntervalScore] = field(default_factory=list)
    lpd: float | None = None  # per row
    rmse: float | None = None
    brier: float | None = None
    log_loss: float | None = None

    def interval(self, kind: str, prob: float) -> IntervalScore | None:
        return next((s for s in self.intervals if s.kind == kind and abs(s.prob - prob) < 1e-12), None)


def log_predictive_density(family, X: np.ndarray, y: np.ndarray, coef: np.ndarray, intercept: np.ndarray, dispersion) -> np.ndarray:
    """Per row of ``X``: ``log((1/S) sum_s p(y_i | draw s))`` over the ``S`` posterior draws (as
    :func:`priorfit.results.predictions.draws` gives them), in blocks of rows."""
    from scipy.special import logsumexp

    out = np.empty(len(X))
    S = len(coef)
    sigma = dispersion if dispersion is None or np.ndim(dispersion) == 0 else np.asarray(dispersion)[None, :]
    for start in range(0, len(X), predictions.BLOCK_ROWS):
        rows = slice(start, start + predictions.BLOCK_ROWS)
        eta = X[rows] @ coef.T + intercept  # rows x draws
        out[rows] = logsumexp(family.pointwise(eta, y[rows, None], sigma), axis=1) - np.log(S)
    return out


def evaluate(fit, X: np.ndarray, y: np.ndarray, rows: np.ndarray, *, seed: int, index: int, source: str, training_rows: int):
    """The :class:`Holdout` of one fit on held-out rows ``X`` (original scale, training order) and
    ``y`` (encoded as the training target), and its DataTree group. ``seed`` and ``index`` are those
    :func:`priorfit.results.predictions.predict` uses for the fit, so that the intervals are the same."""
    import xarray as xr

    family = fit.posterior_family
    columns = predictions.fit_predictions(fit, X, list(LEVELS), seed, index)
    split = predictions.conformal_split(fit)
    scores = []
    for kind, prefix in zip(KINDS, ("pred", "conformal")):
        for prob in LEVELS:
            low, high = columns[(f"{prefix}_low", prob)], columns[(f"{prefix}_high", prob)]
            if np.isnan(low).all():  # no conformal interval for this prior
                continue
            scores.append(IntervalScore(kind, prob, float(np.mean((low <= y) & (y <= high))), float(np.mean(high - low))))
    lpd = log_predictive_density(family, X, y, *predictions.draws(fit, family))
    mean = columns["mean"]
    metrics = {}
    if family.binary:
        p = np.clip(mean, np.finfo(float).eps, 1 - np.finfo(float).eps)  # as scikit-learn's log_loss clips
        metrics["brier"] = float(np.mean((y - mean) ** 2))
        metrics["log_loss"] = float(-np.mean(y * np.log(p) + (1 - y) * np.log1p(-p)))
    else:
        metrics["rmse"] = float(np.sqrt(np.mean((y - mean) ** 2)))
    record = Holdout(source, len(y), int(training_rows), None if split is None else split.calibration_rows, scores,
                     float(lpd.mean()), **metrics)
    group = xr.DataTree(xr.Dataset(
        {"X": (("holdout_row", "feature"), X), "y": ("holdout_row", y), "row": ("holdout_row", np.asarray(rows, dtype=int)),
         "lpd": ("holdout_row", lpd)},
        coords={"feature": list(fit.tree["posterior"]["feature"].values)},
        attrs={"source": source},
    ))
    return record, group


def table(comparison):
    """One row per prior: the coverage and mean width of each interval kind at each level, the log
    predictive density per row and the error (RMSE, or Brier score and log loss); None without a
    held-out evaluation."""
    import pandas as pd

    rows = {}
    for fit in comparison.fits:
        h = fit.holdout
        if h is None:
            continue
        row = {}
        for kind in KINDS:
            for prob in LEVELS:
                s = h.interval(kind, prob)
                row[(kind, f"{prob:.0%} coverage")] = np.nan if s is None else s.coverage
                row[(kind, f"{prob:.0%} width")] = np.nan if s is None else s.mean_width
        row[("score", "lpd / row")] = h.lpd
        if h.brier is not None:
            row[("score", "Brier")], row[("score", "log loss")] = h.brier, h.log_loss
        else:
            row[("score", "RMSE")] = h.rmse
        rows[fit.prior.name] = row
    if not rows:
        return None
    frame = pd.DataFrame.from_dict(rows, orient="index")
    frame.columns = pd.MultiIndex.from_tuples(frame.columns)
    return frame
