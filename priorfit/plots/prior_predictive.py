"""Prior predictive check: the replicated data sets of the fit's ``prior_predictive`` group (y from
coefficients drawn from the prior, the intercept at the link of the mean of y) against the observed
y: what the prior claims about the data before seeing them. Densities for a continuous y, empirical
CDFs for whole-number y (0/1, counts), where a prior's claims can reach far past the data."""

from __future__ import annotations

import warnings

from .common import figure_of, one_fit
from .ppc import NUM_SAMPLES, check_kind, predictive_tree


def plot_prior_predictive(comparison, prior: str | None = None):
    """One prior (default: the first). ``pc.data`` holds the prior predictive ``y``; ``pc.viz``
    its ``predictive_dist`` lines and the ``observed_dist`` of y."""
    import arviz_plots as azp

    fit = one_fit(comparison, prior, "prior_predictive")
    tree = predictive_tree(fit, "prior_predictive", "prior_predictive")
    group = tree["prior_predictive"]
    draws = group.sizes["chain"] * group.sizes["draw"]
    kind = "kde" if check_kind(tree) == "dist" else "ecdf"
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", ".*look (binary|discrete)", UserWarning)
        pc = azp.plot_ppc_dist(tree, group="prior_predictive", var_names=["y"], kind=kind,
                               num_samples=min(NUM_SAMPLES, draws), visuals={"observed_dist": {}},
                               backend="matplotlib", figure_kwargs={"figsize": (7, 4)})
    c = fit.predictive
    where = "" if c is None or c.prior_p_sd is None else f" (observed sd at p-value {c.prior_p_sd:.2f})"
    figure_of(pc).suptitle(f"{fit.prior.name} prior: prior predictive of y{where}", fontweight="bold")
    return pc
