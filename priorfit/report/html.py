"""report.html: one self-contained page (plots embedded as data URIs, no network): the data,
the conversions, one section per prior with its checks, table and plots."""

from __future__ import annotations

import base64
import html

from . import explorer
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

_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 1px solid #ddd; padding-bottom: .2em; margin-top: 2em; }
table { border-collapse: collapse; font-size: .85em; margin: 1em 0; }
th, td { padding: .25em .6em; text-align: right; border-bottom: 1px solid #eee; }
th:first-child, td:first-child { text-align: left; }
.failed { background: #fdecea; border-left: 5px solid #c62828; padding: .6em 1em; margin: 1em 0; }
.passed { background: #e8f5e9; border-left: 5px solid #2e7d32; padding: .6em 1em; margin: 1em 0; }
.facts { color: #444; font-size: .9em; } img { max-width: 100%; margin: .5em 0; }
code { background: #f4f4f4; padding: 0 .2em; }
"""


def _checks(passed_failed: list[tuple[bool, str]]) -> str:
    failed = [text for passed, text in passed_failed if not passed]
    passed = [text for ok, text in passed_failed if ok]
    out = ""
    if failed:
        out += '<div class="failed"><strong>Failed checks</strong><ul>' + "".join(f"<li>{html.escape(t)}</li>" for t in failed) + "</ul></div>"
    if passed:
        out += '<div class="passed"><strong>Passed</strong><ul>' + "".join(f"<li>{html.escape(t)}</li>" for t in passed) + "</ul></div>"
    return out


def _table(fit, hdi_prob: float, relevance: float | None = None) -> str:
    names, shown = column_labels(fit, hdi_prob, relevance), columns(fit)
    head = "<tr><th>coefficient</th>" + "".join(f"<th>{html.escape(names.get(c, c))}</th>" for c in shown) + "</tr>"
    rows = "".join(
        f"<tr><td>{html.escape(str(name))}</td>" + "".join(f"<td>{number(row[c])}</td>" for c in shown) + "</tr>"
        for name, row in fit.coefficients.iterrows()
    )
    return f"<table>{head}{rows}</table>"


def _cells(header: list[str], rows: list[list[str]], caption: str = "") -> str:
    """A table of formatted cells (empty without rows)."""
    if not rows:
        return ""
    head = "".join(f"<th>{html.escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    title = f"<caption>{html.escape(caption)}</caption>" if caption else ""
    return f"<table>{title}<thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _image(png: bytes | None, alt: str) -> str:
    if png is None:
        return ""
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def fits_fragment(comparison, images: dict[str, bytes] | None = None) -> str:
    """One section per prior: heading, checks, facts, table (and plots): the page's body, and
    what Jupyter shows for a result."""
    images = images or {}
    parts = []
    for fit in comparison.fits:
        parts += [
            f"<h2 id='{fit.prior.name}'>{html.escape(fit_heading(fit))}</h2>",
            _checks(fit.check_results()),
            "<ul class='facts'>" + "".join(f"<li>{html.escape(line)}</li>" for line in fit_lines(fit)) + "</ul>",
            _table(fit, comparison.settings.hdi_prob, comparison.settings.relevance),
            _cells(*sensitivity_rows(fit), "power-scaling sensitivity"),
        ]
        for kind in ("identity", "forest", "density", "rows", "scales", "ppc", "prior_predictive"):
            parts.append(_image(images.get(f"{kind}_{fit.prior.name}.png"), f"{kind} {fit.prior.name}"))
    return "\n".join(p for p in parts if p)


def notebook(comparison) -> str:
    """The result in Jupyter: the data line and every prior's checks and table."""
    head = f"<p><strong>{html.escape(comparison.data.name)}</strong>: {html.escape(data_sentence(comparison))}</p>"
    return f"<div class='priorfit'><style>{_scoped(_STYLE, '.priorfit')}</style>{head}{fits_fragment(comparison)}</div>"


def _scoped(css: str, scope: str) -> str:
    """``css`` with every selector limited to ``scope`` (a notebook page is shared)."""
    rules = []
    for line in filter(None, (line.strip() for line in css.splitlines())):
        for rule in filter(None, line.split("}")):
            selectors, _, body = rule.partition("{")
            scoped = ", ".join(scope if s.strip() == "body" else f"{scope} {s.strip()}" for s in selectors.split(","))
            rules.append(f"{scoped} {{{body}}}")
    return " ".join(rules)


def render(comparison, images: dict[str, bytes]) -> str:
    """The page; ``images`` maps plot file names (``forest_laplace.png``, ...) to PNG bytes."""
    data = comparison.data
    all_checks = [check for fit in comparison.fits for check in fit.check_results()]
    parts = [
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>",
        f"<title>priorfit: {html.escape(data.name)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>Regularization is a prior: {html.escape(data.name)}</h1>",
        f"<p>{html.escape(data_sentence(comparison))}. {html.escape(run_sentence(comparison))}.</p>",
        *(f"<p>{html.escape(line)}</p>" for line in data_lines(comparison) + relevance_lines(comparison)),
        _checks(all_checks),
        _image(images.get("forest_all.png"), "all priors"),
        _image(images.get("shrinkage.png"), "shrinkage"),
    ]
    parts.append(fits_fragment(comparison, images))
    parts.append(explorer.section(comparison))
    header, rows = shrinkage_rows(comparison)
    if rows:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        parts.append(f"<h2>How much shrinkage</h2><table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")
    ranked = loo_compare_rows(comparison)
    if ranked[1]:
        parts.append(f"<p>{html.escape(LOO_COMPARE_NOTE)}.</p>" + _cells(*ranked))
    header, rows = holdout_rows(comparison)
    if rows:
        cells = "".join(f"<th>{html.escape(h)}</th>" for h in header)
        body = "".join("<tr>" + "".join(f"<td>{html.escape(c)}</td>" for c in row) + "</tr>" for row in rows)
        notes = "".join(f"<li>{html.escape(line)}</li>" for line in holdout_lines(comparison))
        parts.append(f"<h2>Held-out evaluation</h2><ul class='facts'>{notes}</ul>"
                     f"<table><thead><tr>{cells}</tr></thead><tbody>{body}</tbody></table>")
        parts.append(_image(images.get("coverage.png"), "held-out coverage"))
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p)
