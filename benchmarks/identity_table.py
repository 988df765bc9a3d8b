"""The measured table of docs/theory.md ("How well the identities hold"): for every (prior,
likelihood) pair with an exact twin, on bundled data, the MAP-vs-twin agreement and the objective
identity's deviation at 200 random points.

    python benchmarks/identity_table.py
"""

from __future__ import annotations

from priorfit.runtime.notices import quiet_pytensor


DATA = {"gaussian": "diabetes", "bernoulli": "breast_cancer", "poisson": "randhie"}
PENALTY = {"gaussian": {"alpha": 0.5}, "bernoulli": {"C": 0.1}, "poisson": {"alpha": 0.001}}


def main() -> None:
    quiet_pytensor()
    import priorfit
    from priorfit.penalized import twins

    print("| prior | likelihood | data | penalty | MAP vs twin (relative) | -log p - k J, max deviation over 200 points (relative) |")
    print("|---|---|---|---|---|---|")
    for prior, likelihood in twins.TWINS:
        (name, value), = PENALTY[likelihood].items()
        result = priorfit.compare(DATA[likelihood], prior=prior, likelihood=likelihood, **{name: value},
                                  draws=200, tune=300, chains=2, loo="no", progress=False)
        fit = result.fits[0]
        r = fit.objective_identity
        print(f"| {prior} | {likelihood} | {DATA[likelihood]} | {name} = {value:g} | {fit.agreement.max_rel_diff:.1e} | "
              f"{r.max_deviation:.1e} ({r.relative:.1e}) |", flush=True)


if __name__ == "__main__":
    main()
