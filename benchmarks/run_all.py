"""Run every speed benchmark (issue targets 1-7), each in a fresh process, one after another;
print a table and write it as JSON.

Run: python benchmarks/run_all.py [--out benchmarks/results.json] [--skip plain_pymc,...]

The scripts: default_compare (1), large_n (2, 3), plain_pymc (4), preconditioning (5),
path (6), cli_help (7). Each prints its own details and a final `RESULT {json}` line.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).parent
SCRIPTS = ("default_compare", "large_n", "plain_pymc", "preconditioning", "path", "path_reweight", "explorer", "cli_help")


def run(name: str) -> list[dict]:
    start = time.perf_counter()
    done = subprocess.run([sys.executable, str(HERE / f"{name}.py")], capture_output=True, text=True)
    print(done.stdout.rstrip().rpartition("RESULT ")[0].rstrip(), flush=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if done.returncode != 0 or not lines:
        print(done.stderr[-3000:])
        return [{"script": name, "target": name, "measured": "failed", "goal": "", "met": False}]
    rows = json.loads(lines[-1].removeprefix("RESULT "))
    rows = rows if isinstance(rows, list) else [rows]
    print(f"  ({name}: {time.perf_counter() - start:.0f} s)\n", flush=True)
    return [{"script": name, **row} for row in rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(HERE / "results.json"))
    parser.add_argument("--skip", default="", help="comma-separated scripts to leave out")
    args = parser.parse_args()
    skip = set(filter(None, args.skip.split(",")))
    rows = [row for name in SCRIPTS if name not in skip for row in run(name)]
    width = max(len(r["target"]) for r in rows)
    print(f"{'target':{width}}  {'measured':>32}  {'goal':>14}  met")
    for r in rows:
        print(f"{r['target']:{width}}  {r['measured']:>32}  {r['goal']:>14}  {'yes' if r['met'] else 'NO'}")
    machine = {"cpus": os.cpu_count(), "python": platform.python_version(), "machine": platform.machine(),
               "date": time.strftime("%Y-%m-%d")}
    Path(args.out).write_text(json.dumps({"machine": machine, "results": rows}, indent=1) + "\n")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
