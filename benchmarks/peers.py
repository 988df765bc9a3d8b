"""priorfit against its peers (plain PyMC, bambi, NumPyro, Stan) on the same posteriors.

Per workload, `priorfit compare` runs first; its summary.json gives the model it fitted (prior
and scale on the standardized, centred coefficients, flat intercept, sigma fixed or under
Jeffreys' prior), and each peer gets exactly that model (benchmarks/peers/run_TOOL.py, in the
tool's own environment). Every run is a fresh process, cold (empty compile caches) then warm.
The table: wall cold and warm, sampling time, min bulk ESS over the coefficients and per second
(of the warm wall and of sampling), leapfrog steps per draw, divergences, and the agreement with
priorfit: max |mean(tool) - mean(priorfit)| over the coefficients, in priorfit's posterior sd and
in the two tools' Monte Carlo error.

Run: python benchmarks/peers.py [--workloads A,C] [--tools numpyro,stan] [--quick] [--timeout S] [--write-docs]

The environments are $PRIORFIT_PEER_ENVS/{bambi,numpyro,stan} (default /work/peer-envs;
benchmarks/peers/README.md); plain PyMC runs in this Python. A missing one is "not installed".
"""

import argparse
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).parent
DOCS = HERE.parent / "docs" / "performance.md"
START, END = "<!-- peers table start -->", "<!-- peers table end -->"
TOOLS = ("pymc", "bambi", "numpyro", "stan")


@dataclass(frozen=True)
class Workload:
    source: str
    flags: tuple[str, ...]
    chains: int
    draws: int
    tune: int


WORKLOADS = {
    "A": Workload("diabetes", ("--prior", "laplace"), 4, 1000, 1000),
    "C": Workload("breast_cancer", ("--likelihood", "bernoulli", "--prior", "normal"), 4, 1000, 1000),
    "D": Workload("synthetic:n=20000,p=20,seed=0,family=bernoulli", ("--likelihood", "bernoulli", "--prior", "normal"),
                  2, 1000, 1000),
    "B": Workload("synthetic:n=100000,p=50,k=8,seed=0,rho=0.5", ("--prior", "laplace"), 2, 1000, 1000),
    "W": Workload("synthetic:n=200,p=2000,k=3,seed=1", ("--prior", "laplace", "--sigma", "1"), 2, 200, 200),
}


def environment(caches: Path, tool: str) -> dict:
    """The environment of a run whose compile caches live in ``caches`` (empty for a cold run)."""
    env = dict(os.environ, PYTENSOR_FLAGS=f"base_compiledir={caches / 'pytensor'}", NUMBA_CACHE_DIR=str(caches / "numba"),
               JAX_COMPILATION_CACHE_DIR=str(caches / "jax"), JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS="0")
    if tool == "stan":  # httpstan keeps its compiled models in the XDG cache
        env["XDG_CACHE_HOME"] = str(caches / "xdg")
    return env


def timed(command: list[str], env: dict, timeout: float) -> tuple[float, str]:
    """Run ``command`` in a fresh process: its wall time and stdout; its stderr's end if it fails,
    and after ``timeout`` seconds it is killed with the processes it started."""
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                               start_new_session=True)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        raise RuntimeError(f"timed out after {timeout:g} s") from None
    wall = time.perf_counter() - start
    if process.returncode < 0:
        raise RuntimeError(f"killed by signal {-process.returncode}")
    if process.returncode != 0:
        raise RuntimeError(err.strip().splitlines()[-1] if err.strip() else f"exit {process.returncode}")
    return wall, out


def cold_and_warm(command: list[str], caches: Path, tool: str, timeout: float) -> tuple[float, float, str]:
    """Wall times of a cold and a warm run of ``command``, and the warm run's stdout."""
    cold, _ = timed(command, environment(caches, tool), timeout)
    warm, out = timed(command, environment(caches, tool), timeout)
    return cold, warm, out


def run_priorfit(name: str, w: Workload, work: Path, timeout: float) -> tuple[dict, dict, np.ndarray]:
    """priorfit's measurements, the model it fitted (a peer's spec) and its coefficient draws."""
    import xarray as xr

    out = work / f"{name}-priorfit"
    command = [sys.executable, "-m", "priorfit.cli", "compare", w.source, *w.flags, "--chains", str(w.chains),
               "--draws", str(w.draws), "--tune", str(w.tune), "--seed", "0", "--no-plots", "--quiet", "--force",
               "--out", str(out)]
    cold, warm, _ = cold_and_warm(command, work / f"{name}-priorfit-caches", "priorfit", timeout)
    summary = json.loads((out / "summary.json").read_text())
    fit = summary["fits"][0]
    tree = xr.open_datatree(out / f"posterior_{fit['prior']['family']}.nc")
    stats = tree["sample_stats"]
    row = {"tool": f"priorfit {summary['priorfit_version']}", "sampler": "nutpie (priorfit's model)",
           "cold_s": cold, "warm_s": warm, "sampling_s": fit["timings"]["sampling"],
           "steps_per_draw": float(stats["n_steps"].mean()), "divergences": int(stats["diverging"].sum())}
    return row, model_spec(name, w, summary, work), tree["posterior"]["coef"].values


def model_spec(name: str, w: Workload, summary: dict, work: Path) -> dict:
    """The peers' spec of the model priorfit fitted (benchmarks/peers/peer_io.py), with its design
    written to ``work/NAME.npz`` as priorfit's model sees it (standardized, centred)."""
    from priorfit.data import design, sources
    from priorfit.models import likelihoods

    fit, data = summary["fits"][0], summary["data"]
    params, family = fit["prior"]["params"], fit["likelihood"]["family"]
    if params["mu"] != 0 or params.get("by_sigma") or params.get("weights") or not (data["standardized"] and data["intercept"]):
        raise SystemExit(f"{name}: the peers take a prior at 0 with one scale on standardized columns and an intercept.")
    noise = fit["likelihood"].get("sigma") or {"mode": "none"}
    sigma = {"none": None, "fixed": noise.get("value"), "estimated": noise.get("prior")}[noise["mode"]]
    if noise["mode"] == "estimated" and sigma != "jeffreys":
        raise SystemExit(f"{name}: the peers take sigma fixed or under Jeffreys' prior, not {sigma}.")
    dataset = sources.load(w.source)
    y, _ = likelihoods.get(family).encode_y(dataset.y, dataset.name)
    model = design.make_design(replace(dataset, y=y))
    if not np.allclose(model.x_scale, data["x_scale"]):
        raise SystemExit(f"{name}: the design differs from the one priorfit fitted.")
    np.savez(work / f"{name}.npz", X=model.X - model.x_mean, y=model.y)
    return {"likelihood": family, "prior": fit["prior"]["family"], "scale": params["scale"], "sigma": sigma,
            "chains": w.chains, "draws": w.draws, "tune": w.tune, "seed": 0, "data": str(work / f"{name}.npz")}


def python_of(tool: str) -> Path:
    """The interpreter of ``tool``'s environment (plain PyMC: this one)."""
    if tool == "pymc":
        return Path(sys.executable)
    return Path(os.environ.get("PRIORFIT_PEER_ENVS", "/work/peer-envs")) / tool / "bin" / "python"


def run_peer(tool: str, name: str, specs: Path, work: Path, timeout: float) -> tuple[dict, np.ndarray]:
    """A peer's measurements (cold and warm wall, the warm run's own line) and its coefficient draws."""
    draws = work / f"{name}-{tool}.npy"
    command = [str(python_of(tool)), str(HERE / "peers" / f"run_{tool}.py"), name, str(specs), str(draws)]
    cold, warm, out = cold_and_warm(command, work / f"{name}-{tool}-caches", tool, timeout)
    return {**json.loads(out.strip().splitlines()[-1]), "cold_s": cold, "warm_s": warm}, np.load(draws)


def peer_row(tool: str, name: str, specs: Path, work: Path, reference: np.ndarray, timeout: float) -> dict:
    """One peer's row of the table on workload ``name``: its measures, or why there are none."""
    if not python_of(tool).exists():
        return {"tool": tool, "error": "not installed"}
    try:
        row, coef = run_peer(tool, name, specs, work, timeout)
    except RuntimeError as error:
        return {"tool": tool, "error": f"failed: {error}"}
    return measures(coef, reference, row, False)


def measures(coef: np.ndarray, reference: np.ndarray, row: dict, is_reference: bool) -> dict:
    """``row`` with the min bulk ESS, the ESS per second and the agreement with ``reference`` (draws:
    chain, draw, feature)."""
    import arviz as az
    import xarray as xr

    def moments(draws):
        data = xr.Dataset({"coef": (("chain", "draw", "feature"), draws)})
        return (draws.mean(axis=(0, 1)), draws.std(axis=(0, 1)), az.ess(data, method="bulk")["coef"].values,
                az.mcse(data)["coef"].values)

    mean, _, ess, mcse = moments(coef)
    ref_mean, ref_sd, _, ref_mcse = moments(reference)
    ess_min = float(ess.min())
    row = row | {"ess": ess_min, "ess_per_wall": ess_min / row["warm_s"], "ess_per_sampling": ess_min / row["sampling_s"]}
    if not is_reference:
        diff = np.abs(mean - ref_mean)
        row |= {"agreement": float(np.max(diff / ref_sd)), "z": float(np.max(diff / np.hypot(mcse, ref_mcse)))}
    return row


def table(rows: list[dict], legend: list[str], spent: float) -> str:
    """The markdown table of ``rows``, with where and how it was measured and the workloads' ``legend``."""
    head = ("| workload | tool | sampler | wall cold | wall warm | sampling | min ESS bulk | ESS/s wall | ESS/s sampling "
            "| steps/draw | divergences | max \\|Δmean\\| / sd | max \\|Δmean\\| / MCSE |")
    lines = [head, "|" + "---|" * head.count(" | ") + "---|"]
    for r in rows:
        if "error" in r:
            lines.append(f"| {r['workload']} | {r['tool']} | {r['error']} |" + " |" * 10)
            continue
        agreement = f"{r['agreement']:.3f} | {r['z']:.2f}" if "agreement" in r else "— | —"
        lines.append(f"| {r['workload']} | {r['tool']} | {r['sampler']} | {r['cold_s']:.1f} s | {r['warm_s']:.1f} s "
                     f"| {r['sampling_s']:.2f} s | {r['ess']:.0f} | {r['ess_per_wall']:.0f} | {r['ess_per_sampling']:.0f} "
                     f"| {r['steps_per_draw']:.1f} | {r['divergences']} | {agreement} |")
    command = " ".join(["python benchmarks/peers.py", *(a for a in sys.argv[1:] if a != "--write-docs")])
    machine = f"{time.strftime('%Y-%m-%d')}, {os.cpu_count()} cores, Python {platform.python_version()}"
    return "\n".join([f"Measured {machine}, `{command}` ({spent / 60:.0f} min):", "", *lines, "", *legend])


def described(name: str, w: Workload, spec: dict) -> str:
    """The legend's line of workload ``name``: the command, the model priorfit resolved, the draws."""
    sigma = "no sigma" if spec["sigma"] is None else f"sigma {spec['sigma']}"
    return (f"- {name}: `priorfit compare {w.source} {' '.join(w.flags)}`: {spec['prior']} prior, scale "
            f"{spec['scale']:.4g}, {sigma}; {w.chains} chains x {w.draws} draws + {w.tune} tune")


def write_docs(text: str) -> None:
    """Put ``text`` between the peers table's markers in docs/performance.md."""
    doc = DOCS.read_text()
    if START not in doc or END not in doc:
        raise SystemExit(f"{DOCS} has no {START} ... {END} markers.")
    head, _, rest = doc.partition(START)
    DOCS.write_text(f"{head}{START}\n{text}\n{END}{rest.partition(END)[2]}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workloads", default=",".join(WORKLOADS), help="comma-separated, of " + ", ".join(WORKLOADS))
    parser.add_argument("--tools", default=",".join(TOOLS), help="comma-separated, of " + ", ".join(TOOLS))
    parser.add_argument("--quick", action="store_true", help="a smoke test: 2 chains x 50 draws + 50 tune")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds a run may take (default 1800)")
    parser.add_argument("--write-docs", action="store_true", help=f"write the table into {DOCS.relative_to(HERE.parent)}")
    args = parser.parse_args()
    args.workloads, args.tools = args.workloads.split(","), args.tools.split(",")
    unknown = set(args.workloads) - set(WORKLOADS) | set(args.tools) - set(TOOLS)
    if unknown:
        parser.error(f"unknown workloads or tools: {', '.join(sorted(unknown))}")
    sizes = {n: replace(w, chains=min(w.chains, 2), draws=50, tune=50) if args.quick else w for n, w in WORKLOADS.items()}
    start, rows, legend = time.perf_counter(), [], []
    with tempfile.TemporaryDirectory() as tmp:
        work, specs = Path(tmp), Path(tmp) / "specs.json"
        for name in (n for n in WORKLOADS if n in args.workloads):
            try:
                row, spec, reference = run_priorfit(name, sizes[name], work, args.timeout)
            except RuntimeError as error:
                rows.append({"workload": name, "tool": "priorfit", "error": f"failed: {error}"})
                continue
            rows.append(measures(reference, reference, row, True) | {"workload": name})
            legend.append(described(name, sizes[name], spec))
            specs.write_text(json.dumps({name: spec}))
            rows += [peer_row(tool, name, specs, work, reference, args.timeout) | {"workload": name}
                     for tool in TOOLS if tool in args.tools]
            print(f"{name} done ({time.perf_counter() - start:.0f} s)", file=sys.stderr, flush=True)
    text = table(rows, legend, time.perf_counter() - start)
    print(text)
    if args.write_docs:
        write_docs(text)


if __name__ == "__main__":
    main()
