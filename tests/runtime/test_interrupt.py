"""SIGINT and SIGTERM sent to a real `priorfit compare` process, while it fits and while it
writes: no partial folder is left, and an earlier result is not touched."""

import signal
import subprocess
import sys
import threading
import time

import pytest

# the small model of tests/end_to_end/test_cli.py: the child processes load its compiled graphs from the disk cache
ARGS = ["compare", "synthetic:n=60,p=4,k=2,seed=1", "--prior", "normal", "--draws", "60", "--tune", "60", "--chains", "2"]


class Run:
    """A `priorfit compare` process and the progress lines it has printed so far. SIGINT is
    given its default action in the child: a job started in the background by a script
    inherits SIGINT ignored, and Python then never raises KeyboardInterrupt."""

    def __init__(self, out, *extra):
        self.process = subprocess.Popen([sys.executable, "-m", "priorfit.cli", *ARGS, "--out", str(out), *extra],
                                        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                                        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
        self.lines = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stderr:
            self.lines.append(line)

    def finish(self, timeout):
        code = self.process.wait(timeout=timeout)
        self.reader.join(timeout)
        return code, "".join(self.lines)


def _wait_for(condition, process, timeout=120.0):
    start = time.monotonic()
    while not condition():
        assert process.poll() is None, "the run ended before the signal could be sent"
        assert time.monotonic() - start < timeout
        time.sleep(0.01)


@pytest.fixture(scope="module")
def earlier(tmp_path_factory):
    """A finished result, to be replaced (--force) by the interrupted runs (written in this process:
    the same code path, without a second PyMC import)."""
    from priorfit.cli import main

    out = tmp_path_factory.mktemp("runs") / "out"
    assert main([*ARGS, "--out", str(out), "--no-plots", "--quiet"]) == 0
    return out, (out / "summary.json").read_bytes()


# SIGINT and SIGTERM go through one handler (priorfit.runtime.interrupts): both are sent while
# fitting, and SIGINT also while writing (a SIGTERM there takes the same path as SIGINT does)
@pytest.mark.parametrize(("signum", "moment"), [(signal.SIGINT, "fitting"), (signal.SIGTERM, "fitting"), (signal.SIGINT, "writing")],
                         ids=["SIGINT-fitting", "SIGTERM-fitting", "SIGINT-writing"])
def test_an_interrupt_leaves_no_partial_folder_and_the_earlier_one_intact(earlier, moment, signum):
    out, before = earlier
    run = Run(out, "--force")
    if moment == "fitting":  # PyMC imported: the next steps build, optimize and sample the model
        _wait_for(lambda: any("importing PyMC" in line for line in run.lines), run.process)
    else:  # the hidden folder the results are written into has appeared
        _wait_for(lambda: any(p.name.endswith(".tmp") for p in out.parent.iterdir()), run.process)
    run.process.send_signal(signum)
    code, err = run.finish(120)
    assert code == 130 and err.strip().endswith("priorfit: interrupted; nothing was written."), err
    assert "Traceback" not in err
    assert (out / "summary.json").read_bytes() == before  # the earlier result, untouched
    assert sorted(p.name for p in out.parent.iterdir()) == ["out"]  # no temporary or half-written folder
