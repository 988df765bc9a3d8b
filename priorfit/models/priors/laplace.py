"""The Laplace prior: the lasso; with a weight per coefficient, the weighted (adaptive) lasso."""

from __future__ import annotations

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, anchored, transform_kwargs


def penalty_weights(value) -> tuple[float, ...] | None:
    """Parse ``weights``: one positive number per feature (a list, an array, or ``"1,2,0.5"`` on the
    CLI), or None for the plain lasso; their number is checked against the data's features."""
    if value is None:
        return None
    if isinstance(value, str):
        value = [v for v in value.split(",") if v.strip()]
    values = np.atleast_1d(np.asarray(value, dtype=object))
    try:
        numbers = np.asarray(values, dtype=float)
    except (TypeError, ValueError):
        numbers = np.array([np.nan])
    if values.ndim != 1 or not len(values) or not np.all(np.isfinite(numbers) & (numbers > 0)):
        raise InputError(f"weights {value!r} are not allowed; give one positive number per feature (the weighted lasso's "
                         "v_j: the prior scale of coefficient j is b / v_j).")
    return tuple(float(v) for v in numbers)


class Laplace(Prior):
    name = "laplace"
    has_kinks = True
    nuts_steps = (8.0, 0.5)  # kinks (Prior.nuts_steps)
    autoscale_sd = 2.5
    sd_per_scale = 2.0**0.5
    scales_with_sigma = True
    anchors_whitening = True
    options = ("weights",)
    summary = "Laplace prior w_j ~ Laplace(mu, b): the lasso; with weights v_j, Laplace(mu, b / v_j): the weighted lasso"

    def __init__(self, scale, mu=0.0, *, weights=None):
        super().__init__(scale, mu)
        self.weights = penalty_weights(weights)

    def params(self):
        return super().params() | ({} if self.weights is None else {"weights": list(self.weights)})

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], weights=params.get("weights"))

    def weight_vector(self, p: int) -> np.ndarray:
        """``v``: the given weights, or ones."""
        return np.ones(p) if self.weights is None else np.asarray(self.weights, dtype=float)

    @classmethod
    def check_settings(cls, settings) -> None:
        if settings.weights is not None and settings.family().kinked:
            raise InputError(f"weights apply to the laplace prior with a smooth likelihood; the {settings.likelihood} "
                             "likelihood's mode is a linear program solved with one L1 weight.")

    @classmethod
    def check_design(cls, settings, design, likelihood) -> None:
        if settings.weights is not None and len(settings.weights) != design.p:
            raise InputError(f"The laplace prior's weights have {len(settings.weights)} entries but the data have {design.p} "
                             "features; give one per feature in their order.")

    def gaussian_precision(self):
        return 1.0 / (2.0 * self.scale**2)

    def precision_diagonal(self, p):
        return self.weight_vector(p) ** 2 * self.gaussian_precision()

    def _kernel_draws(self, p, size, rng, scale):
        return rng.laplace(0.0, 1.0, (size, p)) * scale[:, None] / self.weight_vector(p)

    def _kernel_log_density(self, d, scale):
        b = scale if self.weights is None else scale / self.weight_vector(np.shape(d)[-1])
        return -np.log(2.0 * b) - np.abs(d) / b

    def l1_weight(self):
        return None if self.scale is None else 1.0 / self.scale

    def l1_weights(self, p):
        return self.weight_vector(p) * (self.l1_weight() or 0.0)

    def build(self, p, transform=None, sigma=None):
        import pymc as pm

        mu = anchored(pm.Data("prior_mu", self.mu_vector(p), dims="feature"), transform)
        b = self._scale_in_model(sigma)
        if self.weights is not None:  # a scale per coefficient, b / v_j
            b = b / pm.Data("prior_weights", self.weight_vector(p), dims="feature")
        return pm.Laplace("coef", mu=mu, b=b, dims="feature", **transform_kwargs(transform))
