"""Prior against posterior for the random scales of a hierarchical prior (the horseshoe's global
and local scales), on a log10 axis: how far the data moved them."""

from __future__ import annotations


def draw(comparison, fit):
    import matplotlib.pyplot as plt
    import numpy as np

    tree, prob = fit.tree, comparison.settings.hdi_prob
    prior = tree["prior"].to_dataset()
    posterior = tree["posterior"].to_dataset()
    # a hyperprior on the scale of a Normal, Laplace or elastic-net prior has a global scale only
    has_global, has_local = "global_scale" in prior, "local_scale" in prior
    panels = has_global + has_local
    figure, axes = plt.subplots(1, panels, figsize=(11 if panels == 2 else 6, 4.2), squeeze=False,
                                layout="constrained")
    axes = list(axes[0])
    if has_global:
        ax = axes.pop(0)
        both = np.log10(np.concatenate([prior["global_scale"].values.ravel(), posterior["global_scale"].values.ravel()]))
        bins = np.linspace(*np.quantile(both, [0.005, 0.995]), 60)
        for group, color, label in ((prior, "0.6", "prior"), (posterior, "C0", "posterior")):
            ax.hist(np.log10(group["global_scale"].values.ravel()), bins=bins, density=True, color=color, alpha=0.6,
                    label=label, gid=f"global_{label}")
        ax.set(xlabel="log10 global scale τ", ylabel="density", title="global scale")
        ax.legend(frameon=False)
    if has_local:
        _local(axes[0], comparison, prior, posterior, prob)
    figure.suptitle(f"{fit.prior.name} prior: its scales, prior against posterior", fontweight="bold")
    return figure


def _local(ax, comparison, prior, posterior, prob):
    import numpy as np

    features = list(comparison.data.features)
    tail = (1 - prob) / 2
    low, high = np.quantile(np.log10(prior["local_scale"].values), [tail, 1 - tail])
    ax.axvspan(low, high, color="0.85", gid="local_prior", label=f"prior {prob:.0%} interval (every coefficient)")
    local = np.log10(posterior["local_scale"].stack(sample=("chain", "draw")).transpose("feature", "sample").values)
    bounds = np.quantile(local, [tail, 0.5, 1 - tail], axis=1)
    y = np.arange(len(features))[::-1]
    ax.hlines(y, bounds[0], bounds[2], color="C0", gid="local_posterior", label=f"posterior {prob:.0%} interval")
    ax.plot(bounds[1], y, "o", color="C0", gid="local_median", label="posterior median")
    ax.set_yticks(y, features)
    ax.set(xlabel="log10 local scale λ_j", title="local scales")
    ax.legend(frameon=False, fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.16), ncols=3)
