"""The multivariate normal prior: Tikhonov regularization with a matrix.

``w ~ N(mu, tau^2 Q^-1)`` with a p x p precision matrix ``Q`` (symmetric positive semi-definite):

    -log p(w) = (w - mu)' Q (w - mu) / (2 tau^2) + r log tau - log pdet(Q) / 2 + r log(2 pi) / 2,

with ``r`` the rank of ``Q`` and ``pdet`` the product of its nonzero eigenvalues (Rue & Held 2005,
section 3.2), normalized: its constant depends on ``tau``, which is random under a hyperprior or when
it is multiplied by an estimated sigma. ``Q`` comes from a file, an array, or the first- or
second-difference penalty ``D'D`` over the features in order (``rw1``, ``rw2``: random-walk
smoothness priors for ordered coefficients). A singular ``Q`` leaves the prior flat on its null
space (rw1's constants, rw2's straight lines): the prior is improper there, and the posterior is
proper only where the likelihood identifies those directions (:meth:`MvNormal.check_design`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from os import PathLike
from pathlib import Path

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, normal_log_density, transform_kwargs

RANDOM_WALKS = ("rw1", "rw2")
#: eigenvalues below this share of the largest one are zero (the null space of Q); above it, in
#: magnitude, a negative one makes Q indefinite, and an asymmetry of this share of max |Q| is refused
RANK_TOLERANCE = 1e-10
ALLOWED = "rw1, rw2, or a .csv (no header) or .npy file of the p x p precision matrix"
NEEDS_PRECISION = f"The mvnormal prior needs its precision matrix Q; give precision (--precision) as {ALLOWED}."


def difference_penalty(p: int, order: int) -> np.ndarray:
    """``D'D`` with ``D`` the ``order``-th differences of p coefficients in order ((p - order) x p)."""
    if p <= order:
        raise InputError(f"The rw{order} precision needs at least {order + 1} features in order; the data have {p}.")
    D = np.diff(np.eye(p), n=order, axis=0)
    return D.T @ D


@dataclass(frozen=True, eq=False)
class Precision:
    """The precision matrix ``Q`` of the mvnormal prior, as the user gave it: ``source`` is
    ``rw1``, ``rw2``, a file's path, or ``matrix`` (an array given in Python); ``given`` is the
    matrix of a file or an array (checked symmetric positive semi-definite), None for a random walk,
    whose size is the data's."""

    source: str
    given: np.ndarray | None = None

    def __str__(self) -> str:
        return self.source

    def __eq__(self, other) -> bool:  # the same matrix from the same source (settings compare equal)
        if not isinstance(other, Precision) or self.source != other.source:
            return False
        return (self.given is None) == (other.given is None) and (self.given is None or np.array_equal(self.given, other.given))

    def __hash__(self) -> int:
        return hash(self.source)

    def of(self, p: int) -> np.ndarray:
        """Q for p features: the random walk's ``D'D``, or the given matrix if it is p x p."""
        if self.given is None:
            return difference_penalty(p, RANDOM_WALKS.index(self.source) + 1)
        if self.given.shape[0] != p:
            size = self.given.shape[0]
            raise InputError(f"The precision matrix {self.source!r} is {size} x {size}, but the data have {p} features; "
                             f"it must be {p} x {p}.")
        return self.given

    def as_json(self):
        """The precision as JSON: the random walk's name, or the source with the matrix."""
        return self.source if self.given is None else {"source": self.source, "matrix": self.given.tolist()}


def parse_precision(value) -> Precision | None:
    """Parse ``--precision``: rw1, rw2, a .csv or .npy file, an array (the API), or what
    :meth:`Precision.as_json` wrote; the matrix checked symmetric positive semi-definite."""
    if value is None or isinstance(value, Precision):
        return value
    if isinstance(value, dict) and set(value) == {"source", "matrix"}:
        return Precision(str(value["source"]), _checked(value["matrix"], str(value["source"])))
    if isinstance(value, str | PathLike):
        text = str(value).strip()
        if text.lower() in RANDOM_WALKS:
            return Precision(text.lower())
        path = Path(text)
        if path.suffix.lower() not in (".csv", ".npy"):
            raise InputError(f"precision {text!r} is not allowed; give {ALLOWED}.")
        if not path.is_file():
            raise InputError(f"The precision file {text!r} does not exist; give {ALLOWED}.")
        try:
            matrix = np.load(path, allow_pickle=False) if path.suffix.lower() == ".npy" else \
                np.loadtxt(path, delimiter=",", ndmin=2)
        except (ValueError, OSError):
            raise InputError(f"The precision file {text!r} is not a matrix of numbers; give {ALLOWED}.") from None
        return Precision(text, _checked(matrix, text))
    return Precision("matrix", _checked(value, "matrix"))


def _checked(matrix, source: str) -> np.ndarray:
    """The matrix as floats, or one sentence saying why it is no precision matrix."""
    try:
        Q = np.array(matrix, dtype=float)
    except (TypeError, ValueError):
        Q = np.empty(0)
    what = f"The precision matrix {source!r}"
    if Q.ndim != 2 or Q.shape[0] != Q.shape[1] or Q.size == 0:
        raise InputError(f"{what} has shape {Q.shape}; it must be a square p x p matrix of numbers.")
    if not np.all(np.isfinite(Q)):
        raise InputError(f"{what} has entries that are not finite; it must be symmetric positive semi-definite.")
    largest = float(np.abs(Q).max())
    asymmetry = float(np.abs(Q - Q.T).max())
    if asymmetry > RANK_TOLERANCE * largest:
        raise InputError(f"{what} is not symmetric (largest |Q - Q'| is {asymmetry:.3g}); it must be symmetric positive "
                         "semi-definite.")
    Q = (Q + Q.T) / 2.0
    eigenvalues = np.linalg.eigvalsh(Q)
    if eigenvalues[0] < -RANK_TOLERANCE * max(eigenvalues[-1], 0.0) or eigenvalues[-1] <= 0:
        raise InputError(f"{what} is not positive semi-definite (its smallest eigenvalue is {eigenvalues[0]:.3g}); it must be "
                         "symmetric positive semi-definite with a positive eigenvalue.")
    return Q


@dataclass(frozen=True)
class Spectrum:
    """Q's eigen-decomposition: its rank ``r``, ``log pdet(Q)`` (the sum of the logs of its ``r``
    nonzero eigenvalues), ``root`` (p x r, ``root' Q root = I``: prior draws are ``tau root z``) and
    ``null`` (p x (p - r), an orthonormal basis of the directions Q leaves flat)."""

    rank: int
    log_pdet: float
    root: np.ndarray
    null: np.ndarray


def spectrum(Q: np.ndarray) -> Spectrum:
    values, vectors = np.linalg.eigh(Q)
    keep = values > RANK_TOLERANCE * values[-1]
    return Spectrum(int(keep.sum()), float(np.sum(np.log(values[keep]))), vectors[:, keep] / np.sqrt(values[keep]),
                    vectors[:, ~keep])


class MvNormal(Prior):
    name = "mvnormal"
    precision_is_diagonal = False
    scales_with_sigma = True
    options = ("precision",)
    summary = "multivariate normal prior w ~ N(mu, tau^2 Q^-1) (--precision FILE|rw1|rw2): Tikhonov regularization with a matrix"

    def __init__(self, scale, mu=0.0, *, precision=None):
        super().__init__(scale, mu)
        self.precision = parse_precision(precision)
        if self.precision is None:
            raise InputError(NEEDS_PRECISION)

    def params(self):
        return super().params() | {"precision": self.precision.as_json()}

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], precision=params["precision"])

    def matrix(self, p: int) -> np.ndarray:
        """Q for p features (at scale tau = 1)."""
        return self.precision.of(p)

    def gaussian_precision(self):
        raise TypeError("the mvnormal prior's precision is a matrix: use precision_matrix(p)")

    def precision_matrix(self, p):
        return self.matrix(p) / self.scale**2

    def curvature_matrix(self, d, sigma):
        d = np.asarray(d)
        return self.matrix(d.shape[-1]) / self.effective_scale(sigma) ** 2

    def curvatures(self, d, sigma):
        return np.diag(self.curvature_matrix(d, sigma)).copy()

    def note(self, p: int) -> str | None:
        shape = spectrum(self.matrix(p))
        if shape.rank == p:
            return None
        k = p - shape.rank
        return (f"the mvnormal prior with precision {self.precision} is flat along {k} direction{'s' * (k > 1)} of the "
                f"coefficients (Q has rank {shape.rank} of {p}): improper there, which the data identify; the prior predictive "
                "holds the coefficients at mu along them")

    def solved_as_a_program(self) -> bool:
        return False  # a quadratic in a matrix: the kinked likelihoods are not paired with it

    @classmethod
    def check_settings(cls, settings) -> None:
        if settings.precision is None:
            raise InputError(NEEDS_PRECISION)

    @classmethod
    def check_design(cls, settings, design, likelihood) -> None:
        """The precision's size, and a proper posterior: the directions Q leaves flat must be
        identified by the likelihood (:func:`improper_reason`)."""
        Q = settings.precision.of(design.p)
        reason = improper_reason(design, likelihood, spectrum(Q).null, str(settings.precision),
                                 sigma_estimated=likelihood.has_dispersion and settings.sigma is None,
                                 jeffreys=bool(getattr(settings.sigma_prior, "improper_at_zero", False)),
                                 by_sigma=cls.scale_follows_sigma(settings))
        if reason:
            raise InputError(reason)

    def build(self, p, transform=None, sigma=None):
        import pymc as pm
        import pytensor.tensor as pt

        Q = self.matrix(p)
        shape = spectrum(Q)
        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        precision_data = pm.Data("prior_precision", Q)
        rank, log_pdet = pm.Data("prior_rank", float(shape.rank)), pm.Data("prior_log_pdet", shape.log_pdet)
        tau = self._scale_in_model(sigma)
        coef = pm.Flat("coef", dims="feature", initval=self.mu_vector(p), **transform_kwargs(transform))
        d = coef - mu
        quadratic = pt.dot(d, pt.dot(precision_data, d))
        # normalized: r log tau is part of the joint density when tau is random
        pm.Potential("coef_prior", -0.5 * quadratic / tau**2 - rank * pt.log(tau) + 0.5 * log_pdet
                     - 0.5 * rank * math.log(2.0 * math.pi))
        return coef

    def log_prior(self, values, sigma=None):
        """As :meth:`Prior.log_prior`, with ``coef``'s density joint over the features (chain, draw):
        the coefficients are not independent."""
        coef = np.asarray(values["coef"], dtype=float)
        s = self.scale if self.hyperprior is None else np.asarray(values["global_scale"], dtype=float)
        if self.by_sigma and sigma is not None:
            s = s * np.asarray(sigma, dtype=float)
        Q = self.matrix(coef.shape[-1])
        shape = spectrum(Q)
        d = coef - self.mu_vector(coef.shape[-1])
        quadratic = np.einsum("...i,ij,...j->...", d, Q, d)
        out = {"coef": -0.5 * quadratic / np.square(s) - shape.rank * np.log(s) + 0.5 * shape.log_pdet
               - 0.5 * shape.rank * math.log(2.0 * math.pi)}
        if self.hyperprior is not None:
            out["global_scale"] = self.hyperprior.log_density(np.asarray(values["global_scale"], dtype=float))
        return out

    def _kernel_draws(self, p, size, rng, scale):
        """``w - mu`` from the proper part: ``tau root z``, 0 along the null space of Q (held at mu
        there, as the flat intercept is held at its starting value)."""
        root = spectrum(self.matrix(p)).root
        return scale[:, None] * (rng.standard_normal((size, root.shape[1])) @ root.T)

    def _kernel_log_density(self, d, scale):
        """Each coefficient's marginal, ``Normal(0, tau^2 Sigma_jj)`` with ``Sigma = Q^-1``; NaN for a
        coefficient that Q's null space moves (its marginal is improper)."""
        shape = spectrum(self.matrix(np.shape(d)[-1]))
        variance = np.sum(shape.root**2, axis=1)
        improper = np.any(np.abs(shape.null) > 1e-8, axis=1) if shape.null.size else np.zeros(len(variance), bool)
        return np.where(improper, np.nan, normal_log_density(d, scale * np.sqrt(variance)))

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray:
        """Exact draws (size x p) of a proper prior (Q of full rank); ``scale``: tau per draw or None."""
        shape = spectrum(self.matrix(p))
        if shape.rank < p:
            raise InputError(f"The mvnormal prior with precision {self.precision} is improper (Q has rank {shape.rank} of {p}), "
                             "so it has no draws; give a precision matrix of full rank.")
        tau = np.full(size, self.scale, dtype=float) if scale is None else np.asarray(scale, dtype=float).reshape(size)
        return self.mu_vector(p) + self._kernel_draws(p, size, rng, tau)


def improper_reason(design, likelihood, null: np.ndarray, source: str, *, sigma_estimated: bool, jeffreys: bool,
                    by_sigma: bool) -> str | None:
    """Why the posterior would be improper with a prior flat along ``null`` (p x k), or None.

    The flat directions are ``Z = X null`` and the flat intercept. Their likelihood must decay in
    every direction ``v`` of theirs: ``Z`` must have full column rank (the Gaussian's whole
    condition), and the likelihood must not rise toward a limit along any ``Z v``
    (:meth:`~priorfit.models.likelihoods.Likelihood.rises_without_end`: separated labels, counts).
    With sigma estimated under Jeffreys' prior and a prior scale multiplied by sigma, the rows must
    outnumber the flat directions."""
    k = null.shape[1]
    if k == 0:
        return None
    flat = f"The mvnormal prior with precision {source} is flat along {k} direction{'s' * (k > 1)} of the coefficients (Q's null space)"
    Z = _flat_columns(design, null)
    Z = Z / np.maximum(np.abs(Z).max(axis=0), 1e-300)
    singular = np.linalg.svd(Z, compute_uv=False)
    if singular[-1] <= RANK_TOLERANCE * singular[0] * max(Z.shape):
        beyond = " with the intercept" if design.intercept else ""
        return (f"{flat}, and the data do not identify them: X times them is constant{beyond} along some direction, "
                "so the posterior is improper; give a precision of higher rank, or data whose columns vary along them.")
    rises = likelihood.rises_without_end(Z, np.asarray(design.y)) if design.has_rows else None
    if rises:
        return f"{flat}, and {rises}, so the posterior is improper; give a precision of higher rank."
    if sigma_estimated and jeffreys and by_sigma and design.n <= Z.shape[1]:
        return (f"{flat}, {Z.shape[1]} flat directions{' with the intercept' if design.intercept else ''} for {design.n} rows: "
                "with sigma estimated under "
                "Jeffreys' prior the posterior is improper; fix sigma, give it a proper prior, or a precision of higher rank.")
    return None


def _flat_columns(design, null: np.ndarray) -> np.ndarray:
    """``[1, X null]`` (the intercept's column first, if there is one), from the rows or, without
    them, a square root of its Gram matrix."""
    if design.has_rows:
        Z = np.asarray(design.X, dtype=float) @ null
        return np.column_stack([np.ones(design.n), Z]) if design.intercept else Z
    m = design.sufficient()
    G = null.T @ m.gram @ null  # centred: orthogonal to the intercept
    values, vectors = np.linalg.eigh((G + G.T) / 2.0)
    root = (vectors * np.sqrt(np.clip(values, 0.0, None))).T
    if design.intercept:
        root = np.block([[np.sqrt(design.n) * np.ones((1, 1)), np.zeros((1, root.shape[1]))],
                         [np.zeros((root.shape[0], 1)), root]])
    return root
