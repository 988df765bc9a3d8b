"""The posterior mode of a likelihood with a kink at every residual (Laplace, quantile), exactly.

``-log p`` in the coefficients ``z = (w, c)`` at a dispersion ``s`` is a sum of piecewise-linear
terms ``rho(r_i) / s`` (``r_i = y_i - x_i'w - c``), the prior's L1 term ``l1 ||w - mu||_1`` and its
quadratic ``q/2 ||w - mu||^2``: a linear program (Laplace prior) or a quadratic one (Normal,
elastic net). A Newton polish has nothing to work with there (no curvature, a kink at every
residual), so the mode is found as such a program's solution:

1. HiGHS solves the program at the current ``s`` (simplex for the LP, its active-set solver for
   the QP); its answer names the face the mode lies on: the rows with zero residual ``Z`` and the
   coefficients on ``mu`` ``K``.
2. On that face the optimality conditions are linear: the equations of the face and stationarity
   with the subgradients of the rows of ``Z`` (in ``[-lo, hi]``) and of ``K`` (in ``[-l1, l1]``)
   as unknowns. Solving them in float64 gives the exact mode, free of the solver's tolerances.
3. With ``s`` estimated, ``s`` solves ``d(-log p)/d log s = 0`` on the face (the envelope theorem:
   the coefficients follow the face as ``s`` moves), and 1-2 repeat at the new ``s`` until the face
   stays. For the LP the face is a vertex, which does not move with ``s``: a finite loop.

The certificate is the distance of 0 from the subdifferential of the PyMC log density (a dual
certificate): the gradient of the prior (and of ``s``'s prior) from PyMC, the likelihood's slopes
off the kinks, and the subgradients on them chosen by bounded least squares (``lsq_linear``); its
residual in log-density units, relative to the size of the terms it balances, and the Newton
decrement on the face (the smooth directions left: ``log s``, and the Normal part's).
"""

from __future__ import annotations

import numpy as np

from priorfit.inference.certificate import Certificate

_MAX_ROUNDS = 50  # HiGHS solves: the s-step and the program alternate until the face stays


def zero_residual_tolerance(y: np.ndarray, X: np.ndarray) -> float:
    """Residuals of ``y - Xw - c`` within this of 0 are on their kink: its rounding, at the size of
    ``y`` and of the columns (the certificate's zero residuals, the twin's degrees of freedom)."""
    scale = np.abs(y).max(initial=0.0) + np.abs(X).max(initial=0.0)
    return 1e-9 * max(scale, 1e-300)


class _Problem:
    """The mode model's variables as the program sees them: ``x = (w, [c], [log s])``."""

    def __init__(self, model):
        design, self.model = model.design, model
        self.functions = functions = model.mode_functions()
        unknown = set(functions.names) - {"coef", "intercept_centred", "sigma_log__"}
        if unknown:
            raise ValueError(f"the kinked likelihood's mode takes coefficients, intercept and sigma only, not {sorted(unknown)}")
        self.likelihood, self.prior = model.likelihood, model.prior
        self.Xc, self.y = design.X - design.x_mean, np.asarray(design.y, dtype=float)
        self.n, self.p = self.Xc.shape
        self.intercept = design.intercept
        self.coef = functions.slice("coef")
        self.c = functions.slice("intercept_centred") if design.intercept else None
        self.t = functions.slice("sigma_log__") if "sigma_log__" in functions.names else None
        self.lo, self.hi = model.likelihood.slopes
        self.mu = model.prior.mu_vector(self.p)
        self.fixed_sigma = None if self.t is not None else float(model.sigma)

    def sigma(self, x) -> float:
        return float(np.exp(x[self.t][0])) if self.t is not None else self.fixed_sigma

    def penalty(self, s: float) -> tuple[float, float]:
        """``(l1, q)``: the weight of ``|w - mu|`` and the curvature of the prior at ``s``."""
        weight = self.prior.l1_weight() or 0.0
        if weight and self.prior.by_sigma:
            weight = weight / s
        return weight, float(self.prior.curvature(s))

    def residuals(self, x) -> np.ndarray:
        return self.y - self.Xc @ x[self.coef] - (x[self.c][0] if self.c is not None else 0.0)

    def slope(self, r) -> np.ndarray:
        """``rho'(r)`` off the kink: ``hi`` above, ``-lo`` below."""
        return np.where(r > 0, self.hi, -self.lo)

    def tolerance(self) -> float:
        return zero_residual_tolerance(self.y, self.Xc)


def _solve_program(problem: _Problem, s: float):
    """HiGHS's solution ``(w, c)`` of the program at ``s``, and its face: the rows whose residual's
    parts ``u, v`` are both at their bound 0, the coefficients whose ``e, f`` are.

    The program is solved in units of ``S``, the spread of ``y`` (``y / S``, ``w / S``): the costs of
    the residuals and the L1 weight do not change, the curvature becomes ``q S``; HiGHS's QP solver
    failed on the unscaled program of a wide Normal prior (curvature 2e-5 against costs 2e-2)."""
    import scipy.sparse as sp

    from priorfit.inference.highs import solve

    n, p, intercept = problem.n, problem.p, problem.intercept
    l1, q = problem.penalty(s)
    S = float(np.abs(problem.y - np.median(problem.y)).max()) or 1.0
    y, mu = problem.y / S, problem.mu / S
    # columns: w (free), [c (free)], u >= 0, v >= 0 (r = u - v), [e >= 0, f >= 0 (w - mu = e - f)]
    blocks = [sp.csc_matrix(problem.Xc)]
    if intercept:
        blocks.append(sp.csc_matrix(np.ones((n, 1))))
    blocks += [sp.identity(n, format="csc"), -sp.identity(n, format="csc")]
    rows = [sp.hstack(blocks, format="csc")]
    right = [y]
    width = p + int(intercept) + 2 * n
    if l1:
        top = sp.hstack([rows[0], sp.csc_matrix((n, 2 * p))], format="csc")
        coef_rows = sp.hstack([sp.identity(p, format="csc"), sp.csc_matrix((p, int(intercept) + 2 * n)),
                               -sp.identity(p, format="csc"), sp.identity(p, format="csc")], format="csc")
        rows = [top, coef_rows]
        right.append(mu)
        width += 2 * p
    A = sp.vstack(rows, format="csc")
    start = p + int(intercept)
    cost = np.zeros(width)
    cost[start:start + n] = problem.hi / s
    cost[start + n:start + 2 * n] = problem.lo / s
    if l1:
        cost[start + 2 * n:] = l1
    lower = np.concatenate([np.full(start, -np.inf), np.zeros(width - start)])
    hessian = None
    if q:  # (q S)/2 ||w - mu||^2 = (q S)/2 w'w - q S mu'w + const
        cost[:p] -= q * S * mu
        hessian = np.full(p, q * S)
    x = solve(cost, A, np.concatenate(right), lower, hessian)
    u, v = x[start:start + n], x[start + n:start + 2 * n]
    tolerance = problem.tolerance() / S
    zero = (u + v) <= tolerance
    pinned = (x[start + 2 * n:start + 2 * n + p] + x[start + 2 * n + p:] <= tolerance) if l1 else np.zeros(p, dtype=bool)
    return x[:p] * S, (float(x[p]) * S if intercept else None), zero, pinned


def _face(problem: _Problem, x) -> tuple[np.ndarray, np.ndarray]:
    """The rows on their kink (zero residual) and the coefficients on ``mu`` at ``x``."""
    l1, _ = problem.penalty(problem.sigma(x))
    zero = np.abs(problem.residuals(x)) <= problem.tolerance()
    pinned = (x[problem.coef] == problem.mu) if l1 else np.zeros(problem.p, dtype=bool)
    return zero, pinned


def _on_face(problem: _Problem, x, zero, pinned, s: float) -> tuple[np.ndarray, bool]:
    """The exact solution of the optimality conditions on the face (``zero``, ``pinned``) at ``s``,
    with the signs of the other residuals and coefficients as at ``x``; and whether it is the
    optimum (its subgradients within their bounds, no sign changed). ``x`` unchanged when the
    conditions do not fix one point (a degenerate or non-unique program)."""
    p, intercept = problem.p, problem.intercept
    l1, q = problem.penalty(s)
    r = problem.residuals(x)
    off = ~zero
    psi = problem.slope(r[off])  # rho' of the rows off their kink
    w = x[problem.coef]
    free = ~pinned
    signs = np.sign(w - problem.mu)
    nz, nk, m = int(zero.sum()), int(pinned.sum()), p + int(intercept)
    size = m + nz + nk
    K = np.zeros((size, size))
    rhs = np.zeros(size)
    Xz = problem.Xc[zero]
    # stationarity in w: q (w - mu) - Xc' psi / s + l1 xi = 0
    K[:p, :p] = q * np.eye(p)
    K[:p, m:m + nz] = -Xz.T / s
    K[np.flatnonzero(pinned), m + nz + np.arange(nk)] = l1
    rhs[:p] = q * problem.mu + problem.Xc[off].T @ psi / s - l1 * signs * free
    if intercept:  # stationarity in c: -1' psi / s = 0
        K[p, m:m + nz] = -1.0 / s
        rhs[p] = psi.sum() / s
    K[m:m + nz, :p] = Xz
    if intercept:
        K[m:m + nz, p] = 1.0
    rhs[m:m + nz] = problem.y[zero]
    K[m + nz + np.arange(nk), np.flatnonzero(pinned)] = 1.0
    rhs[m + nz:] = problem.mu[pinned]
    try:
        theta = np.linalg.solve(K, rhs)
    except np.linalg.LinAlgError:
        return x, False
    if not np.all(np.isfinite(theta)):
        return x, False
    new = x.copy()
    new[problem.coef] = theta[:p]
    new[problem.coef][pinned] = problem.mu[pinned]
    if intercept:
        new[problem.c] = theta[p]
    slack = 1e-12 * max(problem.hi, problem.lo)
    subgradients_ok = bool(np.all(theta[m:m + nz] >= -problem.lo - slack) and np.all(theta[m:m + nz] <= problem.hi + slack)
                           and np.all(np.abs(theta[m + nz:]) <= l1 * (1 + 1e-12)))
    r_new = problem.residuals(new)
    signs_ok = bool(np.array_equal(np.sign(r_new[off]), np.sign(r[off]))
                    and np.array_equal(np.sign(new[problem.coef] - problem.mu)[free], signs[free]))
    return new, subgradients_ok and signs_ok


def _sigma_step(problem: _Problem, x, zero, pinned) -> np.ndarray:
    """``x`` at the ``s`` where ``d(-log p)/d log s = 0``, the coefficients following the face."""
    from scipy.optimize import brentq

    functions, t = problem.functions, problem.t

    def at(log_s):
        trial = x.copy()
        trial[t] = log_s
        moved, _ = _on_face(problem, trial, zero, pinned, float(np.exp(log_s)))
        return moved

    def slope(log_s):
        _, grad = functions.gradient(at(log_s))
        return -float(grad[t][0])  # d(-log p)/d log s

    t0 = float(x[t][0])
    g0 = slope(t0)
    if g0 == 0:
        return at(t0)
    step = -1.0 if g0 > 0 else 1.0  # -log p falls toward the root
    a, b = t0, t0 + step
    for _ in range(60):
        if np.sign(slope(b)) != np.sign(g0):
            break
        a, b = b, b + step
        step *= 2
    else:
        return at(t0)
    root = brentq(slope, min(a, b), max(a, b), xtol=1e-15, rtol=4 * np.finfo(float).eps, maxiter=200)
    return at(root)


def kinked_mode(model, start: dict, *, progress=None):
    """The exact mode of ``model`` (a kinked likelihood: :attr:`Likelihood.kinked`) from ``start``
    (find_MAP's answer: its ``s`` starts the loop), its :class:`Certificate` and why it stopped
    short (None when it did not)."""
    say = progress or (lambda text: None)
    problem = _Problem(model)
    functions = problem.functions
    x = functions.flat(start)
    stop = f"the limit of {_MAX_ROUNDS} linear programs"
    face = None
    for round_ in range(_MAX_ROUNDS):
        s = problem.sigma(x)
        w, c, zero, pinned = _solve_program(problem, s)
        x[problem.coef] = np.where(pinned, problem.mu, w)
        if problem.c is not None:
            x[problem.c] = c
        exact, optimal = _on_face(problem, x, zero, pinned, s)
        if optimal:
            x = exact
        say(f"polish: linear program {round_ + 1} at s = {s:.6g}: {int(zero.sum())} zero residuals, "
            f"{int(pinned.sum())} coefficients on mu")
        if problem.t is None:
            stop = None
            break
        if face is not None and np.array_equal(face[0], zero) and np.array_equal(face[1], pinned):
            stop = None
            break
        face = (zero, pinned)
        x = _sigma_step(problem, x, zero, pinned)
    return functions.point(x), certificate(problem, x), stop


def certificate(problem: _Problem, x) -> Certificate:
    """The dual certificate at ``x`` (see the module docstring)."""
    from scipy.linalg import null_space
    from scipy.optimize import lsq_linear

    functions = problem.functions
    s = problem.sigma(x)
    l1, _ = problem.penalty(s)
    zero, pinned = _face(problem, x)
    r = problem.residuals(x)
    prior_gradient = -functions.prior_gradient(x)  # of -log p(w, c, s) without the likelihood
    size = functions.size
    # the likelihood's part of d(-log p): rows off their kink, and d/d log s of n log s + sum rho / s
    rows = np.zeros((problem.n, size))  # d r_i / dx, negated: the row's direction a_i
    rows[:, problem.coef] = problem.Xc
    if problem.c is not None:
        rows[:, problem.c] = 1.0
    psi = np.where(zero, 0.0, problem.slope(r))
    likelihood = -rows.T @ psi / s
    loss = problem.likelihood.loss(r)
    if problem.t is not None:
        likelihood[problem.t] = problem.n - loss.sum() / s
    g = prior_gradient + likelihood
    columns = [-rows[zero].T / s]
    lower = [np.full(int(zero.sum()), -problem.lo)]
    upper = [np.full(int(zero.sum()), problem.hi)]
    if pinned.any():
        unit = np.zeros((size, int(pinned.sum())))
        unit[np.flatnonzero(pinned) + problem.coef.start, np.arange(int(pinned.sum()))] = 1.0
        columns.append(unit)
        lower.append(np.full(int(pinned.sum()), -l1))
        upper.append(np.full(int(pinned.sum()), l1))
    M = np.hstack(columns)
    residual = g
    if M.shape[1]:
        fit = lsq_linear(M, -g, bounds=(np.concatenate(lower), np.concatenate(upper)), method="bvls", tol=1e-15)
        residual = g + M @ fit.x
    magnitude = np.abs(prior_gradient) + np.abs(rows).T @ np.full(problem.n, max(problem.lo, problem.hi)) / s
    if problem.t is not None:
        magnitude[problem.t] = problem.n + loss.sum() / s
    relative = float(np.max(np.abs(residual) / np.maximum(magnitude, 1e-300)))
    constraints = [rows[zero]] + ([np.eye(size)[np.flatnonzero(pinned) + problem.coef.start]] if pinned.any() else [])
    directions = null_space(np.vstack(constraints)) if sum(len(c) for c in constraints) else np.eye(size)
    decrement = 0.0
    if directions.shape[1]:
        H = -functions.hessian(x)
        along = directions.T @ residual
        decrement = float(np.sqrt(max(along @ np.linalg.pinv(directions.T @ H @ directions, hermitian=True) @ along, 0.0)))
    return Certificate(kind="dual", value=float(np.abs(residual).max(initial=0.0)), newton_decrement=decrement,
                       kkt_relative=relative, zero_residuals=int(zero.sum()))
