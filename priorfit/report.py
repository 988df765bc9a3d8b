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
    title = f"{fit.prior.name} prior  ↔  " + (pen.estimator if pen.exact else f"{', '.join(pen.nearest)} — nearest, not exact")
    table = Table(title=title, title_justify="left", header_style="bold")
    pct = f"{hdi_prob:.0%}"
    # an exact twin has one column; a prior without one shows each nearest estimator
    penalized = {pen.estimator: (pen.coef, pen.intercept)} if pen.exact else {
        name: (v["coef"], v["intercept"]) for name, v in pen.nearest.items()
    }
    point = ("MAP", "find_MAP raw") if fit.prior.has_mode else ("MAP",)
    for column in ("coefficient", *penalized, *point, "mean", "median", "sd", f"{pct} HDI low", f"{pct} HDI high", "P(>0)"):
        table.add_column(column, justify="left" if column == "coefficient" else "right")
    for i, (name, row) in enumerate(fit.coefficients.iterrows()):
        twins = [coef[i] if i < len(coef) else intercept for coef, intercept in penalized.values()]
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
    lines.append(f"prior: {fit.prior.name}({params}); hyperparameters from {hyper['source']}")
    if "alpha" in hyper:
        sigma = hyper["sigma_for_conversion"]
        lines.append(
            f"conversion: {hyper['conversion']}; alpha = {_number(hyper['alpha'])} at sigma = {_number(sigma)}"
            + (f" ({hyper['sigma_plugin']['method']})" if "sigma_plugin" in hyper else " (fixed)")
        )
    if fit.sigma["mode"] == "estimated" and fit.sigma["value"] is not None:
        lines.append(
            f"sigma estimated ({fit.sigma['prior']} prior): MAP sigma = {_number(fit.sigma['value'])}, "
            f"alpha at MAP sigma = {_number(hyper.get('alpha_at_map_sigma'))} (the identity holds here)"
        )
    mode = fit.mode
    if mode.status == "degenerate":
        lines.append(f"MAP: {mode.message}")
    else:
        cert = mode.certificate
        lines.append(f"MAP: {mode.status}; {mode.message}; certificate: {cert['kind']} {cert['value']:.1e}")
    if fit.agreement:
        a = fit.agreement
        lines.append(
            f"MAP vs {fit.penalized.estimator}: max |diff| {a['max_abs_diff']:.1e} (relative {a['max_rel_diff']:.1e}); "
            f"find_MAP raw was {a['raw_max_abs_diff']:.1e} away; same zeros: {a['same_zero_pattern']}"
        )
    elif not fit.penalized.exact:
        others = ", ".join(fit.penalized.nearest)
        lines.append(f"no penalized estimator is this prior's mode; shown for reference: {others}")
    d = fit.diagnostics
    rhat = "—" if d["max_rhat"] is None else f"{d['max_rhat']:.3f}"
    lines.append(
        f"NUTS: max R-hat {rhat}, min ESS bulk {d['min_ess_bulk']:.0f}, "
        f"tail {d['min_ess_tail']:.0f}, divergences {d['divergences']}"
    )
    if fit.exact_posterior:
        e = fit.exact_posterior
        lines.append(
            f"vs closed-form posterior: max |mean diff| / sd {e['max_abs_z_mean']:.3f}, "
            f"max |sd ratio - 1| {e['max_rel_sd']:.3f}, max |mean diff| / MCSE {e['max_abs_mcse_z']:.2f}"
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
        f"[bold]{escape(data['name'])}[/]: n = {data['n']}, p = {data['p']}, "
        f"{'standardized' if data['standardized'] else 'unstandardized'} X, "
        f"{'with' if data['intercept'] else 'no'} intercept; coefficients on the model scale"
    )
    for fit in comparison.fits:
        console.print()
        console.print(Group(fit_table(fit, comparison.settings.hdi_prob), fit_notes(fit)))
    failed = comparison.checks()
    console.print()
    if failed:
        console.print("[bold red]checks failed:[/]\n  " + "\n  ".join(failed))
    else:
        console.print("[bold green]all checks passed[/]")
