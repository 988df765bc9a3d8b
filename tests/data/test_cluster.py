"""Dask: sweeps on a real LocalCluster (loopback) give the results of a run in this process."""

import json

import numpy as np
import pytest

from priorfit.cli import main

# the small model of tests/end_to_end/test_cli.py: the workers load its compiled graphs from the disk cache
DECLARATION = """name = "{name}"
[data]
source = "synthetic:n=60,p=4,k=2,seed=1"
[sweep]
seed = [1, 2]
[settings]
prior = "normal"
draws = 60
tune = 60
chains = 2
"""


def _means(folder):
    summary = json.loads((folder / "summary.json").read_text())
    return np.array([row["mean"] for row in summary["fits"][0]["coefficients"]])


def test_a_sweep_runs_on_a_local_cluster_as_in_process(tmp_path, capsys):
    """One declaration swept over two seeds: two runs, spread over two worker processes."""
    (tmp_path / "a.toml").write_text(DECLARATION.format(name="a"))
    files = [str(tmp_path / "a.toml")]
    assert main(["run", *files, "--out", str(tmp_path / "one"), "--quiet", "--no-plots"]) == 0
    assert main(["run", *files, "--out", str(tmp_path / "many"), "--quiet", "--no-plots", "--workers", "2"]) == 0
    assert "running 2 declarations on 2 dask workers" in capsys.readouterr().err
    runs = sorted(p.name for p in (tmp_path / "many").iterdir())
    assert runs == ["a-seed1", "a-seed2"]
    assert not np.allclose(_means(tmp_path / "many" / "a-seed1"), _means(tmp_path / "many" / "a-seed2"), rtol=1e-6)
    for name in runs:  # the same seeded chains (PyMC's and nutpie's draws do not depend on the process)
        np.testing.assert_allclose(_means(tmp_path / "many" / name), _means(tmp_path / "one" / name), rtol=1e-10)


@pytest.mark.parametrize(("flags", "message"), [
    (["--scheduler", "tcp://127.0.0.1:9", "--workers", "2"],
     "priorfit: error: --scheduler and --workers exclude each other: connect to a cluster, or start a local one.\n"),
    (["--workers", "0"], "priorfit: error: workers '0' is not allowed; it must be a whole number from 1 to 256.\n"),
])
def test_cluster_flags_are_checked(tmp_path, capsys, flags, message):
    (tmp_path / "a.toml").write_text(DECLARATION.format(name="a"))
    assert main(["run", str(tmp_path / "a.toml"), "--out", str(tmp_path / "out"), *flags]) == 2
    assert capsys.readouterr().err == message
    assert not (tmp_path / "out").exists()
