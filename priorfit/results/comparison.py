"""All fits of one data set: the result object that :func:`priorfit.compare` returns, with its
tables, checks, plots, notebook view, JSON and files."""

from __future__ import annotations

import json
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from priorfit.diagnostics.shrinkage import LooRank
from priorfit.penalized.fits import Estimate
from priorfit.results import files
from priorfit.results.records import DataInfo, Fit
from priorfit.results.schema import dump, plain, restore, stored, versions
from priorfit.settings import Settings


def _ols_block(ols: Estimate | None) -> dict | None:
    return None if ols is None else {"coef": ols.coef, "intercept": ols.intercept}


def _ols(block: dict | None, _) -> Estimate | None:
    return None if block is None else Estimate(np.asarray(block["coef"], dtype=float), block["intercept"], {})


def _fits(blocks: list[dict], context) -> list[Fit]:
    return [restore(Fit, block, tree=context.trees(block["prior"]["family"])) for block in blocks]


@dataclass(kw_only=True)
class Comparison:
    """All fits of one data set. ``table(prior)`` is a pandas view; ``to_json()`` the summary.

    Built by keyword; saved by :meth:`save` and read back by :func:`priorfit.results.load`."""

    data: DataInfo
    # penalized.Estimate of the unpenalized least-squares fit (model scale)
    ols: Estimate | None = field(default=None, metadata=stored(dump=_ols_block, load=_ols))
    settings: Settings = field(metadata=stored(dump=Settings.as_dict, load=lambda values, _: Settings(**values)))
    fits: list[Fit] = field(metadata=stored(dump=lambda fits: [f.to_dict() for f in fits], load=_fits))
    # arviz-stats' compare across the priors (PSIS-LOO), best first, beside the twins' CV scores
    loo_compare: list[LooRank] = field(default_factory=list)

    def fit(self, prior: str) -> Fit:
        for fit in self.fits:
            if fit.prior.name == prior:
                return fit
        raise KeyError(f"no fit for prior {prior!r}; fitted: {[f.prior.name for f in self.fits]}")

    def table(self, prior: str | None = None) -> pd.DataFrame:
        """Coefficient table of one prior, or of all with a ``prior`` index level."""
        if prior is not None:
            return self.fit(prior).coefficients
        return pd.concat({f.prior.name: f.coefficients for f in self.fits}, names=["prior", "name"])

    def shrinkage_table(self) -> pd.DataFrame:
        """How much each prior shrinks, one row per prior: the penalized twin's effective number of
        parameters, the posterior's p_loo and m_eff (horseshoe family), and the log predictive
        density per row by PSIS-LOO and by the twin's K-fold cross-validation."""
        rows = {}
        for fit in self.fits:
            s = fit.shrinkage
            if s is None:
                continue
            rows[fit.prior.name] = {
                "penalized dof": s.penalized_dof, "p_loo": s.p_loo, "m_eff": s.m_eff,
                "LOO elpd / row": None if s.elpd_loo is None else s.elpd_loo / s.n,
                "twin CV log score / row": None if s.cv_log_score is None else s.cv_log_score / s.n,
            }
        return pd.DataFrame.from_dict(rows, orient="index", dtype=float)

    def holdout_table(self) -> pd.DataFrame | None:
        """The held-out evaluation (``holdout=`` or ``test=``), one row per prior: coverage and mean
        width of the 50% and 90% posterior predictive and conformal intervals, the log predictive
        density per row and RMSE (Brier score and log loss for a 0/1 target); None without one
        (:mod:`priorfit.results.holdout`)."""
        from priorfit.results.holdout import table

        return table(self)

    def shrinkage_factors(self) -> pd.DataFrame | None:
        """Per coefficient and prior: posterior mean / OLS and penalized / OLS, where least squares
        is the likelihood's own unpenalized fit (a likelihood written through X'X, X'y and y'y: the
        Gaussian); None otherwise."""
        from priorfit.models import likelihoods

        if self.ols is None or not likelihoods.get(self.settings.likelihood).sufficient:
            return None
        ols = pd.Series(self.ols.coef, index=list(self.data.features))
        columns = {}
        for fit in self.fits:
            table = fit.coefficients.loc[list(self.data.features)]
            columns[(fit.prior.name, "mean / OLS")] = table["mean"] / ols
            if fit.penalized.exact:
                columns[(fit.prior.name, "penalized / OLS")] = table["penalized"] / ols
        return pd.DataFrame(columns)

    def predict(self, X_new, prob=0.9, *, seed: int | None = None) -> pd.DataFrame:
        """Predictions for new rows ``X_new`` (original scale of X: a DataFrame with the training
        features in any order, or an array of them in training order), one row per (prior, new
        row): ``prior, row, mean, mean_low, mean_high, pred_low, pred_high, twin, conformal_low,
        conformal_high`` (:mod:`priorfit.results.predictions`). ``prob``: the level of the
        equal-tailed intervals, one or several (then the interval columns end in the level in
        percent: ``pred_low_90``); ``seed``: of the posterior predictive draws (default: the
        comparison's)."""
        from priorfit.results.predictions import predict

        return predict(self, X_new, prob, seed=seed)

    @property
    def idata(self) -> dict:
        """The results of each prior as an ``xarray.DataTree``, by prior name."""
        return {f.prior.name: f.tree for f in self.fits}

    def checks(self) -> list[str]:
        return [failure for fit in self.fits for failure in fit.checks()]

    def truth_model_scale(self) -> np.ndarray | None:
        """The generating coefficients of synthetic data on the model's scale, or None."""
        if not self.data.truth:
            return None
        original = np.array([self.data.truth["coefficients"][f] for f in self.data.features])
        return original * np.asarray(self.data.x_scale)

    def plot(self, kind: str = "forest", prior=None):
        """Draw one plot (``priorfit.plots.KINDS``) of one prior (default: the first), or for
        ``forest_all`` and ``shrinkage`` of the priors named (default: all). Returns an
        arviz-plots ``PlotCollection``: ``.savefig(path)`` writes it, ``.get_viz("figure")`` is
        the matplotlib figure, ``.viz`` holds the artists and ``.data`` the data drawn."""
        from priorfit.plots import draw

        return draw(self, kind, prior)

    def explore(self):
        """The penalty dial (:mod:`priorfit.report.explorer`): in Jupyter, sliders over the penalty
        and the rows seen that move the prior, likelihood and posterior of a chosen coefficient,
        and its path; ``.save(path)`` writes it as one self-contained page."""
        from priorfit.report.explorer import Explorer

        return Explorer(self)

    def _repr_html_(self) -> str:
        """Jupyter shows each prior's checks and side-by-side table."""
        from priorfit.report.html import notebook

        return notebook(self)

    def to_dict(self) -> dict:
        """The summary: the fields (:mod:`priorfit.results.schema`), with the versions that decide the
        numbers before them and the checks after them (both derived, so never read back)."""
        from priorfit.version import __version__

        failed = self.checks()
        return {"priorfit_version": __version__, "versions": versions(), **dump(self),
                "checks": {"passed": not failed, "failed": failed}}

    @classmethod
    def from_dict(cls, summary: dict, trees) -> Comparison:
        """The comparison that :meth:`to_dict` describes; ``trees(prior)`` gives each fit's DataTree."""
        comparison = restore(cls, summary, trees=trees)
        for fit in comparison.fits:  # the likelihood's settings are saved once, in the settings block
            fit.likelihood_options = comparison.settings.likelihood_options
        return comparison

    def to_json(self, **kwargs) -> str:
        """The summary as JSON; the same seed gives the same text."""
        return json.dumps(plain(self.to_dict()), indent=kwargs.pop("indent", 2), **kwargs)

    def save(self, out, *, force: bool = False, plots: bool = True, extra: dict | None = None):
        """Write summary.json, coefficients.csv, one netCDF DataTree per prior and (unless
        ``plots`` is False) the plots as PNG in ``plots/`` to ``out``, atomically; ``extra``: more
        files, ``name -> write(path)`` (a declaration's ``predictions.csv``)."""
        return files.write(self, out, force=force, plots=plots, extra=extra)
