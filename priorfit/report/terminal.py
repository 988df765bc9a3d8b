"""The comparison as text for a terminal (rich tables)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .lines import column_labels, data_lines, fit_lines, shrinkage_rows
from .lines import number as _number

BOOTSTRAP = ("boot_low", "boot_high", "boot_share_at_mu")


def fit_table(fit, hdi_prob: float) -> Table:
    pen = fit.penalized
    title = f"{fit.prior.name} prior  ↔  " + (pen.estimator if pen.exact else f"{', '.join(pen.estimates)} — nearest, not exact")
    table = Table(title=title, title_justify="left", header_style="bold")
    pct = f"{hdi_prob:.0%}"
    # an exact twin has one column; a prior without one shows each nearest estimator
    point = ("MAP", "find_MAP raw") if fit.prior.has_mode else ("MAP",)
    # the bootstrap's confidence interval beside the posterior's HDI, labelled as the other kind
    boot = BOOTSTRAP if fit.bootstrap is not None else ()
    labels = column_labels(fit, hdi_prob)
    for column in ("coefficient", *pen.estimates, *point, "mean", "median", "sd", f"{pct} HDI low", f"{pct} HDI high",
                   *(labels[c] for c in boot), "P(>0)"):
        table.add_column(column, justify="left" if column == "coefficient" else "right")
    for i, (name, row) in enumerate(fit.coefficients.iterrows()):
        twins = [e.coef[i] if i < len(e.coef) else e.intercept for e in pen.estimates.values()]
        table.add_row(
            escape(str(name)),
            *(_number(v) for v in twins),
            *(_number(row[c]) for c in ("map", "map_raw")[: len(point)]),
            *(_number(row[c]) for c in ("mean", "median", "sd", "hdi_low", "hdi_high", *boot)),
            f"{row['p_positive']:.3f}",
        )
    return table


def fit_notes(fit) -> Text:
    return Text("\n".join(fit_lines(fit)), style="dim")


def render(comparison, console: Console | None = None) -> None:
    # ten numeric columns need ~130 characters, the bootstrap's three ~35 more; a pipe or a narrow
    # terminal gets that width
    boot = any(fit.bootstrap is not None for fit in comparison.fits)
    console = console or Console(width=max(Console().width, 168 if boot else 132))
    data = comparison.data
    console.print(
        f"[bold]{escape(data.name)}[/]: n = {data.n}, p = {data.p}, {comparison.settings.likelihood} likelihood, "
        f"{'standardized' if data.standardized else 'unstandardized'} X, "
        f"{'with' if data.intercept else 'no'} intercept; coefficients on the model scale"
    )
    for line in data_lines(data):
        console.print(escape(line))
    for fit in comparison.fits:
        console.print()
        console.print(Group(fit_table(fit, comparison.settings.hdi_prob), fit_notes(fit)))
    header, rows = shrinkage_rows(comparison)
    if rows:
        table = Table(*header, title="how much shrinkage", title_justify="left")
        for row in rows:
            table.add_row(*row)
        console.print()
        console.print(table)
    console.print()
    for fit in comparison.fits:
        for passed, text in fit.check_results():
            console.print(("[green]✓[/] " if passed else "[bold red]✗[/] ") + escape(text))
    failed = comparison.checks()
    if failed:
        console.print(f"[bold red]checks failed: {len(failed)}[/]")
    else:
        console.print("[bold green]all checks passed[/]")
