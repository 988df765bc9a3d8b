"""The penalty dial: one fit's posterior along its penalty, precomputed for the explorer in
report.html (:mod:`priorfit.report.explorer`).

Over :data:`POINTS` alphas spanning a factor ``10 ** (2 * DECADES)`` around the fitted one (the
twin's units, at the twin's dispersion), each alpha is one prior scale, and the posterior there is
the fit's own draws reweighted by ``p_new / p_old`` (:func:`~priorfit.diagnostics.sensitivity.prior_reweighting`,
Pareto-smoothed; no refit: a point whose weights are not trusted is marked, and ``priorfit path``
refits). Beside it: the prior's density, the posterior's (a weighted KDE of the draws), the
polished MAP at every alpha and the penalized twin's estimate where the identity makes it that MAP
(with sigma estimated, at the alpha of each point's MAP sigma, ``identity_alpha``, as ``priorfit path``;
a twin whose solver is loose and slow, saga, at the fitted alpha only), and the profile likelihood of each
coefficient (other coefficients and the intercept at their best, the dispersion at the twin's; by
linear programming for a kinked likelihood; none where the maximum likelihood estimate is not unique).
And the posterior on nested subsamples of the rows at every alpha (:func:`_rows`): for the Normal
prior with the Gaussian likelihood in closed form
(:func:`~priorfit.diagnostics.closed_form.nested_normal_posteriors`; exact with a fixed sigma, at
the twin's sigma otherwise), for the others by NUTS on each subsample at the fitted alpha,
reweighted along the dial, where ``compare`` is asked to (``explorer_rows``).

It applies to a prior of fixed scale with an exact twin (Normal, Laplace, elastic net, bridge,
multivariate normal, group Laplace); a prior whose scale is random has no one alpha to turn.
"""

from __future__ import annotations

import numpy as np

POINTS = 13  # alphas on the dial
DECADES = 1.5  # each way of the fitted alpha: a factor 1000 in all
GRID = 64  # points of each density curve
ROW_COUNTS = 8  # nested subsamples of the rows (the rows slider)
MAX_FEATURES = 24  # the coefficients on the dial: those with the largest |posterior mean| / sd
MIN_DRAWS = 400  # fewer posterior draws: no dial (Pareto smoothing needs a tail of them: at 200 its k threshold is
# 0.565 and a KDE of 200 draws is rough; a short run, as a test's 2 x 100, is spared the dial's second or two)
PROFILE_POINTS = 17  # x values where each profile likelihood is maximized (a cubic spline between them)
KDE_DRAWS = 1000  # draws each density curve is estimated from
MIN_KDE_ESS = 20  # the weights' effective sample size below which a reweighted point draws no density


def applies(prior, pen, penalty) -> bool:
    """Whether the fit has a dial: a fixed scale, no random scales, an exact twin."""
    return (prior.scale is not None and prior.hyperprior is None and not prior.scales and pen.exact
            and penalty is not None and penalty.alpha is not None)


def compute(design, prior, likelihood, tree, twin, penalty, model, mode, hdi_prob: float, seed: int, rows_posterior=None):
    """The dial of one fit as an ``xarray.Dataset`` (coords ``point``, ``feature``, ``grid``, ``rows``),
    or None where it does not apply. ``model`` is the fit's compiled model: its prior scale moves
    for the MAP at each alpha and is put back. ``rows_posterior`` (a subsample's Design -> its
    posterior Dataset at the fitted prior, by NUTS) gives the rows where no closed form does
    (:func:`_rows`)."""
    import xarray as xr
    from priorfit.penalized import fits as penalized

    posterior = tree["posterior"].to_dataset()
    if posterior.sizes["chain"] * posterior.sizes["draw"] < MIN_DRAWS:
        return None
    draws = posterior[[name for name in ("coef", "sigma") if name in posterior]]
    sigma_draws = draws["sigma"] if "sigma" in draws else (penalty.dispersion if likelihood.has_dispersion else None)
    dispersion = 1.0 if penalty.dispersion is None else penalty.dispersion
    middle = POINTS // 2
    alphas = penalty.alpha * np.logspace(DECADES, -DECADES, POINTS)  # largest first, as paths are ordered
    alphas[middle] = penalty.alpha
    scales = np.array([twin.scale_of(a, dispersion, design.n, prior.by_sigma) for a in alphas])
    scales[middle] = prior.scale
    columns = _columns(posterior["coef"])
    features = [design.features[j] for j in columns]
    p, k = design.p, len(columns)
    summary = {key: np.zeros((POINTS, k)) for key in ("mean", "sd", "hdi_low", "hdi_high")}
    pareto_k, ess, trusted = np.full(POINTS, np.nan), np.full(POINTS, np.nan), np.ones(POINTS, dtype=bool)
    values = posterior["coef"].transpose("chain", "draw", "feature").values.reshape(-1, p)[:, columns]
    x = _grid(values, prior.mu_vector(p)[columns])
    prior_density = np.zeros((POINTS, k, GRID))
    posterior_density = np.zeros((POINTS, k, GRID))
    for i, scale in enumerate(scales):
        target = prior.with_scale(float(scale))
        prior_density[i] = prior_density_at(target, x.T, columns, p, dispersion if likelihood.has_dispersion else None).T
        stats, weights, pareto_k[i], trusted[i], share = _reweighted(prior, target, draws, sigma_draws, hdi_prob, seed, i == middle)
        ess[i] = np.nan if i == middle else share
        for key, value in zip(("mean", "sd", "hdi_low", "hdi_high"), stats):
            summary[key][i] = np.asarray(value)[columns]
        for j in range(k):  # too few draws carrying the weights for a KDE (or draws of no spread): no curve
            posterior_density[i, j] = _kde(values[:, j], weights, x[j]) if share >= MIN_KDE_ESS else np.nan
    maps, map_sigma = _modes(model, mode, scales, prior.scale)
    # the twin where the identity holds: at each point's MAP sigma when sigma is estimated (as priorfit path)
    identity_alpha = alphas.copy()
    known = np.isfinite(map_sigma)
    identity_alpha[known] = [twin.value_of(float(scales[i]), float(map_sigma[i]), design.n, prior.by_sigma) for i in np.flatnonzero(known)]
    # a loose, slow solver (saga) only at the fitted alpha: 7 s a point on breast_cancer, the MAP being its optimum elsewhere
    pen_path = np.full((POINTS, p), np.nan)
    at = [middle] if twin.loose else list(range(POINTS))
    pen_path[at] = penalized.penalized_path(design, twin, prior, identity_alpha[at])
    pen_path = pen_path[:, columns]
    data = {
        "alpha": ("point", alphas), "scale": ("point", scales), "pareto_k": ("point", pareto_k), "weights_ess": ("point", ess),
        "trusted": ("point", trusted), "identity_alpha": ("point", identity_alpha), "penalized": (("point", "feature"), pen_path),
        "map": (("point", "feature"), np.full((POINTS, k), np.nan) if maps is None else maps[:, columns]),
        "x": (("feature", "grid"), x), "prior_density": (("point", "feature", "grid"), prior_density),
        "posterior_density": (("point", "feature", "grid"), posterior_density),
        "likelihood": (("feature", "grid"), profile_likelihood(design, likelihood, dispersion if likelihood.has_dispersion else None,
                                                                 columns, x)),
        "mu": ("feature", prior.mu_vector(p)[columns]),
        **{key: (("point", "feature"), value) for key, value in summary.items()},
    }
    coords = {"point": np.arange(POINTS), "feature": features, "grid": np.arange(GRID)}
    rows_method = "none"
    if design.has_rows:
        rows, rows_coords, rows_method = _rows(design, prior, likelihood, scales, dispersion, columns, seed, rows_posterior, draws,
                                               hdi_prob)
        data.update(rows)
        coords.update(rows_coords)
    attrs = {"fitted_point": middle, "hdi_prob": hdi_prob, "estimator": twin.estimator, "hyperparameter": penalty.hyperparameter,
             "dispersion": dispersion, "sigma_fixed": int("sigma" not in draws), "decades": DECADES,
             "rows_method": rows_method, "penalized_points": "fitted" if twin.loose else "all"}
    return xr.Dataset(data, coords=coords, attrs=attrs)


def _reweighted(prior, target, draws, sigma_draws, hdi_prob: float, seed: int, fitted: bool):
    """The posterior under ``target`` from ``draws`` of the one under ``prior``: its summary (mean, sd,
    HDI), the draws' weights (None: the fit itself), their Pareto k, whether they are trusted and
    their effective sample size (infinite for the fit itself)."""
    from priorfit.diagnostics.sensitivity import posterior_summary, prior_reweighting, weights_trusted

    if fitted:
        return posterior_summary(draws, hdi_prob), None, np.nan, True, np.inf
    log_weights, k = prior_reweighting(prior, target, draws, sigma_draws)
    trusted, ess = weights_trusted(log_weights, k)
    weights = np.exp(log_weights.transpose("chain", "draw").values.ravel())
    return posterior_summary(draws, hdi_prob, log_weights, seed), weights, k, trusted, ess


def _rows(design, prior, likelihood, scales, dispersion, columns, seed: int, rows_posterior, draws, hdi_prob: float):
    """The posterior on nested subsamples of the rows at every point of the dial, as (data, coords,
    how: ``"closed form"``, ``"NUTS"`` or ``"none"``).

    Independent Normal coefficients with the Gaussian likelihood: the closed form (means and sds;
    the page draws each one's prior as N(mu_j, its effective scale), so not the multivariate normal).
    Otherwise, given ``rows_posterior``: NUTS on each subsample at the fitted prior (the full data's
    draws for every row), reweighted to each point's prior as the dial itself is, with its Pareto k,
    and each curve a weighted KDE, where the weights are trusted, on one grid that spans every
    subsample's draws; nothing without it."""
    from priorfit.diagnostics import closed_form

    counts = closed_form.nested_counts(design, ROW_COUNTS)
    p, k = design.p, len(columns)
    if closed_form.applies(prior, likelihood.name, dispersion) and prior.precision_is_diagonal:
        subsamples = closed_form.nested_subsamples(design, counts, seed)
        mean, sd = closed_form.nested_normal_posteriors(subsamples, prior, scales, dispersion)
        return {"rows_mean": (("point", "rows", "feature"), mean[..., columns]),
                "rows_sd": (("point", "rows", "feature"), sd[..., columns]),
                "prior_sd": ("point", np.array([prior.with_scale(float(s)).effective_scale(dispersion) for s in scales]))}, \
            {"rows": counts}, "closed form"
    if rows_posterior is None:
        return {}, {}, "none"
    fitted = [rows_posterior(sub) if m < design.n else draws  # None: improper on that subsample, not sampled
              for sub, m in zip(closed_form.nested_subsamples(design, counts, seed), counts)]
    fitted = [None if posterior is None else posterior[[name for name in ("coef", "sigma") if name in posterior]]
              for posterior in fitted]
    values = [None if posterior is None else posterior["coef"].transpose("chain", "draw", "feature").values.reshape(-1, p)[:, columns]
              for posterior in fitted]
    x = _grid(np.concatenate([v for v in values if v is not None]), prior.mu_vector(p)[columns])
    shape = (len(scales), len(counts))
    summary = {key: np.full((*shape, k), np.nan) for key in ("rows_mean", "rows_sd", "rows_hdi_low", "rows_hdi_high")}
    pareto_k, trusted = np.full(shape, np.nan), np.zeros(shape, dtype=bool)
    density = np.full((*shape, k, GRID), np.nan)
    middle = len(scales) // 2
    for i, scale in enumerate(scales):
        target = prior.with_scale(float(scale))
        for r, posterior in enumerate(fitted):
            if posterior is None:
                continue
            sigma_draws = posterior["sigma"] if "sigma" in posterior else (dispersion if likelihood.has_dispersion else None)
            stats, weights, pareto_k[i, r], trusted[i, r], ess = _reweighted(prior, target, posterior, sigma_draws, hdi_prob, seed,
                                                                             i == middle)
            for key, value in zip(summary, stats):
                summary[key][i, r] = np.asarray(value)[columns]
            if trusted[i, r]:  # an untrusted point is a gap (and the page a few hundred kB lighter)
                density[i, r] = [_kde(values[r][:, j], weights, x[j]) for j in range(k)]
    prior_density = np.array([prior_density_at(prior.with_scale(float(s)), x.T, columns, p,
                                               dispersion if likelihood.has_dispersion else None).T for s in scales])
    data = {key: (("point", "rows", "feature"), value) for key, value in summary.items()}
    data.update({"rows_pareto_k": (("point", "rows"), pareto_k), "rows_trusted": (("point", "rows"), trusted),
                 "rows_x": (("feature", "grid"), x), "rows_prior_density": (("point", "feature", "grid"), prior_density),
                 "rows_posterior_density": (("point", "rows", "feature", "grid"), density)})
    return data, {"rows": counts}, "NUTS"


def _columns(coef) -> list[int]:
    """All coefficients, or the :data:`MAX_FEATURES` with the largest ``|mean| / sd``, in order."""
    p = coef.sizes["feature"]
    if p <= MAX_FEATURES:
        return list(range(p))
    evidence = np.abs(coef.mean(("chain", "draw")).values) / coef.std(("chain", "draw")).values
    return sorted(np.argsort(-evidence, kind="stable")[:MAX_FEATURES].tolist())


def _grid(values, mu) -> np.ndarray:
    """Each coefficient's x values (k x GRID): its draws' range widened by half on each side, out to mu
    where mu is within three such ranges (farther, the curves would be a few points wide), with mu
    itself on the grid where it falls inside (the peak of a Laplace prior is drawn at its top)."""
    low, high = values.min(axis=0), values.max(axis=0)
    width = high - low
    low, high = low - width / 2, high + width / 2
    near = np.abs(mu - (low + high) / 2) <= 3 * (high - low)
    low, high = np.where(near, np.minimum(low, mu), low), np.where(near, np.maximum(high, mu), high)
    return grid_through(low, high, mu, GRID).T


def grid_through(low, high, mu, points: int) -> np.ndarray:
    """``points`` values from ``low`` to ``high`` for each coefficient (points x k), evenly spaced but for
    the one nearest ``mu``, which is ``mu`` where it falls inside: a Laplace prior's peak is drawn at its top."""
    x = np.linspace(low, high, points)
    inside = (mu > low) & (mu < high)
    x[np.abs(x - mu).argmin(axis=0)[inside], np.flatnonzero(inside)] = mu[inside]
    return x


def prior_density_at(prior, x, columns, p: int, sigma, scales=None) -> np.ndarray:
    """The marginal prior density of the coefficients ``columns`` (of ``p``) at their values ``x``
    (points x len(columns)): :meth:`~priorfit.models.priors.Prior.marginal_density`, at the fixed scale
    or over the draws ``scales`` of the random ones."""
    full = np.zeros((len(x), p))
    full[:, columns] = x
    return prior.marginal_density(full, scales, sigma)[:, columns]


def _kde(values, weights, x) -> np.ndarray:
    """scipy's (weighted) Gaussian KDE of ``values`` at ``x``, from at most :data:`KDE_DRAWS` evenly
    spaced draws (a curve to look at; the summaries use every draw); NaN where they have no spread."""
    from scipy.stats import gaussian_kde

    step = max(1, -(-len(values) // KDE_DRAWS))
    values, weights = values[::step], None if weights is None else weights[::step]
    try:
        return gaussian_kde(values, weights=weights)(x)
    except np.linalg.LinAlgError:
        return np.full(len(x), np.nan)


def _modes(model, mode, scales, fitted: float):
    """The polished MAP's coefficients (points x p) and sigma (points; NaN where fixed or not found)
    at each scale, from the fitted mode outwards, or (None, NaN) without a mode; a point whose
    polish fails, and those beyond it, are NaN. The model's scale is put back."""
    from priorfit import inference

    count = len(scales)
    sigma = np.full(count, np.nan)
    if not mode.point or mode.status != "ok":
        return None, sigma
    middle = count // 2
    out = np.full((count, len(mode.point["coef"])), np.nan)
    out[middle] = mode.point["coef"]
    if "sigma" in mode.point:
        sigma[middle] = float(mode.point["sigma"])
    try:
        for side in (range(middle - 1, -1, -1), range(middle + 1, count)):
            start = mode.point
            for i in side:
                model.set_prior_scale(float(scales[i]))
                try:
                    found = inference.polish_from(model, start)
                except (np.linalg.LinAlgError, FloatingPointError, ValueError):
                    break
                if found.status != "ok":
                    break
                out[i], start = found.point["coef"], found.point
                if "sigma" in found.point:
                    sigma[i] = float(found.point["sigma"])
    finally:
        model.set_prior_scale(float(fitted))
    return out, sigma


def profile_likelihood(design, likelihood, dispersion: float, columns, x) -> np.ndarray:
    """Each coefficient's profile likelihood on its ``x`` values (the others and the intercept at their
    best, the dispersion fixed), scaled to unit area under its quadratic approximation at the maximum
    likelihood estimate: ``exp(l_j(b) - l_max) / sqrt(2 pi [H^-1]_jj)``, which for the Gaussian is the
    density ``N(b_ols_j, sigma^2 [(X'X)^-1]_jj)`` exactly. The maxima are found at
    :data:`PROFILE_POINTS` of the x values: by Newton for a smooth likelihood (its own weights as the
    Hessian, its score by central differences; a cubic spline of the log likelihood between the
    points), by linear programming for a kinked one (Laplace, quantile: the least-absolute-deviations
    dual, :func:`~priorfit.inference.highs.box_maxima`; its log profile is concave and piecewise linear, drawn as
    chords between the points, at most the exact one, which has more kinks, and
    ``H`` is the expected information ``Z' W Z``, the observed one being 0 between kinks).
    NaN without rows, where p >= n, and where the likelihood has no unique maximum (collinear
    columns, separated labels) or is not log-concave there."""
    from scipy.interpolate import CubicSpline

    nan = np.full(x.shape, np.nan)
    if not design.has_rows or design.p >= design.n - int(design.intercept):
        return nan
    X = design.X - design.x_mean if design.intercept else design.X
    Z = np.column_stack([np.ones(design.n), X]) if design.intercept else np.asarray(X, dtype=float)
    if likelihood.rises_without_end(Z, np.asarray(design.y)):  # separated labels: no maximum
        return nan
    shift = int(design.intercept)
    if likelihood.kinked:
        return _kinked_profile(Z, np.asarray(design.y, dtype=float), likelihood, dispersion, columns, x, shift)
    start = np.zeros(Z.shape[1])
    if design.intercept:
        start[0] = likelihood.initial_intercept(design)
    best = _newton(Z, design.y, likelihood, dispersion, start, np.arange(Z.shape[1]))
    if best is None:
        return nan
    theta, top, H = best
    variance = np.diag(np.linalg.inv(H))
    out = np.zeros(x.shape)
    picks = _picks(x)
    for j, column in enumerate(columns):
        k = column + shift
        free = np.delete(np.arange(Z.shape[1]), k)
        values = np.full(len(picks), np.nan)
        order = np.argsort(np.abs(x[j, picks] - theta[k]))  # from the MLE outwards, each warm from the one before
        for q in order:
            warm = theta.copy()
            warm[k] = x[j, picks[q]]
            found = _newton(Z, design.y, likelihood, dispersion, warm, free)
            if found is not None:
                values[q] = found[1]
        if np.isnan(values).any():
            out[j] = np.nan
            continue
        spline = CubicSpline(x[j, picks], values - top)
        out[j] = np.exp(np.minimum(spline(x[j]), 0.0)) / np.sqrt(2 * np.pi * variance[k])
    return out


def _picks(x) -> np.ndarray:
    """The :data:`PROFILE_POINTS` indices of the x values where each profile is maximized exactly."""
    return np.unique(np.linspace(0, x.shape[1] - 1, PROFILE_POINTS).round().astype(int))


def _kinked_profile(Z, y, likelihood, dispersion: float, columns, x, shift: int) -> np.ndarray:
    """:func:`profile_likelihood` of a kinked likelihood, whose log density is ``const - rho(r) / s``
    with the loss ``rho`` of slopes ``(lo, hi)``: the smallest total loss with column ``k`` held at b is
    the linear program ``max (y - z_k b)'d`` over ``Z_free' d = 0, -lo <= d <= hi`` (its dual), so
    ``l_j(b) - l_max = -(L(b) - L_min) / s``, solved from the mode outwards on one warm program a column."""
    from priorfit.inference import highs

    lo, hi = likelihood.slopes
    n = len(y)
    if np.linalg.matrix_rank(Z) < Z.shape[1]:  # collinear columns: no unique estimate, no profile
        return np.full(x.shape, np.nan)
    low, high = np.full(n, -lo), np.full(n, hi)
    least = highs.box_maxima(Z.T, low, high, [y])[0]
    weights = likelihood.weights(np.zeros(n), dispersion)
    variance = np.diag(np.linalg.inv((Z * weights[:, None]).T @ Z))
    picks = _picks(x)
    out = np.zeros(x.shape)
    for j, column in enumerate(columns):
        k = column + shift
        at = x[j, picks]
        order = np.argsort(np.abs(at - at[len(at) // 2]))
        losses = np.empty(len(at))
        losses[order] = highs.box_maxima(np.delete(Z, k, axis=1).T, low, high, [y - Z[:, k] * b for b in at[order]])
        log_ratio = -np.maximum(losses - least, 0.0) / dispersion
        out[j] = np.exp(np.interp(x[j], at, log_ratio)) / np.sqrt(2 * np.pi * variance[k])
    return out


def _newton(Z, y, likelihood, dispersion, theta, free, steps: int = 60):
    """Newton's maximum of the log likelihood over the ``free`` entries of ``theta`` (the rest held),
    with step halving: ``(theta, log likelihood, Hessian of the free entries)``, or None where it
    finds no unique maximum (a Hessian of condition over 1e12, weights below 0, no ascent)."""
    def total(t):
        return float(likelihood.pointwise(Z @ t, y, dispersion).sum())

    value = total(theta)
    for _ in range(steps):
        eta = Z @ theta
        h = 1e-5 * (1.0 + np.abs(eta))
        score = (likelihood.pointwise(eta + h, y, dispersion) - likelihood.pointwise(eta - h, y, dispersion)) / (2 * h)
        weights = likelihood.weights(eta, dispersion)
        if np.any(weights < 0):
            return None
        A = Z[:, free]
        H = (A * weights[:, None]).T @ A
        if np.linalg.cond(H) > 1e12:
            return None
        step = np.linalg.solve(H, A.T @ score)
        size = 1.0
        while size > 1e-10:
            new = theta.copy()
            new[free] += size * step
            again = total(new)
            if again >= value - 1e-12 * abs(value):
                break
            size /= 2
        else:
            return None
        done = abs(again - value) <= 1e-11 * (1.0 + abs(value))
        theta, value = new, again
        if done:
            return theta, value, H
    return None
