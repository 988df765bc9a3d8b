"""Seeded synthetic data: ``synthetic:n=500,p=20,k=5,noise=1.0,seed=0,rho=0`` (and ``family=``,
``outliers=``).

:func:`parse` reads the spec, :func:`synthetic` draws the data set (AR(1)-correlated Gaussian
rows, ``k`` nonzero true coefficients, a Gaussian, Bernoulli or Poisson target, gross outliers in
a Gaussian target) and records the truth in :attr:`priorfit.data.design.Dataset.truth`.
"""

from __future__ import annotations

import numpy as np

from priorfit.data.design import Dataset, from_arrays
from priorfit.errors import InputError

SYNTHETIC_DEFAULTS = {"n": 500, "p": 20, "k": 5, "noise": 1.0, "seed": 0, "rho": 0.0, "family": "gaussian", "outliers": 0.0}
# a gross outlier: y moved up by noise x (OUTLIER_SHIFT + OUTLIER_SPREAD |z|), z standard normal
OUTLIER_SHIFT, OUTLIER_SPREAD = 10.0, 5.0
CHOLESKY_MAX_P = 1000  # AR(1) columns through the p x p Cholesky factor up to this many, else by recursion
SYNTHETIC_FAMILIES = ("gaussian", "bernoulli", "poisson")


def parse(source: str) -> dict:
    """The keyword arguments of :func:`synthetic` that ``source`` (``synthetic:key=value,...``) gives."""
    params = dict(SYNTHETIC_DEFAULTS)
    given = set()
    _, _, body = source.partition(":")
    allowed = ", ".join(SYNTHETIC_DEFAULTS)
    for item in filter(None, (s.strip() for s in body.split(","))):
        key, eq, value = item.partition("=")
        if key not in SYNTHETIC_DEFAULTS or not eq:
            raise InputError(
                f"Synthetic parameter {item!r} is not understood; write key=value with keys "
                f"{allowed}, e.g. synthetic:n=500,p=20,k=5,noise=1.0,seed=0."
            )
        given.add(key)
        if key == "family":
            if value not in SYNTHETIC_FAMILIES:
                raise InputError(f"Synthetic family={value!r} is not allowed; use one of: {', '.join(SYNTHETIC_FAMILIES)}.")
            params[key] = value
            continue
        kind = type(SYNTHETIC_DEFAULTS[key])
        try:
            params[key] = kind(value)
        except ValueError:
            raise InputError(
                f"Synthetic parameter {key}={value!r} must be {'an integer' if kind is int else 'a number'}."
            ) from None
    if "k" not in given:
        params["k"] = min(params["k"], params["p"])
    if "noise" in given and params["family"] != "gaussian":
        raise InputError(f"Synthetic noise applies to family=gaussian only; the {params['family']} family has no noise sd.")
    if "outliers" in given and params["family"] != "gaussian":
        raise InputError(f"Synthetic outliers applies to family=gaussian only; a {params['family']} target has no noise sd "
                         "to move its rows by.")
    return params


def synthetic(
    n: int = 500, p: int = 20, k: int = 5, noise: float = 1.0, seed: int = 0, rho: float = 0.0, family: str = "gaussian",
    outliers: float = 0.0,
) -> Dataset:
    """Seeded data with ``k`` nonzero true coefficients out of ``p``.

    Rows of X are Gaussian with AR(1) correlation ``rho`` between neighbouring columns.
    ``family="gaussian"``: ``y = X @ w + noise * e`` with ``|w_j|`` in [1, 3].
    ``family="bernoulli"``: ``y ~ Bernoulli(sigmoid(X @ w))`` and ``family="poisson"``:
    ``y ~ Poisson(exp(1 + X @ w))``, with ``|w_j|`` in [0.25, 0.75]. The true ``w`` (and
    intercept) are recorded in ``Dataset.truth``.

    ``outliers`` (Gaussian only): the share of rows made gross outliers, drawn after the clean
    data from the same seed. They are rows whose first feature lies above its median (high
    leverage, so least squares tilts as well as shifts), and their y is moved up by
    ``noise * (10 + 5 |z|)``; their indices are recorded in ``Dataset.truth["outlier_rows"]``.
    """
    if n < 3:
        raise InputError(f"Synthetic n={n} is too small; n must be at least 3.")
    if not 0 <= seed < 2**32:
        raise InputError(f"Synthetic seed={seed} is not allowed; seed must be between 0 and 2**32 - 1.")
    if p < 1:
        raise InputError(f"Synthetic p={p} is not allowed; p must be at least 1.")
    if not 0 <= k <= p:
        raise InputError(f"Synthetic k={k} is not allowed; k must be between 0 and p={p}.")
    if not 1e-6 <= noise <= 1e6:
        raise InputError(f"Synthetic noise={noise} is not allowed; noise must lie between 1e-6 and 1e6.")
    if not -1 < rho < 1:
        raise InputError(f"Synthetic rho={rho} is not allowed; rho must lie in (-1, 1).")
    if not 0 <= outliers < 0.5:
        raise InputError(f"Synthetic outliers={outliers} is not allowed; the share of outlying rows must lie in [0, 0.5).")
    copies = 1 if family == "gaussian" else 4  # a GLM keeps X, its standardized and centred copies
    needed, available = 8.0 * n * p * copies, _memory_bytes()
    if needed > available / 2:  # with room for the rest
        raise InputError(
            f"Synthetic n={n}, p={p} would need {_bytes(needed)} for X" + ("" if copies == 1 else " and its copies")
            + f"; this machine has {_bytes(available)} of memory: make n or p smaller (they must fit in half of it)."
        )
    rng = np.random.default_rng(seed)
    X = _correlated_normal(rng, n, p, rho)
    w = np.zeros(p)
    support = np.sort(rng.choice(p, size=k, replace=False))
    low, high = (1.0, 3.0) if family == "gaussian" else (0.25, 0.75)
    w[support] = rng.choice([-1.0, 1.0], size=k) * rng.uniform(low, high, size=k)
    intercept = 1.0 if family == "poisson" else 0.0
    eta = intercept + X @ w
    if family == "bernoulli":
        y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(float)
    elif family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    else:
        y = eta + noise * rng.standard_normal(n)
    outlying = _outlying_rows(rng, X[:, 0], outliers)
    y[outlying] += noise * (OUTLIER_SHIFT + OUTLIER_SPREAD * np.abs(rng.standard_normal(len(outlying))))
    features = tuple(f"x{j + 1}" for j in range(p))
    spec = (dict(n=n, p=p, k=k, noise=noise, seed=seed, rho=rho) | ({"family": family} if family != "gaussian" else {})
            | ({"outliers": outliers} if outliers else {}))
    if family != "gaussian":
        del spec["noise"]
    spec = ",".join(f"{key}={value}" for key, value in spec.items())
    truth = {"coefficients": dict(zip(features, w.tolist())), "intercept": intercept}
    if family == "gaussian":
        truth["noise"] = noise
    if outliers:
        truth["outlier_rows"] = outlying.tolist()
    checked = from_arrays(X, y, features=features, name=f"synthetic:{spec}")
    return Dataset(checked.name, checked.X, checked.y, features, "y", truth)


def _outlying_rows(rng, first: np.ndarray, share: float) -> np.ndarray:
    """``round(share n)`` rows, at random among those whose first feature is above its median."""
    count = round(share * len(first))
    if not count:
        return np.array([], dtype=int)
    return np.sort(rng.choice(np.flatnonzero(first > np.median(first)), size=count, replace=False))


def _memory_bytes() -> float:
    """Physical memory of this machine (os.sysconf), or infinity where it cannot be known."""
    import os

    try:
        return float(os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE"))
    except (ValueError, OSError, AttributeError):
        return float("inf")


def _bytes(value: float) -> str:
    for unit in ("B", "kB", "MB", "GB", "TB"):
        if value < 1000 or unit == "TB":
            return f"{value:.0f} {unit}"
        value /= 1000


def _correlated_normal(rng, n: int, p: int, rho: float) -> np.ndarray:
    """``rng.multivariate_normal(0, AR(1) rho, size=n, method="cholesky")``, draw for draw (a
    test checks it), without its temporary copies: standard normals times the Cholesky factor,
    in place, in row blocks (at n = 1e6, p = 100: 1.4 s and one array instead of 6.8 s). With rho = 0
    the factor is the identity and the normals are X; beyond :data:`CHOLESKY_MAX_P` columns the factor's
    rows are the recursion ``x_j = rho x_(j-1) + sqrt(1 - rho^2) e_j`` (equal to rounding), O(np)
    where the p x p factor costs p^3 (n = 500, p = 20,000: minutes)."""
    X = rng.standard_normal((n, p))
    if rho == 0:
        return X
    if p > CHOLESKY_MAX_P:
        innovation = np.sqrt(1.0 - rho**2)
        for j in range(1, p):
            X[:, j] = rho * X[:, j - 1] + innovation * X[:, j]
        return X
    factor = np.linalg.cholesky(rho ** np.abs(np.subtract.outer(np.arange(p), np.arange(p))))
    step = max(1, 2**23 // p)
    for start in range(0, n, step):
        X[start:start + step] = X[start:start + step] @ factor.T
    return X
