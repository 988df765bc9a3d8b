"""SIGINT and SIGTERM sent to a real `priorfit compare` process, while it fits and while it
writes: no partial folder is left, and an earlier result is not touched."""

import signal
import subprocess
import sys
import time

import pytest

ARGS = ["compare", "synthetic:n=200,p=5,k=2,seed=1", "--prior", "normal", "--draws", "300", "--tune", "300", "--quiet"]


def _start(out, *extra):
    return subprocess.Popen([sys.executable, "-m", "priorfit.cli", *ARGS, "--out", str(out), *extra],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)


def _wait_for(condition, process, timeout=120.0):
    start = time.monotonic()
    while not condition():
        assert process.poll() is None, "the run ended before the signal could be sent"
        assert time.monotonic() - start < timeout
        time.sleep(0.01)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """A finished result, to be replaced (--force) by the interrupted runs."""
    out = tmp_path_factory.mktemp("runs") / "out"
    process = _start(out, "--no-plots")
    assert process.wait(timeout=300) == 0
    return out, (out / "summary.json").read_bytes()


@pytest.mark.parametrize("moment", ["fitting", "writing"])
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["SIGINT", "SIGTERM"])
def test_an_interrupt_leaves_no_partial_folder_and_the_earlier_one_intact(earlier, moment, signum):
    out, before = earlier
    process = _start(out, "--force")
    if moment == "fitting":
        time.sleep(3.0)  # imports done, fitting under way (the whole run takes several seconds more)
    else:  # the hidden folder the results are written into has appeared
        _wait_for(lambda: any(p.name.endswith(".tmp") for p in out.parent.iterdir()), process)
    process.send_signal(signum)
    code = process.wait(timeout=120)
    err = process.stderr.read()
    assert code == 130 and err.strip().endswith("priorfit: interrupted; nothing was written."), err
    assert "Traceback" not in err
    assert (out / "summary.json").read_bytes() == before  # the earlier result, untouched
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no temporary or half-written folder
