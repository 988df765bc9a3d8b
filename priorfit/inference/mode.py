"""Posterior mode: ``pm.find_MAP``, polished to the exact mode, with a certificate.

``pm.find_MAP`` runs L-BFGS-B, a smooth method. On a Laplace prior it lands near the lasso
solution without exact zeros, and it may stop early without saying so. So its raw answer
and optimizer status are kept, and the answer is then polished on the same log density
by a proximal Newton method: each step minimizes the quadratic
model of the smooth part plus the exact L1 term, which puts coefficients exactly on their
kink (:func:`~priorfit.inference.l1_subproblem.l1_quadratic`); near the mode that is Newton's
method on the active set. The result is certified by
the gradient norm (smooth priors) or the largest KKT violation (L1), and by the scale-free
Newton decrement. A group penalty (the group lasso) is polished the same way with the block soft
threshold (:mod:`priorfit.inference.group_mode`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from priorfit.inference.certificate import Certificate
from priorfit.inference.group_mode import group_polish
from priorfit.inference.kinked_mode import kinked_mode
from priorfit.inference.l1_subproblem import l1_quadratic
from priorfit.inference.newton import NO_DECREASE, backtrack, converged, positive_definite
from priorfit.models.posterior import python_mode


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


def find_map(model, *, seed: int = 0, progress: Callable[[str], None] | None = None) -> ModeResult:
    """``pm.find_MAP`` on ``model`` (a :class:`~priorfit.models.posterior.PosteriorModel`) with its
    optimizer status recorded, then polished to the exact mode.

    Where the pair (prior, likelihood) has a penalized twin, the polish starts from the twin's
    estimate at find_MAP's dispersion (the identity says it is the mode given that dispersion,
    with the exact zeros of an L1 penalty) when that is the better point, else from find_MAP's
    answer; either way the certificate is computed on the PyMC log density. ``status``
    describes the polished mode; find_MAP's own verdict is kept in ``message``,
    ``raw_converged`` and ``optimizer``. ``progress`` is called with a line of text at each
    step of the stage.
    """
    import scipy.optimize  # noqa: F401 - loads scipy's own OpenBLAS, so that the limit below reaches it too
    from threadpoolctl import threadpool_limits

    prior = model.prior
    if not prior.has_mode:
        return ModeResult("degenerate", f"no meaningful posterior mode: {prior.no_mode_reason()}")
    # L-BFGS-B and the polish make many small BLAS calls; OpenBLAS's threads, spinning for cores
    # that other work holds, made them 30 times slower on a loaded 2-core machine (L-BFGS-B on a
    # p = 300 quadratic: 0.68 s for 63 evaluations, 0.02 s on one thread; find_MAP on n = 30,
    # p = 120: 28 s, 8 s on one thread, most of it compiling). threadpoolctl limits only the
    # libraries already loaded, hence the import of scipy.optimize
    with threadpool_limits(limits=1, user_api="blas"):
        return _find_map(model, seed, progress or (lambda text: None))


def _find_map(model, seed: int, say: Callable[[str], None]) -> ModeResult:
    import time
    import warnings

    import pymc as pm

    say("find_MAP (L-BFGS-B)")
    shown = [time.perf_counter()]

    def iteration(result) -> None:  # L-BFGS-B's own iterations, at most twice a second
        if time.perf_counter() - shown[0] >= 0.5:
            shown[0] = time.perf_counter()
            say(f"find_MAP (L-BFGS-B): iteration {int(result.nit)}, -log p {float(result.fun):.6g}")

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
            callback=iteration,
            compile_kwargs={"mode": python_mode()},  # called per iteration only: nothing to compile
        )
    found = tree["posterior"].to_dataset()
    raw = {name: found[name].values[0, 0] for name in found.data_vars}
    optimizer = tree["optimizer_result"].to_dataset()
    finite = all(np.all(np.isfinite(v)) for v in raw.values())
    message = f"find_MAP: {optimizer['message'].item()} ({int(optimizer['nit'])} iterations)"
    raw_converged = bool(optimizer["success"]) and finite
    if not finite:
        return ModeResult("not_converged", message + "; its answer is not finite", raw, raw_converged=False, optimizer=optimizer)
    unbounded = _sigma_runs_to_zero(model, raw)
    if unbounded:
        return ModeResult("degenerate", f"no meaningful posterior mode: {unbounded}", raw, raw_converged=raw_converged,
                          optimizer=optimizer)
    start, origin = raw, "find_MAP's answer"
    twin_start = None if model.likelihood.kinked else _twin_start(model, raw, say)
    if twin_start is not None and model.prior.pins_at_mu():
        return _better_of_two_local_modes(model, raw, twin_start, message, raw_converged, optimizer, say)
    if twin_start is not None:
        functions = model.mode_functions()
        if functions.value(functions.flat(twin_start)) >= functions.value(functions.flat(raw)):
            start, origin = twin_start, twin_start.pop("_twin")
    if model.likelihood.kinked and not model.prior.solved_as_a_program():
        return ModeResult("not_converged", f"{message}; not polished: the mode of a {model.likelihood.name} likelihood is "
                          f"solved as a linear or quadratic program, which the {model.prior.name} prior's density is not",
                          raw, raw_converged=raw_converged, optimizer=optimizer)
    if model.likelihood.kinked:  # find_MAP's answer starts the loop (its s); the program needs no start
        point, certificate, stop = kinked_mode(model, raw, progress=say)
        origin = "the exact solution of the linear program (HiGHS)" if not model.prior.curvature(1.0) else \
            "the exact solution of the quadratic program (HiGHS)"
    else:
        point, certificate, stop = polish(model, start, progress=say, explain=True)
    ok, message = _verdict(certificate, f"{message}; polished from {origin}", stop)
    return ModeResult("ok" if ok else "not_converged", message, raw, point, certificate, raw_converged, optimizer)


def _better_of_two_local_modes(model, raw, twin_start, message, raw_converged, optimizer, say) -> ModeResult:
    """A non-convex penalty (the bridge with q < 1) has local modes: the polish runs from find_MAP's
    answer and from the twin's estimate, and the better is the MAP; both values are reported."""
    functions = model.mode_functions()
    twin = twin_start.pop("_twin")
    ends = []
    for origin, start in (("find_MAP's answer", raw), (twin, twin_start)):
        point, certificate, stop = polish(model, start, progress=say, explain=True)
        value = -functions.value(functions.flat({name: point[name] for name in functions.names}))
        ends.append((value, origin, point, certificate, stop))
    (value, origin, point, certificate, stop), other = sorted(ends, key=lambda end: end[0])
    same = abs(other[0] - value) <= 1e-12 * max(1.0, abs(value))
    ok, text = _verdict(certificate, f"{message}; polished from {origin}", stop)
    text += (f"; a local mode (the penalty is not convex): -log p {value:.10g} from {origin}, {other[0]:.10g} from "
             f"{other[1]}" + (" (the same mode)" if same else ""))
    return ModeResult("ok" if ok else "not_converged", text, raw, point, certificate, raw_converged, optimizer)


def _sigma_runs_to_zero(model, raw: dict) -> str | None:
    """Why the joint density has no mode, when sigma is estimated and the coefficients can fit the
    data exactly (p >= n - 1 with an intercept, p >= n without): then the density grows without
    bound as sigma -> 0 (``n log sigma`` with a residual sum of squares that vanishes faster), unless
    the prior's scale is multiplied by sigma (its ``1/sigma`` term then wins). find_MAP runs down
    that slope: where it stopped, ``-d log p / d log sigma`` is still above n/2 (it is 0 at a mode;
    without the fit's residuals it is n). None when there is a mode to look for."""
    design = model.design
    if "sigma_log__" not in raw or model.prior.by_sigma or design.p < design.n - int(design.intercept):
        return None
    functions = model.mode_functions()
    _, grad = functions.gradient(functions.flat(raw))
    slope = -float(grad[functions.slice("sigma_log__")][0])
    if slope <= design.n / 2:
        return None
    return (
        f"with sigma estimated and {design.p} coefficients for {design.n} rows the coefficients can fit the data "
        "exactly, so the joint density grows without bound as sigma -> 0 (find_MAP ran to sigma = "
        f"{float(np.exp(raw['sigma_log__'])):.2g}, where it still rises as sigma falls); fix sigma (--sigma VALUE) "
        "or scale the prior by sigma (--scale-by-sigma) for a posterior mode"
    )


def _twin_start(model, raw: dict, say) -> dict | None:
    """The twin's estimate at find_MAP's dispersion (fixed sigma, or find_MAP's sigma), as values
    of the mode model's variables; None where the pair has no exact twin or its fit fails."""
    import warnings

    from priorfit.penalized import fits as penalized
    from priorfit.penalized import twins

    prior, likelihood, design = model.prior, model.likelihood, model.design
    twin = twins.twin(prior, likelihood)
    if twin is None or prior.scale is None:
        return None
    if not likelihood.has_dispersion:
        sigma = 1.0
    elif "sigma_log__" in raw:
        sigma = float(np.exp(raw["sigma_log__"]))
    else:
        sigma = float(model.sigma)
    alpha = float(twin.penalty(prior, sigma, design.n))
    say(f"{twin.estimator} at {twin.hyperparameter} {alpha:.4g} (the twin's estimate starts the polish)")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # a convergence warning: the polish decides, on its own certificate
            fit = penalized.fit(design, prior, likelihood, alpha)
    except Exception:  # noqa: BLE001 - a start only: the polish then starts from find_MAP's answer
        return None
    if not np.all(np.isfinite(fit.coef)):
        return None
    start = {name: np.asarray(value, dtype=float) for name, value in raw.items()}
    start["coef"] = np.asarray(fit.coef, dtype=float)
    if design.intercept:
        start["intercept_centred"] = np.asarray(float(fit.intercept) + float(fit.coef @ design.x_mean))
    start["_twin"] = f"the {twin.estimator} estimate at {twin.hyperparameter} {alpha:.6g}"
    return start


def polish_from(model, start: dict, *, progress: Callable[[str], None] | None = None) -> ModeResult:
    """The mode of ``model`` polished from a nearby known mode ``start`` (the previous point of a
    path: its ``ModeResult.point``), without ``pm.find_MAP``; the same certificate decides."""
    if model.likelihood.kinked:
        point, certificate, stop = kinked_mode(model, start, progress=progress)
    else:
        point, certificate, stop = polish(model, start, progress=progress, explain=True)
    ok, message = _verdict(certificate, "polished from the previous point's mode", stop)
    return ModeResult("ok" if ok else "not_converged", message, {}, point, certificate)


def _verdict(certificate: Certificate, message: str, stop: str | None = None) -> tuple[bool, str]:
    ok = certificate.newton_decrement <= 1e-6 and (certificate.kkt_relative or 0.0) <= 1e-6
    if not ok:
        message += f"; polishing stopped short (Newton decrement {certificate.newton_decrement:.1e}"
        message += f", {stop})" if stop else ")"
    return ok, message


def polish(model, start: dict, *, max_iter: int = 100, progress: Callable[[str], None] | None = None, explain: bool = False):
    """Exact mode of ``model`` (a :class:`~priorfit.models.posterior.PosteriorModel`) near ``start``, and
    its :class:`Certificate` (and, with ``explain``, why it stopped short, or None).

    A (proximal) Newton method on ``-logp``: each step minimizes the quadratic model of the
    smooth part plus, for an L1 prior, the exact ``|w - mu| / b`` term (:func:`l1_quadratic`,
    which puts coefficients exactly on ``mu``), then backtracks on the true objective. The
    quadratic model lives on the working set: the coordinates off their kink and those on it
    whose optimality condition fails; a coefficient on its kink that satisfies it stays there
    for this step, so the Hessian is formed on the working set only (for a lasso-type solution
    of wide data, at most about n coordinates, not p). Near the mode this is Newton's method on
    the free coordinates with the zeros fixed, and it converges quadratically to machine
    precision. Value, gradient and Hessian columns come from the model's compiled functions
    (:meth:`~priorfit.models.posterior.PosteriorModel.mode_functions`), in ``w`` (the mode model: kinks on
    the axes). At most ``max_iter`` Newton steps; ``progress`` hears of each.
    """
    if model.prior.grouped:  # a norm per group: the block soft threshold's own loop
        return group_polish(model, start, max_iter=max_iter, progress=progress, explain=explain)
    functions = model.mode_functions()
    say = progress or (lambda text: None)
    prior = model.prior

    def objective(x):  # -logp, including the L1 term
        value = -functions.value(x)
        return value if np.isfinite(value) else np.inf

    x = functions.flat(start)
    # the weight of each |w_j - mu_j| (one number but for a weighted lasso), 0 off the coefficients
    base_weight = np.zeros(len(x))
    kinked = np.zeros(len(x), dtype=bool)
    mu = np.zeros(len(x))
    if prior.l1_weight():
        coef = functions.slice("coef")
        kinked[coef] = True
        p = int(kinked.sum())
        mu[coef] = prior.mu_vector(p)
        base_weight[coef] = prior.l1_weights(p)
    log_sigma = functions.slice("sigma_log__") if "sigma_log__" in functions.names else None
    # a coefficient on mu stays there where the prior's slope is infinite at mu (the bridge with
    # q < 1): it is a local minimum in its coordinate; the others are pinned where that lowers -log p
    pins = np.zeros(len(x), dtype=bool)
    if prior.pins_at_mu():
        x, pins = _pin_at_mu(functions, objective, x, prior)

    def weight_at(x) -> np.ndarray:
        """The weights of |w - mu|: for a sigma-scaled prior divided by the current sigma."""
        if not (kinked.any() and prior.by_sigma):
            return base_weight
        sigma = float(np.exp(x[log_sigma][0])) if log_sigma is not None else float(model.sigma)
        return base_weight / sigma

    def smooth_gradient(x, weight):
        _, grad = functions.gradient(x)
        # PyMC's gradient of |w - mu| is its sign (0 at the kink): remove it to get the smooth part
        return np.where(pins, 0.0, -grad - weight * np.sign(x - mu) * kinked)

    stop, previous = f"the limit of {max_iter} Newton steps", np.inf
    for iteration in range(max_iter):
        weight = weight_at(x)
        g = smooth_gradient(x, weight)
        pinned = kinked & (x == mu)
        work = (~pinned | (np.abs(g) > weight)) & ~pins  # off the kink, or on it with its condition violated
        H = -functions.hessian(x, work)
        Hp = positive_definite(H)
        step = np.zeros(len(x))
        on_kink = pinned.copy()
        if kinked.any():
            step[work], on_kink[work] = l1_quadratic(g[work], Hp, (x - mu)[work], kinked[work], weight[work])
        else:
            step[work] = -np.linalg.solve(Hp, g[work])
        l1 = float((weight * (np.abs(x + step - mu) - np.abs(x - mu)))[kinked].sum())
        predicted = g @ step + l1  # first-order change of the objective: negative
        length2 = step[work] @ Hp @ step[work]  # squared step length in posterior-sd units (no cancellation)
        say(f"polish: Newton step {iteration + 1} on {int(work.sum())} of {len(x)} coordinates, "
            f"step {np.sqrt(max(length2, 0.0)):.1e} posterior sd")
        if converged(length2, previous, x, step):
            x[on_kink] = mu[on_kink]  # a step too small to matter may still pin a coefficient
            stop = None
            break
        previous = length2
        t = backtrack(objective, x, step, predicted, length2)
        if t is None:
            stop = NO_DECREASE
            break
        x = x + t * step
        if t == 1.0:
            x[on_kink] = mu[on_kink]  # exactly, not up to rounding

    point = functions.point(x)
    weight = weight_at(x)
    g = smooth_gradient(x, weight)
    free = ~(kinked & (x == mu)) & ~pins
    certificate = _certificate(g, -functions.hessian(x, free), x, mu, kinked, weight, pins)
    return (point, certificate, stop) if explain else (point, certificate)


def _pin_at_mu(functions, objective, x, prior):
    """``x`` with the coefficients put exactly on mu where that does not raise -log p (nearest to mu
    first), for a prior whose slope is infinite at mu; and the mask of the coefficients on mu."""
    coef = functions.slice("coef")
    mu = prior.mu_vector(coef.stop - coef.start)
    x = x.copy()
    best = objective(x)
    for j in np.argsort(np.abs(x[coef] - mu)):
        if x[coef][j] == mu[j]:
            continue
        trial = x.copy()
        trial[coef.start + j] = mu[j]
        value = objective(trial)
        if value <= best:
            x, best = trial, value
    pins = np.zeros(len(x), dtype=bool)
    pins[coef] = x[coef] == mu
    return x, pins


def _certificate(g, H_free, x, mu, kinked, weight, pins=None) -> Certificate:
    """The certificate from the smooth gradient ``g`` (all coordinates) and the smooth Hessian on
    the free coordinates (those not on a kink, and not ``pins``: coefficients on mu where the
    prior's slope is infinite, each a local minimum in its coordinate)."""
    pinned = kinked & (x == mu)
    free = ~pinned if pins is None else ~pinned & ~pins
    weight = np.broadcast_to(np.asarray(weight, dtype=float), g.shape)
    g = g + weight * np.sign(x - mu) * kinked  # full gradient off the kinks
    violation = np.abs(g[pinned]) - weight[pinned]
    try:
        decrement2 = float(g[free] @ np.linalg.solve(positive_definite(H_free), g[free]))
    except np.linalg.LinAlgError:
        decrement2 = float("inf")
    l1 = bool(kinked.any())
    return Certificate(
        kind="kkt" if l1 else "gradient",
        value=float(max(np.abs(g[free]).max(initial=0.0), violation.max(initial=0.0))),
        newton_decrement=float(np.sqrt(decrement2)) if np.isfinite(decrement2) else float("inf"),
        kkt_relative=float(max((violation / weight[pinned]).max(initial=0.0), 0.0)) if l1 else None,
    )


