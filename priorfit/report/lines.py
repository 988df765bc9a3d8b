"""The sentences every report shows about a fit (terminal, HTML, Markdown read them from here)."""

from __future__ import annotations

import math


def number(value) -> str:
    """A number for people: 4 significant digits, or scientific when tiny; an em dash for none."""
    if value is None or value != value:
        return "—"
    return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def columns(fit) -> list[str]:
    """The coefficient-table columns a report shows for ``fit``: the table's own, in its order."""
    return list(fit.coefficients.columns)


def column_labels(fit, hdi_prob: float, relevance: float | None = None) -> dict[str, str]:
    """Column headers for people. The bootstrap's interval is labelled a CI, the posterior's an
    HDI: a confidence interval of the penalized estimate and a credible interval are different kinds.
    ``relevance``: the threshold C of the ``p_relevant`` column (the reports show the model scale)."""
    pct = f"{hdi_prob:.0%}"
    labels = {"penalized": fit.twin_label(shown=True), "map": "MAP", "map_raw": "find_MAP raw",
              "hdi_low": f"{pct} HDI low", "hdi_high": f"{pct} HDI high", "p_positive": "P(>0)"}
    if fit.bootstrap is not None:
        labels |= {"boot_low": f"bootstrap {pct} CI low", "boot_high": f"bootstrap {pct} CI high",
                   "boot_share_at_mu": f"bootstrap share at {_location(fit.bootstrap.mu) or 'mu'}"}
    if relevance is not None:
        labels["p_relevant"] = f"{relevance_label(fit.prior.mu, relevance)}, model scale"
    return labels


def relevance_label(mu, C: float) -> str:
    """``P(|w| > C)`` for a prior centred at 0, ``P(|w - m| > C)`` for one location m, else ``P(|w - mu| > C)``."""
    values = mu.tolist() if hasattr(mu, "tolist") else mu  # a NumPy location, a list read back, or a number
    location = _location([float(m) for m in (values if isinstance(values, (list, tuple)) else [values])])
    centred = "w" if location == "0" else f"w - {location or 'mu'}"
    return f"P(|{centred}| > {number(C)})"


def relevance_lines(comparison) -> list[str]:
    """What the ``p_relevant`` column means and where its original-scale twin is (every report)."""
    C = comparison.settings.relevance
    if C is None:
        return []
    label = relevance_label(comparison.settings.mu, C)
    if not comparison.data.standardized:
        scales = "on the model scale, which is the original scale of X (X is not standardized)"
    else:
        scales = (f"on the model scale in the tables ({number(C)} per sd of each feature); coefficients.csv and summary.json "
                  f"also give it on the original scale of X ({number(C)} per unit of each feature)")
    return [f"{label}: the posterior probability that a coefficient lies farther than {number(C)} from its prior location, "
            f"{scales}; a penalized twin is a point estimate and gives no such probability"]


def fit_heading(fit) -> str:
    """A prior's section title: the prior beside its penalized twin (or the nearest estimators)."""
    return f"{fit.prior.name} prior ↔ {fit.twin_label()}"


def data_sentence(comparison) -> str:
    """The data and the scale the coefficients are on, as every report and the notebook head it."""
    data = comparison.data
    return (f"n = {data.n}, p = {data.p}, {comparison.settings.likelihood} likelihood, "
            f"{'standardized' if data.standardized else 'unstandardized'} X, {'with' if data.intercept else 'no'} intercept; "
            "coefficients on the model scale")


def run_sentence(comparison) -> str:
    """What was run: the priors, the sampler and its draws, the seed and priorfit's version."""
    from priorfit.version import __version__

    s = comparison.settings
    return (f"Priors: {', '.join(s.prior)}; sampler {s.sampler}, {s.chains} chains x {s.draws} draws (+{s.tune} tuning), "
            f"seed {s.seed}; priorfit {__version__}")


def _location(mu) -> str | None:
    """The prior location as a number when it is one for every coefficient, else None."""
    values = {float(m) for m in mu if not math.isnan(m)}  # the intercept's NaN is no location
    return number(values.pop()) if len(values) == 1 else None


def data_lines(comparison) -> list[str]:
    """What a reader should know about the data and the likelihood besides their names (every
    report shows these): how two labels were coded, what the family's intervals mean."""
    data, lines = comparison.data, []
    if comparison.settings.formula is not None:
        scaled = "its dummy and interaction columns standardized like any other" if data.standardized else "unstandardized"
        intercept = "the intercept is the model's, unpenalized" if data.intercept else "no intercept"
        lines.append(f"design: formulaic's model matrix of {comparison.settings.formula!r}, {scaled} ({intercept})")
        if data.formula_spec is not None:
            from priorfit.data.formula_spec import categories, reference

            for factor, levels in categories(data.formula_spec).items():
                shown = ", ".join(map(repr, levels[:12])) + (f" and {len(levels) - 12} more" if len(levels) > 12 else "")
                base = reference(data.formula_spec, factor)
                lines.append(f"{factor}: {len(levels)} levels ({shown})" + (
                    "" if base is None else f"; the reference, without a column of its own, is {base!r}"))
    if data.dropped:
        lines.append(f"{data.dropped} row{'s' * (data.dropped > 1)} with a missing value in a column used were dropped "
                     f"(--missing drop); the fit uses the other {data.n}")
    if data.labels:
        mapped = ", ".join(f"{label} -> {code}" for label, code in data.labels.items())
        lines.append(f"target {data.target}: its two labels were mapped to 0/1 as {mapped}")
    caveat = comparison.settings.family().caveat
    return lines + ([f"{comparison.settings.likelihood} likelihood: {caveat}"] if caveat else [])


def shrinkage_lines(fit) -> list[str]:
    """Effective parameters on both sides, m_eff, and LOO beside the twin's CV score, per row."""
    s = fit.shrinkage
    if s is None:
        return []
    parts = []
    if s.penalized_dof is not None:
        parts.append(f"{fit.penalized.estimator} {number(s.penalized_dof)} ({s.penalized_dof_method})")
    if s.p_loo is not None:
        parts.append(f"posterior p_loo {number(s.p_loo)}")
    if s.m_eff is not None:
        prior = "" if s.prior_m_eff_median is None else f"; prior median {number(s.prior_m_eff_median)}"
        parts.append(f"m_eff {number(s.m_eff)} [{number(s.m_eff_low)}, {number(s.m_eff_high)}]{prior}")
    lines = [f"effective parameters: {'; '.join(parts)}"] if parts else []
    if s.elpd_loo is not None:
        flag = ", above 0.7: LOO is unreliable here" if s.pareto_k_max > 0.7 else ""
        line = (f"log predictive density per row: PSIS-LOO {s.elpd_loo / s.n:.4f} ± {s.elpd_loo_se / s.n:.4f} "
                f"(max Pareto k {s.pareto_k_max:.2f}{flag})")
        if s.cv_log_score is not None:
            line += f"; {fit.penalized.estimator} {s.cv_folds}-fold CV {s.cv_log_score / s.n:.4f}"
        lines.append(line)
    return lines


def _parameter(value) -> str:
    """A prior parameter for a sentence: a number, a short vector, or how many values a long one holds
    (the JSON keeps them all); parameters that are not set (None) are left out by the caller."""
    if isinstance(value, float):
        return number(value)
    if isinstance(value, list) and value and all(isinstance(v, list) for v in value):  # groups of column numbers
        return ",".join("+".join(str(v) for v in group) for group in value)
    if isinstance(value, list):
        return "(" + ", ".join(number(v) for v in value) + ")" if len(value) <= 4 else f"({len(value)} values)"
    return str(value)


def fit_lines(fit) -> list[str]:
    """What a reader should know about one fit, one sentence a line (every report uses these)."""
    hyper, lines = fit.hyper, []
    params = ", ".join(f"{k}={_parameter(v)}" for k, v in fit.prior.shown_params().items() if v is not None)
    lines.append(f"prior: {fit.prior.name}({params}); hyperparameters from {hyper.source}")
    if hyper.alpha is not None:
        where = "" if hyper.dispersion is None else f" at sigma = {number(hyper.dispersion)}" + (
            f" ({hyper.plugin.method})" if hyper.plugin else " (fixed)")
        lines.append(f"conversion: {hyper.conversion}; {hyper.hyperparameter} = {number(hyper.alpha)}{where}")
    noise, penalty = fit.noise, fit.penalty
    if noise.mode == "estimated" and noise.value is not None:
        line = f"sigma estimated ({noise.prior} prior): MAP sigma = {number(noise.value)}"
        if penalty is not None and penalty.basis == "MAP sigma":
            holds = fit.agreement is not None and fit.agreement.holds
            line += f", alpha at MAP sigma = {number(penalty.alpha)}" + (" (the identity holds here)" if holds else "")
        lines.append(line)
    for e in fit.estimated:  # the likelihood's own parameters (Student-t's nu)
        at_mode = "" if e.value is None else f"MAP {e.name} = {number(e.value)}, "
        lines.append(f"{e.name} estimated ({e.prior} prior): {at_mode}posterior mean {number(e.posterior_mean)}, "
                     f"HDI [{number(e.hdi_low)}, {number(e.hdi_high)}]")
    if penalty is not None and penalty.basis == "plug-in sigma":
        lines.append(f"penalized twin fitted at the plug-in sigma {number(penalty.dispersion)}: alpha = {number(penalty.alpha)}")
    mode = fit.mode
    if mode.status == "degenerate":
        lines.append(f"MAP: {mode.message}")
    elif mode.certificate is None:
        lines.append(f"MAP: {mode.status}; {mode.message}; no certificate")
    else:
        cert = mode.certificate
        kink = "" if cert.zero_residuals is None else (
            f" (relative {cert.kkt_relative:.1e}; {cert.zero_residuals} residuals exactly 0: the rows the "
            "fit interpolates)")
        lines.append(f"MAP: {mode.status}; {mode.message}; certificate: {cert.kind} {cert.value:.1e}{kink}")
    if fit.agreement:
        a = fit.agreement
        lines.append(
            f"MAP vs {fit.penalized.estimator}: max |diff| {a.max_abs_diff:.1e} (relative {a.max_rel_diff:.1e}, "
            f"tolerance {a.tolerance:g}); find_MAP raw was {a.raw_max_abs_diff:.1e} away; same zeros: {a.same_zero_pattern}"
        )
    elif not fit.penalized.exact:
        others = ", ".join(fit.penalized.estimates)
        lines.append(f"no penalized estimator is this prior's mode; shown for reference: {others}")
    if fit.identity is not None:
        p = fit.identity
        lines.append(
            f"objective identity: -log p = k J + c with k = {number(p.k)}, max deviation {p.max_deviation:.1e} "
            f"over {len(p.grid)} points along {p.feature}"
        )
    if fit.objective_identity is not None:
        r = fit.objective_identity
        lines.append(
            f"objective identity at {r.points} random points: -log p - k J is constant to {r.max_deviation:.1e} "
            f"({r.relative:.1e} of -log p)"
        )
    for choice in fit.scale_choices:
        interval = "" if choice.low is None else f" [{number(choice.low)}, {number(choice.high)}]"
        lines.append(f"scale by {choice.method}: {number(choice.scale)}{interval} ({fit.hyper.hyperparameter} {number(choice.alpha)})")
    lines += shrinkage_lines(fit)
    lines += predictive_lines(fit)
    lines += sensitivity_lines(fit)
    lines.extend(bootstrap_lines(fit))
    d = fit.diagnostics
    rhat = "—" if d.max_rhat is None else f"{d.max_rhat:.3f}"
    lines.append(f"NUTS: max R-hat {rhat}, min ESS bulk {d.min_ess_bulk:.0f}, tail {d.min_ess_tail:.0f}, divergences {d.divergences}")
    if fit.exact_posterior:
        e = fit.exact_posterior
        lines.append(
            f"vs closed-form posterior: max |mean diff| / sd {e.max_abs_z_mean:.3f}, "
            f"max |sd ratio - 1| {e.max_rel_sd:.3f}, max |mean diff| / MCSE {e.max_abs_mcse_z:.2f}"
            + ("" if not e.checked else f", max |sd diff| / MCSE {e.max_abs_mcse_z_sd:.2f} (threshold {e.threshold:.2f})")
        )
    lines.extend(f"note: {note}" for note in fit.notes)
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in fit.timings.items())
    lines.append(f"time: {timings}")
    return lines


def shrinkage_rows(comparison) -> tuple[list[str], list[list[str]]]:
    """The across-priors shrinkage table for people: header and rows of formatted cells."""
    table = comparison.shrinkage_table()
    header = ["prior", *table.columns]
    return header, [[name, *(number(v) for v in row)] for name, row in table.iterrows()]


def bootstrap_lines(fit) -> list[str]:
    """What the bootstrap is, and the coefficients whose bootstrap interval is exactly {mu} while
    their credible interval is not: the penalty's zeros, which a posterior never has."""
    boot = fit.bootstrap
    if boot is None:
        return []
    pct, hyper = f"{boot.prob:.0%}", fit.penalty.hyperparameter if fit.penalty else "alpha"
    at = f" at the same {hyper} = {number(fit.penalty.alpha)}" if fit.penalty else ""
    what = (f"bootstrap: {boot.estimator} refitted{at} on {boot.draws} resamples of the rows (seed {boot.seed}); "
            f"its {pct} CI is a percentile confidence interval, not a credible interval")
    lines = [what]
    table = fit.coefficients
    hdi_only_mu = (table["hdi_low"].to_numpy() == boot.mu) & (table["hdi_high"].to_numpy() == boot.mu)
    collapsed = [name for name, c, h in zip(boot.names, boot.collapses_to_mu, hdi_only_mu) if c and not h]
    if collapsed:
        mu = _location([boot.mu[boot.names.index(name)] for name in collapsed]) or "its mu"
        lines.append(f"bootstrap interval collapses to {mu} while the {pct} HDI does not: {', '.join(collapsed)}")
    return lines


def predictive_lines(fit) -> list[str]:
    """The posterior and prior predictive checks in one line each (p-values: P(T(y_rep) >= T(y)))."""
    c = fit.predictive
    if c is None:
        return []
    lines = [f"posterior predictive check: p-value of the mean of y {c.p_mean:.3f}, of its sd {c.p_sd:.3f} "
             f"(P(T(y_rep) >= T(y)) over {c.draws} replicated data sets; {c.stored} kept in posterior_predictive)"]
    if c.prior_p_sd is not None:
        lines.append(
            f"prior predictive: sd(y_rep) has the 90% interval [{number(c.prior_sd_low)}, {number(c.prior_sd_high)}] "
            f"around the observed sd {number(c.observed_sd)} (p-value {c.prior_p_sd:.3f}; of the mean {c.prior_p_mean:.3f}, "
            f"intercept held at the link of the mean of y; {c.prior_draws} data sets, {c.prior_stored} kept in prior_predictive)")
    return lines


def sensitivity_lines(fit) -> list[str]:
    """The power-scaling diagnosis in one line: the coefficients flagged, or that none is."""
    s = fit.sensitivity
    if s is None:
        return []
    scaled = ", ".join(s.power_scaled)
    by = {}
    for row in s.flagged():
        by.setdefault(row.diagnosis, []).append(row.name)
    found = "; ".join(f"{diagnosis}: {', '.join(names)}" for diagnosis, names in by.items()) or "no sensitivity above it"
    return [f"power-scaling sensitivity (psense; the prior of {scaled} scaled; threshold {s.threshold:g}): {found}"]


def sensitivity_rows(fit) -> tuple[list[str], list[list[str]]]:
    """Each variable's prior and likelihood sensitivity and diagnosis, as table cells."""
    s = fit.sensitivity
    if s is None:
        return [], []
    header = ["variable", "prior sensitivity", "likelihood sensitivity", "diagnosis"]
    return header, [[row.name, f"{row.prior:.3f}", f"{row.likelihood:.3f}", row.diagnosis or "—"] for row in s.rows]


LOO_COMPARE_NOTE = ("arviz-stats compare (PSIS-LOO, stacking weights), best first: elpd_loo and its difference to the "
                    "best prior with the SE of the difference, beside each twin's K-fold CV log score and its difference "
                    "to the best twin's (sums over rows)")


def loo_compare_rows(comparison) -> tuple[list[str], list[list[str]]]:
    """The table of arviz-stats' compare across the priors, as header and cells."""
    if not comparison.loo_compare:
        return [], []
    header = ["prior", "rank", "elpd_loo", "elpd diff", "SE of diff", "p_loo", "weight", "twin CV log score",
              "twin CV diff", "warning"]
    rows = [[r.prior, str(r.rank), f"{r.elpd_loo:.2f}", f"{r.elpd_diff:.2f}", f"{r.dse:.2f}", f"{r.p_loo:.2f}",
             f"{r.weight:.2f}", "—" if r.cv_log_score is None else f"{r.cv_log_score:.2f}",
             "—" if r.cv_diff is None else f"{r.cv_diff:.2f}", r.diagnosis or ""] for r in comparison.loo_compare]
    return header, rows
