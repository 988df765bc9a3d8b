"""The Gaussian family: ``y ~ Normal(X w + c, sigma)``, through its sufficient statistics."""

from __future__ import annotations

from typing import Literal

import numpy as np

from priorfit.data.sufficient import SufficientStatistics
from priorfit.errors import InputError
from priorfit.models.likelihoods.base import Likelihood, PluginDispersion, fits_exactly
from priorfit.models.likelihoods.sigma import SigmaPrior


class Gaussian(Likelihood):
    """``y ~ Normal(X w + c, sigma)``; scikit-learn's squared-error estimators."""

    name = "gaussian"
    summary = "y ~ Normal(Xw + c, sigma); sufficient statistics X'X, X'y, y'y"
    has_dispersion = True
    sufficient = True

    def statistics(self, design) -> SufficientStatistics:
        """Sufficient statistics of ``design``, computed once per design
        (:meth:`priorfit.data.design.Design.sufficient`).

        With an intercept, X and y are centred first, so that the flat-prior intercept
        decouples from the coefficients.
        """
        return design.sufficient()

    def initial_intercept(self, design) -> float:
        # wide rows: their mean, without the p x p statistics
        return float(design.y.mean()) if design.wide else self.statistics(design).y_mean

    def exact_fit(self, design) -> bool:
        """Whether some coefficients (and intercept) fit every row exactly: always when the columns
        (centred, with an intercept) span the rows, as with p >= n - 1; else only for noise-free y.
        Computed once per design (every prior of a comparison asks)."""

        if design.has_rows:
            return fits_exactly(design)

        def compute():  # y'y - b'X'y cancels: rounding ~1e-16 relative, or worse
            stats = self.statistics(design)
            beta, *_ = np.linalg.lstsq(stats.gram, stats.xty, rcond=None)
            return max(stats.yty - beta @ stats.xty, 0.0) <= 1e-10 * stats.yty

        return design.memo("exact_fit", compute)

    def improper_reason(self, design, sigma_prior: SigmaPrior | None, scale_follows_sigma: bool) -> str | None:
        """Why the posterior of an estimated sigma would be improper, or None.

        With a sigma prior whose integral diverges at 0 (Jeffreys' 1/sigma) and a proper prior on
        the coefficients that does not scale with sigma, the marginal posterior of sigma behaves as
        ``sigma^(r - n - 1)`` near 0 (``r`` the rank of the centred columns, the flat intercept
        adding one power) wherever the data can be fitted exactly, and ``r <= n - 1`` makes that
        non-integrable. A prior scaled by sigma (Park & Casella, R2-D2) shrinks with sigma and
        keeps the posterior proper; a proper sigma prior (finite density at 0) does too.
        """
        if sigma_prior is None or not sigma_prior.improper_at_zero or scale_follows_sigma or not self.exact_fit(design):
            return None
        shape = (f"{design.p} features for {design.n} rows" + (" with an intercept" if design.intercept else "")
                 + (" (p >= n - 1)" if design.intercept else " (p >= n)"))
        if design.p < design.n - int(design.intercept):
            shape = f"y is fitted exactly by the {design.p} features (no noise left in {design.n} rows)"
        return (
            f"With sigma estimated under Jeffreys' prior p(sigma) ∝ 1/sigma the posterior is improper: {shape}, so "
            "the data can be fitted exactly and the density grows without bound as sigma -> 0; give a proper "
            "sigma prior (--sigma-prior halfnormal:S), fix sigma (--sigma VALUE), or scale the prior by sigma (--scale-by-sigma)."
        )

    def effect_scale(self, design) -> float:
        return float(design.y.std()) if design.has_rows else float(design.stats.y_sd)

    def plugin_dispersion(self, design) -> PluginDispersion:
        """The OLS residual sd, ``sqrt(RSS / (n - p - 1))`` (``n - p`` without intercept), when that
        has degrees of freedom left; otherwise the leave-one-out residual sd of RidgeCV."""
        from priorfit.penalized.twins import twin

        dof = design.n - design.p - int(design.intercept)
        if dof > 0:
            stats = self.statistics(design)
            beta, *_ = np.linalg.lstsq(stats.gram, stats.xty, rcond=None)
            rss = max(stats.yty - beta @ stats.xty, 0.0)
            return PluginDispersion(float(np.sqrt(rss / dof)), f"OLS residual sd (RSS / {dof} degrees of freedom)")
        if not design.has_rows:
            raise InputError(
                f"{design.dataset.name} has {design.n} rows for {design.p} columns: too few for an OLS noise sd, "
                "and the leave-one-out alternative needs the rows; give --sigma or fewer columns."
            )
        search = twin("normal", self.name).search(design.intercept, design.n)
        search.set_params(store_cv_results=True).fit(design.X, design.y)
        # leave-one-out squared errors at the chosen alpha: the in-sample residuals would be ~0
        best = int(np.flatnonzero(search.alphas == search.alpha_)[0])
        return PluginDispersion(
            float(np.sqrt(search.cv_results_[:, best].mean())), "RidgeCV leave-one-out residual sd (p >= n - 1: no OLS)"
        )

    def dispersion(self, fixed, prior, initval):
        import pymc as pm

        return pm.Data("sigma", float(fixed)) if fixed is not None else prior.build(initval=initval)

    def add(self, design, coef, intercept, sigma, *, form: Literal["sufficient", "rows"] = "sufficient"):
        import pymc as pm
        import pytensor.tensor as pt

        n = design.n
        if form == "rows":
            Xc = pm.Data("X_centred", design.X - design.x_mean)
            mean = Xc @ coef + (intercept if intercept is not None else 0.0)
            pm.Normal("y", mu=mean, sigma=sigma, observed=pm.Data("y_observed", design.y))
            return
        if form != "sufficient":
            raise InputError(f"Likelihood form {form!r} is not allowed; use 'sufficient' or 'rows'.")
        stats = self.statistics(design)
        gram = pm.Data("gram", stats.gram)
        xty = pm.Data("xty", stats.xty)
        yty = pm.Data("yty", stats.yty)
        # ||yc - Xc w||^2 + n (ybar - c)^2 = ||y - X w - c'||^2 with centred X and y
        rss = yty - 2.0 * pt.dot(coef, xty) + pt.dot(coef, pt.dot(gram, coef))
        if intercept is not None:
            rss = rss + n * (pm.Data("y_mean", stats.y_mean) - intercept) ** 2
        loglik = -n * pt.log(sigma) - 0.5 * n * np.log(2 * np.pi) - rss / (2.0 * sigma**2)
        pm.Potential("loglik", loglik)

    def quadratic(self, design, sigma):
        stats = self.statistics(design)
        return stats.gram / sigma**2, stats.xty / sigma**2

    def quadratic_rows(self, design, sigma):
        Xc = design.X - design.x_mean
        yc = design.y - (design.y.mean() if design.intercept else 0.0)
        return Xc / sigma, (Xc.T @ yc) / sigma**2

    def form_for(self, design) -> Literal["sufficient", "rows"]:
        """Through the rows on wide data (p > 2n: 2np a gradient against X'X's p^2), else through X'X."""
        return "rows" if design.wide else "sufficient"

    def data_values(self, design, form: str = "sufficient") -> dict:
        if form == "rows":
            return {"y_observed": design.y}
        stats = self.statistics(design)
        return {"xty": stats.xty, "yty": stats.yty} | ({"y_mean": stats.y_mean} if design.intercept else {})

    def mean(self, eta):
        return eta

    def simulate(self, eta, sigma, rng):
        return eta + sigma * rng.standard_normal(np.shape(eta))

    def variance(self, eta, sigma):
        return np.broadcast_to(np.square(sigma), np.shape(eta))

    def pointwise(self, eta, y, sigma):
        return -0.5 * np.log(2 * np.pi) - np.log(sigma) - 0.5 * ((y - eta) / sigma) ** 2

    def weights(self, eta, sigma):
        return np.full(np.shape(eta), 1.0 / sigma**2)
