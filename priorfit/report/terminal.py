"""The comparison as text for a terminal (rich tables)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text


def _number(value) -> str:
    if value is None or value != value:
        return "—"
    return f"{value:.4g}" if abs(value) >= 1e-3 or value == 0 else f"{value:.2e}"


def fit_table(fit, hdi_prob: float) -> Table:
    pen = fit.penalized
    title = f"{fit.prior.name} prior  ↔  " + (pen.estimator if pen.exact else f"{', '.join(pen.estimates)} — nearest, not exact")
    table = Table(title=title, title_justify="left", header_style="bold")
    pct = f"{hdi_prob:.0%}"
    # an exact twin has one column; a prior without one shows each nearest estimator
    point = ("MAP", "find_MAP raw") if fit.prior.has_mode else ("MAP",)
    for column in ("coefficient", *pen.estimates, *point, "mean", "median", "sd", f"{pct} HDI low", f"{pct} HDI high", "P(>0)"):
        table.add_column(column, justify="left" if column == "coefficient" else "right")
    for i, (name, row) in enumerate(fit.coefficients.iterrows()):
        twins = [e.coef[i] if i < len(e.coef) else e.intercept for e in pen.estimates.values()]
        table.add_row(
            escape(str(name)),
            *(_number(v) for v in twins),
            *(_number(row[c]) for c in ("map", "map_raw")[: len(point)]),
            *(_number(row[c]) for c in ("mean", "median", "sd", "hdi_low", "hdi_high")),
            f"{row['p_positive']:.3f}",
        )
    return table


def fit_notes(fit) -> Text:
    hyper, lines = fit.hyper, []
    params = ", ".join(f"{k}={_number(v) if isinstance(v, float) else v}" for k, v in fit.prior.params().items())
    lines.append(f"prior: {fit.prior.name}({params}); hyperparameters from {hyper.source}")
    if hyper.alpha is not None:
        lines.append(
            f"conversion: {hyper.conversion}; alpha = {_number(hyper.alpha)} at sigma = {_number(hyper.dispersion)}"
            + (f" ({hyper.plugin.method})" if hyper.plugin else " (fixed)")
        )
    noise, penalty = fit.noise, fit.penalty
    if noise.mode == "estimated" and noise.value is not None:
        line = f"sigma estimated ({noise.prior} prior): MAP sigma = {_number(noise.value)}"
        if penalty is not None and penalty.basis == "MAP sigma":
            holds = fit.agreement is not None and fit.agreement.holds
            line += f", alpha at MAP sigma = {_number(penalty.alpha)}" + (" (the identity holds here)" if holds else "")
        lines.append(line)
    if penalty is not None and penalty.basis == "plug-in sigma":
        lines.append(f"penalized twin fitted at the plug-in sigma {_number(penalty.dispersion)}: alpha = {_number(penalty.alpha)}")
    mode = fit.mode
    if mode.status == "degenerate":
        lines.append(f"MAP: {mode.message}")
    elif mode.certificate is None:
        lines.append(f"MAP: {mode.status}; {mode.message}; no certificate")
    else:
        cert = mode.certificate
        lines.append(f"MAP: {mode.status}; {mode.message}; certificate: {cert.kind} {cert.value:.1e}")
    if fit.agreement:
        a = fit.agreement
        lines.append(
            f"MAP vs {fit.penalized.estimator}: max |diff| {a.max_abs_diff:.1e} (relative {a.max_rel_diff:.1e}); "
            f"find_MAP raw was {a.raw_max_abs_diff:.1e} away; same zeros: {a.same_zero_pattern}"
        )
    elif not fit.penalized.exact:
        others = ", ".join(fit.penalized.estimates)
        lines.append(f"no penalized estimator is this prior's mode; shown for reference: {others}")
    d = fit.diagnostics
    rhat = "—" if d.max_rhat is None else f"{d.max_rhat:.3f}"
    lines.append(f"NUTS: max R-hat {rhat}, min ESS bulk {d.min_ess_bulk:.0f}, tail {d.min_ess_tail:.0f}, divergences {d.divergences}")
    if fit.exact_posterior:
        e = fit.exact_posterior
        lines.append(
            f"vs closed-form posterior: max |mean diff| / sd {e.max_abs_z_mean:.3f}, "
            f"max |sd ratio - 1| {e.max_rel_sd:.3f}, max |mean diff| / MCSE {e.max_abs_mcse_z:.2f}"
        )
    lines.extend(f"note: {note}" for note in fit.notes)
    timings = ", ".join(f"{k} {v:.1f}s" for k, v in fit.timings.items())
    lines.append(f"time: {timings}")
    return Text("\n".join(lines), style="dim")


def render(comparison, console: Console | None = None) -> None:
    # ten numeric columns need ~130 characters; a pipe or a narrow terminal gets that width
    console = console or Console(width=max(Console().width, 132))
    data = comparison.data
    console.print(
        f"[bold]{escape(data.name)}[/]: n = {data.n}, p = {data.p}, {comparison.settings.likelihood} likelihood, "
        f"{'standardized' if data.standardized else 'unstandardized'} X, "
        f"{'with' if data.intercept else 'no'} intercept; coefficients on the model scale"
    )
    for fit in comparison.fits:
        console.print()
        console.print(Group(fit_table(fit, comparison.settings.hdi_prob), fit_notes(fit)))
    console.print()
    for fit in comparison.fits:
        for passed, text in fit.check_results():
            console.print(("[green]✓[/] " if passed else "[bold red]✗[/] ") + escape(text))
    failed = comparison.checks()
    if failed:
        console.print(f"[bold red]checks failed: {len(failed)}[/]")
    else:
        console.print("[bold green]all checks passed[/]")
