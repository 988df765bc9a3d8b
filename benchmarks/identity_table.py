"""The measured table of docs/theory.md ("How well the identities hold"): for every (prior,
likelihood) pair with an exact twin on the Gaussian, Bernoulli and Poisson likelihoods, on bundled
data, the MAP-vs-twin agreement and the objective identity's deviation at 200 random points; the
bridge prior at each exponent of the README's table, the mvnormal prior with the rw2 precision, the
weighted lasso, and the group lasso on the features in consecutive groups of three.

    python benchmarks/identity_table.py [--prior NAME] [--option NAME]   (only that prior's rows, and
                                                                         only the rows with that option)
"""

from __future__ import annotations

import argparse

import numpy as np

from priorfit.runtime.notices import quiet_pytensor


DATA = {"gaussian": "diabetes", "bernoulli": "breast_cancer", "poisson": "randhie"}
PENALTY = {"gaussian": {"alpha": 0.5}, "bernoulli": {"C": 0.1}, "poisson": {"alpha": 0.001}}
ALPHA_INSTEAD_OF_C = 0.02  # a Bernoulli twin that takes alpha (glum's): about the normal prior's C = 0.1 at n = 569


def cases() -> list[tuple[str, str, dict]]:
    """(prior, likelihood, the prior's options) of every row."""
    from priorfit.penalized import twins

    from priorfit.data import sources

    out = [(prior, likelihood, {}) for prior, likelihood in twins.TWINS if likelihood in DATA]
    out += [("bridge", "gaussian", {"bridge_q": q}) for q in twins.BRIDGE_EXPONENTS]
    out += [("mvnormal", likelihood, {"precision": "rw2"}) for likelihood in DATA]
    for likelihood, source in DATA.items():  # the weighted lasso, weights from 0.5 to 2 in the features' order
        p = sources.load(source).X.shape[1]
        out.append(("laplace", likelihood, {"weights": tuple(np.round(np.linspace(0.5, 2.0, p), 3))}))
    for likelihood, source in DATA.items():  # the group lasso, the features in consecutive groups of three
        p = sources.load(source).X.shape[1]
        out.append(("group_laplace", likelihood, {"groups": [list(range(j, min(j + 3, p))) for j in range(0, p, 3)]}))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--prior", default=None, help="only the rows of this prior")
    parser.add_argument("--option", default=None, help="only the rows that set this option (weights, groups, precision, bridge_q)")
    args = parser.parse_args()
    quiet_pytensor()
    import priorfit
    from priorfit.penalized import twins

    print("| prior | likelihood | data | penalty | MAP vs twin (relative) | -log p - k J, max deviation over 200 points (relative) |")
    print("|---|---|---|---|---|---|")
    for prior, likelihood, options in cases():
        if (args.prior and prior != args.prior) or (args.option and args.option not in options):
            continue
        settings = priorfit.Settings(prior=prior, likelihood=likelihood, **options)
        (name, value), = PENALTY[likelihood].items()
        if twins.twin(prior, likelihood, settings).hyperparameter != name:
            name, value = "alpha", ALPHA_INSTEAD_OF_C
        result = priorfit.compare(DATA[likelihood], prior=prior, likelihood=likelihood, **options, **{name: value},
                                  draws=200, tune=300, chains=2, loo="no", progress=False)
        fit = result.fits[0]
        r = fit.objective_identity
        label = prior + "".join(f", {key} {option:.4g}" if isinstance(option, float) else
                                ", weights 0.5 to 2" if key == "weights" else ", groups of 3" if key == "groups" else
                                f", {key} {option}" for key, option in options.items())
        print(f"| {label} | {likelihood} | {DATA[likelihood]} | {name} = {value:g} | {fit.agreement.max_rel_diff:.1e} | "
              f"{r.max_deviation:.1e} ({r.relative:.1e}) |", flush=True)


if __name__ == "__main__":
    main()
