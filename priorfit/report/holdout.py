"""The held-out evaluation for people (terminal, HTML, Markdown): what the held-out rows are, and one
row per prior with the coverage and mean width of each interval kind at each level, the held-out log
predictive density per row and the error."""

from __future__ import annotations

from .lines import number


def _kinds(comparison) -> list[tuple[str, float]]:
    """The (interval kind, level) pairs scored in any fit, in the order the fits list them."""
    out = []
    for fit in comparison.fits:
        for score in fit.holdout.intervals if fit.holdout is not None else ():
            if (score.kind, score.prob) not in out:
                out.append((score.kind, score.prob))
    return out


def holdout_lines(comparison) -> list[str]:
    """What the held-out rows are, where the conformal calibration rows came from, and what the
    coverage promises; empty without a held-out evaluation."""
    scored = [fit for fit in comparison.fits if fit.holdout is not None]
    if not scored:
        return []
    h = scored[0].holdout
    calibration = sorted({fit.holdout.calibration_rows for fit in scored if fit.holdout.calibration_rows is not None})
    lines = [f"held-out rows: {h.source}; every prior and its twin were fitted on the other {h.training_rows} rows"]
    if calibration:
        lines.append(f"the conformal intervals' {', '.join(map(str, calibration))} calibration rows came out of those "
                     "training rows, never the held-out ones")
    lines.append("coverage is the share of held-out rows inside the interval: marginal, averaged over the rows, "
                 "not a promise for each region of x; predictive: the equal-tailed posterior predictive interval, "
                 "conformal: split conformal around the twin")
    return lines


def holdout_rows(comparison) -> tuple[list[str], list[list[str]]]:
    """The held-out table: header and rows of formatted cells (no rows without an evaluation)."""
    scored = [fit for fit in comparison.fits if fit.holdout is not None]
    if not scored:
        return [], []
    kinds = _kinds(comparison)
    binary = any(fit.holdout.brier is not None for fit in scored)
    header = ["prior"]
    for kind, prob in kinds:
        label = kind.split()[-1]  # "posterior predictive" -> "predictive": the table is narrow enough for a terminal
        header += [f"{label} {prob:.0%} coverage", f"{label} {prob:.0%} width"]
    header += ["lpd / row"] + (["Brier", "log loss"] if binary else ["RMSE"])
    rows = []
    for fit in scored:
        h, cells = fit.holdout, [fit.prior.name]
        for kind, prob in kinds:
            score = h.interval(kind, prob)
            cells += ["—", "—"] if score is None else [f"{score.coverage:.3f}", number(score.mean_width)]
        cells += [number(h.lpd)] + ([number(h.brier), number(h.log_loss)] if binary else [number(h.rmse)])
        rows.append(cells)
    return header, rows
