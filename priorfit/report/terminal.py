"""The comparison as text for a terminal (rich tables)."""

from __future__ import annotations

from rich.console import Console, Group
from rich.markup import escape
from rich.table import Table
from rich.text import Text

from .lines import column_labels, columns, data_lines, data_sentence, fit_heading, fit_lines, loo_compare_rows, relevance_lines, shrinkage_rows
from .lines import number as _number
from .holdout import holdout_lines, holdout_rows


def fit_table(fit, hdi_prob: float, relevance: float | None = None) -> Table:
    """The coefficient table's columns in its order (the bootstrap's confidence interval beside the
    posterior's HDI, labelled as the other kind), except that a prior without a twin shows each
    nearest estimator, and a prior without a mode no raw find_MAP answer."""
    pen = fit.penalized
    table = Table(title=fit_heading(fit), title_justify="left", header_style="bold")
    labels = column_labels(fit, hdi_prob, relevance)
    shown = [c for c in columns(fit) if c != "map_raw" or fit.prior.has_mode]
    table.add_column("coefficient", justify="left")
    for column in shown:
        for label in (pen.estimates if column == "penalized" else [labels.get(column, column)]):
            table.add_column(label, justify="right")
    for i, (name, row) in enumerate(fit.coefficients.iterrows()):
        cells = [escape(str(name))]
        for column in shown:
            if column == "penalized":
                cells += [_number(e.coef[i] if i < len(e.coef) else e.intercept) for e in pen.estimates.values()]
            else:
                cells.append(f"{row[column]:.3f}" if column in ("p_positive", "p_relevant") and row[column] == row[column]
                             else _number(row[column]))
        table.add_row(*cells)
    return table


def fit_notes(fit) -> Text:
    return Text("\n".join(fit_lines(fit)), style="dim")


def _rows_table(header: list[str], rows: list[list[str]], title: str) -> Table:
    table = Table(*header, title=title, title_justify="left")
    for row in rows:
        table.add_row(*row)
    return table


def render(comparison, console: Console | None = None) -> None:
    # ten numeric columns need ~130 characters, the bootstrap's three ~35 more, the relevance column
    # ~20; a pipe or a narrow terminal gets that width
    boot = any(fit.bootstrap is not None for fit in comparison.fits)
    relevance = comparison.settings.relevance
    width = (168 if boot else 132) + (0 if relevance is None else 20)
    console = console or Console(width=max(Console().width, width))
    console.print(f"[bold]{escape(comparison.data.name)}[/]: {escape(data_sentence(comparison))}")
    for line in data_lines(comparison) + relevance_lines(comparison):
        console.print(escape(line))
    for fit in comparison.fits:
        console.print()
        console.print(Group(fit_table(fit, comparison.settings.hdi_prob, relevance), fit_notes(fit)))
    header, rows = shrinkage_rows(comparison)
    if rows:
        console.print()
        console.print(_rows_table(header, rows, "how much shrinkage"))
    header, rows = loo_compare_rows(comparison)
    if rows:
        console.print(_rows_table(header, rows, "priors compared by PSIS-LOO (arviz-stats compare), beside the twins' CV scores"))
    header, rows = holdout_rows(comparison)
    if rows:
        console.print()
        console.print(Group(_rows_table(header, rows, "held-out evaluation"), Text("\n".join(holdout_lines(comparison)), style="dim")))
    console.print()
    for fit in comparison.fits:
        for passed, text in fit.check_results():
            console.print(("[green]✓[/] " if passed else "[bold red]✗[/] ") + escape(text))
    failed = comparison.checks()
    if failed:
        console.print(f"[bold red]checks failed: {len(failed)}[/]")
    else:
        console.print("[bold green]all checks passed[/]")
