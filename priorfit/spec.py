"""What a comparison run is asked to do, validated in one place.

Every user-facing value (from the CLI, the Python API, or later a TOML declaration) passes
through :func:`settings`; a bad one raises :class:`InputError` with one sentence naming the
value and what is allowed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from .errors import InputError
from .likelihoods import SigmaPrior, sigma_prior as parse_sigma_prior
from .priors import Prior, get as get_prior, positive

SAMPLERS = ("nutpie", "pymc")
DEFAULT_PRIORS = ("normal", "laplace", "horseshoe")


@dataclass(frozen=True)
class Settings:
    """A validated comparison request. ``sigma is None`` means sigma is estimated."""

    priors: tuple[str, ...] = DEFAULT_PRIORS
    alpha: float | None = None
    scale: float | None = None
    mu: float = 0.0
    sigma: float | None = None
    sigma_prior: SigmaPrior | None = None
    standardize: bool = True
    intercept: bool = True
    sampler: str = "nutpie"
    draws: int = 1000
    tune: int = 1000
    chains: int = 4
    seed: int = 0
    target_accept: float | None = None
    hdi_prob: float = 0.94
    whiten: bool = True

    def prior_classes(self) -> list[type[Prior]]:
        return [get_prior(name) for name in self.priors]

    def as_dict(self) -> dict:
        out = {k: getattr(self, k) for k in self.__dataclass_fields__}
        out["priors"] = list(self.priors)
        out["sigma"] = "estimate" if self.sigma is None else self.sigma
        out["sigma_prior"] = None if self.sigma_prior is None else str(self.sigma_prior)
        return out


def _integer(value, what: str, minimum: int, maximum: int = 10**9) -> int:
    try:
        number = None if isinstance(value, bool) else int(str(value).strip())
    except ValueError:
        number = None
    if number is None or not minimum <= number <= maximum:
        raise InputError(f"{what} {value!r} is not allowed; it must be a whole number from {minimum} to {maximum}.")
    return number


def _probability(value, what: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = float("nan")
    if not 0 < number < 1:
        raise InputError(f"{what} {value!r} is not allowed; it must lie strictly between 0 and 1.")
    return number


def parse_priors(priors) -> tuple[str, ...]:
    if isinstance(priors, str):
        names = priors.split(",")
    elif isinstance(priors, (list, tuple)):
        names = list(priors)
    else:
        raise InputError(f"Prior {priors!r} is not allowed; name one or more of: {', '.join(Prior.registry)}.")
    names = tuple(str(n).strip().lower() for n in names)
    if not names or any(not n for n in names):
        raise InputError(f"Prior list {priors!r} is empty; name one or more of: {', '.join(Prior.registry)}.")
    for name in names:
        get_prior(name)
    if len(set(names)) != len(names):
        raise InputError(f"Prior list {priors!r} names a prior twice; name each once.")
    return names


def parse_sigma(sigma) -> float | None:
    if sigma is None or (isinstance(sigma, str) and sigma.strip().lower() == "estimate"):
        return None
    try:
        return positive(sigma, "sigma")
    except InputError:
        raise InputError(f"sigma {sigma!r} is not allowed; give a positive number to fix it, or 'estimate'.") from None


def settings(
    *,
    prior=DEFAULT_PRIORS,
    alpha=None,
    scale=None,
    mu=0.0,
    sigma="estimate",
    sigma_prior=None,
    standardize=True,
    intercept=True,
    sampler="nutpie",
    draws=1000,
    tune=1000,
    chains=4,
    seed=0,
    target_accept=None,
    hdi_prob=0.94,
    whiten=True,
) -> Settings:
    """Validate a comparison request; see :func:`priorfit.compare` for the meaning of each."""
    if alpha is not None and scale is not None:
        raise InputError(f"Both alpha={alpha!r} and scale={scale!r} were given; give one of them, or neither for the cross-validated default.")
    try:
        mu_value = float(mu)
    except (TypeError, ValueError):
        mu_value = float("nan")
    if not math.isfinite(mu_value):
        raise InputError(f"The prior location mu {mu!r} is not allowed; it must be a finite number.")
    if sampler not in SAMPLERS:
        raise InputError(f"Sampler {sampler!r} is not allowed; use one of: {', '.join(SAMPLERS)}.")
    fixed = parse_sigma(sigma)
    if fixed is not None and sigma_prior is not None:
        raise InputError(f"A sigma prior ({sigma_prior!r}) applies only when sigma is estimated; sigma is fixed at {fixed:g}.")
    return Settings(
        priors=parse_priors(prior),
        alpha=None if alpha is None else positive(alpha, "alpha"),
        scale=None if scale is None else positive(scale, "scale"),
        mu=mu_value,
        sigma=fixed,
        sigma_prior=parse_sigma_prior(sigma_prior or "jeffreys") if fixed is None else None,
        standardize=bool(standardize),
        intercept=bool(intercept),
        sampler=sampler,
        draws=_integer(draws, "draws", 1),
        tune=_integer(tune, "tune", 1),  # nutpie cannot start without tuning
        chains=_integer(chains, "chains", 1, 64),
        seed=_integer(seed, "seed", 0, 2**32 - 1),
        target_accept=None if target_accept is None else _probability(target_accept, "target_accept"),
        hdi_prob=_probability(hdi_prob, "hdi_prob"),
        whiten=bool(whiten),
    )
