"""Fitted lines and residuals of one or several comparisons on the same rows: the data against one
feature with each fit's posterior mean of E[y | x] (the other features at their column means) and
its equal-tailed credible band, and beside it the residuals y - E[y | x] of every row. Comparisons
that differ only in their likelihood (Gaussian, Laplace, Student-t) show how far gross outliers
pull each line: least squares follows them, the median and the Student-t line do not."""

from __future__ import annotations

from .common import band, grid, line, scatter

GRID_POINTS = 101


def plot_fitted(results, X=None, y=None, *, feature: str | None = None, prior: str | None = None, prob: float = 0.9,
                highlight=None):
    """``results``: a :class:`~priorfit.results.comparison.Comparison`, or a mapping ``label ->
    Comparison`` fitted to the rows ``X`` (original scale, as :meth:`Comparison.predict` takes
    them) and ``y``; a comparison's label defaults to its likelihood. Without ``X`` and ``y`` the
    rows are read again from the data set the first comparison names (a bundled set, a synthetic
    spec, a file), and ``highlight`` defaults to the outliers its truth records. ``feature``: the column along
    which the lines are drawn (default: the first), with the truth of synthetic data; ``prior``: the prior whose fit is shown
    (default: each comparison's first); ``prob``: the level of the credible band; ``highlight``:
    row indices drawn apart (e.g. ``Dataset.truth["outlier_rows"]``).

    ``pc.data`` holds ``fitted`` (the posterior mean of E[y | x]) over ``fit`` and ``value`` (the
    grid of the feature) and ``residual`` over ``fit`` and ``row``; ``pc.viz["line"]``,
    ``pc.viz["band"]`` and ``pc.viz["points"]`` the artists of each fit by ``fit``,
    ``pc.viz["rows"]`` and ``pc.viz["highlight"]`` the data points."""
    import numpy as np
    import pandas as pd
    import xarray as xr

    from priorfit.errors import InputError
    from priorfit.data.new_rows import rows_in

    fits = dict(results) if isinstance(results, dict) else {results.settings.likelihood: results}
    if not fits:
        raise InputError("The fitted plot needs at least one comparison.")
    first = next(iter(fits.values()))
    features = list(first.data.features)
    feature = features[0] if feature is None else feature
    if feature not in features:
        raise InputError(f"Feature {feature!r} is not a column of these fits; they have: {', '.join(features)}.")
    if (X is None) != (y is None):
        raise InputError("Give both X and y, or neither (the rows are then read again from the data set the fits name).")
    if X is None:
        X, y, highlight = _rows_of(first, highlight)
    rows = rows_in(first.data.features, first.data.target, X, "X", first.data.formula_spec)
    y = np.asarray(y, dtype=float)
    if y.shape != (len(rows),):
        raise InputError(f"y has shape {'x'.join(map(str, y.shape)) or 'scalar'} but X has {len(rows)} rows; give one y per row.")
    j = features.index(feature)
    values = np.linspace(rows[:, j].min(), rows[:, j].max(), GRID_POINTS)
    along = np.tile(rows.mean(axis=0), (GRID_POINTS, 1))
    along[:, j] = values
    lines, residuals = [], []
    for label, comparison in fits.items():
        if list(comparison.data.features) != features:
            raise InputError(f"The {label} comparison has other features than the first; compare fits of the same rows.")
        name = prior or comparison.fits[0].prior.name
        curve = _of(comparison.predict(pd.DataFrame(along, columns=features), prob=prob), name)
        lines.append(curve[["mean", "mean_low", "mean_high"]].to_numpy().T)
        residuals.append(y - _of(comparison.predict(pd.DataFrame(rows, columns=features), prob=prob), name)["mean"].to_numpy())
    lines = np.array(lines)
    labels = list(fits)
    data = xr.Dataset(
        {"mean": (("fit", "value"), lines[:, 0]), "mean_low": (("fit", "value"), lines[:, 1]),
         "mean_high": (("fit", "value"), lines[:, 2]), "residual": (("fit", "row"), np.array(residuals))},
        coords={"fit": labels, "value": values, "row": np.arange(len(y))}, attrs={"feature": feature, "prob": prob},
    )
    marked = np.zeros(len(y), dtype=bool)
    if highlight is not None:
        marked[np.asarray(highlight, dtype=int)] = True
    x = xr.DataArray(rows[:, j], dims="row")
    panels = xr.Dataset({"fitted": data["mean"], "residual": data["residual"]})
    pc = grid(panels, ["__variable__"], figsize=(11, 4.2), col_wrap=2, aes={"color": ["fit"]},
              color=[f"C{k % 10}" for k in range(len(labels))])
    observed = xr.Dataset({"fitted": ("row", y)}, coords={"row": data["row"]})
    pc.map(scatter, "rows", data=observed.isel(row=~marked), x=x.isel(row=~marked), ignore_aes="all", s=12, color="0.65",
           label="rows")
    if marked.any():
        pc.map(scatter, "highlight", data=observed.isel(row=marked), x=x.isel(row=marked), ignore_aes="all", s=24,
               color="black", marker="^", label="outliers")
    pc.map(band, "band", data=data[["mean_low"]].rename(mean_low="fitted"), top=data["mean_high"], alpha=0.2, linewidth=0)
    pc.map(line, "line", data=data[["mean"]].rename(mean="fitted"), linewidth=2)
    pc.map(scatter, "points", data=data[["residual"]], x=x, s=10, alpha=0.7)
    fitted, residual = pc.get_target("fitted", {}), pc.get_target("residual", {})
    truth = first.data.truth
    if truth:  # synthetic data: the line the clean rows were drawn around
        w = np.array([truth["coefficients"][f] for f in features])
        fitted.plot(values, along @ w + truth.get("intercept", 0.0), color="black", linestyle="-.", linewidth=1,
                    label="truth")
    residual.axhline(0.0, color="0.3", linewidth=0.8)
    others = "" if len(features) == 1 else ", the other features at their means"
    fitted.set(xlabel=feature, ylabel="y", title=f"posterior mean of E[y | x] and its {100 * prob:g}% credible band{others}")
    residual.set(xlabel=feature, ylabel="y − E[y | x]", title="residuals at the posterior mean")
    for ax in (fitted, residual):
        ax.title.set_fontsize(10)
    handles = list(fitted.get_legend_handles_labels()[0])
    from matplotlib.lines import Line2D

    handles += [Line2D([], [], color=f"C{k % 10}", linewidth=2, label=label) for k, label in enumerate(labels)]
    fitted.legend(handles=handles, frameon=False, fontsize=9)
    return pc


def _rows_of(comparison, highlight):
    """The rows of the data set ``comparison`` was fitted to, read again from its source."""
    from priorfit.data import intake, sources
    from priorfit.errors import InputError

    name, settings = comparison.data.name, comparison.settings
    own = settings.formula is not None or name in sources.BUNDLED  # the target is the formula's, or the data set's own
    try:  # through the formula, if there was one, and with the rows dropped as they were
        dataset, _ = intake.dataset(name, target=None if own else comparison.data.target, formula=settings.formula,
                                    missing=settings.missing)
    except InputError:
        raise InputError(f"The rows of {name!r} cannot be read again from a data set of that name; give X and y.") from None
    if highlight is None and dataset.truth:
        highlight = dataset.truth.get("outlier_rows")
    return dataset.X, dataset.y, highlight


def _of(frame, prior: str):
    from priorfit.errors import InputError

    chosen = frame[frame["prior"] == prior]
    if chosen.empty:
        raise InputError(f"Prior {prior!r} was not fitted in this comparison; fitted are: {', '.join(frame['prior'].unique())}.")
    return chosen
