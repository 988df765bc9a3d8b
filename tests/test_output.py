"""Atomic output: an interrupted write leaves earlier results exactly as they were."""

from types import SimpleNamespace

import pandas as pd
import pytest

from priorfit import InputError, output


class _Interrupting:
    def to_netcdf(self, path):
        raise KeyboardInterrupt


def _comparison():
    table = pd.DataFrame({"penalized": [1.0], "map": [1.0]}, index=pd.Index(["x1"], name="name"))
    fit = SimpleNamespace(prior=SimpleNamespace(name="normal"), coefficients=table, original=None, tree=_Interrupting())
    return SimpleNamespace(fits=[fit], to_json=lambda: "{}")


def test_interrupted_write_keeps_earlier_results(tmp_path):
    out = tmp_path / "res"
    out.mkdir()
    (out / "summary.json").write_text("earlier")
    with pytest.raises(KeyboardInterrupt):
        output.write(_comparison(), out, force=True)
    assert (out / "summary.json").read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_interrupted_first_write_leaves_nothing(tmp_path):
    with pytest.raises(KeyboardInterrupt):
        output.write(_comparison(), tmp_path / "new", force=False)
    assert list(tmp_path.iterdir()) == []


def test_output_path_that_is_a_file(tmp_path):
    (tmp_path / "f").write_text("x")
    with pytest.raises(InputError, match=r"^Output path '.*f' is a file; --out must name a folder.$"):
        output.check_target(tmp_path / "f", force=True)


def test_force_never_replaces_foreign_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match=r"holds files priorfit did not write \(e.g. 'notes.txt'\); choose another --out.$"):
        output.check_target(out, force=True)


def test_current_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"^Output folder '.' is the current folder or above it"):
        output.check_target(".", force=True)
