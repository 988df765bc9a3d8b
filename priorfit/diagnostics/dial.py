"""The penalty dial: one fit's posterior along its penalty, precomputed for the explorer in
report.html (:mod:`priorfit.report.explorer`).

Over :data:`POINTS` alphas spanning a factor ``10 ** (2 * DECADES)`` around the fitted one (the
twin's units, at the twin's dispersion), each alpha is one prior scale, and the posterior there is
the fit's own draws reweighted by ``p_new / p_old`` (:func:`~priorfit.diagnostics.sensitivity.prior_reweighting`,
Pareto-smoothed; no refit: a point whose weights are not trusted is marked, and ``priorfit path``
refits). Beside it: the prior's density, the posterior's (a weighted KDE of the draws), the
polished MAP at every alpha and the penalized twin's estimate where the identity makes it that MAP
(with sigma estimated, at the alpha of each point's MAP sigma, ``identity_alpha``, as ``priorfit path``), and the profile likelihood of each
coefficient (the Gaussian likelihood's: other coefficients and the intercept at their best, sigma
at the twin's dispersion; none where OLS is not unique). For the Normal prior with the Gaussian likelihood, the posterior on
nested subsamples of the rows (:func:`~priorfit.diagnostics.closed_form.nested_normal_posteriors`;
not the multivariate normal, whose marginal prior the page does not draw in closed form)
at every alpha: exact with a fixed sigma, at the twin's sigma otherwise.

It applies to a prior of fixed scale with an exact twin (Normal, Laplace, elastic net, bridge,
multivariate normal, group Laplace); a prior whose scale is random has no one alpha to turn.
"""

from __future__ import annotations

import numpy as np

POINTS = 13  # alphas on the dial
DECADES = 1.5  # each way of the fitted alpha: a factor 1000 in all
GRID = 64  # points of each density curve
ROW_COUNTS = 8  # nested subsamples of the rows (the Normal prior with the Gaussian likelihood)
MAX_FEATURES = 24  # the coefficients on the dial: those with the largest |posterior mean| / sd
MIN_DRAWS = 200  # fewer posterior draws: no dial (Pareto smoothing needs a tail of them)
KDE_DRAWS = 1000  # draws each density curve is estimated from
MIN_KDE_ESS = 20  # the weights' effective sample size below which a reweighted point draws no density


def applies(prior, pen, penalty) -> bool:
    """Whether the fit has a dial: a fixed scale, no random scales, an exact twin."""
    return (prior.scale is not None and prior.hyperprior is None and not prior.scales and pen.exact
            and penalty is not None and penalty.alpha is not None)


def compute(design, prior, likelihood, tree, twin, penalty, model, mode, hdi_prob: float, seed: int):
    """The dial of one fit as an ``xarray.Dataset`` (coords ``point``, ``feature``, ``grid``, ``rows``),
    or None where it does not apply. ``model`` is the fit's compiled model: its prior scale moves
    for the MAP at each alpha and is put back."""
    import xarray as xr
    from priorfit.diagnostics import closed_form
    from priorfit.diagnostics.sensitivity import posterior_summary, prior_reweighting, weights_trusted
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
        full = np.zeros((GRID, p))
        full[:, columns] = x.T
        prior_density[i] = target.marginal_density(full, None, dispersion if likelihood.has_dispersion else None)[:, columns].T
        if i == middle:
            weights, stats = None, posterior_summary(draws, hdi_prob)
        else:
            log_weights, pareto_k[i] = prior_reweighting(prior, target, draws, sigma_draws)
            trusted[i], ess[i] = weights_trusted(log_weights, pareto_k[i])
            stats = posterior_summary(draws, hdi_prob, log_weights, seed)
            weights = np.exp(log_weights.transpose("chain", "draw").values.ravel())
        for key, value in zip(("mean", "sd", "hdi_low", "hdi_high"), stats):
            summary[key][i] = np.asarray(value)[columns]
        for j in range(k):  # too few draws carrying the weights for a KDE (or draws of no spread): no curve
            posterior_density[i, j] = _kde(values[:, j], weights, x[j]) if i == middle or ess[i] >= MIN_KDE_ESS else np.nan
    maps, map_sigma = _modes(model, mode, scales, prior.scale)
    # the twin where the identity holds: at each point's MAP sigma when sigma is estimated (as priorfit path)
    identity_alpha = alphas.copy()
    known = np.isfinite(map_sigma)
    identity_alpha[known] = [twin.value_of(float(scales[i]), float(map_sigma[i]), design.n, prior.by_sigma) for i in np.flatnonzero(known)]
    pen_path = penalized.penalized_path(design, twin, prior, identity_alpha)[:, columns]
    data = {
        "alpha": ("point", alphas), "scale": ("point", scales), "pareto_k": ("point", pareto_k), "weights_ess": ("point", ess),
        "trusted": ("point", trusted), "identity_alpha": ("point", identity_alpha), "penalized": (("point", "feature"), pen_path),
        "map": (("point", "feature"), np.full((POINTS, k), np.nan) if maps is None else maps[:, columns]),
        "x": (("feature", "grid"), x), "prior_density": (("point", "feature", "grid"), prior_density),
        "posterior_density": (("point", "feature", "grid"), posterior_density),
        "likelihood": (("feature", "grid"), _profile_likelihood(design, likelihood, dispersion, columns, x)),
        "mu": ("feature", prior.mu_vector(p)[columns]),
        **{key: (("point", "feature"), value) for key, value in summary.items()},
    }
    coords = {"point": np.arange(POINTS), "feature": features, "grid": np.arange(GRID)}
    # independent Normal coefficients only: the page draws each one's prior as N(mu_j, its effective scale)
    if closed_form.applies(prior, likelihood.name, dispersion) and prior.precision_is_diagonal and design.has_rows:
        low = min(max(10, p + 2), design.n)
        counts = np.unique(np.geomspace(low, design.n, ROW_COUNTS).round().astype(int))
        subsamples = closed_form.nested_subsamples(design, counts, seed)
        mean, sd = closed_form.nested_normal_posteriors(subsamples, prior, scales, dispersion)
        data["rows_mean"] = (("point", "rows", "feature"), mean[..., columns])
        data["rows_sd"] = (("point", "rows", "feature"), sd[..., columns])
        data["prior_sd"] = ("point", np.array([prior.with_scale(float(s)).effective_scale(dispersion) for s in scales]))
        coords["rows"] = counts
    attrs = {"fitted_point": middle, "hdi_prob": hdi_prob, "estimator": twin.estimator, "hyperparameter": penalty.hyperparameter,
             "dispersion": dispersion, "sigma_fixed": int("sigma" not in draws), "decades": DECADES}
    return xr.Dataset(data, coords=coords, attrs=attrs)


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
    x = np.linspace(low, high, GRID)
    inside = (mu > low) & (mu < high)
    x[np.abs(x - mu).argmin(axis=0)[inside], np.flatnonzero(inside)] = mu[inside]
    return x.T


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


def _profile_likelihood(design, likelihood, sigma: float, columns, x) -> np.ndarray:
    """The Gaussian likelihood of each coefficient with the others and the intercept at their best
    (sigma fixed), normalized to a density over the coefficient: ``N(b_ols_j, sigma^2 [(X'X)^-1]_jj)``
    with X centred; NaN for another family or where OLS is not unique (p >= n)."""
    from priorfit.models.likelihoods import Gaussian

    if likelihood.name != Gaussian.name or not design.has_rows or design.p >= design.n - int(design.intercept):
        return np.full(x.shape, np.nan)
    stats = likelihood.statistics(design)
    if np.linalg.matrix_rank(stats.gram) < design.p:  # collinear columns: no unique OLS
        return np.full(x.shape, np.nan)
    inverse = np.linalg.inv(stats.gram)
    b = inverse @ stats.xty
    sd = sigma * np.sqrt(np.diag(inverse))[columns]
    return np.exp(-0.5 * ((x - b[columns, None]) / sd[:, None]) ** 2) / (np.sqrt(2 * np.pi) * sd[:, None])
