"""Target 7: `priorfit --help` in a fresh process (best of 5), against `python -c pass`.

Run: python benchmarks/cli_help.py        (target: < 1 s)
"""

import json
import subprocess
import sys
import time

TARGET = 1.0


def _best(args, repeats: int = 5) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run([sys.executable, *args], check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> dict:
    bare = _best(["-c", "pass"])
    helped = _best(["-m", "priorfit.cli", "--help"])
    print(f"priorfit --help: {helped:.2f} s (python -c pass: {bare:.2f} s, x{helped / bare:.1f}); target < {TARGET:g} s")
    return {"target": "priorfit --help (s)", "measured": f"{helped:.2f}", "goal": f"< {TARGET:g}", "met": helped < TARGET,
            "help_s": helped, "python_s": bare}


if __name__ == "__main__":
    print("RESULT " + json.dumps(main()))
