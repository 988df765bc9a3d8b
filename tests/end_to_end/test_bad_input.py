"""One table of bad inputs across CLI flags, data files, TOML declarations and API arguments.

Each gets one sentence naming the value and what is allowed: CLI exit status 2 with that
sentence alone on stderr (no traceback), and no output folder created. The API raises
InputError with the same kind of sentence.
"""

import numpy as np
import pandas as pd
import pytest

import priorfit
from priorfit import InputError
from priorfit.cli import main

FRAME = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0, 5.0], "b": [2.0, 1.0, 4.0, 3.0, 6.0], "y": [1.0, 3.0, 2.0, 5.0, 4.0]})


def _csv(text):
    def write(folder):
        (folder / "data.csv").write_text(text)
        return str(folder / "data.csv")

    return write


def _frame(**changes):
    def write(folder):
        frame = FRAME.copy()
        for column, values in changes.items():
            frame[column] = values
        frame.to_csv(folder / "data.csv", index=False)
        return str(folder / "data.csv")

    return write


def _declaration(text):
    def write(folder):
        (folder / "m.toml").write_text(text)
        return str(folder / "m.toml")

    return write


def _empty_folder(folder):
    (folder / "parts").mkdir()
    return str(folder / "parts")


def _garbage_parquet(folder):
    (folder / "data.parquet").write_bytes(b"not parquet at all")
    return str(folder / "data.parquet")


# (id, data maker or a data string, extra CLI args, expected part of the sentence)
CLI = [
    ("missing-file", "nope.csv", [], "'nope.csv' is neither a file that exists nor a known data set"),
    ("unreadable-file", _garbage_parquet, [], "could not be read"),
    ("empty-file", _csv(""), [], "could not be read: No columns to parse from file"),
    ("empty-folder", _empty_folder, [], "has no .csv or .parquet file"),
    ("header-only", _csv("a,b,y\n"), [], "has no rows; priorfit needs at least 3"),
    ("more-values-than-names", _csv("a,b,y\n1,2,3,4\n5,6,7\n8,9,1\n"), [], "has rows with more values than its header names columns"),
    ("unknown-target", _frame(), ["--target", "z"], "Target column 'z' is not in"),
    ("nan-in-x", _frame(a=[1.0, np.nan, 3.0, 4.0, 5.0]), [], "Column 'a' of data.csv has 1 missing or non-finite value(s), the first in row 2"),
    ("inf-in-y", _frame(y=[1.0, 2.0, np.inf, 4.0, 5.0]), [], "Column 'y' of data.csv has 1 missing or non-finite value(s), the first in row 3"),
    ("text-column", _frame(b=["1", "2", "x", "4", "5"]), [], "Column 'b' of data.csv is not numeric (value 'x' in row 3)"),
    ("duplicate-columns", _csv("a,a,y\n1,2,3\n2,1,4\n3,5,2\n4,4,6\n"), [],
     "data.csv names the column 'a' twice; give every column its own name."),
    ("constant-column", _frame(b=[7.0] * 5), [], "Column 'b' of data.csv is constant (every value is 7)"),
    ("two-rows", _csv("a,y\n1,2\n2,3\n"), [], "data.csv has 2 rows; priorfit needs at least 3"),
    ("no-features", _csv("y\n1\n2\n3\n4\n"), [], "data.csv has no feature columns; priorfit needs at least one"),
    ("logistic-y-not-binary", _frame(y=[0.0, 1.0, 2.0, 1.0, 0.0]), ["--likelihood", "bernoulli"],
     "The target of data.csv has 3 distinct values (0, 1, 2); the bernoulli likelihood needs 0/1 or exactly two labels."),
    ("text-target-gaussian", _frame(y=["no", "yes", "no", "yes", "yes"]), [],
     ("The target of data.csv is not numeric (value 'no' in row 1); the gaussian likelihood needs numbers "
      "(two text labels are a target of the bernoulli likelihood).")),
    ("text-target-poisson", _frame(y=["1", "2", "x", "4", "5"]), ["--likelihood", "poisson"],
     "The target of data.csv is not numeric (value 'x' in row 3); the poisson likelihood needs numbers"),
    ("three-text-labels", _frame(y=["a", "b", "c", "a", "b"]), ["--likelihood", "bernoulli"],
     "The target of data.csv has 3 distinct values ('a', 'b', 'c'); the bernoulli likelihood needs 0/1 or exactly two labels."),
    ("text-target-missing", _frame(y=["no", None, "yes", "no", "yes"]), ["--likelihood", "bernoulli"],
     "Column 'y' of data.csv has 1 missing or non-finite value(s), the first in row 2"),
    ("one-text-label", _frame(y=["yes"] * 5), ["--likelihood", "bernoulli"],
     "Target 'y' of data.csv is constant (every value is 'yes'); there is nothing to regress."),
    ("semicolons-text-column", _csv("a;b;y\n1;2;3\n2;x;4\n3;5;2\n4;4;6\n"), [], "Column 'b' of data.csv is not numeric (value 'x' in row 2)"),
    ("poisson-negative", _frame(y=[0.0, 1.0, -2.0, 1.0, 0.0]), ["--likelihood", "poisson"], "poisson likelihood needs"),
    ("poisson-non-integer", _frame(y=[0.0, 1.5, 2.0, 1.0, 0.0]), ["--likelihood", "poisson"], "poisson likelihood needs"),
    # formulas (issue 19): the column, the grammar, the target's side and a missing value the formula uses
    ("formula-unknown-column", _frame(), ["--formula", "y ~ a + dose"], "The formula 'y ~ a + dose' uses 'dose', which 'data.csv' "
                                                                        "does not have; its columns are: a, b, y."),
    ("formula-malformed", _frame(), ["--formula", "y ~ a + ("], "The formula 'y ~ a + (' is not one formulaic can read"),
    ("formula-no-left-side", _frame(), ["--formula", "a + b"], "The formula 'a + b' has no left side; name the target on it"),
    ("formula-and-target", _frame(), ["--formula", "y ~ a", "--target", "b"],
     "--target 'b' is given with a formula; the formula's left side names the target."),
    ("formula-missing-value", _frame(b=["u", None, "v", "u", "v"]), ["--formula", "y ~ a + C(b)"],
     "Column 'b' of 'data.csv', which the formula uses, has 1 missing value, the first in row 2; give complete rows, or drop "
     "the incomplete ones with --missing drop."),
    ("missing-unknown", _frame(), ["--missing", "keep"], "missing 'keep' is not allowed; use refuse (a row with a missing value "
                                                        "is refused with a sentence) or drop (such rows are dropped and counted)."),
    ("missing-drop-every-row", _frame(b=[np.nan] * 5), ["--missing", "drop"],
     "Every row of data.csv misses a value in a column the fit uses; nothing is left after dropping the incomplete rows "
     "(--missing drop)."),
    ("missing-drop-in-chunks", lambda folder: _frame()(folder) and str(folder), ["--missing", "drop"],
     "missing 'drop' applies to data read whole; '{tmp}' is read in chunks into its sufficient statistics, so give it "
     "complete rows (or a smaller file)."),
    ("scale-zero", "diabetes", ["--prior", "normal", "--scale", "0"], "scale '0' is not allowed"),
    ("alpha-negative", "diabetes", ["--prior", "laplace", "--alpha", "-1"], "alpha '-1' is not allowed"),
    ("alpha-text", "diabetes", ["--prior", "laplace", "--alpha", "lots"], "alpha 'lots' is not allowed"),
    ("hdi-prob", "diabetes", ["--hdi-prob", "1.5"], "hdi_prob '1.5' is not allowed; it must lie strictly between 0 and 1."),
    ("draws-zero", "diabetes", ["--draws", "0"], "draws '0' is not allowed; it must be a whole number from 1 to"),
    ("chains-zero", "diabetes", ["--chains", "0"], "chains '0' is not allowed; it must be a whole number from 1 to"),
    ("unknown-prior", "diabetes", ["--prior", "cauchy"],
     "Unknown prior 'cauchy'; allowed are: normal, laplace, group_laplace, elasticnet, bridge, mvnormal, horseshoe, regularized_horseshoe, r2d2."),
    ("unknown-likelihood", "diabetes", ["--likelihood", "gamma"], "gamma"),
    ("unknown-sampler", "diabetes", ["--sampler", "emcee"], "emcee"),
    ("alpha-and-scale", "diabetes", ["--prior", "laplace", "--alpha", "1", "--scale", "1"],
     "Both alpha=1 and scale=1 were given for the laplace prior; give one of them"),
    ("synthetic-too-large", "synthetic:n=1000000,p=1000000", [], "Synthetic n=1000000, p=1000000 would need 8 TB for X"),
    ("synthetic-bad-key", "synthetic:n=100,q=3", [], "Synthetic parameter 'q=3' is not understood"),
    ("workers-zero", "diabetes", ["--workers", "0"], "workers '0' is not allowed; it must be a whole number from 1 to 256."),
    ("unknown-flag", "diabetes", ["--colour", "red"], "Unrecognized arguments: --colour red"),
]

RUN = [
    ("toml-malformed", _declaration('name = "a"\n[data\n'), "not valid TOML"),
    ("toml-unknown-key", _declaration('name = "a"\n[data]\nsource = "diabetes"\n[settings]\npriors = ["normal"]\n'),
     "unknown key 'priors' in [settings] (did you mean 'prior'?)"),
    ("toml-missing-file", lambda folder: str(folder / "none.toml"), "does not exist; give a .toml file or a folder of them."),
]


# priorfit path: the settings it does not use are refused with the reason (and not listed in its --help)
PATH = [
    ("path-bootstrap", ["--bootstrap", "5"], "bootstrap 5 applies to priorfit compare only; priorfit path has no bootstrap intervals."),
    ("path-scale", ["--scale", "2"], "scale 2 applies to priorfit compare only; priorfit path sets the prior scale from each alpha"),
    ("path-p0", ["--p0", "2"], "p0 2 applies to priorfit compare only; priorfit path fits only the priors with a penalized twin (normal, laplace, elasticnet)."),
]


def _check_cli(argv, out, capsys, expected):
    code = main([*argv, "--out", str(out)])
    err = capsys.readouterr().err
    assert code == 2, err
    assert err.startswith("priorfit: error: ") and err.count("\n") == 1 and "Traceback" not in err, err
    assert expected in err, err
    assert not out.exists()


@pytest.mark.parametrize(("data", "flags", "expected"), [c[1:] for c in CLI], ids=[c[0] for c in CLI])
def test_compare_refuses(tmp_path, monkeypatch, capsys, data, flags, expected):
    monkeypatch.chdir(tmp_path)
    source = data(tmp_path) if callable(data) else data
    _check_cli(["compare", source, *flags], tmp_path / "out", capsys, expected.replace("{tmp}", str(tmp_path)))


@pytest.mark.parametrize(("declaration", "expected"), [c[1:] for c in RUN], ids=[c[0] for c in RUN])
def test_run_refuses(tmp_path, capsys, declaration, expected):
    _check_cli(["run", declaration(tmp_path)], tmp_path / "out", capsys, expected)


@pytest.mark.parametrize(("flags", "expected"), [c[1:] for c in PATH], ids=[c[0] for c in PATH])
def test_path_refuses(tmp_path, capsys, flags, expected):
    _check_cli(["path", "diabetes", *flags], tmp_path / "out", capsys, expected)


def test_an_output_path_that_cannot_be_created(tmp_path, capsys):
    (tmp_path / "file").write_text("x")
    code = main(["compare", "diabetes", "--out", str(tmp_path / "file" / "out")])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1 and "cannot be created" in err and "Traceback" not in err


API = [
    ("x-one-dimensional", lambda: priorfit.compare(np.ones(5), np.ones(5)), "X has shape (5,); it must be a 2-D array"),
    ("y-wrong-length", lambda: priorfit.compare(np.ones((5, 2)), np.ones(4)), "y has shape (4,); it must be 1-D with one value per row of X (5)"),
    ("y-with-a-name", lambda: priorfit.compare("diabetes", [1, 2]), "y was given with the data name 'diabetes'"),
    ("unknown-keyword", lambda: priorfit.compare("diabetes", priors="normal"), "priors"),
    ("mu-wrong-length", lambda: priorfit.compare("diabetes", prior="normal", mu=(0.0, 1.0)), "mu has 2 entries but the data have 10 features"),
    ("text-y-gaussian", lambda: priorfit.compare(FRAME[["a", "b"]], ["u", "v", "u", "v", "u"]),
     "The target of data is not numeric (value 'u' in row 1); the gaussian likelihood needs numbers"),
    ("path-alpha", lambda: __import__("priorfit.runs.path").runs.path.path("diabetes", alpha=0.1),
     "alpha 0.1 applies to priorfit compare only; priorfit path takes its alphas from the grid"),
    ("duplicate-frame-columns", lambda: priorfit.compare(pd.DataFrame(np.eye(4), columns=["a", "a", "b", "c"]), np.arange(4.0)),
     "names the column 'a' twice"),
]


@pytest.mark.parametrize(("call", "expected"), [c[1:] for c in API], ids=[c[0] for c in API])
def test_api_refuses(call, expected):
    with pytest.raises(InputError) as error:
        call()
    message = str(error.value)
    assert expected in message and "\n" not in message



# priorfit predict FOLDER NEWDATA: (id, new rows as a frame of the training features x1..x6, extra args, the sentence)
def _new_rows(**changes):
    def write(folder):
        frame = pd.DataFrame(np.arange(18.0).reshape(3, 6) / 10, columns=[f"x{j}" for j in range(1, 7)])
        for column, values in changes.items():
            if values is None:
                frame = frame.drop(columns=[column])
            else:
                frame[column] = values
        frame.to_csv(folder / "new.csv", index=False)
        return str(folder / "new.csv")

    return write


PREDICT = [
    ("missing-feature", _new_rows(x3=None), [],
     "The new rows in 'new.csv' lack the training feature x3; give every feature the comparison was fitted on: "
     "x1, x2, x3, x4, x5, x6."),
    ("extra-columns", _new_rows(id=[1, 2, 3], site=["a", "b", "c"]), [],
     "The new rows in 'new.csv' have the columns id, site, which are not training features; drop them: the features are "
     "x1, x2, x3, x4, x5, x6."),
    ("text-cell", _new_rows(x2=["0.1", "abc", "0.3"]), [],
     "Column 'x2' of the new rows in 'new.csv' is not numeric (value 'abc' in row 2); priorfit needs numeric columns."),
    ("empty-cell", _new_rows(x5=[0.1, np.nan, 0.3]), [],
     "Column 'x5' of the new rows in 'new.csv' has a missing or non-finite value in row 2; priorfit needs complete, finite data."),
    ("prob-above-one", _new_rows(), ["--prob", "1.5"], "prob '1.5' is not allowed; it must lie strictly between 0 and 1."),
    ("prob-twice", _new_rows(), ["--prob", "0.9", "0.90"], "prob 0.9 is given twice; give each interval level once."),
    ("missing-newdata", lambda folder: str(folder / "none.csv"), [],
     "New data '{tmp}/none.csv' is not a file that exists; give a CSV or Parquet file of new rows, with the training "
     "features as columns (or a data set by name, such as synthetic:...)."),
    ("out-suffix", _new_rows(), ["--out", "{tmp}/p.txt"], "Output file '{tmp}/p.txt' has suffix '.txt'; allowed are .csv, .parquet, .pq."),
    ("bad-seed", _new_rows(), ["--seed", "-1"], "seed '-1' is not allowed; it must be a whole number from 0 to 4294967295."),
]


@pytest.mark.parametrize(("data", "flags", "expected"), [c[1:] for c in PREDICT], ids=[c[0] for c in PREDICT])
def test_predict_refuses(sparse_three_saved, tmp_path, capsys, data, flags, expected):
    _, folder = sparse_three_saved
    source = data(tmp_path)
    listed = sorted(p.name for p in tmp_path.iterdir())
    code = main(["predict", str(folder), source, *[f.format(tmp=tmp_path) for f in flags]])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "", captured.err
    assert captured.err == f"priorfit: error: {expected.format(tmp=tmp_path)}\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == listed  # nothing written


# priorfit predict after a formula: the new rows hold the columns the formula reads (issue 19)
FORMULA_PREDICT = [
    ("unseen-level", {"site": ["u", "w", "v"]},
     "Column 'site' of the new rows in 'new.csv' has the level 'w' in row 2, which the training data did not have; its levels "
     "are: 'u', 'v'."),
    ("formula-column-absent", {"site": None},
     "The formula '~ 1 + a + C(site)' uses 'site', which the new rows in 'new.csv' do not have; their columns are: a."),
    ("formula-missing-value", {"a": [1.0, np.nan, 2.0]},
     "Column 'a' of the new rows in 'new.csv', which the formula uses, has 1 missing value, the first in row 2; give complete "
     "rows."),
]


@pytest.fixture(scope="module")
def formula_saved(tmp_path_factory):
    folder = tmp_path_factory.mktemp("formula")
    frame = pd.DataFrame({"a": np.arange(12.0), "site": ["u", "v"] * 6, "y": np.sin(np.arange(12.0))})
    frame.to_csv(folder / "train.csv", index=False)
    assert main(["compare", str(folder / "train.csv"), "--formula", "y ~ a + C(site)", "--prior", "normal", "--draws", "50",
                 "--tune", "50", "--chains", "1", "--loo", "no", "--no-plots", "--quiet", "--out", str(folder / "out")]) == 0
    return folder / "out"


@pytest.mark.parametrize(("changes", "expected"), [c[1:] for c in FORMULA_PREDICT], ids=[c[0] for c in FORMULA_PREDICT])
def test_predict_after_a_formula_refuses(formula_saved, tmp_path, capsys, changes, expected):
    frame = pd.DataFrame({"a": [1.0, 2.0, 3.0], "site": ["u", "v", "u"]})
    for column, values in changes.items():
        frame = frame.drop(columns=[column]) if values is None else frame.assign(**{column: values})
    frame.to_csv(tmp_path / "new.csv", index=False)
    code = main(["predict", str(formula_saved), str(tmp_path / "new.csv"), "--out", str(tmp_path / "p.csv")])
    captured = capsys.readouterr()
    assert code == 2 and captured.err == f"priorfit: error: {expected}\n", captured.err
    assert not (tmp_path / "p.csv").exists()


def test_predict_refuses_a_folder_that_is_not_priorfit_output(sparse_three_saved, tmp_path, capsys):
    import shutil

    _, folder = sparse_three_saved
    rows = _new_rows()(tmp_path)
    (tmp_path / "empty").mkdir()
    broken = tmp_path / "broken"
    shutil.copytree(folder, broken)
    (broken / "posterior_laplace.nc").unlink()
    (tmp_path / "text").mkdir()
    (tmp_path / "text" / "summary.json").write_text("not json")
    cases = {
        "empty": f"Folder '{tmp_path}/empty' holds no priorfit results (no summary.json); give a folder priorfit compare --out wrote.",
        "broken": f"'{broken}' lacks posterior_laplace.nc, the posterior its summary.json names; give a whole folder "
                  "`priorfit compare --out` wrote.",
        "text": f"'{tmp_path}/text/summary.json' is not a priorfit summary (no fits in it); give a folder `priorfit compare --out` wrote.",
    }
    for name, sentence in cases.items():
        code = main(["predict", str(tmp_path / name), rows, "--out", str(tmp_path / "p.csv")])
        err = capsys.readouterr().err
        assert code == 2 and err == f"priorfit: error: {sentence}\n", err
        assert not (tmp_path / "p.csv").exists()
