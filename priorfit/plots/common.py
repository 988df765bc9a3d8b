"""What every plot shares: the styles of the point estimates, the choice of the fits a plot shows,
the grid of panels, legends and titles, the point estimates as data, and the small drawing
functions that ``PlotCollection.map`` calls."""

from __future__ import annotations

# the MAP is a hollow diamond so that the penalized twin's cross shows inside it where they coincide
STYLES = {
    "map": {"color": "C3", "marker": "D", "label": "MAP (polished)", "hollow": True, "size": 70},
    "penalized": {"color": "black", "marker": "x", "label": "penalized twin", "hollow": False, "size": 40},
    "ols": {"color": "0.55", "marker": "|", "label": "OLS", "hollow": False, "size": 90},
    "truth": {"color": "C2", "marker": "*", "label": "truth", "hollow": False, "size": 90},
}


LINESTYLES = {"map": "-", "penalized": "--", "ols": ":", "truth": "-."}


def one_fit(comparison, prior: str | None, kind: str):
    """The fit of a per-prior plot ``kind``: ``prior``'s, or the first fitted."""
    if prior is None:
        return comparison.fits[0]
    fits = fits_of(comparison, prior)
    if len(fits) != 1:
        from priorfit.errors import InputError

        names = ", ".join(fit.prior.name for fit in fits)
        raise InputError(f"The {kind} plot shows one prior; {names} were given.")
    return fits[0]


def fits_of(comparison, prior) -> list:
    """The fits of a plot across priors: every one (``prior`` None), or those named (one name,
    a comma-separated list or a sequence of names), in the order given."""
    from priorfit.errors import InputError

    if prior is None:
        return list(comparison.fits)
    names = [p.strip() for p in prior.split(",")] if isinstance(prior, str) else list(prior)
    fitted = {fit.prior.name: fit for fit in comparison.fits}
    for name in names:
        if name not in fitted:
            raise InputError(f"Prior {name!r} was not fitted in this comparison; fitted are: {', '.join(fitted)}.")
    return [fitted[name] for name in names]


def grid(data, cols=(), *, figsize, col_wrap: int = 4, **kwargs):
    """An empty ``PlotCollection`` of ``data``, one panel per value of ``cols`` (matplotlib,
    constrained layout); ``kwargs`` map aesthetics, as in ``PlotCollection.wrap``."""
    from arviz_plots import PlotCollection

    return PlotCollection.wrap(data, cols=list(cols), col_wrap=col_wrap, backend="matplotlib",
                               figure_kwargs={"figsize": figsize, "layout": "constrained"}, **kwargs)


def figure_of(plot_collection):
    """The matplotlib figure of a ``PlotCollection``."""
    return plot_collection.get_viz("figure")


def marker_kwargs(kind: str) -> dict:
    """Keyword arguments of arviz-plots' scatter for one point estimate."""
    style = STYLES[kind]
    out = {"color": style["color"], "marker": style["marker"], "size": style["size"]}
    if style["hollow"]:
        out.update(facecolor="none", edgecolor=style["color"], width=1.5)
    return out


def legend(figure, kinds, lines: dict | None = None, *, as_lines: bool = False, fit=None) -> None:
    """One legend for the point estimates shown, as markers or (``as_lines``) vertical-line
    styles, and for coloured lines given by label. With ``fit``, the penalized entry names
    its estimator (and says "nearest" for a prior without a twin)."""
    from matplotlib.lines import Line2D

    handles = []
    for kind in kinds:
        style = dict(STYLES[kind])
        if kind == "penalized" and fit is not None:
            style["label"] = fit.twin_label(shown=True)
        if as_lines:
            handles.append(Line2D([], [], linestyle=LINESTYLES[kind], color=style["color"], label=style["label"]))
            continue
        face = "none" if style["hollow"] else style["color"]
        handles.append(Line2D([], [], linestyle="", markersize=8, marker=style["marker"], color=style["color"],
                              markerfacecolor=face, label=style["label"]))
    handles += [Line2D([], [], color=color, label=label) for label, color in (lines or {}).items()]
    figure.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=len(handles), frameon=False)


def title(figure, text: str) -> None:
    """A title above the legend (which sits just above the axes)."""
    figure.suptitle(text, y=1.06, va="bottom", fontsize=12, fontweight="bold")


def labeller():
    """Coefficient labels without the variable name (every plot shows ``coef`` only)."""
    from arviz_base.labels import NoVarLabeller

    return NoVarLabeller()


def points(comparison, fit, kind: str):
    """The coefficients (model scale) of one point estimate as an ``xarray.Dataset`` named
    ``coef`` over ``feature``, or None where it does not exist."""
    import numpy as np
    import xarray as xr

    features = list(comparison.data.features)
    if kind == "map":
        values = fit.mode.point.get("coef") if fit.mode.point else None
    elif kind == "penalized":
        values = fit.penalized.coef
    elif kind == "ols":
        values = comparison.ols.coef
    else:
        values = comparison.truth_model_scale()
    if values is None:
        return None
    return xr.Dataset({"coef": ("feature", np.asarray(values, dtype=float))}, coords={"feature": features})


def line(da, target, **kwargs):
    """``da`` against the coordinate of its one dimension."""
    return target.plot(da[da.dims[0]].values, da.values, **kwargs)[0]


def scatter(da, target, *, x, **kwargs):
    """``da`` (y) against ``x``, point by point."""
    return target.scatter(x.values, da.values, **kwargs)


def band(da, target, *, top, **kwargs):
    """The band from ``da`` up to ``top`` over the coordinate of their one dimension."""
    return target.fill_between(da[da.dims[0]].values, da.values, top.values, **kwargs)


def vline(da, target, **kwargs):
    return target.axvline(da.item(), **kwargs)
