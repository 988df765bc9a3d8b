"""Peak memory and wall time of one-pass from_files (priorfit.data.files) vs in-memory statistics.

Run: python benchmarks/stats_memory.py [N] [P] [PARTS] [CHUNK_ROWS]
Defaults: n = 500,000 rows, p = 100 features, 10 Parquet parts, 100,000-row chunks: about
400 MB of float64, written to a temporary folder one part at a time (never whole in memory).

Each method runs in a fresh subprocess, so that ``ru_maxrss`` is its own peak resident set
(the parent stays small: on Linux a child's ``ru_maxrss`` starts at its parent's resident set
when forked, so the data are written by a subprocess too, and NumPy is imported only at the end):

- ``imports``: NumPy, pandas, pyarrow and priorfit.data.statistics and .files imported, nothing read (the floor);
- ``from_files``: ``priorfit.data.files.from_files(folder, "y")``, one pass over the files;
- ``from_arrays``: the files loaded into one (n x p) array (column by column, a part at a
  time: the leanest load), then ``GramStats.from_arrays`` on it;
- ``two_pass``: the same array, then ``np.mean`` and ``(X - mean)'(X - mean)``.

The statistics of the three are compared (relative difference of ``xx``). BLAS threads are
whatever the environment sets (OMP_NUM_THREADS / OPENBLAS_NUM_THREADS).

The peak of ``from_files`` does not grow with n: it is pyarrow's reader (a whole row group is
decoded; here each part is one row group of n / PARTS rows, pyarrow's default layout for files
this size), what its allocator keeps, and one chunk of float64.
"""

import itertools
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

MODES = ("imports", "from_files", "from_arrays", "two_pass")


def write_parts(folder: Path, n: int, p: int, parts: int) -> float:
    """Write ``parts`` Parquet files of x1..xp and y; returns the size on disk in MB."""
    import numpy as np
    import pyarrow as pa
    import pyarrow.parquet as pq

    w = np.linspace(-1.0, 1.0, p)
    bounds = np.linspace(0, n, parts + 1).astype(int)
    for part, (start, stop) in enumerate(itertools.pairwise(bounds)):
        rng = np.random.default_rng([0, part])
        X = 10.0 + rng.standard_normal((stop - start, p))
        y = 3.0 + (X - 10.0) @ w + rng.standard_normal(stop - start)
        columns = [pa.array(X[:, j]) for j in range(p)] + [pa.array(y)]
        table = pa.Table.from_arrays(columns, names=[f"x{j + 1}" for j in range(p)] + ["y"])
        pq.write_table(table, folder / f"part-{part:03d}.parquet")
        del X, y, columns, table
    return sum(f.stat().st_size for f in folder.iterdir()) / 2**20


def load(folder: Path):
    """The files as one float64 (n x p) array and y, filled a part and a column at a time."""
    import numpy as np
    import pyarrow.parquet as pq

    files = sorted(folder.glob("*.parquet"))
    n = sum(pq.ParquetFile(f).metadata.num_rows for f in files)
    names = pq.ParquetFile(files[0]).schema_arrow.names
    X, y, start = np.empty((n, len(names) - 1)), np.empty(n), 0
    for f in files:
        table = pq.read_table(f)
        stop = start + table.num_rows
        for j, name in enumerate(names[:-1]):
            X[start:stop, j] = table.column(name).to_numpy()
        y[start:stop] = table.column("y").to_numpy()
        start = stop
        del table
    return X, y


def measure(mode: str, folder: Path, chunk_rows: int) -> dict:
    from priorfit.data.files import from_files
    from priorfit.data.statistics import GramStats

    out = {"mode": mode, "load_s": 0.0, "stats_s": 0.0}
    if mode == "imports":
        import pyarrow.parquet  # noqa: F401 - what from_files imports
    if mode == "from_files":
        start = time.perf_counter()
        stats = from_files(folder, "y", chunk_rows=chunk_rows)
        out["stats_s"] = time.perf_counter() - start
        out["xx"], out["n"] = stats.xx.tolist(), stats.n
    elif mode in ("from_arrays", "two_pass"):
        start = time.perf_counter()
        X, y = load(folder)
        out["load_s"] = time.perf_counter() - start
        start = time.perf_counter()
        if mode == "from_arrays":
            stats = GramStats.from_arrays(X, y)
            xx = stats.xx
        else:
            Xc = X - X.mean(axis=0)
            xx = Xc.T @ Xc
        out["stats_s"] = time.perf_counter() - start
        out["xx"], out["n"] = xx.tolist(), len(y)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: kB
    return out


def _run(*args) -> str:
    command = [sys.executable, __file__, *map(str, args)]
    result = subprocess.run(command, check=True, capture_output=True, text=True)
    return result.stdout.splitlines()[-1]


def main(n: int = 500_000, p: int = 100, parts: int = 10, chunk_rows: int = 100_000) -> None:
    with tempfile.TemporaryDirectory(prefix="priorfit-stats-") as tmp:
        folder = Path(tmp) / "parts"
        folder.mkdir()
        start = time.perf_counter()
        size = float(_run("--write", folder, n, p, parts))
        print(
            f"wrote {parts} Parquet parts, n={n:,}, p={p} (+ y): {size:.0f} MB on disk, "
            f"{n * (p + 1) * 8 / 2**20:.0f} MB as float64, in {time.perf_counter() - start:.1f} s"
        )
        # one at a time, each in its own process
        results = {mode: json.loads(_run("--measure", mode, folder, chunk_rows)) for mode in MODES}
    import numpy as np

    floor = results["imports"]["peak_mb"]
    print(
        f"\n{'method':<12} {'peak RSS':>10} {'above imports':>14} {'load':>8} "
        f"{'statistics':>11} {'total':>8}"
    )
    for mode in MODES:
        r = results[mode]
        total = r["load_s"] + r["stats_s"]
        print(
            f"{mode:<12} {r['peak_mb']:>7.0f} MB {r['peak_mb'] - floor:>11.0f} MB "
            f"{r['load_s']:>7.2f}s {r['stats_s']:>10.2f}s {total:>7.2f}s"
        )
    reference = np.array(results["two_pass"]["xx"])
    for mode in ("from_files", "from_arrays"):
        diff = np.max(np.abs(np.array(results[mode]["xx"]) - reference)) / np.max(np.abs(reference))
        print(f"{mode} xx vs two-pass: max relative difference {diff:.1e}")


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "--measure":
        print(json.dumps(measure(sys.argv[2], Path(sys.argv[3]), int(sys.argv[4]))))
    elif len(sys.argv) > 1 and sys.argv[1] == "--write":
        print(write_parts(Path(sys.argv[2]), *(int(a) for a in sys.argv[3:])))
    else:
        main(*(int(a) for a in sys.argv[1:]))
