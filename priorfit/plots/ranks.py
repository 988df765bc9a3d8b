"""Simulation-based calibration: one rank histogram per parameter, over the 99% band of the bin
counts a uniform rank distribution gives (a calibrated posterior's bars stay inside it)."""

from __future__ import annotations


def _bars(da, target, *, edges, **kwargs):
    """A histogram of ``da`` over ``edges``; its ``BarContainer`` (kept whole, as one visual)."""
    import numpy as np

    out = np.empty((), dtype=object)
    out[()] = target.hist(da.values, bins=edges, **kwargs)[2]
    return out


def _band(da, target, **kwargs):
    """A shaded band over the y interval ``da`` (low, high)."""
    return target.axhspan(*da.values, **kwargs)


def plot_ranks(calibration, prior: str | None = None):
    """A ``Calibration`` (``priorfit.calibrate``) of its one prior (``prior``, when given, must be
    it). ``pc.data`` holds the ``ranks`` over ``sim`` and ``parameter``; ``pc.viz["histogram"]``
    the bars (a ``BarContainer``) and ``pc.viz["uniform"]`` the band, by parameter."""
    import xarray as xr
    from scipy.stats import binom

    from priorfit.errors import InputError

    from .common import grid

    if prior is not None and prior != calibration.prior:
        raise InputError(f"This calibration is of the {calibration.prior} prior, not {prior!r}.")
    parameters = list(calibration.parameters)
    data = xr.Dataset({"ranks": (("sim", "parameter"), calibration.ranks)}, coords={"parameter": parameters})
    k = len(parameters)
    pc = grid(data, ["parameter"], figsize=(3.0 * k, 2.8), col_wrap=k)
    band = xr.DataArray(binom.ppf([0.005, 0.995], calibration.sims, 1.0 / calibration.bins), dims="bound")
    pc.map(_band, "uniform", data=xr.Dataset({"ranks": band.expand_dims(parameter=parameters)}), color="0.85", zorder=0)
    pc.map(_bars, "histogram", data=data, edges=calibration.edges, color="C0", edgecolor="white")
    for name, pvalue in zip(parameters, calibration.pvalues(), strict=True):
        ax = pc.get_target("ranks", {"parameter": name})
        ax.set_title(f"{name}  p = {pvalue:.2f}", fontsize=10)
        ax.set_xlabel("rank")
    pc.get_viz("figure").suptitle(
        f"SBC: {calibration.prior} prior, {calibration.likelihood} likelihood, {calibration.sims} simulations", fontweight="bold")
    return pc
