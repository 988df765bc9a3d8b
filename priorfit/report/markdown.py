"""report.md: the same content as report.html, with the plots linked from ``plots/``."""

from __future__ import annotations

from .holdout import holdout_lines, holdout_rows
from .lines import (
    LOO_COMPARE_NOTE,
    column_labels,
    columns,
    data_lines,
    data_sentence,
    fit_heading,
    fit_lines,
    loo_compare_rows,
    number,
    relevance_lines,
    run_sentence,
    sensitivity_rows,
    shrinkage_rows,
)


def _cells(header: list[str], rows: list[list[str]]) -> list[str]:
    if not rows:
        return []
    def cell(text: str) -> str:  # a pipe in a cell (arviz-stats' "|elpd_diff| < 4") would end it
        return text.replace("|", "\\|")

    return ["", "| " + " | ".join(header) + " |", "|---" * len(header) + "|",
            *("| " + " | ".join(cell(c) for c in row) + " |" for row in rows)]


def _checks(results) -> list[str]:
    return [("- ✓ " if passed else "- **✗ ") + text + ("" if passed else "**") for passed, text in results]


def render(comparison, images: list[str]) -> str:
    """The Markdown; ``images`` are the plot file names present in ``plots/``."""
    data, settings = comparison.data, comparison.settings
    lines = [
        f"# Regularization is a prior: {data.name}",
        "",
        f"{data_sentence(comparison)}. {run_sentence(comparison)}.",
        *data_lines(comparison),
        *relevance_lines(comparison),
        "",
        *_checks([check for fit in comparison.fits for check in fit.check_results()]),
        "",
    ]
    lines += [f"![{name}](plots/{name})" for name in ("forest_all.png", "shrinkage.png") if name in images]
    for fit in comparison.fits:
        lines += ["", f"## {fit_heading(fit)}", ""]
        lines += [f"- {line}" for line in fit_lines(fit)]
        names, shown = column_labels(fit, settings.hdi_prob, settings.relevance), columns(fit)
        cells = (names.get(c, c).replace("|", "\\|") for c in shown)  # P(|w| > C): a bare | would end the cell
        lines += ["", "| coefficient | " + " | ".join(cells) + " |", "|---" * (len(shown) + 1) + "|"]
        for name, row in fit.coefficients.iterrows():
            lines.append(f"| {name} | " + " | ".join(number(row[c]) for c in shown) + " |")
        lines += _cells(*sensitivity_rows(fit))
        lines.append("")
        lines += [f"![{kind}](plots/{kind}_{fit.prior.name}.png)" for kind in ("identity", "forest", "density", "rows", "scales",
                                                                             "ppc", "prior_predictive")
                  if f"{kind}_{fit.prior.name}.png" in images]
    header, rows = shrinkage_rows(comparison)
    if rows:
        lines += ["## How much shrinkage", "", "| " + " | ".join(header) + " |", "|---" * len(header) + "|"]
        lines += ["| " + " | ".join(row) + " |" for row in rows]
        lines.append("")
    ranked = loo_compare_rows(comparison)
    if ranked[1]:
        lines += [f"{LOO_COMPARE_NOTE}.", *_cells(*ranked), ""]
    header, rows = holdout_rows(comparison)
    if rows:
        lines += ["## Held-out evaluation", "", *(f"- {line}" for line in holdout_lines(comparison)), ""]
        lines += ["| " + " | ".join(header) + " |", "|---" * len(header) + "|", *("| " + " | ".join(row) + " |" for row in rows), ""]
        lines += ["![coverage](plots/coverage.png)", ""] if "coverage.png" in images else []
    return "\n".join(lines) + "\n"
