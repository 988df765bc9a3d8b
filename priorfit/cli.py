"""Command line: ``priorfit compare`` and ``priorfit priors``.

A thin layer over :func:`priorfit.compare`. PyMC is imported only when a command needs it,
so ``priorfit --help`` and ``priorfit priors`` answer at once.
"""

from __future__ import annotations

import argparse
import sys

from .errors import InputError


class _Parser(argparse.ArgumentParser):
    def error(self, message):  # one sentence and exit 2, like every other bad input
        raise InputError(f"{message[0].upper()}{message[1:]} (see '{self.prog} --help').")


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="priorfit", description="Regularization is a prior: PyMC posteriors beside their scikit-learn penalized twins.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    c = commands.add_parser("compare", help="fit priors and their penalized counterparts side by side",
                            description="Fit each prior with find_MAP and NUTS, fit its scikit-learn counterpart, and compare.")
    c.add_argument("data", nargs="?", default="diabetes", help="diabetes (default), a CSV/Parquet file, or synthetic:n=500,p=20,k=5,noise=1.0,seed=0")
    c.add_argument("--target", help="target column of a CSV/Parquet file (default: y)")
    c.add_argument("--prior", default="normal,laplace,horseshoe", help="comma-separated priors (default: normal,laplace,horseshoe)")
    c.add_argument("--alpha", type=str, help="penalty strength in scikit-learn's units of the counterpart")
    c.add_argument("--scale", type=str, help="prior scale: tau (normal), b (laplace), global scale (horseshoe)")
    c.add_argument("--mu", type=str, default="0", help="prior location: the penalty is on w - mu (default 0)")
    c.add_argument("--sigma", default="estimate", help="noise sd: a number fixes it, 'estimate' (default) samples it")
    c.add_argument("--sigma-prior", help="with --sigma estimate: jeffreys (default), halfnormal:S or halfcauchy:S")
    c.add_argument("--no-standardize", action="store_true", help="use X as given instead of standardizing its columns")
    c.add_argument("--no-intercept", action="store_true", help="fit no intercept")
    c.add_argument("--draws", default="1000", help="draws per chain (default 1000)")
    c.add_argument("--tune", default="1000", help="tuning steps per chain (default 1000)")
    c.add_argument("--chains", default="4", help="chains (default 4)")
    c.add_argument("--seed", default="0", help="random seed (default 0)")
    c.add_argument("--sampler", default="nutpie", help="nutpie (default) or pymc")
    c.add_argument("--target-accept", help="NUTS target acceptance (default 0.8; horseshoe 0.999)")
    c.add_argument("--hdi-prob", default="0.94", help="credible interval mass (default 0.94)")
    c.add_argument("--no-whiten", action="store_true", help="sample coefficients without Gram-matrix whitening")
    c.add_argument("--out", default="priorfit-out", help="output folder (default priorfit-out)")
    c.add_argument("--force", action="store_true", help="replace an output folder that already holds results")
    c.add_argument("--json", action="store_true", help="print the summary JSON to stdout instead of tables")
    c.add_argument("--strict", action="store_true", help="exit 1 when a check fails")

    commands.add_parser("priors", help="list the priors, their penalized counterparts and conversions",
                        description="List the priors, their penalized counterparts and conversions.")
    return parser


def _priors() -> int:
    from rich.console import Console
    from rich.table import Table

    from .priors import Prior

    table = Table(header_style="bold")
    for column in ("prior", "description", "penalized counterpart", "conversion"):
        table.add_column(column)
    for name, cls in Prior.registry.items():
        table.add_row(name, cls.summary, cls.counterpart, cls.conversion)
    Console(width=max(Console().width, 132)).print(table)
    return 0


def _compare(args) -> int:
    from .output import check_target

    check_target(args.out, force=args.force)
    import warnings

    # pip-installed PyTensor's import-time notice; not the user's business
    warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
    from .comparison import compare

    comparison = compare(
        args.data,
        target=args.target,
        prior=args.prior,
        alpha=args.alpha,
        scale=args.scale,
        mu=args.mu,
        sigma=args.sigma,
        sigma_prior=args.sigma_prior,
        standardize=not args.no_standardize,
        intercept=not args.no_intercept,
        sampler=args.sampler,
        draws=args.draws,
        tune=args.tune,
        chains=args.chains,
        seed=args.seed,
        target_accept=args.target_accept,
        hdi_prob=args.hdi_prob,
        whiten=not args.no_whiten,
    )
    out = comparison.save(args.out, force=args.force)
    if args.json:
        print(comparison.to_json())
    else:
        from .report import render

        render(comparison)
        print(f"\nresults written to {out}/")
    return 1 if args.strict and comparison.checks() else 0


def main(argv: list[str] | None = None) -> int:
    try:
        args = _parser().parse_args(argv)
        return _priors() if args.command == "priors" else _compare(args)
    except InputError as error:
        print(f"priorfit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("priorfit: interrupted; nothing was written.", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
