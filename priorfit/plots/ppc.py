"""Posterior predictive check: the replicated data sets y_rep of the fit's ``posterior_predictive``
group against the observed y (``observed_data``), with the arviz-plots check that suits y: the
densities (``plot_ppc_dist``) for a continuous y, a rootogram (``plot_ppc_rootogram``) for counts,
and the PAV-adjusted calibration curve (``plot_ppc_pava``) for 0/1, where densities of two values
say little."""

from __future__ import annotations

import warnings

import numpy as np

from .common import figure_of, one_fit

NUM_SAMPLES = 50  # replicated data sets drawn as lines (plot_ppc_dist)


def check_kind(tree) -> str:
    """``"dist"``, ``"rootogram"`` or ``"pava"``: the check that suits the observed y of ``tree``
    (integers are stored as such: 0/1 are binary, other integers counts)."""
    y = tree["observed_data"]["y"].values
    if y.dtype.kind != "i":
        return "dist"
    return "pava" if np.isin(y, (0, 1)).all() else "rootogram"


def predictive_tree(fit, group: str, kind: str):
    """The fit's DataTree, or an InputError sentence when ``group`` is not in it."""
    from priorfit.errors import InputError

    if group not in fit.tree.children:
        raise InputError(f"The {fit.prior.name} fit has no {group} draws (they need the rows; a folder saved by an "
                         f"older priorfit has none either), so there is no {kind} plot.")
    return fit.tree


def plot_ppc(comparison, prior: str | None = None):
    """One prior (default: the first). ``pc.data`` holds the replicated ``y``; ``pc.viz`` the
    artists of the arviz-plots check chosen by :func:`check_kind` (``predictive_dist`` and
    ``observed_dist`` for densities)."""
    import arviz_plots as azp

    fit = one_fit(comparison, prior, "ppc")
    tree = predictive_tree(fit, "posterior_predictive", "ppc")
    kind = check_kind(tree)
    with warnings.catch_warnings():
        # arviz-plots suggests the discrete checks for discrete y: check_kind chose them already
        warnings.filterwarnings("ignore", ".*look (binary|discrete)", UserWarning)
        if kind == "dist":
            draws = tree["posterior_predictive"].sizes["chain"] * tree["posterior_predictive"].sizes["draw"]
            pc = azp.plot_ppc_dist(tree, var_names=["y"], kind="kde", num_samples=min(NUM_SAMPLES, draws),
                                   backend="matplotlib", figure_kwargs={"figsize": (7, 4)})
        elif kind == "rootogram":
            pc = azp.plot_ppc_rootogram(tree, var_names=["y"], backend="matplotlib", figure_kwargs={"figsize": (7, 4)})
        else:
            pc = azp.plot_ppc_pava(tree, var_names=["y"], backend="matplotlib", figure_kwargs={"figsize": (5, 5)})
    c = fit.predictive
    p_values = "" if c is None else f" (p-values: mean {c.p_mean:.2f}, sd {c.p_sd:.2f})"
    figure_of(pc).suptitle(f"{fit.prior.name} prior: posterior predictive check{p_values}", fontweight="bold")
    return pc
