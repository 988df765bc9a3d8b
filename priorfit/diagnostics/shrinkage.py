"""How much each fit shrinks, on both sides and on one scale.

- **Effective number of parameters.** Penalized side: the trace of the hat matrix on the active
  set, ``tr(H (H + P)^-1)`` with ``H`` the likelihood's Hessian at the estimate and ``P`` the
  penalty's curvature, intercept excluded: Ridge's classical ``tr(X (X'X + alpha)^-1 X')``, the
  number of nonzeros for the lasso (no curvature on the active set), the elastic net's ``df`` of
  Zou & Hastie, and the same formula for the GLMs (weighted hat matrix). Bayesian side: PSIS-LOO's
  ``p_loo`` and, for the horseshoe family, ``m_eff = sum_j (1 - kappa_j)`` with the shrinkage
  factors ``kappa_j = 1 / (1 + n sigma^-2 tau^2 lambda_j^2 s_j^2)`` (Piironen & Vehtari 2017).
- **Predictive accuracy.** PSIS-LOO (arviz-stats ``loo``; pointwise log likelihood computed from
  the rows and the draws, not stored) beside the penalized twin's K-fold cross-validated log
  predictive density, both per row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

LOO_AUTO_MAX_CELLS = 20_000_000  # rows x draws: above this, LOO runs only when asked for (--loo yes)
# rows: above this too (arviz-stats' PSIS loops over the rows in Python, about 0.75 ms a row: 100,000 rows
# x 100 draws took 75 s, within the cells above)
LOO_AUTO_MAX_ROWS = 20_000
LOO_MIN_DRAWS = 100  # Pareto smoothing needs a tail to fit: fewer draws in all, no LOO


def loo_by_default(rows: int, draws: int) -> bool:
    """Whether ``--loo auto`` computes PSIS-LOO: rows x draws and rows within their limits."""
    return rows * draws <= LOO_AUTO_MAX_CELLS and rows <= LOO_AUTO_MAX_ROWS


@dataclass(frozen=True)
class Shrinkage:
    """One fit's effective parameters and predictive accuracy (see the module docstring)."""

    penalized_dof: float | None = None
    penalized_dof_method: str | None = None
    m_eff: float | None = None  # posterior mean of sum(1 - kappa_j), horseshoe family
    m_eff_low: float | None = None
    m_eff_high: float | None = None
    prior_m_eff_median: float | None = None  # the same under the prior (regularized horseshoe: centred near p0)
    elpd_loo: float | None = None
    elpd_loo_se: float | None = None
    p_loo: float | None = None
    pareto_k_max: float | None = None
    cv_log_score: float | None = None  # penalized twin: K-fold log predictive density, summed over rows
    cv_folds: int | None = None
    n: int | None = None


def penalized_dof(design, likelihood, prior, coef, intercept, dispersion) -> tuple[float, str]:
    """``tr(H_A (H_A + P_A)^-1) - 1`` over the active set A plus the intercept (the intercept's 1
    is removed); ``coef`` and ``intercept`` on the model scale, uncentred intercept. For a kinked
    likelihood (least absolute deviations, quantiles) the number of rows fitted exactly, less the
    intercept's 1: the degrees of freedom of L1-penalized quantile regression (Koenker 2005, Li & Zhu
    2008), which is the number of nonzero coefficients at a vertex of the linear program."""
    if likelihood.kinked:
        from priorfit.inference.kinked_mode import zero_residual_tolerance

        residual = design.y - design.X @ coef - (0.0 if intercept is None else intercept)
        exact = np.abs(residual) <= zero_residual_tolerance(design.y, design.X - design.x_mean)
        return float(exact.sum()) - float(design.intercept), "rows fitted exactly (zero residuals)"
    mu = prior.mu_vector(design.p)
    active = prior.active(np.asarray(coef) - mu)
    # a coefficient where the penalty's curvature is infinite (the bridge with 1 < q < 2, on mu) is held
    # there: it counts 0, as one off the active set
    # (the Hessian of the penalty: diagonal but for the mvnormal prior's precision matrix)
    curvatures = prior.curvature_matrix(np.asarray(coef) - mu, dispersion)
    active &= np.isfinite(np.diag(curvatures))
    penalty = curvatures[np.ix_(active, active)]
    method = "nonzero coefficients" if not np.any(penalty) else "trace of the hat matrix on the active set"
    if not design.has_rows:  # the Gaussian: constant weights 1 / sigma^2, centred columns orthogonal to the intercept
        m = design.sufficient()
        H = m.gram[np.ix_(active, active)] / dispersion**2
        return float(np.trace(_solve(H + penalty, H))), method
    X = design.X - design.x_mean if design.intercept else design.X
    eta = design.X @ coef + (0.0 if intercept is None else intercept)
    w = likelihood.weights(eta, dispersion)
    Z = X[:, active]
    if design.intercept:
        Z = np.column_stack([Z, np.ones(design.n)])
    H = Z.T @ (w[:, None] * Z)
    curvature = np.zeros((Z.shape[1], Z.shape[1]))
    k = int(active.sum())
    curvature[:k, :k] = penalty
    dof = float(np.trace(_solve(H + curvature, H))) - float(design.intercept)
    return dof, method


def _solve(A: np.ndarray, B: np.ndarray) -> np.ndarray:
    """``A^-1 B``, or ``A^+ B`` where A is singular: duplicate or collinear active columns under L1
    (no curvature), where the trace is the rank of the active columns, as the lasso's dof is."""
    try:
        if np.linalg.cond(A) < 1e12:
            return np.linalg.solve(A, B)
    except np.linalg.LinAlgError:
        pass
    return np.linalg.pinv(A, rtol=1e-12, hermitian=True) @ B


def m_eff(design, likelihood, prior, posterior, dispersion, hdi_prob: float) -> tuple[float, float, float] | None:
    """Posterior mean and HDI of ``sum_j (1 - kappa_j)`` for the horseshoe family, else None."""
    draws = _kappa_inputs(prior, posterior)
    if draws is None:
        return None
    import arviz as az

    tau, local = draws
    sigma = posterior["sigma"].values.reshape(-1, 1) if "sigma" in posterior else np.asarray(dispersion)
    values = _m_eff(design, tau, local, sigma)
    low, high = az.hdi(values, prob=hdi_prob)
    return float(values.mean()), float(low), float(high)


def prior_m_eff_median(design, prior, prior_draws, sigma: float) -> float | None:
    """The median of m_eff under the prior (with sigma fixed at its plug-in value)."""
    draws = _kappa_inputs(prior, prior_draws)
    if draws is None:
        return None
    return float(np.median(_m_eff(design, *draws, np.asarray(sigma))))


def _kappa_inputs(prior, group):
    """``(tau, effective local scales)`` as (draws, 1) and (draws, p) arrays, or None."""
    if group is None or "local_scale" not in group:
        return None
    local = group["local_scale"].stack(sample=("chain", "draw")).transpose("sample", ...).values
    if "global_scale" in group:
        tau = group["global_scale"].values.reshape(-1, 1)
    elif prior.scale is not None:
        tau = np.full((local.shape[0], 1), prior.scale)
    else:  # a random global scale without draws here (r2d2's prior draws leave out sigma)
        return None
    if "slab" in group:  # regularized horseshoe: lambda~^2 = c^2 lambda^2 / (c^2 + tau^2 lambda^2)
        c2 = group["slab"].values.reshape(-1, 1) ** 2
        local = np.sqrt(c2 * local**2 / (c2 + tau**2 * local**2))
    return tau, local


def _m_eff(design, tau, local, sigma) -> np.ndarray:
    s2 = design.column_variance()  # 1 for standardized columns
    kappa = 1.0 / (1.0 + design.n * tau**2 * local**2 * s2 / sigma**2)
    return (1.0 - kappa).sum(axis=1)


def log_likelihood(design, likelihood, posterior, dispersion) -> np.ndarray:
    """The pointwise log likelihood of each draw and row, (chain, draw, row), from the rows."""
    coef = posterior["coef"].values  # (chain, draw, p)
    eta = np.einsum("cdp,np->cdn", coef, design.X)
    if "intercept" in posterior:
        eta = eta + posterior["intercept"].values[..., None]
    sigma = posterior["sigma"].values[..., None] if "sigma" in posterior else dispersion
    likelihood = likelihood.at_draws({name: posterior[name].values[..., None] for name in likelihood.estimated()})
    return likelihood.pointwise(eta, design.y, sigma)


def loo(design, likelihood, posterior, dispersion, *, loglik: np.ndarray | None = None):
    """PSIS-LOO of the posterior: arviz-stats' ``ELPDData`` (pointwise; :func:`loo_numbers` reads
    it); the pointwise log likelihood ``loglik`` (:func:`log_likelihood`) is computed when not given."""
    import warnings

    import arviz as az
    import xarray as xr

    if loglik is None:
        loglik = log_likelihood(design, likelihood, posterior, dispersion)
    tree = xr.DataTree.from_dict({
        "posterior": posterior[["coef"]],
        "log_likelihood": xr.Dataset({"y": (("chain", "draw", "row"), loglik)}),
    })
    with warnings.catch_warnings():
        # the largest Pareto k is reported (and flagged above 0.7) instead of a warning per run
        warnings.filterwarnings("ignore", "Estimated shape parameter of Pareto", UserWarning)
        return az.loo(tree, pointwise=True)


def loo_numbers(result) -> tuple[float, float, float, float]:
    """``(elpd, se, p_loo, max Pareto k)`` of a PSIS-LOO result."""
    return float(result.elpd), float(result.se), float(result.p), float(np.nanmax(result.pareto_k.values))


def cv_log_score(design, likelihood, make_estimator, mu, dispersion, *, folds: int = 10, seed: int = 0,
                 start: np.ndarray | None = None) -> float:
    """The penalized twin's K-fold cross-validated log predictive density, summed over rows (the
    Gaussian's noise sd is the one the twin was fitted at). ``start``: the full data's coefficients
    less ``mu``, from which scikit-learn's coordinate descent (ElasticNet, Lasso) starts each fold, near
    its solution and to the same one (1e-13 apart): a small penalty on wide data (n = 200, p = 2,000,
    197 nonzero) took 130,869 sweeps a fold from zero, 82,235 from there."""
    from sklearn.linear_model import ElasticNet
    from sklearn.model_selection import KFold

    total = 0.0
    for train, test in KFold(folds, shuffle=True, random_state=seed).split(design.X):
        estimator = make_estimator()
        if start is not None and isinstance(estimator, ElasticNet):
            estimator.set_params(warm_start=True)
            estimator.coef_ = np.array(start, dtype=float)
        estimator.fit(design.X[train], design.offset_target(mu, train))
        coef = np.ravel(estimator.coef_) + mu
        intercept = float(np.ravel(estimator.intercept_)[0]) if design.intercept else 0.0
        eta = design.X[test] @ coef + intercept
        total += float(likelihood.pointwise(eta, design.y[test], dispersion).sum())
    return total


@dataclass(frozen=True)
class LooRank:
    """One prior's row of arviz-stats' ``compare`` across the fitted priors (PSIS-LOO), beside its
    penalized twin's K-fold CV log score: ``elpd_diff`` and ``dse`` are the difference to the best
    prior's elpd_loo and its standard error, ``cv_diff`` the same difference of the twins' CV scores."""

    prior: str
    rank: int
    elpd_loo: float
    elpd_diff: float
    dse: float
    se: float
    p_loo: float
    weight: float  # stacking weight
    p_worse: float | None  # normal approximation of P(worse than the best); None for the best
    diagnosis: str | None  # arviz-stats' warnings about the difference or the estimate ("N < 100", ...)
    cv_log_score: float | None = None
    cv_diff: float | None = None


def compare_priors(elpds: dict, cv_scores: dict) -> list[LooRank]:
    """arviz-stats ``compare`` (stacking weights) of the priors with a PSIS-LOO result (``elpds``:
    prior -> ELPDData or None), best first; empty with fewer than two. ``cv_scores``: prior -> the
    twin's CV log score (summed over rows) or None."""
    elpds = {name: result for name, result in elpds.items() if result is not None}
    if len(elpds) < 2:
        return []
    import arviz as az

    table = az.compare(elpds, round_to="none")
    scores = {name: cv_scores.get(name) for name in table.index}
    best_cv = max((v for v in scores.values() if v is not None), default=None)
    rows = []
    for name, row in table.iterrows():
        diagnosis = "; ".join(str(row[c]) for c in ("diag_diff", "diag_elpd") if row.get(c)) or None
        cv = scores[name]
        rows.append(LooRank(
            prior=str(name), rank=int(row["rank"]), elpd_loo=float(row["elpd"]), elpd_diff=float(row["elpd_diff"]),
            dse=float(row["dse"]), se=float(row["se"]), p_loo=float(row["p"]), weight=float(row["weight"]),
            p_worse=None if row["rank"] == 0 or row["p_worse"] != row["p_worse"] else float(row["p_worse"]),
            diagnosis=diagnosis, cv_log_score=cv, cv_diff=None if cv is None else cv - best_cv,
        ))
    return rows
