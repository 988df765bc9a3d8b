"""Command line: ``priorfit compare``, ``run``, ``path``, ``calibrate``, ``report``, ``predict`` and ``priors``.

A thin layer over :func:`priorfit.compare`. PyMC is imported only when a command needs it,
so ``priorfit --help`` and ``priorfit priors`` answer at once.
"""

from __future__ import annotations

import argparse
import sys

from priorfit.errors import InputError
from priorfit.runtime.notices import quiet_pytensor  # a warnings filter: imports nothing heavy


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
    _settings_flags(c, "compare")
    _output_flags(c, "priorfit-out", "output folder")
    _cluster_flags(c, "chunked data (a folder, glob or URL of files) are summarized on the cluster")
    c.add_argument("--json", action="store_true", help="print the summary JSON to stdout instead of tables (implies --quiet)")

    commands.add_parser("priors", help="list the priors, their penalized counterparts and conversions",
                        description="List the priors, their penalized counterparts and conversions.")

    run = commands.add_parser("run", help="run declared comparisons (models/*.toml)",
                              description="Run each declared comparison (TOML files, or folders of them) into OUT/<name>.")
    run.add_argument("paths", nargs="+", help="declaration files (.toml) or folders of them")
    _output_flags(run, "priorfit-runs", "parent folder of the runs (one folder per declaration name)")
    _cluster_flags(run, "the declarations run in parallel, one per worker")

    pa = commands.add_parser("path", help="the regularization path: penalized path, MAP and posterior at each alpha",
                             description="Fit scikit-learn's path and, at each alpha, the polished MAP and the posterior, on one compiled model.")
    pa.add_argument("data", nargs="?", default="diabetes", help="as for compare")
    pa.add_argument("--target", help="target column of a CSV/Parquet file (default: y)")
    pa.add_argument("--alphas", default="10", metavar="K", help="number of grid points (default 10)")
    pa.add_argument("--alpha-grid", metavar="A,B,...", help="the alphas themselves, in the twin's units")
    pa.add_argument("--reweight", action="store_true",
                    help="NUTS once, at the grid's middle, and the other points by Pareto-smoothed importance reweighting of its "
                         "draws (refitted where the Pareto k is above 0.7)")
    _settings_flags(pa, "path", {"prior": "laplace"})
    _output_flags(pa, "priorfit-path", "output folder")
    pa.add_argument("--json", action="store_true", help="print path.json to stdout instead of the summary lines (implies --quiet)")

    ro = commands.add_parser("rows", help="how stubborn the belief is: the posterior against the number of rows seen, for a few alphas",
                             description="Fit nested seeded subsamples of the rows at a few alphas (each one fixed prior): the posterior "
                                         "mean and HDI of chosen coefficients against the rows seen, with the prior's location theta_0.")
    ro.add_argument("data", nargs="?", default="diabetes", help="as for compare")
    ro.add_argument("--target", help="target column of a CSV/Parquet file (default: y)")
    ro.add_argument("--alpha-grid", metavar="A,B,...",
                    help="the alphas, in the twin's units at the full data (default: 0.1, 1, 10 and 100 times cross-validation's)")
    ro.add_argument("--rows-grid", metavar="M,N,...", help="the row counts (default: 8, geometric from 10 or p + 2 to every row)")
    ro.add_argument("--features", metavar="A,B,...",
                    help="the coefficients shown (default: the 3 largest penalized ones at cross-validation's alpha)")
    _settings_flags(ro, "rows", {"prior": "normal"})
    _output_flags(ro, "priorfit-rows", "output folder")
    ro.add_argument("--json", action="store_true", help="print rows.json to stdout instead of the summary lines (implies --quiet)")

    cal = commands.add_parser("calibrate", help="simulation-based calibration of a prior x likelihood (Talts et al. 2018)",
                              description="Draw coefficients from the prior and data from the likelihood, fit, and test that the ranks "
                                          "of the truths among the posterior draws are uniform; credible and bootstrap interval coverage.")
    cal.add_argument("--sims", default="100", metavar="N", help="simulations (default 100)")
    cal.add_argument("--n", default="50", metavar="N", help="rows of the seeded design (default 50)")
    cal.add_argument("--p", default="3", metavar="P", help="coefficients (default 3)")
    # compare's settings, with SBC's defaults; an unset scale is 1 for priors with a twin (not CV)
    _settings_flags(cal, "calibrate", {"prior": "normal", "draws": "400", "tune": "400", "chains": "2", "bootstrap": "100"})
    _output_flags(cal, "priorfit-calibrate", "output folder")
    _cluster_flags(cal, "the simulations run on the cluster (default: one joblib process per core)")

    pr = commands.add_parser("predict", help="predictions with intervals for new rows, from a saved output folder",
                             description="Predict new rows from a folder priorfit compare --out wrote, without refitting: per prior "
                                         "and row the posterior mean of E[y | x] and its credible interval, the posterior predictive "
                                         "interval of y, the exact twin's prediction and a split-conformal interval around it.")
    pr.add_argument("folder", help="a folder written by priorfit compare --out (or run)")
    pr.add_argument("newdata", help="a CSV or Parquet file of new rows: the training features as columns, in any order "
                                    "(or a data set by name: diabetes, synthetic:...)")
    pr.add_argument("--prob", nargs="+", action="extend", metavar="P",
                    help="level of the equal-tailed intervals, one or more (default 0.9; several give suffixed columns)")
    pr.add_argument("--seed", metavar="N", help="seed of the posterior predictive draws (default: the comparison's)")
    pr.add_argument("--out", metavar="FILE", help="write the predictions to FILE (.csv or .parquet) instead of CSV on stdout")
    pr.add_argument("--force", action="store_true", help="replace FILE if it exists")

    r = commands.add_parser("report", help="rebuild report.html and report.md of a saved output folder",
                            description="Rebuild report.html and report.md from summary.json and the netCDF files, without refitting.")
    r.add_argument("folder", help="a folder written by priorfit compare --out")
    r.add_argument("--no-plots", action="store_true", help="do not draw plots where the folder has none")
    return parser


def _run(args) -> int:
    from pathlib import Path

    from priorfit.runs.declarations import collect
    from priorfit.runtime.folders import check_target

    declarations = collect(args.paths)  # every file validated before anything runs
    cluster = _cluster(args)
    parent = Path(args.out)
    if parent.exists():
        for d in declarations:
            check_target(parent / d.name, force=args.force)
    else:
        check_target(parent, force=False)  # it can be created; its runs then can too
    quiet_pytensor()
    from priorfit.report import render

    failed = False
    parent.mkdir(parents=True, exist_ok=True)
    with cluster as client:
        if client is not None:  # one declaration per worker; each writes its own folder
            from priorfit.results.storage import load
            from priorfit.runtime.cluster import map as cluster_map

            tasks = [(d, parent.resolve() / d.name, args.force, not args.no_plots) for d in declarations]  # workers: other folders
            print(f"running {len(tasks)} declarations on {len(client.scheduler_info()['workers'])} dask workers", file=sys.stderr)
            outs = cluster_map(_run_declaration, tasks, client)
        for d in declarations:
            print(f"== {d.name} ({d.path})")
            if client is None:
                result, out = d.run(parent / d.name, force=args.force, progress=not args.quiet, plots=not args.no_plots)
            else:
                out = outs[declarations.index(d)]
                result = load(out)
            render(result)
            print(f"\nresults written to {out}/ (report: {out}/report.html)\n")
            failed = failed or bool(result.checks())
    return 1 if args.strict and failed else 0


def _run_declaration(task):
    """One declaration, in a dask worker: fit, write its folder, return the folder."""
    quiet_pytensor()
    declaration, out, force, plots = task
    return declaration.run(out, force=force, progress=False, plots=plots)[1]


def _calibrate(args) -> int:
    import os

    from priorfit.runtime.folders import check_target, write_folder
    from priorfit.validation import integer

    check_target(args.out, force=args.force)
    from priorfit.runs.calibrate import plan

    options = {**_given(args, "calibrate"), "sims": integer(args.sims, "sims", 2, 100_000), "n": integer(args.n, "n", 3, 100_000),
               "p": integer(args.p, "p", 1, 100)}
    plan(**options)  # every setting checked, and the prior resolved, before anything runs
    cluster = _cluster(args)
    quiet_pytensor()
    from priorfit.runs.calibrate import calibrate

    with cluster as client:
        jobs = len(client.scheduler_info()["workers"]) if client is not None else (os.cpu_count() or 1)
        result = calibrate(**options, jobs=jobs)

    def fill(folder):
        import json

        (folder / "calibration.json").write_text(json.dumps(result.to_dict(), indent=1) + "\n")
        if not args.no_plots:
            from priorfit.plots import write_png

            write_png(result.plot(), folder / "ranks.png")

    out = write_folder(args.out, fill, force=args.force)
    pvalues = ", ".join(f"{v:.3f}" for v in result.pvalues())
    print(f"SBC {result.prior} x {result.likelihood}: {result.sims} simulations ({result.skipped} skipped), n = {result.n}, p = {result.p}")
    for stand_in in result.stand_ins.values():
        print(f"stand-in: {stand_in}")
    print(f"prior: {result.settings['hyperparameters']}")
    print(f"rank uniformity (chi-square, {result.bins} bins) p-values per parameter ({', '.join(result.parameters)}): {pvalues}")
    for kind in result.covered:
        cov = result.coverage(kind)
        print(f"{kind} interval coverage: 50% -> {cov[0.5]:.3f}, 90% -> {cov[0.9]:.3f}")
    print(f"results written to {out}/ (calibration.json" + ("" if args.no_plots else ", ranks.png") + ")")
    failed = min(result.pvalues()) < 0.01 / len(result.parameters)  # Bonferroni over the parameters
    return 1 if args.strict and failed else 0


def _path(args) -> int:
    from priorfit.runs.path import write_path
    from priorfit.runtime.folders import check_target
    from priorfit.validation import integer

    check_target(args.out, force=args.force)
    given = _given(args, "path")
    if args.alpha_grid is not None:
        alphas = [a.strip() for a in args.alpha_grid.split(",")]
    else:
        alphas = integer(args.alphas, "alphas", 2, 200)
    quiet_pytensor()
    from priorfit.runs.path import path

    result = path(args.data, target=args.target, alphas=alphas, reweight=args.reweight, progress=not (args.quiet or args.json),
                  **given)
    out = write_path(result, args.out, force=args.force, plot=not args.no_plots)
    worst = float(result.max_rel_diff.max())
    if args.json:
        print(result.to_json())
    else:
        print(f"{result.prior} prior, {len(result.alpha)} alphas: MAP vs {result.estimator} path, largest relative difference {worst:.1e}")
        if args.reweight:
            print(result.reweighting_sentence())
        print(f"results written to {out}/ (path.json" + ("" if args.no_plots else ", path.png") + ")")
    return 1 if args.strict and worst > 1e-6 else 0


def _rows(args) -> int:
    from priorfit.runtime.folders import check_target

    check_target(args.out, force=args.force)
    given = _given(args, "rows")
    quiet_pytensor()
    from priorfit.runs.rows import rows, write_rows

    def split(text):
        return None if text is None else [part.strip() for part in text.split(",")]

    result = rows(args.data, target=args.target, alphas=split(args.alpha_grid), counts=split(args.rows_grid),
                  features=args.features, progress=not (args.quiet or args.json), **given)
    out = write_rows(result, args.out, force=args.force, plot=not args.no_plots)
    if args.json:
        print(result.to_json())
    else:
        print(result.sentence())
        print(f"results written to {out}/ (rows.json" + ("" if args.no_plots else ", rows.png") + ")")
    return 0


def _report(args) -> int:
    from pathlib import Path

    folder = Path(args.folder)
    if not (folder / "summary.json").is_file():
        raise InputError(f"Folder {args.folder!r} holds no priorfit results (no summary.json); give a folder priorfit compare --out wrote.")
    quiet_pytensor()
    from priorfit.results.storage import rebuild_reports

    for path in rebuild_reports(folder, plots=not args.no_plots):
        print(f"wrote {path}")
    return 0


def _predict(args) -> int:
    from pathlib import Path

    from priorfit.results.predictions import levels
    from priorfit.runtime.folders import check_file_target
    from priorfit.validation import integer

    probs = levels(args.prob or [0.9])
    seed = None if args.seed is None else integer(args.seed, "seed", 0, 2**32 - 1)
    folder = Path(args.folder)
    if not (folder / "summary.json").is_file():
        raise InputError(f"Folder {args.folder!r} holds no priorfit results (no summary.json); give a folder priorfit compare --out wrote.")
    if args.out is not None:
        check_file_target(args.out, force=args.force, suffixes=PREDICTION_SUFFIXES)
    frame, name = _new_rows(args.newdata)
    quiet_pytensor()
    from priorfit.results.storage import load

    comparison = load(folder)
    from priorfit.results.predictions import predict

    predictions = predict(comparison, frame, probs, seed=seed, name=name)
    if args.out is None:
        try:
            predictions.to_csv(sys.stdout, index=False, float_format="%.17g")
            sys.stdout.flush()
        except BrokenPipeError:  # a reader that stopped early (`| head`): what it read is what it wanted
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error when Python flushes at exit
        return 0
    from priorfit.runtime.folders import write_file

    def fill(path):
        if str(args.out).lower().endswith(".csv"):
            predictions.to_csv(path, index=False, float_format="%.17g")
        else:
            predictions.to_parquet(path, index=False)

    out = write_file(args.out, fill, force=args.force, suffixes=PREDICTION_SUFFIXES)
    print(f"predictions of {len(frame)} new rows under {len(comparison.fits)} prior{'s' * (len(comparison.fits) > 1)} "
          f"written to {out}", file=sys.stderr)
    return 0


PREDICTION_SUFFIXES = (".csv", ".parquet", ".pq")


def _new_rows(newdata: str):
    """NEWDATA as a DataFrame of its columns, and its name for the sentences: a CSV or Parquet file,
    or a data set compare takes by name (bundled, ``synthetic:...``: its features; the target is dropped)."""
    from pathlib import Path

    import pandas as pd

    from priorfit.data import sources

    path = Path(newdata)
    if not path.is_file() and (newdata in sources.BUNDLED or newdata.startswith("synthetic")):
        dataset = sources.load(newdata)
        return pd.DataFrame(dataset.X, columns=list(dataset.features)), f"the new rows of {newdata}"
    if not path.is_file():
        raise InputError(f"New data {newdata!r} is not a file that exists; give a CSV or Parquet file of new rows, "
                         "with the training features as columns (or a data set by name, such as synthetic:...).")
    return sources.read_frame(path), f"the new rows in {path.name!r}"


def _settings_flags(parser, command: str, defaults: dict | None = None) -> None:
    """The comparison settings ``command`` takes, as flags from the one schema
    (:func:`priorfit.command_settings.settings_of`); unset flags keep its defaults (or the command's own
    ``defaults``). A boolean setting is a plain flag: ``--X`` where its default is False,
    ``--no-X`` where it is True. The settings the command does not use are parsed but not shown,
    so that its Python entry point refuses them with the reason instead of argparse's
    'unrecognized arguments'."""
    from priorfit.command_settings import settings_of
    from priorfit.settings import options

    defaults = defaults or {}
    taken = set(settings_of(command))
    for name, default, help_text, metavar, flag in options():
        dashed = flag or f"--{name.replace('_', '-')}"
        shown = name in taken
        if name in defaults:
            parser.add_argument(dashed, dest=name, metavar=metavar, default=defaults[name],
                                help=f"{help_text} (default: {defaults[name]})" if shown else argparse.SUPPRESS)
        elif isinstance(default, bool):
            dashed = dashed if default is False else f"--no-{name.replace('_', '-')}"
            help_text = help_text if default is False else f"do not {help_text}"
            parser.add_argument(dashed, dest=name, action="store_true" if default is False else "store_false", default=None,
                                help=help_text if shown else argparse.SUPPRESS)
        else:
            text = ",".join(default) if isinstance(default, tuple) else default
            suffix = "" if default is None else f" (default: {text})"
            parser.add_argument(dashed, dest=name, metavar=metavar, help=help_text + suffix if shown else argparse.SUPPRESS)


def _given(args, command: str = "compare") -> dict:
    """The settings given on the command line (validated by Settings, after the ones ``command``
    does not take are refused with the reason)."""
    from priorfit.command_settings import refuse_unused
    from priorfit.settings import Settings, options

    given = {name: getattr(args, name) for name, *_ in options() if getattr(args, name, None) is not None}
    refuse_unused(command, given)
    Settings(**given)  # validate every flag before PyMC is imported
    return given


def _output_flags(parser, default_out: str, what: str) -> None:
    """The flags about writing results, the same for compare and run."""
    parser.add_argument("--out", default=default_out, help=f"{what} (default {default_out})")
    parser.add_argument("--force", action="store_true", help="replace earlier priorfit results there")
    parser.add_argument("--no-plots", action="store_true", help="do not draw the plots (PNG files in plots/)")
    parser.add_argument("--quiet", action="store_true", help="no progress on stderr")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a check fails")


def _cluster_flags(parser, what: str) -> None:
    parser.add_argument("--scheduler", metavar="ADDRESS", help=f"a dask.distributed scheduler to use: {what}")
    parser.add_argument("--workers", metavar="N", help=f"start a local dask cluster of N worker processes: {what}")


def _cluster(args):
    """The cluster the flags ask for, as a context; the flags are checked when this is called
    (before anything is written), the cluster is started when the context is entered."""
    from priorfit.runtime.cluster import connect
    from priorfit.validation import integer

    return connect(args.scheduler, None if args.workers is None else integer(args.workers, "workers", 1, 256))


def _priors(args=None) -> int:
    from rich.console import Console
    from rich.table import Table

    from priorfit.penalized.twins import rows

    table = Table(header_style="bold")
    for column in ("prior", "likelihood", "penalized twin", "objective", "conversion"):
        table.add_column(column)
    for row in rows():
        table.add_row(row["prior"], row["likelihood"], row["estimator"], row["objective"], row["conversion"])
    Console(width=max(Console().width, 132)).print(table)
    return 0


def _compare(args) -> int:
    from priorfit.runtime.folders import check_target

    check_target(args.out, force=args.force)
    given = _given(args)
    cluster = _cluster(args)
    quiet_pytensor()
    from priorfit.runs.compare import compare
    from priorfit.runtime.progress import Progress

    quiet = args.quiet or args.json
    with cluster:
        comparison = compare(args.data, target=args.target, progress=not quiet, **given)
    with Progress(not quiet).step(f"writing {args.out}/" + ("" if args.no_plots else " with the plots")):
        out = comparison.save(args.out, force=args.force, plots=not args.no_plots)
    if args.json:
        print(comparison.to_json())
    else:
        from priorfit.report import render

        render(comparison)
        print(f"\nresults written to {out}/ (report: {out}/report.html, {out}/report.md)")
    return 1 if args.strict and comparison.checks() else 0


def main(argv: list[str] | None = None) -> int:
    from priorfit.runtime import interrupts

    previous = interrupts.install()
    try:
        args = _parser().parse_args(argv)
        commands = {"priors": _priors, "compare": _compare, "run": _run, "path": _path, "rows": _rows, "report": _report, "calibrate": _calibrate,
                    "predict": _predict}
        return commands[args.command](args)
    except InputError as error:
        print(f"priorfit: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt as stopped:
        from priorfit.runtime.folders import InterruptedAfterWriting

        if isinstance(stopped, InterruptedAfterWriting):
            print(f"priorfit: interrupted; the results were complete and are in {stopped.out}/.", file=sys.stderr)
        else:
            print("priorfit: interrupted; nothing was written.", file=sys.stderr)
        return 130
    finally:
        interrupts.uninstall(previous)


if __name__ == "__main__":
    sys.exit(main())
