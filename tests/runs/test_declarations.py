"""models/*.toml: every shipped declaration runs; bad declarations get one sentence naming the
file and the key, and nothing is written."""

from pathlib import Path

import pytest

from priorfit import InputError
from priorfit.cli import main
from priorfit.runs import declarations

MODELS = Path(__file__).parents[2] / "models"
SHIPPED = sorted(MODELS.glob("*.toml"))
# the run, its files and the MAP-side agreement are checked here, not the posterior: few draws
SMALL = {"draws": 40, "tune": 60, "chains": 2}
# declarations that other tests fit too: their runs are shared session fixtures (tests/conftest.py)
SHARED = {"breast-cancer", "poisson-counts", "park-casella"}


def test_the_shipped_declarations_are_the_ones_run_here():
    """Every .toml in models/ is collected under its own name, and is a parameter of the run test below."""
    names = [d.name for d in declarations.collect([MODELS])]
    assert names == [p.stem for p in SHIPPED]  # one run per file, no sweep among them, named as the file
    assert {"diabetes", "sparse-synthetic", "diamonds", *SHARED} <= set(names)


@pytest.mark.parametrize("path", SHIPPED, ids=[p.stem for p in SHIPPED])
def test_each_shipped_declaration_runs(path, tmp_path, request):
    if path.stem in SHARED:
        declaration, result, out = request.getfixturevalue(f"declared_{path.stem.replace('-', '_')}")
        assert declaration.path == path
    else:
        declaration = declarations.load(path)
        result, out = declaration.run(tmp_path / declaration.name, progress=False, plots=False, **SMALL)
    assert out.name == declaration.name and (out / "summary.json").exists() and (out / "report.html").exists()
    assert list(result.settings.prior) == list(declaration.settings["prior"])
    for fit in result.fits:
        if fit.penalized.exact:
            assert fit.agreement.holds and fit.mode.status == "ok", (path.name, fit.prior.name)
    if declaration.name == "sparse-synthetic":
        assert result.data.truth is not None


@pytest.mark.parametrize(
    "text,message",
    [
        ('name = "a"\n[data]\nsource = "diabetes"\n[settings]\npriors = ["normal"]\n',
         "unknown key 'priors' in [settings] (did you mean 'prior'?); allowed are: prior, likelihood, alpha,"),
        ('name = "a"\n[data]\nsource = "diabetes"\ntargte = "y"\n', "unknown key 'targte' in [data] (did you mean 'target'?); allowed are: source, target."),
        ('nmae = "a"\n', "unknown key 'nmae' in the file (did you mean 'name'?); allowed are: name, description, data, settings, sweep, predict."),
        ('[data]\nsource = "diabetes"\n', "the key 'name' is missing; a declaration needs name, [data] and [settings]."),
        ('name = "a/b"\n[data]\nsource = "diabetes"\n', "name 'a/b' is not allowed; it must be a non-empty folder name without slashes."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[settings]\ndraws = 0\n', "draws 0 is not allowed; it must be a whole number from 1 to 1000000000."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[settings]\nprior = ["normal", "laplace"]\nalpha = 1.0\n', "alpha 1 is ambiguous"),
        ('name = "a"\n[data\n', "not valid TOML"),
        ('name = "a"\nsettings = 3\n[data]\nsource = "diabetes"\n', "settings must be a table ([settings]), not int."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[sweep]\nseeds = [1, 2]\n', "unknown key 'seeds' in [sweep] (did you mean 'seed'?)"),
        ('name = "a"\n[data]\nsource = "diabetes"\n[sweep]\nseed = 3\n',
         "sweep seed = 3 is not allowed; give a non-empty list of values, e.g. [0, 1, 2]."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[sweep]\ndraws = [100, 0]\n',
         "sweep run a-draws0: draws 0 is not allowed; it must be a whole number from 1 to 1000000000."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[predict]\nprob = 0.9\n',
         '[predict] needs rows: a CSV or Parquet file of new rows, e.g. rows = "new-rows.csv".'),
        ('name = "a"\n[data]\nsource = "diabetes"\n[predict]\nrows = "none.csv"\n',
         "[predict] rows 'none.csv' is not a file that exists; give a CSV or Parquet file of new rows, relative to the declaration."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[predict]\nrows = "bad.toml"\nprobs = [0.9]\n',
         "unknown key 'probs' in [predict] (did you mean 'prob'?); allowed are: rows, prob."),
        ('name = "a"\n[data]\nsource = "diabetes"\n[predict]\nrows = "bad.toml"\nprob = [0.5, 2]\n',
         "[predict] prob 2 is not allowed; it must lie strictly between 0 and 1."),
    ],
)
def test_bad_declarations(tmp_path, text, message):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(InputError) as error:
        declarations.load(path)
    assert str(error.value).startswith(f"{path}: ") and message in str(error.value)


def test_a_sweep_expands_into_one_run_per_combination(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('name = "s"\n[data]\nsource = "diabetes"\n[settings]\nprior = "laplace"\n'
                    '[sweep]\nseed = [0, 1]\nalpha = [0.1, 1.5]\n')
    runs = declarations.collect([path])
    assert [d.name for d in runs] == ["s-seed0-alpha0.1", "s-seed0-alpha1.5", "s-seed1-alpha0.1", "s-seed1-alpha1.5"]
    assert [(d.settings["seed"], d.settings["alpha"]) for d in runs] == [(0, 0.1), (0, 1.5), (1, 0.1), (1, 1.5)]
    assert all(d.settings["prior"] == "laplace" and not d.sweep for d in runs)


def test_a_data_path_is_relative_to_the_declaration(tmp_path, diabetes):
    import pandas as pd

    folder = tmp_path / "decl"
    folder.mkdir()
    pd.DataFrame(diabetes.X, columns=diabetes.features).assign(target=diabetes.y).to_csv(folder / "d.csv", index=False)
    (folder / "m.toml").write_text('name = "m"\n[data]\nsource = "d.csv"\ntarget = "target"\n[settings]\nprior = ["normal"]\n')
    declaration = declarations.load(folder / "m.toml")
    assert declaration.source == str(folder / "d.csv") and declaration.target == "target"


def test_run_command_refuses_bad_files_and_writes_nothing(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "ok.toml").write_text('name = "dup"\n[data]\nsource = "diabetes"\n')
    (tmp_path / "other.toml").write_text('name = "dup"\n[data]\nsource = "diabetes"\n')
    assert main(["run", str(tmp_path), "--out", "runs"]) == 2
    err = capsys.readouterr().err
    assert "name 'dup' is also used by" in err and err.count("\n") == 1
    assert not (tmp_path / "runs").exists()
    empty = tmp_path / "empty"
    empty.mkdir()
    assert main(["run", str(empty)]) == 2
    assert capsys.readouterr().err == f"priorfit: error: Folder {str(empty)!r} holds no .toml declarations.\n"


def test_a_predict_table_writes_predictions_into_the_run(tmp_path, sparse_three, monkeypatch):
    """[predict]: the run's folder gets predictions.csv, Comparison.predict of the rows (the fit is the shared one)."""
    import pandas as pd

    from priorfit.data import sources
    from priorfit.runs import compare

    X = sources.load(sparse_three.data.name).X[:6]
    pd.DataFrame(X, columns=sparse_three.data.features).to_csv(tmp_path / "new.csv", index=False, float_format="%.17g")
    (tmp_path / "m.toml").write_text('name = "m"\n[data]\nsource = "diabetes"\n[predict]\nrows = "new.csv"\nprob = [0.5, 0.9]\n')
    declaration = declarations.load(tmp_path / "m.toml")
    assert declaration.predict == {"rows": str((tmp_path / "new.csv").resolve()), "prob": [0.5, 0.9]}
    monkeypatch.setattr(compare, "compare", lambda *args, **kwargs: sparse_three)
    _, out = declaration.run(tmp_path / "out", progress=False, plots=False)
    written = pd.read_csv(out / "predictions.csv")
    pd.testing.assert_frame_equal(written, sparse_three.predict(X, prob=[0.5, 0.9]), check_exact=True)
    # rows without a training feature: one sentence, and no folder
    pd.DataFrame(X[:, :5], columns=sparse_three.data.features[:5]).to_csv(tmp_path / "new.csv", index=False)
    with pytest.raises(InputError, match=r"^The new rows in 'new.csv' lack the training feature x6; "):
        declaration.run(tmp_path / "other", progress=False, plots=False)
    assert not (tmp_path / "other").exists()
