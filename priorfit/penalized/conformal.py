"""Split-conformal intervals around the exact penalized twin (the frequentist answer beside the
posterior predictive interval).

At compare time, for every prior with an exact twin on a design with rows, the training rows are
split by a seeded permutation into proper-training rows and calibration rows
(:data:`CALIBRATION_FRACTION` of them, rounded up; at least :data:`MIN_CALIBRATION_ROWS`, or no
conformal interval). The twin is refitted on the proper-training rows with the same prior, converted
for that number of rows (:meth:`priorfit.penalized.twins.Twin.penalty` at the dispersion the full
twin was converted at: for Ridge and LogisticRegression the same alpha or C, for Lasso, ElasticNet
and the Poisson twins the alpha of ``n_proper`` rows), on the full data's standardization. Its
coefficients and the calibration rows' nonconformity scores, the absolute residual
``|y - E[y | x]|`` of that refit (for every likelihood: for Bernoulli the distance of the 0/1
label from the fitted probability), are kept in the fit's DataTree (group ``conformal``), so that a
saved folder gives an interval at any level without its rows.

The interval at level ``prob`` is crepes' standard split-conformal regressor on those scores
(``ConformalRegressor().fit(scores).predict_int(center, confidence=prob, ...)``: the
``floor((1 - prob)(m + 1))``-th largest of the ``m`` scores on either side of the refit's prediction),
clipped to the family's support (:attr:`~priorfit.models.likelihoods.base.Likelihood.support`:
[0, 1] for Bernoulli, [0, inf) for Poisson). A level that needs more calibration rows than there are
(``floor((1 - prob)(m + 1)) < 1``) gives the whole support, as crepes does.
"""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np

from priorfit.data.design import Design
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins

CALIBRATION_FRACTION = 0.25  # of the training rows, rounded up
MIN_CALIBRATION_ROWS = 10  # fewer: no conformal interval (a 90% interval needs at least 9)
KIND = "split conformal (crepes ConformalRegressor, absolute residual of the twin refitted on the proper-training rows)"


@dataclass(frozen=True, eq=False)
class Conformal:
    """The twin refitted on the proper-training rows and the calibration scores; coefficients on the
    original scale of X (``intercept`` 0 without an intercept)."""

    estimator: str
    seed: int
    fraction: float
    proper_rows: int
    value: float  # the refit's penalty value (alpha, or C)
    coef: np.ndarray
    intercept: float
    scores: np.ndarray  # |y - E[y | x]| of the calibration rows
    kind: str = KIND

    @property
    def calibration_rows(self) -> int:
        return len(self.scores)

    def center(self, X: np.ndarray, family) -> np.ndarray:
        """The refit's E[y | x] at rows ``X`` (original scale)."""
        return family.mean(X @ self.coef + self.intercept)

    def interval(self, center: np.ndarray, prob: float, support=(-np.inf, np.inf)) -> tuple[np.ndarray, np.ndarray]:
        """``(low, high)`` at level ``prob`` around ``center``, clipped to ``support``."""
        from crepes import ConformalRegressor

        regressor = ConformalRegressor().fit(self.scores)
        with warnings.catch_warnings():  # too few calibration rows for the level: the whole support, said in the docs
            warnings.filterwarnings("ignore", "the no. of calibration examples is too small", UserWarning)
            bounds = regressor.predict_int(np.asarray(center, dtype=float), confidence=prob, y_min=support[0], y_max=support[1])
        return bounds[:, 0], bounds[:, 1]

    def to_dataset(self):
        import xarray as xr

        return xr.Dataset(
            {"coef": ("feature", self.coef), "intercept": ((), self.intercept), "scores": ("calibration_row", self.scores)},
            attrs={"estimator": self.estimator, "seed": self.seed, "fraction": self.fraction,
                   "proper_rows": self.proper_rows, "value": self.value, "kind": self.kind},
        )

    @classmethod
    def from_dataset(cls, ds) -> Conformal | None:
        if "scores" not in ds:
            return None
        a = ds.attrs
        return cls(str(a["estimator"]), int(a["seed"]), float(a["fraction"]), int(a["proper_rows"]), float(a["value"]),
                   np.asarray(ds["coef"].values, dtype=float), float(ds["intercept"]), np.asarray(ds["scores"].values, dtype=float))


def group(design: Design, pen, conformal: Conformal | None):
    """The fit's ``conformal`` DataTree group: the exact twin's coefficients on the original scale of X
    (``twin_coef``, ``twin_intercept``: the ``twin`` column of the predictions, exact to the last bit,
    where the JSON keeps 12 digits) and, where there is one, the conformal refit and its scores."""
    import xarray as xr

    coef, intercept = design.to_original(pen.coef, pen.intercept)
    ds = conformal.to_dataset() if conformal is not None else xr.Dataset()
    ds["twin_coef"] = ("feature", np.asarray(coef, dtype=float))
    ds["twin_intercept"] = ((), 0.0 if intercept is None else float(intercept))
    ds.attrs["twin"] = pen.estimator
    return xr.DataTree(ds.assign_coords(feature=list(design.features)))


def split(n: int, seed: int, fraction: float = CALIBRATION_FRACTION) -> tuple[np.ndarray, np.ndarray] | None:
    """``(proper, calibration)`` row indices of a seeded permutation of ``n`` rows, each sorted;
    None where the calibration rows would be fewer than :data:`MIN_CALIBRATION_ROWS`."""
    m = math.ceil(fraction * n)
    if m < MIN_CALIBRATION_ROWS or n - m < 2:
        return None
    order = np.random.default_rng(np.random.SeedSequence([seed, 16])).permutation(n)
    return np.sort(order[m:]), np.sort(order[:m])


def calibrate(design: Design, prior, likelihood, dispersion: float, seed: int,
              fraction: float = CALIBRATION_FRACTION, start: tuple | None = None) -> Conformal | None:
    """The twin of (``prior``, ``likelihood``) refitted on the proper-training rows, and the scores of
    the calibration rows; None without an exact twin, without rows, with too few rows, or where the
    proper-training rows have a constant target (no estimator fits one). ``start``: the full twin's
    ``(coef, intercept)`` (model scale), where saga starts the refit (at the loose tolerance of
    refits, about ten times fewer iterations for the L1 logistic regression of breast_cancer)."""
    twin = twins.twin(prior, likelihood)
    rows = split(design.n, seed, fraction) if design.has_rows else None
    if twin is None or prior.scale is None or rows is None:
        return None
    proper, calibration = rows
    if np.ptp(design.y[proper]) == 0:
        return None
    value = float(twin.penalty(prior, dispersion, len(proper)))
    estimator = twin.make_for_refits(value, design.intercept, **twin.options(prior))
    if "random_state" in estimator.get_params():  # saga shuffles: seeded
        estimator.set_params(random_state=seed)
    if start is not None and estimator.get_params().get("solver") == "saga":
        estimator.set_params(warm_start=True)
        estimator.coef_ = np.atleast_2d(np.asarray(start[0], dtype=float) - prior.mu_vector(design.p)).copy()
        estimator.intercept_ = np.array([0.0 if start[1] is None else float(start[1])])
    coef, intercept = penalized.fit_estimator(estimator, design.take(proper), prior.mu_vector(design.p))
    coef, intercept = design.to_original(coef, intercept)
    intercept = 0.0 if intercept is None else float(intercept)
    X = design.dataset.X[calibration]
    scores = np.abs(design.y[calibration] - likelihood.mean(X @ coef + intercept))
    return Conformal(twin.estimator, int(seed), float(fraction), len(proper), value, coef, intercept, scores)
