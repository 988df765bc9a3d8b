"""Plots of a comparison: one module per plot, one signature, one return type.

Every plot is ``plot_<kind>(comparison, prior=None)`` in ``plots/<kind>.py`` and returns an
arviz-plots ``PlotCollection``, as arviz-plots' own ``plot_*`` functions do: ``pc.data`` holds
the data drawn, ``pc.viz[visual]`` the artists by visual name (over ``feature``, ``prior``, ...),
``pc.savefig(path)`` writes the file and ``pc.get_viz("figure")`` is the matplotlib figure.
``prior`` names the prior of a per-prior plot (default: the first fitted); a plot across priors
(``forest_all``, ``shrinkage``) takes one name or several (default: all). The regularization path
(``plots/path.py``) and the calibration's rank histograms (``plots/ranks.py``) take their own
result in place of the comparison.

``draw(comparison, kind, prior=None)`` draws one kind; :func:`write_all` writes every plot that
applies as PNG into a folder. The point estimates are drawn with one style everywhere
(:data:`STYLES`): the polished MAP, the penalized twin, OLS and (synthetic data) the truth.
Tests check the data behind each artist, not pixels.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

# the MAP is a hollow diamond so that the penalized twin's cross shows inside it where they coincide
STYLES = {
    "map": {"color": "C3", "marker": "D", "label": "MAP (polished)", "hollow": True, "size": 70},
    "penalized": {"color": "black", "marker": "x", "label": "penalized twin", "hollow": False, "size": 40},
    "ols": {"color": "0.55", "marker": "|", "label": "OLS", "hollow": False, "size": 90},
    "truth": {"color": "C2", "marker": "*", "label": "truth", "hollow": False, "size": 90},
}
LINESTYLES = {"map": "-", "penalized": "--", "ols": ":", "truth": "-."}

KINDS = ("forest", "forest_all", "density", "shrinkage", "identity", "scales")
ACROSS_PRIORS = ("forest_all", "shrinkage")  # the kinds whose ``prior`` selects several priors


def __getattr__(name: str):
    """``plots.plot_forest`` and the others, imported on first use."""
    kind = name.removeprefix("plot_")
    if name.startswith("plot_") and kind in (*KINDS, "path", "ranks"):
        return getattr(import_module(f"{__name__}.{kind}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def draw(comparison, kind: str, prior=None):
    """The ``PlotCollection`` of one plot ``kind`` (:data:`KINDS`) of ``comparison``."""
    from priorfit.errors import InputError

    if kind not in KINDS:
        raise InputError(f"Plot kind {kind!r} is not known; allowed are: {', '.join(KINDS)}.")
    return getattr(import_module(f"{__name__}.{kind}"), f"plot_{kind}")(comparison, prior)


def planned(comparison) -> list[tuple[str, str | None, str]]:
    """``(kind, prior, file name)`` of every plot :func:`write_all` writes."""
    files = [("forest", fit.prior.name, f"forest_{fit.prior.name}.png") for fit in comparison.fits]
    files += [("density", fit.prior.name, f"density_{fit.prior.name}.png") for fit in comparison.fits]
    files += [("identity", fit.prior.name, f"identity_{fit.prior.name}.png") for fit in comparison.fits if fit.identity is not None]
    files += [("scales", fit.prior.name, f"scales_{fit.prior.name}.png") for fit in comparison.fits if "prior" in fit.tree.children]
    if len(comparison.fits) > 1:
        files.append(("forest_all", None, "forest_all.png"))
    files.append(("shrinkage", None, "shrinkage.png"))
    return files


def write_all(comparison, folder: Path) -> list[Path]:
    """Write every plot as PNG into ``folder`` (created); returns the paths."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, prior, name in planned(comparison):
        written.append(write_png(draw(comparison, kind, prior), folder / name, bbox_inches="tight"))
    return written


def write_png(plot_collection, path: Path, **kwargs) -> Path:
    """Save one plot as PNG (110 dpi, ``kwargs`` to matplotlib's ``savefig``) and close its figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plot_collection.savefig(path, **{"dpi": 110, **kwargs})
    plt.close(figure_of(plot_collection))
    return path


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


# visuals for PlotCollection.map: each draws one subset ``da`` on its panel ``target`` with
# matplotlib's own keywords and returns one artist (what ``pc.viz`` stores)


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
