"""Atomic output: an interrupted write leaves earlier results exactly as they were."""

from types import SimpleNamespace

import pandas as pd
import pytest

from priorfit import InputError
from priorfit.results import files as output
from priorfit.runtime import folders


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
        folders.check_target(tmp_path / "f", force=True)


def test_force_never_replaces_foreign_files(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(InputError, match=r"holds files priorfit did not write \(e.g. 'notes.txt'\); choose another --out.$"):
        folders.check_target(out, force=True)


def test_current_folder_is_refused(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError, match=r"^Output folder '.' is the current folder or above it"):
        folders.check_target(".", force=True)


def test_a_failed_rename_puts_the_earlier_results_back(tmp_path, monkeypatch):
    out = tmp_path / "res"
    out.mkdir()
    (out / "summary.json").write_text("earlier")
    real = folders.os.replace

    def failing(src, dst):
        if str(src).endswith(".tmp"):
            raise OSError(28, "No space left on device")
        return real(src, dst)

    monkeypatch.setattr(folders.os, "replace", failing)
    with pytest.raises(OSError):
        folders.write_folder(out, lambda folder: (folder / "summary.json").write_text("new"), force=True)
    assert (out / "summary.json").read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_a_signal_during_the_rename_is_held_until_the_results_are_in_place(tmp_path):
    import os
    import signal

    out = tmp_path / "res"

    def fill(folder):
        (folder / "summary.json").write_text("new")

    real = folders.os.replace

    def replace_with_a_signal(src, dst):  # SIGINT arrives between the renames
        os.kill(os.getpid(), signal.SIGINT)
        return real(src, dst)

    folders.os.replace = replace_with_a_signal
    # Python's own SIGINT handler, as a user's process has it (a pytest-xdist worker ignores SIGINT)
    handler = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        with pytest.raises(folders.InterruptedAfterWriting) as interrupted:
            folders.write_folder(out, fill)
    finally:
        folders.os.replace = real
        signal.signal(signal.SIGINT, handler)
    assert interrupted.value.out == out and (out / "summary.json").read_text() == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["res"]


def test_a_signal_whose_interrupt_a_library_swallowed_still_stops_the_rename(tmp_path):
    """The handler ran (the signal is recorded) but C code inside a library cleared its
    KeyboardInterrupt: the new folder is not moved into place, the earlier one stays."""
    import signal

    from priorfit.runtime import interrupts

    out = tmp_path / "res"
    out.mkdir()
    (out / "summary.json").write_text("earlier")

    def fill(folder):
        (folder / "summary.json").write_text("new")
        try:
            interrupts.interrupt(signal.SIGTERM, None)
        except KeyboardInterrupt:
            pass  # what such a library does

    previous = interrupts.install()
    try:
        with pytest.raises(KeyboardInterrupt):
            folders.write_folder(out, fill, force=True)
    finally:
        interrupts.uninstall(previous)
    assert interrupts.signals_received == []
    assert (out / "summary.json").read_text() == "earlier"
    assert [p.name for p in tmp_path.iterdir()] == ["res"]
