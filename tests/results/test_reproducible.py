"""Same inputs and seed, two processes: byte-identical summary.json apart from the timings, for
each sampler (nutpie through Python calls and through numba, and PyMC's NUTS)."""

import json
import re
import subprocess
import sys

import pytest

from priorfit.results.schema import VERSIONED

ARGS = ["compare", "--draws", "200", "--tune", "200", "--quiet", "--no-plots"]


def _read(out) -> str:
    return re.sub(r'"timings": \{[^{}]*\}', '"timings": {}', (out / "summary.json").read_text())


def _in_a_new_process(out, *flags) -> str:
    subprocess.run([sys.executable, "-m", "priorfit.cli", *ARGS, "--out", str(out), *flags], check=True, stdout=subprocess.DEVNULL)
    return _read(out)


def _in_this_process(out, *flags) -> str:
    """The same command through ``priorfit.cli.main`` in the test process, after whatever else it ran."""
    from priorfit.cli import main

    assert main([*ARGS, "--out", str(out), *flags]) == 0
    return _read(out)


# nutpie's numba backend compiles in each process (its model cannot be cached on disk): two new
# processes. PyMC's NUTS: one new process against this one, whose state other tests have changed.
@pytest.mark.parametrize(("flags", "second"), [
    (("--prior", "normal,regularized_horseshoe"), _in_a_new_process),  # nutpie: Python calls (normal) and numba (horseshoe)
    (("--prior", "normal,laplace", "--sampler", "pymc"), _in_this_process),
], ids=["nutpie", "pymc"])
def test_two_processes_write_the_same_summary(tmp_path, flags, second):
    first, again = _in_a_new_process(tmp_path / "first", *flags), second(tmp_path / "second", *flags)
    assert first == again
    versions = json.loads(first)["versions"]
    assert list(versions) == list(VERSIONED) and all(versions.values())
