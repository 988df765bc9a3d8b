"""The bridge prior (exponential power, generalized normal): the L_q penalty ``sum |w_j - mu|^q``.

``-log p(w_j) = |w_j - mu|^q / b^q + log(2 b Gamma(1 + 1/q))``, normalized: its constant depends on
``b``, which is random under a hyperprior or when it is multiplied by an estimated sigma. ``q = 1``
is the Laplace prior of scale ``b``, ``q = 2`` the Normal prior of sd ``b / sqrt 2``; for ``q < 1``
the density has an infinite slope at ``mu`` and minus its log is not convex (a mode is a local one).
"""

from __future__ import annotations

import math

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, transform_kwargs
from priorfit.validation import bridge_exponent


class Bridge(Prior):
    name = "bridge"
    has_kinks = True
    nuts_steps = (8.0, 0.5)  # kinks (Prior.nuts_steps)
    scales_with_sigma = True
    options = ("bridge_q",)
    summary = "bridge prior: -log p(w_j) = |w_j - mu|^q / b^q (exponential power): the L_q penalty, 0 < q <= 2"

    def __init__(self, scale, mu=0.0, *, bridge_q: float = 1.5):
        super().__init__(scale, mu)
        self.bridge_q = bridge_exponent(bridge_q)

    def sd_at_unit_scale(self) -> float:
        """The generalized normal's sd at ``b = 1``: ``sqrt(Gamma(3/q) / Gamma(1/q))``."""
        q = self.bridge_q
        return math.sqrt(math.gamma(3.0 / q) / math.gamma(1.0 / q))

    def params(self):
        return super().params() | {"bridge_q": self.bridge_q}

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], bridge_q=params["bridge_q"])

    def gaussian_precision(self):
        return 1.0 / (self.scale * self.sd_at_unit_scale()) ** 2

    def l1_weight(self):
        return None if self.scale is None or self.bridge_q != 1.0 else 1.0 / self.scale

    def pins_at_mu(self) -> bool:
        """Whether a coefficient the mode puts exactly on ``mu`` stays there (q < 1: the infinite
        slope of ``|w - mu|^q`` at ``mu`` makes it a local minimum in that coordinate, whatever the
        likelihood's slope)."""
        return self.bridge_q < 1.0

    def curvature(self, sigma):
        return 0.0 if self.scale is None or self.bridge_q != 2.0 else 2.0 / self.effective_scale(sigma) ** 2

    def solved_as_a_program(self) -> bool:
        return self.bridge_q in (1.0, 2.0)

    def curvatures(self, d, sigma):
        """``q (q - 1) |d|^(q - 2) / b^q``: 0 at q = 1 (the lasso's active set), negative below
        (a local mode's), ``2 / b^2`` at q = 2; at ``d = 0`` infinite for 1 < q < 2, and 0 below 1
        (a pinned coefficient is off the active set)."""
        q, b = self.bridge_q, self.effective_scale(sigma)
        d = np.abs(np.asarray(d, dtype=float))
        on_mu = np.inf if 1.0 < q < 2.0 else 2.0 if q == 2.0 else 0.0
        with np.errstate(divide="ignore"):
            return np.where(d > 0, q * (q - 1.0) * d ** (q - 2.0), on_mu) / b**q

    def local_mode_reason(self) -> str | None:
        if self.bridge_q >= 1.0:
            return None
        return (f"the bridge penalty with q = {self.bridge_q:g} < 1 is not convex: the mode found is a local one "
                "(every coefficient on mu is a local minimum in its coordinate)")

    def build(self, p, transform=None, sigma=None):
        import pymc as pm
        import pytensor.tensor as pt

        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        b = self._scale_in_model(sigma)
        q = pm.Data("prior_bridge_q", self.bridge_q)
        # below q = 1 the gradient is not finite at mu: find_MAP starts a scale away
        start = self.mu_vector(p) + (0.0 if self.bridge_q >= 1.0 else self.scale or 1.0)
        coef = pm.Flat("coef", dims="feature", initval=start, **transform_kwargs(transform))
        d = pt.abs(coef - mu)
        if self.bridge_q < 1.0:
            # |d|^q has an infinite slope at 0, whose 0 x inf would make NaN of every derivative that
            # passes a coefficient on mu (the polish pins some there): the power is taken of 1 there
            # and its value replaced by 0, so that no branch of the derivative is infinite
            on_mu = pt.eq(d, 0.0)
            d = pt.switch(on_mu, 0.0, pt.switch(on_mu, 1.0, d) ** q)
        else:
            d = d**q
        # normalized: -p log(2 b Gamma(1 + 1/q)) is part of the joint density when b is random
        kernel = pt.sum(d) / b**q
        pm.Potential("coef_prior", -kernel - p * (pt.log(2.0 * b) + pt.gammaln(1.0 + 1.0 / q)))
        return coef

    def _kernel_draws(self, p, size, rng, scale):
        return self.draw(p, size, rng, scale=scale) - self.mu_vector(p)

    def _kernel_log_density(self, d, scale):
        q = self.bridge_q
        return -(np.abs(d) / scale) ** q - np.log(2.0 * scale) - math.lgamma(1.0 + 1.0 / q)

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray:
        """Exact draws (size x p): ``|w - mu| / b`` is ``G^(1/q)`` with ``G ~ Gamma(1/q)``, the sign
        equally likely either way (the generalized normal). ``scale`` is ``b`` for each draw (a
        vector of ``size``), or None for the fixed scale."""
        q = self.bridge_q
        b = np.full(size, self.scale, dtype=float) if scale is None else np.asarray(scale, dtype=float).reshape(size)
        if not np.all(np.isfinite(b) & (b > 0)):
            raise InputError("The bridge prior's scale must be positive and finite for every draw.")
        magnitude = rng.gamma(1.0 / q, 1.0, (size, p)) ** (1.0 / q) * b[:, None]
        return self.mu_vector(p) + rng.choice([-1.0, 1.0], (size, p)) * magnitude
