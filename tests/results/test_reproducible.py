"""Same inputs and seed, two processes: byte-identical summary.json apart from the timings, for
each sampler (nutpie through Python calls and through numba, and PyMC's NUTS)."""

import json
import re
import subprocess
import sys

import pytest

from priorfit.results.schema import VERSIONED


def _summary(out, *flags) -> str:
    # few draws: what is compared is every byte the run writes, not its statistics
    subprocess.run([sys.executable, "-m", "priorfit.cli", "compare", "diabetes", "--draws", "100",
                    "--tune", "100", "--chains", "2", "--quiet", "--no-plots", "--out", str(out), *flags],
                   check=True, stdout=subprocess.DEVNULL)
    return re.sub(r'"timings": \{[^{}]*\}', '"timings": {}', (out / "summary.json").read_text())


@pytest.mark.parametrize("flags", [
    ("--prior", "normal"),  # nutpie through Python calls
    # nutpie's numba backend compiles each model in each process (about 15 s for the horseshoe, not
    # cached on disk), and PyMC's sampler is not the default: two cold processes of either are slow checks
    pytest.param(("--prior", "normal,regularized_horseshoe"), marks=pytest.mark.slow),
    pytest.param(("--prior", "normal,laplace", "--sampler", "pymc"), marks=pytest.mark.slow),
], ids=["nutpie", "nutpie-numba", "pymc"])
def test_two_processes_write_the_same_summary(tmp_path, flags):
    first, second = _summary(tmp_path / "first", *flags), _summary(tmp_path / "second", *flags)
    assert first == second
    versions = json.loads(first)["versions"]
    assert list(versions) == list(VERSIONED) and all(versions.values())
