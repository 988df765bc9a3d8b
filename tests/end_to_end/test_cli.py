"""The command line: exit codes, one-sentence errors, files, and no PyMC import for help."""

import json
import re
import subprocess
import sys

import numpy as np
import pytest

from priorfit.cli import main

SMALL = ["synthetic:n=60,p=4,k=2,seed=1", "--prior", "normal", "--draws", "60", "--tune", "60", "--chains", "2"]


def run(argv, capsys):
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize(
    "argv,message",
    [
        (["compare", "nothere.csv"], "Data 'nothere.csv' is neither a file that exists nor a known data set"),
        (["compare", "--prior", "normal,cauchy"], "Unknown prior 'cauchy'; allowed are: normal, laplace, group_laplace, elasticnet, bridge, mvnormal, horseshoe, regularized_horseshoe, r2d2."),
        (["compare", "--scale", "-1"], "scale '-1' is not allowed; it must be a positive number."),
        (["compare", "--prior", "normal", "--alpha", "1", "--scale", "2"], "Both alpha=1 and scale=2 were given for the normal prior"),
        (["compare", "--alpha", "1"], "alpha 1 is ambiguous: the priors normal, laplace each have their own alpha units"),
        (["compare", "--alpha", "normal=x"], "alpha for the normal prior 'x' is not allowed; it must be a positive number."),
        (["compare", "--alpha", "normal"], "alpha 'normal' is not allowed; it must be a positive number."),
        (["compare", "--likelihood", "gamma"], "Unknown likelihood 'gamma'; allowed are: gaussian, bernoulli, poisson, student_t, laplace, quantile."),
        (["compare", "--sigma", "-2"], "sigma '-2' is not allowed; give a positive number to fix it, or 'estimate'."),
        (["compare", "--sigma-prior", "gamma:2"], "Sigma prior 'gamma:2' is not understood"),
        (["compare", "--sampler", "stan"], "Sampler 'stan' is not allowed; use one of: nutpie, pymc, numpyro."),
        (["compare", "--draws", "0"], "draws '0' is not allowed; it must be a whole number from 1 to 1000000000."),
        (["compare", "--seed", "99999999999999999999"], "seed '99999999999999999999' is not allowed; it must be a whole number from 0 to 4294967295."),
        (["compare", "--sigma", "2", "--sigma-prior", "halfnormal:3"], "A sigma prior ('halfnormal:3') applies only when sigma is estimated; sigma is fixed at 2."),
        (["compare", "--mu", "abc"], "The prior location mu 'abc' is not allowed; it must be a finite number."),
        (["compare", "synthetic:n=abc"], "Synthetic parameter n='abc' must be an integer."),
        (["compare", "synthetic:seed=-1"], "Synthetic seed=-1 is not allowed"),
        (["compare", "--hdi-prob", "1.5"], "hdi_prob '1.5' is not allowed; it must lie strictly between 0 and 1."),
        (["compare", "--nope"], "Unrecognized arguments: --nope"),
    ],
)
def test_bad_input_exits_2_with_one_sentence(argv, message, capsys, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    code, out, err = run(argv, capsys)
    assert code == 2 and out == ""
    assert err.startswith(f"priorfit: error: {message}") and err.count("\n") == 1
    assert "Traceback" not in err and not (tmp_path / "priorfit-out").exists()


def test_bad_files_exit_2(tmp_path, capsys):
    (tmp_path / "d.csv").write_text("a,b,y\n1,2,3\n2,,5\n3,5,4\n")
    code, _, err = run(["compare", str(tmp_path / "d.csv"), "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "Column 'b' of d.csv has 1 missing or non-finite value(s), the first in row 2" in err
    code, _, err = run(["compare", str(tmp_path / "d.csv"), "--target", "zz", "--out", str(tmp_path / "o")], capsys)
    assert code == 2 and "Target column 'zz' is not in" in err


def test_compare_writes_results_and_protects_them(tmp_path, capsys):
    out = tmp_path / "res"
    code, stdout, _ = run(["compare", *SMALL, "--out", str(out), "--json", "--sigma", "1.0"], capsys)
    assert code == 0
    summary = json.loads(stdout)
    assert summary["fits"][0]["penalized"]["estimator"] == "Ridge"
    assert sorted(p.name for p in out.iterdir()) == ["coefficients.csv", "plots", "posterior_normal.nc", "report.html", "report.md", "summary.json"]
    assert sorted(p.name for p in (out / "plots").iterdir()) == ["density_normal.png", "forest_normal.png", "identity_normal.png", "ppc_normal.png",
                                                               "prior_predictive_normal.png", "shrinkage.png"]
    assert json.loads((out / "summary.json").read_text()) == summary
    import arviz as az
    import xarray as xr

    tree = xr.open_datatree(out / "posterior_normal.nc")
    assert {"posterior", "sample_stats", "map", "find_map", "optimizer_result", "penalized"} <= set(tree.children)
    assert tree["posterior"]["coef"].shape == (2, 60, 4)
    map_in_json = [row["map"] for row in summary["fits"][0]["coefficients"][:4]]
    np.testing.assert_allclose(tree["map"]["coef"].values, map_in_json, rtol=1e-11)
    assert float(az.rhat(az.from_netcdf(out / "posterior_normal.nc"))["coef"].max()) < 1.2
    before = (out / "summary.json").read_text()
    code, _, err = run(["compare", *SMALL, "--out", str(out)], capsys)
    assert code == 2 and "already holds results; pass --force" in err
    assert (out / "summary.json").read_text() == before
    code, stdout, _ = run(["compare", *SMALL, "--out", str(out), "--force", "--seed", "4"], capsys)
    assert code == 0 and "normal prior" in stdout and "Ridge" in stdout
    assert (out / "summary.json").read_text() != before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


def test_progress_goes_to_stderr_and_quiet_silences_it(tmp_path, capsys):
    argv = ["compare", *SMALL, "--sigma", "1", "--no-plots"]
    code, stdout, err = run([*argv, "--out", str(tmp_path / "a")], capsys)
    assert code == 0 and "normal prior" in stdout
    for step in ("loading and checking the data", "normal: building the model, find_MAP and the polish",
                 "normal: compiling and sampling with nutpie (2 x 60 draws)", "writing"):
        assert step in err, step
    code, stdout, err = run([*argv, "--out", str(tmp_path / "b"), "--quiet"], capsys)
    assert code == 0 and err == ""
    code, stdout, err = run([*argv, "--out", str(tmp_path / "c"), "--json"], capsys)
    assert code == 0 and err == "" and stdout.lstrip().startswith("{")


def test_strict_exits_1_when_a_check_fails(tmp_path, capsys):
    # 5 draws per chain cannot give R-hat <= 1.01
    argv = ["compare", "synthetic:n=60,p=4,k=2,seed=1", "--prior", "normal", "--draws", "5", "--tune", "20", "--out", str(tmp_path / "o"), "--strict"]
    code, stdout, _ = run(argv, capsys)
    assert code == 1 and "checks failed" in stdout
    # 2 x 5 draws are also far from 400 effective draws: said in the table, the JSON and the report
    summary = json.loads((tmp_path / "o" / "summary.json").read_text())
    low = [c for c in summary["checks"]["failed"] if c.startswith("normal: min ESS bulk") and c.endswith("< 400")]
    assert len(low) == 1 and low[0] in stdout and low[0] in (tmp_path / "o" / "report.md").read_text()
    depth = summary["fits"][0]["diagnostics"]["treedepth_hits"]
    assert depth == 0 and "normal: 0 transitions hit the maximum tree depth" not in summary["checks"]["failed"]


def test_help_and_priors_do_not_import_pymc():
    code = (
        "import sys; from priorfit.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    main(['priors'])\n"
        "    try: main(['--help'])\n"
        "    except SystemExit: pass\n"
        "print(sorted(m for m in ('pymc', 'pytensor', 'arviz', 'sklearn') if m in sys.modules))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[]"


def test_priors_lists_conversions(capsys):
    code, out, _ = run(["priors"], capsys)
    assert code == 0
    for text in ("Ridge", "Lasso", "sigma^2 / tau^2", "sigma^2 / (n b)", "ARDRegression"):
        assert text in out


def _help(command):
    from priorfit.cli import _parser

    parser = _parser()
    sub = next(a for a in parser._actions if a.dest == "command").choices[command]
    return sub.format_help()


def test_boolean_settings_are_plain_flags():
    from dataclasses import fields

    from priorfit.cli import _parser
    from priorfit.settings import Settings

    booleans = {f.name: f.default for f in fields(Settings) if isinstance(f.default, bool)}
    assert booleans == {"scale_by_sigma": False, "standardize": True, "intercept": True, "explorer_rows": False, "whiten": True}
    text = _help("compare")
    for name, default in booleans.items():
        flag = f"--{name.replace('_', '-')}" if default is False else f"--no-{name.replace('_', '-')}"
        assert f"[{flag}]" in " ".join(text.split())  # in the usage line, without a value
        args = _parser().parse_args(["compare", flag])
        assert getattr(args, name) is (not default)
        assert getattr(_parser().parse_args(["compare"]), name) is None  # unset: the schema's default


def test_the_docs_park_casella_command_runs(tmp_path, capsys):
    import shlex
    from pathlib import Path

    theory = (Path(__file__).parents[2] / "docs" / "theory.md").read_text()
    line = next(line for line in theory.splitlines() if line.startswith("priorfit compare diabetes --prior laplace --scale-by-sigma"))
    assert line == "priorfit compare diabetes --prior laplace --scale-by-sigma --scale 4.2194 --no-standardize"
    small = ["--draws", "100", "--tune", "100", "--chains", "2"]  # the figures checked are the mode's and the twin's
    code, stdout, err = run([*shlex.split(line)[1:], *small, "--out", str(tmp_path / "o"), "--no-plots", "--json"], capsys)
    assert code == 0, err
    fit = json.loads(stdout)["fits"][0]
    assert fit["prior"]["params"]["by_sigma"] is True and fit["prior"]["params"]["scale"] == 4.2194
    # the figures of docs/theory.md: the Lasso at alpha = sigma / (n s) = 0.0287 of the MAP sigma, equal to the polished MAP
    sigma = fit["likelihood"]["sigma"]["value"]
    assert fit["penalized"]["penalty"]["alpha"] == pytest.approx(sigma / (442 * 4.2194), rel=1e-12)
    assert round(fit["penalized"]["penalty"]["alpha"], 4) == 0.0287
    assert fit["agreement"]["max_rel_diff"] < 1e-10 and fit["agreement"]["same_zero_pattern"]
    zeros = [row["name"] for row in fit["coefficients"] if row["penalized"] == 0]
    assert zeros == ["age", "s2"]


# settings that priorfit path does not use: not shown, and refused with the reason
PATH_UNUSED = ["--alpha", "--C", "--scale", "--weights", "--groups", "--bridge-q", "--precision", "--p0", "--slab-scale", "--slab-df", "--r2-mean", "--r2-precision",
               "--r2d2-concentration", "--loo", "--bootstrap", "--explorer-rows", "--relevance", "--holdout", "--test"]


def test_each_subcommand_shows_only_the_settings_it_takes():
    from priorfit.command_settings import UNUSED_BY, settings_of
    from priorfit.settings import Settings

    compare_help, path_help = _help("compare"), _help("path")
    flags = {name: f"--{name.replace('_', '-')}" for name in settings_of("compare")}
    flags |= {"C": "--C", "standardize": "--no-standardize", "intercept": "--no-intercept", "whiten": "--no-whiten"}
    assert set(settings_of("compare")) == set(Settings.__dataclass_fields__)
    def listed(text, flag):  # as an option (--alpha, not --alpha-grid), and in the usage line
        option = re.search(rf"^ +{re.escape(flag)}[ \n]", text, re.MULTILINE) is not None
        assert option == (re.search(rf"\[{re.escape(flag)}[] ]", text) is not None), flag
        return option

    for flag in flags.values():
        assert listed(compare_help, flag), flag
        assert listed(path_help, flag) == (flag not in PATH_UNUSED), flag
    assert sorted(flags[name] for name in UNUSED_BY["path"]) == sorted(PATH_UNUSED)
    for command in ("compare", "path"):
        assert listed(_help(command), "--json")


@pytest.mark.parametrize(
    "flags, sentence",
    [
        (["--bootstrap", "5"], "bootstrap 5 applies to priorfit compare only; priorfit path has no bootstrap intervals."),
        (["--alpha", "0.1"], ("alpha 0.1 applies to priorfit compare only; priorfit path takes its alphas from the grid "
                              "(alphas=, --alphas K or --alpha-grid A,B,...).")),
        (["--loo", "yes"], "loo yes applies to priorfit compare only; priorfit path computes no PSIS-LOO."),
        (["--relevance", "2"], "relevance 2 applies to priorfit compare only; priorfit path has no coefficient table."),
        (["--slab-df", "3"], "slab_df 3 applies to priorfit compare only; priorfit path fits only the priors with a penalized twin (normal, laplace, elasticnet)."),
    ],
)
def test_path_refuses_the_settings_it_does_not_show(flags, sentence, tmp_path, capsys):
    code, out, err = run(["path", *flags, "--out", str(tmp_path / "p")], capsys)
    assert code == 2 and out == "" and err == f"priorfit: error: {sentence}\n"
    assert not (tmp_path / "p").exists()


def test_unused_settings_at_their_defaults_pass():
    from priorfit import InputError
    from priorfit.command_settings import refuse_unused

    refuse_unused("path", {"bootstrap": 0, "loo": "auto", "slab_df": "4", "alpha": None, "sigma": 2.0})
    refuse_unused("compare", {"bootstrap": 5, "alpha": 0.1})
    with pytest.raises(InputError, match=r"^C 2 applies to priorfit compare only; priorfit path takes its penalties"):
        refuse_unused("path", {"C": 2})


def test_predict_writes_csv_to_stdout_or_a_file_and_protects_it(sparse_three_saved, tmp_path, capsys):
    import io

    import pandas as pd

    from priorfit.data import sources

    comparison, folder = sparse_three_saved
    X = sources.load(comparison.data.name).X[:4]
    frame = pd.DataFrame(X, columns=comparison.data.features)[["x3", "x1", "x2", "x6", "x5", "x4"]].assign(y=0.0)
    frame.to_csv(tmp_path / "new.csv", index=False, float_format="%.17g")
    expected = comparison.predict(X, prob=[0.5, 0.9])
    code, out, err = run(["predict", str(folder), str(tmp_path / "new.csv"), "--prob", "0.5", "0.9"], capsys)
    assert code == 0 and err == ""
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(out)), expected, check_exact=True)
    target = tmp_path / "p.parquet"
    code, out, err = run(["predict", str(folder), str(tmp_path / "new.csv"), "--prob", "0.5", "--prob", "0.9", "--out", str(target)],
                         capsys)
    assert code == 0 and out == "" and err == f"predictions of 4 new rows under 3 priors written to {target}\n"
    pd.testing.assert_frame_equal(pd.read_parquet(target), expected)
    written = target.read_bytes()
    code, _, err = run(["predict", str(folder), str(tmp_path / "new.csv"), "--out", str(target)], capsys)
    assert code == 2 and err == f"priorfit: error: Output file '{target}' already exists; pass --force to replace it or choose another --out.\n"
    assert target.read_bytes() == written
    code, _, _ = run(["predict", str(folder), str(tmp_path / "new.csv"), "--out", str(target), "--force", "--seed", "5"], capsys)
    assert code == 0 and list(pd.read_parquet(target).columns)[3:5] == ["mean_low", "mean_high"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["new.csv", "p.parquet"]  # no temporary file left
    # new rows by name, as compare takes data: the rows of a synthetic design (its target dropped)
    code, out, _ = run(["predict", str(folder), "synthetic:n=5,p=6,k=2,seed=4"], capsys)
    named = sources.load("synthetic:n=5,p=6,k=2,seed=4").X
    assert code == 0
    pd.testing.assert_frame_equal(pd.read_csv(io.StringIO(out)), comparison.predict(named), check_exact=True)


def test_predict_into_a_pipe_that_closes_early_exits_0_without_a_traceback(sparse_three_saved, monkeypatch, capsys):
    """`priorfit predict DIR NEW | head -1`: the reader closes the pipe after one line; the rest of the
    output has nowhere to go, which is no error."""
    import os

    from priorfit.cli import main

    _, folder = sparse_three_saved
    read, write = os.pipe()
    os.close(read)  # the reader is gone: every write raises BrokenPipeError
    with capsys.disabled(), os.fdopen(write, "w") as pipe:
        monkeypatch.setattr("sys.stdout", pipe)
        assert main(["predict", str(folder), "synthetic:n=50,p=6,k=2,seed=4"]) == 0
        pipe.write("more")  # what Python's flush at exit does: the pipe now leads to the null device
        pipe.flush()
