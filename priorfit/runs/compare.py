"""Run a comparison, stage by stage: data -> design -> hyperparameters -> (per prior) model ->
find_MAP and polish -> penalized twin -> NUTS -> checks. Orchestration only: the stages live
in their own modules, and the results are the typed records of :mod:`priorfit.results.records`."""

from __future__ import annotations

import dataclasses
import inspect
import time

import numpy as np
import xarray as xr

from priorfit import inference
from priorfit.inference import budget
from priorfit import settings as settings_module
from priorfit.data import design as data
from priorfit.data import intake, sources
from priorfit.data.dask import is_dask
from priorfit.data.design import Dataset, Design, make_design
from priorfit.diagnostics import closed_form, dial, identity, predictive, shrinkage
from priorfit.errors import InputError
from priorfit.models import priors
from priorfit.models.posterior import PosteriorModel
from priorfit.penalized import conformal
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins
from priorfit.penalized.bootstrap import bootstrap
from priorfit.results import holdout
from priorfit.results.comparison import Comparison
from priorfit.results.records import Agreement, DataInfo, Estimated, Fit, Hyperparameters, Noise, ScaleChoice, TwinPenalty, working_dispersion
from priorfit.results.tables import add_bootstrap_group, add_point_estimate_groups, coefficient_table
from priorfit.runs import heldout
from priorfit.runs.subsamples import subsample_posterior
from priorfit.runtime.progress import Progress
from priorfit.settings import Settings


def compare(X="diabetes", y=None, *, target: str | None = None, features=None, progress: bool = True, **settings) -> Comparison:
    config = settings_module.from_user(settings)
    report = Progress(progress)
    with report.step("loading and checking the data"):
        likelihood = config.family()
        held = train_y = None
        if sources.read_in_chunks(X) or is_dask(X):
            _refuse_for_chunks(X, config)
            if config.holdout is not None:
                heldout.refuse_without_rows(X, config.holdout)
            design, labels = _chunked_design(X, y, target, likelihood, config), None
        else:
            dataset, with_intercept = intake.dataset(X, y, target=target, features=features, formula=config.formula,
                                                     missing=config.missing)
            # a formula's intercept is the model's; - 1 (or --no-intercept) fits none
            config = dataclasses.replace(config, intercept=config.intercept and with_intercept)
            if config.holdout is not None:  # split before anything is fitted: the twins' CV and the conformal see the rest
                dataset, held = heldout.hold_out(dataset, config.holdout, config.seed)
            train_y = dataset.y
            y, labels = likelihood.encode_y(dataset.y, dataset.name)
            design = _design(dataclasses.replace(dataset, y=y), likelihood, config)
        dataset = design.dataset  # without rows: X is not kept
        config = config.for_features(dataset.features)  # groups given by name, as column numbers
        if config.test is not None:
            held = heldout.read_test(config.test, dataset.features, dataset.target, dataset.formula_spec)
        if held is not None:
            held = heldout.encode(likelihood, held, train_y, labels, dataset.name)
        _check_location(config, design)
        for name in config.prior:  # a prior not defined on these data, or improper where they do not reach
            priors.get(name).check_design(config, design, likelihood)
        _check_rows(config, design)
        _check_proper(config, design, likelihood)
        # a NUTS stage that could not finish in the time allowed (with the explorer's rows: once more a subsample, at most)
        budget.check(config, design, likelihood, runs=dial.ROW_COUNTS if config.explorer_rows else 1,
                     times=f" and on the explorer's {dial.ROW_COUNTS - 1} subsamples of the rows" if config.explorer_rows else None)
        plugin = likelihood.plugin_dispersion(design) if likelihood.has_dispersion and config.sigma is None else None
    dispersion = config.sigma if config.sigma is not None else (plugin.value if plugin else None)
    # every prior's hyperparameters first, so that a bad value fails before any fitting
    with report.step("hyperparameters (cross-validation where none were given)"):
        resolved = [resolve_hyperparameters(design, name, likelihood, config, dispersion, plugin) for name in config.prior]
    with report.step("importing PyMC"):
        import pymc  # noqa: F401  - after validation, so bad input fails at once; outside the timings

    fits = [fit_prior(design, prior, hyper, likelihood, config, report) for prior, hyper in resolved]
    if held is not None:
        with report.step(f"scoring the {len(held.y)} held-out rows"):
            for k, fit in enumerate(fits):
                start = time.perf_counter()
                fit.holdout, fit.tree["holdout"] = holdout.evaluate(
                    fit, held.X, held.y, held.rows, seed=config.seed, index=k, source=held.source, training_rows=design.n)
                fit.timings["holdout"] = time.perf_counter() - start
    info = DataInfo(
        name=dataset.name, n=design.n, p=design.p, features=tuple(dataset.features), target=dataset.target,
        standardized=design.standardized, intercept=design.intercept, truth=dataset.truth,
        x_scale=tuple(float(s) for s in design.x_scale), labels=labels, dropped=dataset.dropped,
        formula_spec=dataset.formula_spec,
    )
    ranking = shrinkage.compare_priors({fit.prior.name: fit.elpd for fit in fits},
                                       {fit.prior.name: fit.shrinkage.cv_log_score for fit in fits if fit.shrinkage})
    return Comparison(data=info, ols=penalized.ols(design), settings=config, fits=fits, loo_compare=ranking)


def _signature_and_doc():
    """compare()'s keywords and their documentation come from the one settings schema."""
    params = [
        inspect.Parameter("X", inspect.Parameter.POSITIONAL_OR_KEYWORD, default="diabetes"),
        inspect.Parameter("y", inspect.Parameter.POSITIONAL_OR_KEYWORD, default=None),
        inspect.Parameter("target", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("features", inspect.Parameter.KEYWORD_ONLY, default=None),
        inspect.Parameter("progress", inspect.Parameter.KEYWORD_ONLY, default=True),
    ]
    lines = []
    for name, default, help_text, _, _ in settings_module.options():
        params.append(inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default))
        lines.append(f"{name} : default {default!r}\n    {help_text}.")
    compare.__signature__ = inspect.Signature(params, return_annotation=Comparison)
    compare.__doc__ = (
        "Compare Bayesian posteriors with their penalized twins on one data set.\n\n"
        "Parameters\n----------\n"
        "X : str, Dataset, array or DataFrame\n"
        "    ``\"diabetes\"``, a ``synthetic:...`` spec or a CSV/Parquet path (then ``y`` is None and\n"
        "    ``target`` names the column), a :class:`~priorfit.data.design.Dataset`, or a design.\n"
        "y : array, optional\n    Target, when ``X`` is a design.\n"
        "target : str, optional\n    Target column of a file (default ``y``).\n"
        "features : sequence of str, optional\n    Column names of an array ``X``.\n"
        "progress : bool, default True\n    Show the steps and the sampler's progress on stderr.\n"
        + "\n".join(lines)
        + "\n\nReturns\n-------\nComparison\n"
    )


_signature_and_doc()


def _design(dataset: Dataset, likelihood, config: Settings) -> Design:
    """The rows standardized, or, for a Gaussian model of more than ``STATISTICS_ROWS`` rows, only
    the sufficient statistics: one pass, no copy of X, twins and CV from X'X (:mod:`priorfit.penalized.gram`)."""
    if likelihood.sufficient and dataset.n > data.STATISTICS_ROWS:
        return sources.summarize(dataset, standardize=config.standardize, intercept=config.intercept)
    return make_design(dataset, standardize=config.standardize, intercept=config.intercept)


def _chunked_design(X, y, target, likelihood, config: Settings) -> Design:
    """Files read in chunks, or a dask collection: only the Gaussian has statistics to keep."""
    what = f"{X!r} is read in chunks" if not is_dask(X) else "dask data are summarized where they live"
    if not likelihood.sufficient:
        raise InputError(
            f"{what}, but the {likelihood.name} likelihood has no sufficient statistics and needs every row in memory; "
            "give one file of at most 1 GiB (a subsample of the rows), or the gaussian likelihood."
        )
    return sources.summarize_source(X, target, y=y, standardize=config.standardize, intercept=config.intercept, seed=config.seed)


def _check_rows(config: Settings, design: Design) -> None:
    if design.has_rows:
        return
    why = f"{design.dataset.name} is summarized by X'X, X'y and y'y ({design.n} rows) and its rows are not kept"
    if config.loo == "yes":
        raise InputError(f"--loo yes needs each row's likelihood, but {why}; use --loo auto or no.")
    if config.bootstrap:
        raise InputError(f"--bootstrap needs the rows, but {why}; leave it out or subsample the rows.")


def _check_proper(config: Settings, design: Design, likelihood) -> None:
    """An improper posterior is refused, never sampled (NUTS would still return draws)."""
    if not likelihood.has_dispersion or config.sigma is not None:
        return
    reasons = {name: likelihood.improper_reason(design, config.sigma_prior, priors.get(name).scale_follows_sigma(config))
               for name in config.prior}
    affected = [name for name, reason in reasons.items() if reason]
    if affected:
        reason = reasons[affected[0]]
        if len(config.prior) > 1:
            reason = f"For the {' and '.join(affected)} prior{'s' if len(affected) > 1 else ''}: {reason[0].lower()}{reason[1:]}"
        raise InputError(reason)


def _check_location(config: Settings, design: Design) -> None:
    if isinstance(config.mu, tuple) and len(config.mu) != design.p:
        raise InputError(
            f"The prior location mu has {len(config.mu)} entries but the data have {design.p} features; "
            "give one number, or one per feature in their order."
        )


def _source_name(X) -> str:
    return repr(str(X)) if isinstance(X, str) else "the dask collection"


def _refuse_for_chunks(X, config: Settings) -> None:
    """A formula, or dropping incomplete rows, on data read in chunks: refused with a sentence."""
    if config.formula is not None:
        raise InputError(f"A formula applies to data read whole; {_source_name(X)} is read in chunks into its sufficient "
                         "statistics, so give it numeric columns (or a smaller file).")
    if config.missing == "drop":
        raise InputError(f"missing 'drop' applies to data read whole; {_source_name(X)} is read in chunks into its "
                         "sufficient statistics, so give it complete rows (or a smaller file).")


def resolve_hyperparameters(design: Design, name: str, likelihood, config: Settings, dispersion, plugin):
    """The prior with numeric hyperparameters, and a record of where they came from."""
    cls, n = priors.get(name), design.n
    scale_given = (config.scale or {}).get(name)
    value_given = config.penalty(name)
    twin = twins.twin(name, likelihood, config)
    if twin is None:  # no penalized twin, so no alpha: the scale or the prior's own default
        # measured in the noise sd where the likelihood has one, else in its pseudo-sigma
        prior, description = cls.default(
            config, scale=scale_given, sigma=likelihood.pseudo_sigma(design, dispersion),
            effect_scale=likelihood.effect_scale(design), design=design,
        )
        return prior, Hyperparameters(description, scale_given, dispersion=dispersion, plugin=plugin)
    if isinstance(scale_given, priors.Hyperprior):  # hierarchical: no fixed scale, so no fixed alpha
        return priors.create(name, scale_given, config), Hyperparameters(
            f"hyperprior: {scale_given}", None, hyperparameter=twin.hyperparameter, dispersion=dispersion, plugin=plugin)
    grid = None  # where a cross-validated value lies in its grid
    if scale_given is not None:
        scale, value, source = scale_given, None, "scale"
    elif value_given is not None:
        scale, value, source = None, value_given, twin.hyperparameter
    else:
        value, search, grid = penalized.cv_choice(design, twin, priors.create(name, 1.0, config))
        scale, source = None, f"cross-validation: {search}"
    d = np.float64(1.0 if dispersion is None else dispersion)
    by_sigma = cls.scale_follows_sigma(config)  # the scale is in units of sigma (twins.unit)
    with np.errstate(all="ignore"):  # NumPy floats: an extreme value becomes 0 or inf, not an exception
        if scale is None:
            scale = twin.scale_of(np.float64(value), d, n, by_sigma)
        value = twin.value_of(np.float64(scale), d, n, by_sigma)
        precision = np.float64(1.0) / (np.float64(scale) * twins.unit(d, by_sigma)) ** 2
    if not all(np.isfinite(v) and 1e-150 < v < 1e150 for v in (scale, value, precision)):
        raise InputError(
            f"The {name} prior scale {scale:.3g} ({twin.hyperparameter} {value:.3g}, from {source.split(':')[0]}) is too "
            "extreme to compute with; choose a value closer to the scale of the data."
        )
    hyper = Hyperparameters(source, float(scale), float(value), hyperparameter=twin.hyperparameter, conversion=twin.conversion,
                            dispersion=dispersion, plugin=plugin, grid=grid)
    return priors.create(name, float(scale), config), hyper


def fit_prior(design: Design, prior, hyper: Hyperparameters, likelihood, config: Settings, report: Progress | None = None) -> Fit:
    """One prior through every stage, on one compiled model."""
    report = report or Progress(False)
    timings = {}
    estimated = likelihood.has_dispersion and config.sigma is None
    noise_spec = config.sigma_prior if estimated else config.sigma

    start = time.perf_counter()
    with report.step(f"{prior.name}: building the model, find_MAP and the polish") as update:
        model = PosteriorModel(design, prior, likelihood, noise_spec, plugin_sigma=hyper.dispersion, whiten=config.whiten)
        mode = inference.find_map(model, seed=config.seed, progress=update)
    timings["map"] = time.perf_counter() - start

    noise = _noise(likelihood, config, mode)
    penalty = _penalty(design, prior, likelihood, noise, hyper)
    start = time.perf_counter()
    pen = penalized.fit(design, prior, likelihood, None if penalty is None else penalty.alpha)
    timings["penalized"] = time.perf_counter() - start
    boot = None
    if config.bootstrap and pen.exact:  # the same alpha (at the mode's sigma) and offset as pen, on resampled rows
        start = time.perf_counter()
        with report.step(f"{prior.name}: {config.bootstrap} bootstrap refits of {pen.estimator}"):
            boot = bootstrap(design, prior, likelihood, penalty.alpha, config.bootstrap, config.seed, config.hdi_prob)
        timings["bootstrap"] = time.perf_counter() - start

    start = time.perf_counter()
    sampler = inference.sampler_for(model, config.sampler)
    label = f"{prior.name}: compiling and sampling with {sampler} ({config.chains} x {config.draws} draws)"
    with report.step(label, spinner=False):
        tree = inference.sample(
            model,
            sampler=config.sampler,
            draws=config.draws,
            tune=config.tune,
            chains=config.chains,
            seed=config.seed,
            target_accept=config.target_accept or prior.target_accept,
            progress=report.enabled,
        )
    timings["sampling"] = time.perf_counter() - start
    diagnostics = inference.diagnostics(tree)
    if estimated:
        noise = dataclasses.replace(noise, posterior_mean=float(tree["posterior"]["sigma"].mean()))

    agreement = _agreement(design, prior, likelihood, mode, pen, penalty) if (mode.point and pen.exact) else None
    exact = None
    if closed_form.applies(prior, likelihood.name, config.sigma):
        exact = closed_form.compare_draws(closed_form.normal_posterior(design, prior, config.sigma), tree["posterior"].to_dataset())
    relevance = dict(relevance_threshold=config.relevance, mu=prior.mu_vector(design.p))
    coefficients = coefficient_table(design, tree, mode, pen, config.hdi_prob, original=False, bootstrap=boot, **relevance)
    original = (coefficient_table(design, tree, mode, pen, config.hdi_prob, original=True, bootstrap=boot, **relevance)
                if design.standardized else None)
    add_point_estimate_groups(tree, design, mode, pen)
    if boot is not None:
        add_bootstrap_group(tree, boot)
    if pen.exact and penalty is not None:  # the twin on the original scale, and its split-conformal refit
        start = time.perf_counter()
        split = conformal.calibrate(design, prior, likelihood, 1.0 if penalty.dispersion is None else penalty.dispersion,
                                    config.seed, start=(pen.coef, pen.intercept))
        tree["conformal"] = conformal.group(design, pen, split)
        timings["conformal"] = time.perf_counter() - start
    prior_scales = model.prior_draws(config.draws * config.chains, config.seed)
    if prior_scales is not None:
        tree["prior"] = prior_scales
    profile = random_points = None
    if agreement is not None:
        twin, sd = twins.twin(prior, likelihood), coefficients["sd"].to_numpy()
        profile = identity.profile(model, mode.point, twin, penalty, sd[: design.p])
        random_points = identity.random_points(model, mode.point, twin, penalty, sd, seed=config.seed)
        tree["identity"] = xr.DataTree(profile.to_dataset())
    if dial.applies(prior, pen, penalty):  # the explorer's penalty dial (report.html)
        start = time.perf_counter()
        group = dial.compute(design, prior, likelihood, tree, twins.twin(prior, likelihood), penalty, model, mode, config.hdi_prob,
                             config.seed, subsample_posterior(prior, likelihood, hyper.dispersion, config, report) if config.explorer_rows else None)
        if group is not None:
            tree["dial"] = xr.DataTree(group)
            timings["dial"] = time.perf_counter() - start
    notes = _notes(design, prior, hyper, penalty, config, diagnostics, mode)
    choices = _scale_choices(design, prior, likelihood, hyper, pen, tree, config.hdi_prob) if prior.hyperprior else []
    start = time.perf_counter()
    amount, loglik, elpd = _shrinkage(design, prior, likelihood, hyper, penalty, pen, tree, config)
    timings["shrinkage"] = time.perf_counter() - start
    start = time.perf_counter()
    dispersion = working_dispersion(penalty, hyper)
    checked, sensed = predictive.fit_checks(design, likelihood, prior, tree, loglik, dispersion, config.seed)
    timings["checks"] = time.perf_counter() - start
    estimated = [_estimated(likelihood, name, mode, tree, config.hdi_prob) for name in likelihood.estimated()]
    return Fit(
        prior=prior, hyper=hyper, likelihood=likelihood.name, likelihood_options=config.likelihood_options, noise=noise,
        estimated=estimated, penalized=pen, penalty=penalty, mode=mode, tree=tree,
        agreement=agreement, diagnostics=diagnostics, exact_posterior=exact, identity=profile, objective_identity=random_points,
        scale_choices=choices, shrinkage=amount, bootstrap=boot, coefficients=coefficients, original=original, notes=notes,
        timings=timings, predictive=checked, sensitivity=sensed, elpd=elpd,
    )


def _shrinkage(design, prior, likelihood, hyper: Hyperparameters, penalty, pen, tree, config: Settings):
    """Effective parameters on both sides, m_eff (horseshoe family), PSIS-LOO and the twin's CV score;
    with the pointwise log likelihood and the LOO result (None where LOO was not computed)."""
    posterior = tree["posterior"].to_dataset()
    dispersion = working_dispersion(penalty, hyper)
    out = {"n": design.n}
    if pen.exact:
        out["penalized_dof"], out["penalized_dof_method"] = shrinkage.penalized_dof(
            design, likelihood, prior, pen.coef, pen.intercept, dispersion)
    # kappa_j is measured in the noise sd, or in a GLM's pseudo-sigma (as tau0 is)
    noise = dispersion if likelihood.has_dispersion else likelihood.pseudo_sigma(design)
    effective = shrinkage.m_eff(design, likelihood, prior, posterior, noise, config.hdi_prob)
    if effective is not None:
        out["m_eff"], out["m_eff_low"], out["m_eff_high"] = effective
        if "prior" in tree.children:
            out["prior_m_eff_median"] = shrinkage.prior_m_eff_median(design, prior, tree["prior"].to_dataset(), noise)
    draws = posterior.sizes["chain"] * posterior.sizes["draw"]
    wanted = config.loo == "yes" or (config.loo == "auto" and shrinkage.loo_by_default(design.n, draws))
    wanted = wanted and design.has_rows  # a design without rows was refused --loo yes in _check_rows
    loglik = elpd = None
    if wanted and draws >= shrinkage.LOO_MIN_DRAWS:
        loglik = shrinkage.log_likelihood(design, likelihood, posterior, dispersion)
        elpd = shrinkage.loo(design, likelihood, posterior, dispersion, loglik=loglik)
        out["elpd_loo"], out["elpd_loo_se"], out["p_loo"], out["pareto_k_max"] = shrinkage.loo_numbers(elpd)
        twin = twins.twin(prior, likelihood)
        if pen.exact and twin is not None:
            def make():  # a CV score does not need the identity's precision
                return twin.make_for_refits(penalty.alpha, design.intercept, **twin.options(prior))

            out["cv_folds"] = folds = twins.cv_folds(design.n, twins.SCORE_FOLDS)
            out["cv_log_score"] = shrinkage.cv_log_score(
                design, likelihood, make, prior.mu_vector(design.p), dispersion, folds=folds, seed=config.seed,
                start=pen.coef - prior.mu_vector(design.p))
    return shrinkage.Shrinkage(**out), loglik, elpd


def _scale_choices(design, prior, likelihood, hyper: Hyperparameters, pen, tree, hdi_prob: float) -> list[ScaleChoice]:
    """CV vs empirical Bayes vs full Bayes, on the prior's scale (in units of sigma for a
    sigma-scaled prior) and as the twin's penalty at the plug-in (or fixed) dispersion."""
    import arviz as az

    twin = twins.twin(prior, likelihood)
    if twin is None:
        return []
    d = 1.0 if hyper.dispersion is None else hyper.dispersion
    evidence = twins.EMPIRICAL_BAYES.get((prior.name, likelihood.name))

    def alpha(scale):
        return float(twin.value_of(scale, d, design.n, prior.by_sigma))

    out = []
    for name, estimate in pen.estimates.items():
        if evidence is not None and name == evidence.estimator:
            tau = evidence.scale(estimate.params, prior.by_sigma)
            out.append(ScaleChoice(f"empirical Bayes ({name}, type-II maximum likelihood)", float(tau), alpha(tau)))
        else:
            value = estimate.params[twin.hyperparameter]
            scale = float(twin.scale_of(value, d, design.n, prior.by_sigma))
            grid = pen.grids.get(name)
            edge = "" if grid is None or grid.chosen else (
                "; the empty model, no choice" if grid.plateau else f"; on the {grid.edge} edge of its grid, no choice")
            out.append(ScaleChoice(f"cross-validation ({name}{edge})", scale, float(value)))
    draws = tree["posterior"]["global_scale"].values.ravel()
    low, high = (float(v) for v in az.hdi(draws, prob=hdi_prob))
    median = float(np.median(draws))
    out.append(ScaleChoice(f"full Bayes (posterior median, {hdi_prob:.0%} HDI)", median, alpha(median), low, high))
    return out


def _noise(likelihood, config: Settings, mode) -> Noise:
    if not likelihood.has_dispersion:
        return Noise("none")
    if config.sigma is not None:
        return Noise("fixed", config.sigma)
    sigma_map = float(mode.point["sigma"]) if mode.point else None
    return Noise("estimated", sigma_map, str(config.sigma_prior))


def _penalty(design, prior, likelihood, noise: Noise, hyper: Hyperparameters) -> TwinPenalty | None:
    """The twin's alpha at the dispersion of the mode: there the identity holds exactly."""
    twin = twins.twin(prior, likelihood)
    if twin is None or prior.scale is None:  # no twin, or a random scale (hierarchical): no fixed alpha
        return None
    if noise.mode == "none":
        dispersion, basis = 1.0, "no dispersion"
    elif noise.mode == "fixed":
        dispersion, basis = noise.value, "fixed sigma"
    elif noise.value is not None:
        dispersion, basis = noise.value, "MAP sigma"
    else:  # no mode was found: the twin is fitted at the plug-in sigma, and said so
        dispersion, basis = hyper.dispersion, "plug-in sigma"
    return TwinPenalty(float(twin.penalty(prior, dispersion, design.n)), dispersion, basis, twin.hyperparameter)


def _agreement(design, prior, likelihood, mode, pen, penalty: TwinPenalty) -> Agreement:
    """MAP against the twin; where the coefficients differ beyond the twin's tolerance, whether
    both are optima of a problem whose solution is not unique (:func:`penalized.uniqueness`)."""
    mu = prior.mu_vector(design.p)
    twin = twins.twin(prior, likelihood)
    diff = np.abs(mode.point["coef"] - pen.coef)
    rel = float(diff.max() / max(np.abs(pen.coef - mu).max(), 1e-300))
    # also where they agree (the polish starts from the twin's estimate): collinear active columns
    # leave the split between them open, and another solver may return another one
    u = penalized.uniqueness(design, twin, prior, penalty.alpha, (mode.point["coef"], mode.point.get("intercept")),
                             (pen.coef, pen.intercept))
    extra = {"objective_rel_diff": u.objective_rel_diff, "fitted_rel_diff": u.fitted_rel_diff, "active": u.active,
             "active_rank": u.rank, "unidentified": u.unidentified if u.not_unique(twin.tolerance) else ()}
    return Agreement(
        max_abs_diff=float(diff.max()),
        max_rel_diff=rel,
        raw_max_abs_diff=float(np.abs(mode.raw["coef"] - pen.coef).max()),
        intercept_abs_diff=None if pen.intercept is None else float(abs(mode.point["intercept"] - pen.intercept)),
        same_zero_pattern=bool(np.array_equal(mode.point["coef"] == mu, pen.coef == mu)),
        tolerance=twin.tolerance,
        **extra,
    )


def _estimated(likelihood, name: str, mode, tree, hdi_prob: float) -> Estimated:
    """The record of one of the likelihood's own estimated parameters (Student-t's nu)."""
    import arviz as az

    draws = tree["posterior"][name].values.ravel()
    low, high = az.hdi(draws, prob=hdi_prob)
    value = float(mode.point[name]) if mode.point else None
    return Estimated(name, likelihood.estimated_prior(name), value, float(draws.mean()), float(low), float(high))


def _notes(design, prior, hyper: Hyperparameters, penalty: TwinPenalty | None, config: Settings, diagnostics, mode=None) -> list[str]:
    """Things a reader should know that are not failures."""
    notes = []
    if penalty is not None and penalty.basis == "MAP sigma" and hyper.alpha:
        ratio = penalty.alpha / hyper.alpha
        if not 0.1 <= ratio <= 10:
            notes.append(
                f"alpha at the MAP sigma is {ratio:.3g} times the nominal alpha: with sigma estimated the joint "
                "mode moved far from the plug-in sigma; fix sigma (--sigma VALUE) to get the penalty you asked for"
            )
    if penalty is not None and penalty.basis == "plug-in sigma":
        notes.append("no posterior mode was found, so the penalized twin was fitted at the plug-in sigma, not the MAP sigma")
    # a sigma-scaled prior keeps the density bounded; without a mode the mode's own message says why
    if config.sigma is None and design.p >= design.n - int(design.intercept) and prior.has_mode and not prior.by_sigma \
            and (mode is None or mode.point):
        notes.append(
            "p >= n: with sigma estimated the joint density is unbounded as sigma -> 0 (the fit can interpolate), "
            "so the reported mode is a local one"
        )
    if prior.note(design.p):
        notes.append(prior.note(design.p))
    for local in (config.family().local_mode_reason(design, config.sigma is None), prior.local_mode_reason()):
        if local and (mode is None or mode.point):
            notes.append(local)
    if diagnostics.max_rhat is None:
        notes.append("R-hat needs at least 2 chains; it was not computed")
    if config.loo == "yes" and config.draws * config.chains < shrinkage.LOO_MIN_DRAWS:
        notes.append(f"PSIS-LOO needs at least {shrinkage.LOO_MIN_DRAWS} draws in all; it was not computed")
    if config.bootstrap and penalty is None:
        notes.append(f"no bootstrap interval: the {prior.name} prior has no exact penalized twin whose estimate could be resampled")
    return notes
