"""The group Laplace prior: the group lasso (Kyung, Gill, Ghosh & Casella 2010, Bayesian group lasso).

The features are split into groups ``g`` that partition them; each group's coefficients have the
density

    -log p(w_g) = c_g ||w_g - mu_g||_2 - m log c_g + log(2 pi^(m/2) Gamma(m) / Gamma(m/2)),

with ``m = |g|`` and ``c_g = sqrt(m) / b`` (Yuan & Lin's 2006 weights ``sqrt(|g|)``), normalized: the
constant depends on ``b``, which is random under a hyperprior or when it is multiplied by an
estimated sigma. ``||w_g - mu_g||`` is ``Gamma(m, b / sqrt(m))`` and the direction uniform on the
sphere, so each coefficient has variance ``(m + 1) b^2 / m``. A group of one is the Laplace prior
of scale b; all groups of one are the lasso. The mode puts whole groups exactly on ``mu``, which
the polish does with the block soft threshold (:mod:`priorfit.inference.group_mode`).
"""

from __future__ import annotations

import math
import numbers
from dataclasses import dataclass, field

import numpy as np

from priorfit.errors import InputError
from priorfit.models.priors.base import Prior, transform_kwargs

ALLOWED = ("lists of feature names (or 0-based column numbers) that partition the features; on the CLI "
           "names (or numbers) joined by + within a group and , between groups, as age+sex,bmi,bp,s1+s2+s3+s4+s5+s6")
NEEDS_GROUPS = f"The group_laplace prior needs its groups; give groups (--groups) as {ALLOWED}."
PARTITION = "the groups must partition the features (each feature in exactly one group)"


@dataclass(frozen=True)
class Groups:
    """The groups as the user gave them (``members``: feature names or 0-based column numbers), or,
    :meth:`resolved` against the data's features, as column numbers with their ``names`` (which equal
    groups need not share: the same columns are the same groups)."""

    members: tuple[tuple[str | int, ...], ...]
    names: tuple[tuple[str, ...], ...] | None = field(default=None, compare=False)

    def __str__(self) -> str:
        shown = self.names or self.members
        return ",".join("+".join(str(m) for m in group) for group in shown)

    @property
    def numbered(self) -> bool:
        return all(isinstance(m, int) or (m.isascii() and m.isdigit()) for group in self.members for m in group)

    def resolved(self, features) -> Groups:
        """The groups as column numbers of ``features`` (names looked up), checked to partition them."""
        features = [str(f) for f in features]
        index = {name: j for j, name in enumerate(features)}
        groups, seen = [], set()
        for group in self.members:
            columns = []
            for member in group:
                if isinstance(member, str) and member in index:
                    j = index[member]
                elif isinstance(member, int) or (member.isascii() and member.isdigit()):  # a column number (CLI: digits)
                    j = int(member)
                    if not j < len(features):
                        raise InputError(f"The group member {member} is no column of the data, which have {len(features)} "
                                         f"features (numbered 0 to {len(features) - 1}); {PARTITION}.")
                else:
                    raise InputError(f"The group member {member!r} is not a feature of the data; the features are "
                                     f"{', '.join(features)}, and {PARTITION}.")
                if j in columns:
                    raise InputError(f"The feature {features[j]!r} is twice in the group {'+'.join(map(str, group))}; "
                                     f"{PARTITION}.")
                if j in seen:
                    raise InputError(f"The feature {features[j]!r} is in more than one group; {PARTITION}.")
                seen.add(j)
                columns.append(j)
            groups.append(tuple(columns))
        missing = [features[j] for j in range(len(features)) if j not in seen]
        if missing:
            raise InputError(f"The groups leave out the feature{'s' * (len(missing) > 1)} {', '.join(missing)}; {PARTITION}.")
        return Groups(tuple(groups), tuple(tuple(features[j] for j in group) for group in groups))

    def of(self, p: int) -> list[np.ndarray]:
        """The groups' column numbers for p features (groups given by name must be :meth:`resolved` first)."""
        if not self.numbered:
            raise InputError(f"The groups {self} name features; they are resolved against the data's features before "
                             "a model is built.")
        return [np.asarray(group, dtype=int) for group in self.resolved([f"column {j}" for j in range(p)]).members]

    def as_json(self):
        """The groups as JSON: lists of column numbers once resolved, else as given."""
        return [list(group) for group in self.members]


def parse_groups(value) -> Groups | None:
    """Parse ``groups``: ``"age+sex,bmi,..."`` (the CLI), a list of lists of names or column numbers
    (the API, TOML, saved results), or None."""
    if value is None or isinstance(value, Groups):
        return value
    bad = InputError(f"groups {value!r} are not allowed; give {ALLOWED}.")
    if isinstance(value, str):
        groups = [tuple(m.strip() for m in part.split("+")) for part in value.split(",")]
    elif isinstance(value, list | tuple | np.ndarray) and all(isinstance(group, list | tuple | np.ndarray) for group in value):
        groups = [tuple(np.asarray(group, dtype=object).ravel()) for group in value]
    else:
        raise bad

    def number(m) -> bool:  # a column number: an int or NumPy integer, not a bool
        return isinstance(m, numbers.Integral) and not isinstance(m, bool | np.bool_) and int(m) >= 0

    if not groups or not all(group and all((isinstance(m, str) and m) or number(m) for m in group) for group in groups):
        raise bad
    return Groups(tuple(tuple(m if isinstance(m, str) else int(m) for m in group) for group in groups))


def log_normalizer(m: np.ndarray) -> np.ndarray:
    """``log(2 pi^(m/2) Gamma(m) / Gamma(m/2))``: the integral of ``exp(-||z||)`` over R^m, in logs."""
    m = np.asarray(m, dtype=float)
    from scipy.special import gammaln

    return math.log(2.0) + m / 2.0 * math.log(math.pi) + gammaln(m) - gammaln(m / 2.0)


class GroupLaplace(Prior):
    name = "group_laplace"
    has_kinks = True
    nuts_steps = (8.0, 0.5)  # kinks (Prior.nuts_steps)
    scales_with_sigma = True
    grouped = True
    options = ("groups",)
    summary = ("group Laplace prior -log p(w_g) = sqrt(|g|) ||w_g - mu_g|| / b + const (--groups): the group lasso "
               "(Kyung et al. 2010)")

    def __init__(self, scale, mu=0.0, *, groups=None):
        super().__init__(scale, mu)
        self.groups = parse_groups(groups)
        if self.groups is None:
            raise InputError(NEEDS_GROUPS)

    def params(self):
        return super().params() | {"groups": self.groups.as_json()}

    def shown_params(self):
        return self.params() | {"groups": str(self.groups)}

    @classmethod
    def from_params(cls, params):
        return cls(params["scale"], params["mu"], groups=params["groups"])

    def partition(self, p: int) -> list[np.ndarray]:
        """The groups' column numbers."""
        return self.groups.of(p)

    def sizes(self, p: int) -> np.ndarray:
        """Each feature's group size m."""
        m = np.zeros(p)
        for group in self.partition(p):
            m[group] = len(group)
        return m

    def group_weights(self, p: int) -> np.ndarray:
        """``sqrt(|g|) / b`` per group: the weight of ``||w_g - mu_g||`` in ``-log p`` at the fixed scale."""
        return np.array([math.sqrt(len(group)) for group in self.partition(p)]) / self.scale

    def kink_groups(self, p):
        return self.partition(p)

    def active(self, d):
        d = np.asarray(d, dtype=float)
        out = np.zeros(d.shape[-1], dtype=bool)
        for group in self.partition(d.shape[-1]):
            out[group] = np.any(d[group] != 0)
        return out

    def gaussian_precision(self):
        raise TypeError("the group_laplace prior's precision depends on the group sizes: use precision_matrix(p)")

    def precision_diagonal(self, p):
        m = self.sizes(p)
        return m / ((m + 1.0) * self.scale**2)

    def curvature_matrix(self, d, sigma):
        """The Hessian of ``c_g ||d_g||`` on each group off mu, ``c_g (I - u u') / ||d_g||``; 0 on a group on mu
        (off the active set)."""
        d = np.asarray(d, dtype=float)
        p = d.shape[-1]
        H = np.zeros((p, p))
        b = self.effective_scale(sigma)
        for group in self.partition(p):
            norm = float(np.linalg.norm(d[group]))
            if norm > 0:
                u = d[group] / norm
                H[np.ix_(group, group)] = math.sqrt(len(group)) / b * (np.eye(len(group)) - np.outer(u, u)) / norm
        return H

    def curvatures(self, d, sigma):
        return np.diag(self.curvature_matrix(d, sigma)).copy()

    def solved_as_a_program(self) -> bool:
        return False  # a norm per group: the kinked likelihoods are not paired with it

    @classmethod
    def check_settings(cls, settings) -> None:
        if settings.groups is None:
            raise InputError(NEEDS_GROUPS)
        if settings.family().kinked:
            raise InputError(f"The group_laplace prior applies with a smooth likelihood; the {settings.likelihood} "
                             "likelihood's mode is solved as a linear program, which a group's norm is not.")

    @classmethod
    def check_design(cls, settings, design, likelihood) -> None:
        settings.groups.resolved(design.features)

    def build(self, p, transform=None, sigma=None):
        import pymc as pm
        import pytensor.tensor as pt

        groups = self.partition(p)
        membership = np.zeros((len(groups), p))
        for k, group in enumerate(groups):
            membership[k, group] = 1.0
        m = membership.sum(axis=1)
        mu = pm.Data("prior_mu", self.mu_vector(p), dims="feature")
        members = pm.Data("prior_groups", membership)
        sizes = pm.Data("prior_group_sizes", m)
        b = self._scale_in_model(sigma)
        coef = pm.Flat("coef", dims="feature", initval=self.mu_vector(p), **transform_kwargs(transform))
        squares = pt.dot(members, pt.square(coef - mu))
        # ||d_g|| with a zero derivative on mu (where sqrt's is infinite, and 0 x inf would be NaN): the
        # subgradient the polish's block soft threshold expects, as |x|'s sign is 0 at 0
        positive = pt.gt(squares, 0.0)
        norms = pt.switch(positive, pt.sqrt(pt.switch(positive, squares, 1.0)), 0.0)
        c = pt.sqrt(sizes) / b
        # normalized: sum_g m log c_g is part of the joint density when b is random
        pm.Potential("coef_prior", pt.sum(-c * norms + sizes * pt.log(c)) - float(np.sum(log_normalizer(m))))
        return coef

    def log_prior(self, values, sigma=None):
        """As :meth:`Prior.log_prior`, with ``coef``'s density joint over the features (chain, draw):
        a group's coefficients are not independent."""
        coef = np.asarray(values["coef"], dtype=float)
        s = self.scale if self.hyperprior is None else np.asarray(values["global_scale"], dtype=float)
        if self.by_sigma and sigma is not None:
            s = s * np.asarray(sigma, dtype=float)
        d = coef - self.mu_vector(coef.shape[-1])
        out = 0.0
        for group in self.partition(coef.shape[-1]):
            m = len(group)
            c = math.sqrt(m) / np.asarray(s, dtype=float)
            out = out - c * np.linalg.norm(d[..., group], axis=-1) + m * np.log(c) - float(log_normalizer(m))
        out = {"coef": np.asarray(out, dtype=float)}
        if self.hyperprior is not None:
            out["global_scale"] = self.hyperprior.log_density(np.asarray(values["global_scale"], dtype=float))
        return out

    def _kernel_log_density(self, d, scale):
        """Each coefficient's marginal. ``exp(-c ||d_g||)`` on R^m is a normal scale mixture, variance
        ``Gamma((m + 1) / 2, rate c^2 / 2)`` (Kyung et al. 2010), so one coordinate is variance-gamma:
        ``c^(m+1) |x|^(m/2) K_(m/2)(c |x|) / (sqrt(pi) Gamma((m + 1) / 2) (2c)^(m/2))``, which at 0 is
        ``c Gamma(m/2) / (2 sqrt(pi) Gamma((m + 1) / 2))``; m = 1 is the Laplace density ``c/2 exp(-c |x|)``."""
        from scipy.special import gammaln, kve

        d = np.asarray(d, dtype=float)
        m = self.sizes(d.shape[-1])
        c = np.sqrt(m) / np.asarray(scale, dtype=float)
        z = c * np.abs(d)
        safe = np.where(z > 0, z, 1.0)
        at_zero = np.log(c) + gammaln(m / 2) - np.log(2 * np.sqrt(np.pi)) - gammaln((m + 1) / 2)
        # c^(m+1) |x|^(m/2) (2c)^(-m/2) = c z^(m/2) 2^(-m/2)
        off_zero = (np.log(c) + m / 2 * np.log(safe / 2) + np.log(kve(m / 2, safe)) - safe
                    - 0.5 * np.log(np.pi) - gammaln((m + 1) / 2))
        # near 0 a large group's Bessel function overflows where the density is at_zero to many digits
        return np.where((z > 0) & np.isfinite(off_zero), off_zero, at_zero)

    def _kernel_draws(self, p, size, rng, scale):
        """``w_g - mu_g``: a radius ``Gamma(m, b / sqrt(m))`` times a direction uniform on the sphere."""
        d = np.empty((size, p))
        for group in self.partition(p):
            m = len(group)
            z = rng.standard_normal((size, m))
            radius = rng.gamma(m, 1.0, size) * scale / math.sqrt(m)
            d[:, group] = z / np.linalg.norm(z, axis=1, keepdims=True) * radius[:, None]
        return d

    def draw(self, p: int, size: int, rng, scale=None) -> np.ndarray:
        """Exact draws (size x p); ``scale``: b per draw, or None for the fixed one."""
        b = np.full(size, self.scale, dtype=float) if scale is None else np.asarray(scale, dtype=float).reshape(size)
        return self.mu_vector(p) + self._kernel_draws(p, size, rng, b)
