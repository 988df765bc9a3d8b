"""Posterior mode (``pm.find_MAP``, polished to the exact mode with a certificate) and NUTS.

``pm.find_MAP`` runs L-BFGS-B, a smooth method. On a Laplace prior it lands near the lasso
solution without exact zeros, and it may stop early without saying so. So its raw answer
and optimizer status are kept, and the answer is then polished on the same log density
by a proximal Newton method: each step minimizes the quadratic
model of the smooth part plus the exact L1 term, which puts coefficients exactly on their
kink; near the mode that is Newton's method on the active set. The result is certified by
the gradient norm (smooth priors) or the largest KKT violation (L1), and by the scale-free
Newton decrement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

Sampler = Literal["nutpie", "pymc"]


@dataclass(frozen=True)
class Certificate:
    """Proof of optimality of a polished mode.

    ``value`` is the largest gradient (for L1: subgradient, KKT) residual in log-density units
    per unit of the variables; ``newton_decrement`` its scale-free counterpart; for L1 priors
    ``kkt_relative`` is the largest violation ``(|grad_j| - 1/b) * b`` over coefficients at ``mu``.
    """

    kind: Literal["gradient", "kkt"]
    value: float
    newton_decrement: float
    kkt_relative: float | None = None


@dataclass
class ModeResult:
    """The raw find_MAP answer, its optimizer status, and the polished, certified mode."""

    status: Literal["ok", "degenerate", "not_converged"]
    message: str
    raw: dict = field(default_factory=dict)
    point: dict = field(default_factory=dict)
    certificate: Certificate | None = None
    raw_converged: bool | None = None  # find_MAP's own verdict (None: not run)
    optimizer: object = None  # find_MAP's optimizer_result group (xarray.Dataset)


def find_map(model, *, seed: int = 0) -> ModeResult:
    """``pm.find_MAP`` on ``model`` (a :class:`~priorfit.model.PosteriorModel`) with its
    optimizer status recorded, then polished to the exact mode.

    ``status`` describes the polished mode; find_MAP's own verdict is kept in ``message``,
    ``raw_converged`` and ``optimizer``.
    """
    import warnings

    import pymc as pm

    prior = model.prior
    if not prior.has_mode:
        return ModeResult("degenerate", f"no meaningful posterior mode: {prior.no_mode_reason()}")
    with warnings.catch_warnings():
        # find_MAP warns when L-BFGS-B stops short; its status is recorded below instead
        warnings.filterwarnings("ignore", "The optimizer did not converge", UserWarning)
        tree = pm.find_MAP(
            model=model.mode_model,
            return_inferencedata=True,
            idata_kwargs={"include_transformed": True},  # the polish starts from the value variables
            jitter=False,  # start from the model's initial point: the raw answer is reproducible
            random_seed=seed,
            progressbar=False,
        )
    found = tree["posterior"].to_dataset()
    raw = {name: found[name].values[0, 0] for name in found.data_vars}
    optimizer = tree["optimizer_result"].to_dataset()
    finite = all(np.all(np.isfinite(v)) for v in raw.values())
    message = f"find_MAP: {optimizer['message'].item()} ({int(optimizer['nit'])} iterations)"
    raw_converged = bool(optimizer["success"]) and finite
    if not finite:
        return ModeResult("not_converged", message + "; its answer is not finite", raw, raw_converged=False, optimizer=optimizer)
    point, certificate = polish(model, raw)
    ok, message = _verdict(certificate, message)
    return ModeResult("ok" if ok else "not_converged", message, raw, point, certificate, raw_converged, optimizer)


def polish_from(model, start: dict) -> ModeResult:
    """The mode of ``model`` polished from a nearby known mode ``start`` (the previous point of a
    path: its ``ModeResult.point``), without ``pm.find_MAP``; the same certificate decides."""
    point, certificate = polish(model, start)
    ok, message = _verdict(certificate, "polished from the previous point's mode")
    return ModeResult("ok" if ok else "not_converged", message, {}, point, certificate)


def _verdict(certificate: Certificate, message: str) -> tuple[bool, str]:
    ok = certificate.newton_decrement <= 1e-6 and (certificate.kkt_relative or 0.0) <= 1e-6
    if not ok:
        message += f"; polishing stopped short (Newton decrement {certificate.newton_decrement:.1e})"
    return ok, message


def _positive_definite(H: np.ndarray) -> np.ndarray:
    """``H`` with its eigenvalues made positive, after Jacobi scaling (sigma and coefficients
    can differ by many orders of magnitude), so that a Newton step always descends."""
    d = 1.0 / np.sqrt(np.maximum(np.abs(np.diag(H)), 1e-300))
    lam, Q = np.linalg.eigh(d[:, None] * H * d[None, :])
    lam = np.maximum(np.abs(lam), 1e-12 * np.abs(lam).max(initial=1.0))
    return (Q * lam) @ Q.T / d[:, None] / d[None, :]


def l1_quadratic(g, H, offset, kinked, weight, *, max_iter: int = 100_000):
    """argmin_d g'd + d'Hd/2 + weight * sum_{kinked} |offset + d|, and where it sits on a kink.

    ``H`` must be positive definite. Accelerated proximal gradient (FISTA with adaptive
    restart) on the Jacobi-scaled problem finds the pattern: its soft-thresholding puts
    coordinates exactly on their kink (``offset`` is x - mu). The free coordinates are then
    solved exactly with that pattern, so near the mode the step is an exact Newton step.
    Every iteration is one matrix-vector product.
    """
    scale = 1.0 / np.sqrt(np.diag(H))  # d = scale * u: the scaled Hessian has unit diagonal
    Hs = H * scale[:, None] * scale[None, :]
    gs, offs = g * scale, offset / scale
    threshold = np.where(kinked, weight * scale, 0.0)
    step = 1.0 / np.linalg.eigvalsh(Hs)[-1]

    def prox(v):
        shifted = v + offs
        return np.where(kinked, np.sign(shifted) * np.maximum(np.abs(shifted) - step * threshold, 0.0) - offs, v)

    u = np.zeros_like(g)
    y, momentum = u, 1.0
    for _ in range(max_iter):
        new = prox(y - step * (gs + Hs @ y))
        if np.abs(new - u).max(initial=0.0) <= 1e-13:
            u = new
            break
        next_momentum = (1 + np.sqrt(1 + 4 * momentum**2)) / 2
        if (y - new) @ (new - u) > 0:  # restart: the momentum points uphill
            next_momentum, y = 1.0, new
        else:
            y = new + (momentum - 1) / next_momentum * (new - u)
        u, momentum = new, next_momentum
    on_kink = kinked & (u + offs == 0)  # exactly: the prox returned -offs there
    d = np.where(on_kink, -offset, u * scale)
    free = ~on_kink
    signs = np.sign(offset + d) * kinked
    exact = d.copy()
    exact[on_kink] = -offset[on_kink]
    rhs = g[free] + weight * signs[free] + H[np.ix_(free, on_kink)] @ exact[on_kink]
    exact[free] = -np.linalg.solve(H[np.ix_(free, free)], rhs)
    if np.array_equal(np.sign(offset + exact)[free & kinked], signs[free & kinked]):
        return exact, on_kink
    return d, on_kink


class _Coordinates:
    """The polish's flat vector ``x`` of the mode model's value variables, and back."""

    def __init__(self, model, start: dict):
        pymc = model.mode_model
        self.names = [v.name for v in pymc.value_vars]
        self.shapes = [np.shape(start[n]) for n in self.names]
        self.offsets = np.cumsum([0, *(int(np.prod(s)) for s in self.shapes)])
        i = self.names.index("coef")
        self.coef = slice(self.offsets[i], self.offsets[i + 1])

    def start(self, raw: dict) -> np.ndarray:
        return np.concatenate([np.ravel(raw[n]) for n in self.names]).astype(float)

    def values(self, x: np.ndarray) -> dict:
        return {n: x[a:b].reshape(s) for n, a, b, s in zip(self.names, self.offsets[:-1], self.offsets[1:], self.shapes)}


def polish(model, start: dict, *, max_iter: int = 500):
    """Exact mode of ``model`` (a :class:`~priorfit.model.PosteriorModel`) near ``start``, and
    its :class:`Certificate`.

    A (proximal) Newton method on ``-logp``: each step minimizes the quadratic model of the
    smooth part plus, for an L1 prior, the exact ``|w - mu| / b`` term (:func:`l1_quadratic`,
    which puts coefficients exactly on ``mu``), then backtracks on the true objective. Near
    the mode this is Newton's method on the free coordinates with the zeros fixed, and it
    converges quadratically to machine precision. Value, gradient and Hessian come from the
    model's one compiled function, in ``w`` (the mode model: kinks on the axes).
    """
    evaluate = model.derivatives()
    coords = _Coordinates(model, start)
    prior = model.prior

    def objective(x):  # -logp, including the L1 term
        value = -float(evaluate(**coords.values(x))[0])
        return value if np.isfinite(value) else np.inf

    x = coords.start(start)
    base_weight = prior.l1_weight() or 0.0
    kinked = np.zeros(len(x), dtype=bool)
    mu = np.zeros(len(x))
    if base_weight:
        kinked[coords.coef] = True
        mu[coords.coef] = prior.mu_vector(int(kinked.sum()))

    def weight_at(x) -> float:
        """The weight of |w - mu|: for a sigma-scaled prior it is divided by the current sigma."""
        if not (base_weight and prior.by_sigma):
            return base_weight
        values = coords.values(x)
        sigma = float(np.exp(values["sigma_log__"])) if "sigma_log__" in values else float(model.sigma)
        return base_weight / sigma

    def smooth_derivatives(x, weight):
        _, grad, hess, *_ = evaluate(**coords.values(x))
        # PyMC's gradient of |w - mu| is its sign (0 at the kink): remove it to get the smooth part
        return -grad - weight * np.sign(x - mu) * kinked, -hess

    for _ in range(max_iter):
        weight = weight_at(x)
        g, H = smooth_derivatives(x, weight)
        Hp = _positive_definite(H)
        if weight:
            step, on_kink = l1_quadratic(g, Hp, x - mu, kinked, weight)
        else:
            step, on_kink = -np.linalg.solve(Hp, g), kinked
        l1 = weight * (np.abs(x + step - mu)[kinked].sum() - np.abs(x - mu)[kinked].sum())
        predicted = g @ step + l1  # first-order change of the objective: negative
        length2 = step @ Hp @ step  # squared step length in posterior-sd units (no cancellation)
        if length2 <= 1e-24 or np.array_equal(x + step, x):
            x[on_kink] = mu[on_kink]  # a step too small to matter may still pin a coefficient
            break
        f0, t = objective(x), 1.0
        close = length2 < 1e-8  # f cannot resolve the decrease any more: take the full step
        while t > 1e-14:
            trial = objective(x + t * step)
            if trial <= f0 + 1e-4 * t * predicted or (close and np.isfinite(trial)):
                break
            t /= 2
        if t <= 1e-14:
            break  # no further progress is possible in floating point
        x = x + t * step
        if t == 1.0:
            x[on_kink] = mu[on_kink]  # exactly, not up to rounding

    outputs = evaluate(**coords.values(x))
    names = [v.name for v in model.mode_model.unobserved_value_vars]
    point = {name: np.asarray(value) for name, value in zip(names, outputs[3:])}
    weight = weight_at(x)
    return point, _certificate(*smooth_derivatives(x, weight), x, mu, kinked, weight)


def _certificate(g, H, x, mu, kinked, weight) -> Certificate:
    pinned = kinked & (x == mu)
    free = ~pinned
    g = g + weight * np.sign(x - mu) * kinked  # full gradient off the kinks
    violation = np.abs(g[pinned]) - weight
    try:
        decrement2 = float(g[free] @ np.linalg.solve(_positive_definite(H[np.ix_(free, free)]), g[free]))
    except np.linalg.LinAlgError:
        decrement2 = float("inf")
    return Certificate(
        kind="kkt" if weight else "gradient",
        value=float(max(np.abs(g[free]).max(initial=0.0), violation.max(initial=0.0))),
        newton_decrement=float(np.sqrt(decrement2)) if np.isfinite(decrement2) else float("inf"),
        kkt_relative=float(max(violation.max(initial=0.0), 0.0) / weight) if weight else None,
    )


def sample(
    model,
    *,
    sampler: Sampler = "nutpie",
    draws: int = 1000,
    tune: int = 1000,
    chains: int = 4,
    seed: int = 0,
    target_accept: float = 0.8,
    cores: int | None = None,
    progress: bool = False,
):
    """Draw the posterior of ``model`` (a :class:`~priorfit.model.PosteriorModel`) with NUTS;
    returns an ``xarray.DataTree`` (posterior, sample_stats)."""
    import os

    from .cluster import in_worker

    cores = 1 if in_worker() else (cores or min(chains, os.cpu_count() or 1))  # a dask worker must not fork
    if sampler == "nutpie":
        import nutpie

        if model.nutpie_backend == "python":
            cores = 1  # its gradients are Python calls: chains in parallel threads only contend for the GIL

        return nutpie.sample(
            model.nutpie(),
            draws=draws,
            tune=tune,
            chains=chains,
            cores=cores,
            seed=seed,
            target_accept=target_accept,
            save_warmup=False,
            progress_bar=progress,
        )
    import pymc as pm

    return pm.sample(
        model=model.pymc,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        random_seed=seed,
        target_accept=target_accept,
        nuts_sampler="pymc",  # pm.sample would silently switch to nutpie when it is installed
        progressbar=progress,
        compute_convergence_checks=False,
    )


@dataclass(frozen=True)
class Diagnostics:
    """NUTS health over every sampled quantity: max R-hat (None with one chain), min bulk and
    tail ESS (arviz-stats), the number of divergent transitions and of transitions that hit
    the maximum tree depth (the sampler gave up lengthening the trajectory)."""

    max_rhat: float | None
    min_ess_bulk: float
    min_ess_tail: float
    divergences: int
    treedepth_hits: int = 0  # transitions that stopped at the maximum tree depth


def diagnostics(tree) -> Diagnostics:
    """The :class:`Diagnostics` of a sampled ``xarray.DataTree``."""
    import arviz as az

    posterior = tree["posterior"].to_dataset()

    def extreme(ds, fn):
        return float(fn([float(fn(ds[v].values)) for v in ds.data_vars]))

    return Diagnostics(
        max_rhat=extreme(az.rhat(posterior), np.nanmax) if posterior.sizes["chain"] > 1 else None,
        min_ess_bulk=extreme(az.ess(posterior, method="bulk"), np.nanmin),
        min_ess_tail=extreme(az.ess(posterior, method="tail"), np.nanmin),
        divergences=int(tree["sample_stats"]["diverging"].sum()),
        treedepth_hits=int(sum(tree["sample_stats"][name].sum() for name in ("maxdepth_reached", "reached_max_treedepth")
                               if name in tree["sample_stats"])),
    )
