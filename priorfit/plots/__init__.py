"""Plots of a comparison: one module per plot, one signature, one return type.

Every plot is ``plot_<kind>(comparison, prior=None)`` in ``plots/<kind>.py`` and returns an
arviz-plots ``PlotCollection``, as arviz-plots' own ``plot_*`` functions do: ``pc.data`` holds
the data drawn, ``pc.viz[visual]`` the artists by visual name (over ``feature``, ``prior``, ...),
``pc.savefig(path)`` writes the file and ``pc.get_viz("figure")`` is the matplotlib figure.
``prior`` names the prior of a per-prior plot (default: the first fitted); a plot across priors
(``forest_all``, ``shrinkage``, ``coverage``) takes one name or several (default: all). The regularization path
(``plots/path.py``) and the calibration's rank histograms (``plots/ranks.py``) take their own
result in place of the comparison; ``priorfit rows``' result is drawn by ``plots.rows.draw_rows``.

``draw(comparison, kind, prior=None)`` draws one kind; :func:`write_all` writes every plot that
applies as PNG into a folder. The point estimates are drawn with one style everywhere
(:data:`STYLES`): the polished MAP, the penalized twin, OLS and (synthetic data) the truth.
Tests check the data behind each artist, not pixels.
"""

from __future__ import annotations

from importlib import import_module
from pathlib import Path

from .common import LINESTYLES, STYLES, figure_of, marker_kwargs  # noqa: F401 - the plots' public styles

KINDS = ("forest", "forest_all", "density", "shrinkage", "identity", "scales", "ppc", "prior_predictive", "coverage", "rows")
ACROSS_PRIORS = ("forest_all", "shrinkage", "coverage")  # the kinds whose ``prior`` selects several priors


def __getattr__(name: str):
    """``plots.plot_forest`` and the others, imported on first use."""
    kind = name.removeprefix("plot_")
    if name.startswith("plot_") and kind in (*KINDS, "path", "ranks", "fitted"):
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
    for kind, group in (("ppc", "posterior_predictive"), ("prior_predictive", "prior_predictive")):
        files += [(kind, fit.prior.name, f"{kind}_{fit.prior.name}.png") for fit in comparison.fits if group in fit.tree.children]
    files += [("rows", fit.prior.name, f"rows_{fit.prior.name}.png") for fit in comparison.fits
              if "dial" in fit.tree.children and "rows" in fit.tree["dial"].coords]
    if len(comparison.fits) > 1:
        files.append(("forest_all", None, "forest_all.png"))
    files.append(("shrinkage", None, "shrinkage.png"))
    if any(getattr(fit, "holdout", None) is not None for fit in comparison.fits):
        files.append(("coverage", None, "coverage.png"))
    return files


def write_all(comparison, folder: Path) -> list[Path]:
    """Write every plot as PNG into ``folder`` (created); returns the paths.

    Where a forked copy of this process is safe (:func:`priorfit.runtime.forked.split`), it draws
    every second plot while this one draws the rest (the default compare's 17 plots: 9 s of
    arviz-plots and matplotlib on one core); where the copy fails, this process draws its share."""
    from priorfit.runtime import forked

    folder.mkdir(parents=True, exist_ok=True)
    files = planned(comparison)

    def write(part):
        for kind, prior, name in part:
            write_png(draw(comparison, kind, prior), folder / name, bbox_inches="tight")

    forked.split(write, files, lambda part: all((folder / name).exists() for _, _, name in part))
    return [folder / name for _, _, name in files]


def write_png(plot_collection, path: Path, **kwargs) -> Path:
    """Save one plot as PNG (110 dpi, ``kwargs`` to matplotlib's ``savefig``) and close its figure."""
    import matplotlib

    matplotlib.use("Agg", force=False)
    import matplotlib.pyplot as plt

    plot_collection.savefig(path, **{"dpi": 110, **kwargs})
    plt.close(figure_of(plot_collection))
    return path


# visuals for PlotCollection.map: each draws one subset ``da`` on its panel ``target`` with
# matplotlib's own keywords and returns one artist (what ``pc.viz`` stores)


