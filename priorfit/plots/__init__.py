"""Plots of a comparison, one module per plot; each returns a matplotlib figure.

``draw(comparison, kind, prior=None)`` draws one; :func:`write_all` writes every plot that
applies as PNG into a folder. The point estimates are drawn with one style everywhere
(:data:`STYLES`): the polished MAP, the penalized twin, OLS and (synthetic data) the truth.
Posterior intervals and densities come from arviz-plots; tests check the data behind each
artist, not pixels.
"""

from __future__ import annotations

from pathlib import Path

# the MAP is a hollow diamond so that the penalized twin's cross shows inside it where they coincide
STYLES = {
    "map": {"color": "C3", "marker": "D", "label": "MAP (polished)", "hollow": True, "size": 70},
    "penalized": {"color": "black", "marker": "x", "label": "penalized twin", "hollow": False, "size": 40},
    "ols": {"color": "0.55", "marker": "|", "label": "OLS", "hollow": False, "size": 90},
    "truth": {"color": "C2", "marker": "*", "label": "truth", "hollow": False, "size": 90},
}
LINESTYLES = {"map": "-", "penalized": "--", "ols": ":", "truth": "-."}


def marker_kwargs(kind: str) -> dict:
    """Keyword arguments of arviz-plots' scatter for one point estimate."""
    style = STYLES[kind]
    out = {"color": style["color"], "marker": style["marker"], "size": style["size"]}
    if style["hollow"]:
        out.update(facecolor="none", edgecolor=style["color"], width=1.5)
    return out

KINDS = ("forest", "forest_all", "density", "shrinkage", "identity", "scales")


def draw(comparison, kind: str, prior: str | None = None):
    """The figure of one plot ``kind``; per-prior kinds take ``prior`` (default: the first)."""
    from priorfit.errors import InputError

    if kind not in KINDS:
        raise InputError(f"Plot kind {kind!r} is not known; allowed are: {', '.join(KINDS)}.")
    from . import density, forest, identity, scales, shrinkage

    if kind == "forest_all":
        return figure_of(forest.draw_all(comparison))
    if kind == "shrinkage":
        return shrinkage.draw(comparison)
    fit = comparison.fit(prior) if prior is not None else comparison.fits[0]
    if kind == "scales":
        if "prior" not in fit.tree.children:
            raise InputError(f"The {fit.prior.name} prior has no random scales to plot; the horseshoe has.")
        return scales.draw(comparison, fit)
    if kind == "identity":
        if fit.identity is None:
            raise InputError(f"The {fit.prior.name} prior has no identity profile: it needs an exact penalized twin and a mode.")
        return identity.draw(comparison, fit)
    return figure_of({"forest": forest.draw, "density": density.draw}[kind](comparison, fit))


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
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for kind, prior, name in planned(comparison):
        figure = draw(comparison, kind, prior)
        figure.savefig(folder / name, dpi=110, bbox_inches="tight")
        plt.close(figure)
        written.append(folder / name)
    return written


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


def figure_of(plot_collection):
    return plot_collection.viz["figure"].item()
