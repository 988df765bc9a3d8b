"""Golden masters: canonical runs whose numbers must not move.

Each case is stored as ``tests/results/golden/<case>.json``. The exact quantities (converted
hyperparameters, the polished MAP, the penalized estimates, the zero pattern) must match to
1e-10 relative; certificates must stay at machine-precision level; posterior means and sds
must agree within Monte Carlo error (the stored and the new MCSE combined), because a new
sampler version or stack draws different, equally valid chains.

Regenerate (only when a change is meant to move a number; say so in the commit message)::

    python tests/results/test_golden.py                  # write the cases that have no file yet
    python tests/results/test_golden.py --overwrite      # rewrite every case
    python tests/results/test_golden.py --overwrite diabetes_default
    python tests/results/test_golden.py --report         # how far each number moved, nothing written
"""

from __future__ import annotations

import functools
import json
import platform
import sys
import warnings
from dataclasses import asdict
from importlib import metadata
from pathlib import Path

import numpy as np
import pytest

GOLDEN = Path(__file__).parent / "golden"

CASES = {
    # the README's main job
    "diabetes_default": dict(X="diabetes"),
    # exact Gaussian posterior: MAP = Ridge, NUTS against the closed form
    "normal_fixed_sigma": dict(X="diabetes", prior="normal", sigma=54.0, alpha=2.0, seed=1),
    # the polished mode has the lasso's exact zeros (three of ten)
    "laplace_fixed_sigma_zeros": dict(X="diabetes", prior="laplace", sigma=54.0, alpha=1.0, seed=2),
    # sigma with a proper prior, scales given, a prior location, no intercept
    "sigma_estimated": dict(
        X="synthetic:n=200,p=8,k=3,noise=2.0,seed=3,rho=0.5",
        prior="normal,laplace",
        scale={"normal": 1.0, "laplace": 1.0},
        mu=0.25,
        sigma_prior="halfnormal:5",
        intercept=False,
        seed=3,
    ),
    # more coefficients than rows, cross-validated penalties
    "p_greater_than_n": dict(X="synthetic:n=30,p=60,k=4,seed=4", prior="normal,laplace", sigma=1.0, seed=4),
    # least absolute deviations on gross outliers: the mode is QuantileRegressor(0.5)'s vertex, the
    # Normal prior's (no twin) a QP's; raw X, s fixed
    "laplace_likelihood_outliers": dict(X="synthetic:n=200,p=4,k=2,seed=5,outliers=0.1", likelihood="laplace",
                                        prior="laplace,normal", alpha=0.02, scale={"normal": 2.0}, sigma=1.0,
                                        standardize=False, draws=1000, tune=500, chains=2, seed=5),
    # the 0.9 quantile with s estimated under a proper prior and a given prior scale
    "quantile_s_estimated": dict(X="synthetic:n=150,p=3,k=2,seed=6,outliers=0.1", likelihood="quantile", quantile=0.9,
                                 prior="laplace", scale={"laplace": 1.0}, sigma_prior="halfnormal:2", draws=1000, tune=500,
                                 chains=2, seed=6),
    # Student-t with nu = 3 (no twin: HuberRegressor and QuantileRegressor beside it), s estimated
    "student_t_outliers": dict(X="synthetic:n=200,p=4,k=2,seed=7,outliers=0.1", likelihood="student_t", nu=3.0,
                               prior="normal", scale={"normal": 2.0}, sigma_prior="halfnormal:2", draws=1000, tune=500,
                               chains=2, seed=7),
    # the bridge prior at q = 1.5 (the L_1.5 penalty, priorfit's BridgeRegression), sigma fixed, raw X
    "bridge_q_1_5": dict(X="diabetes", prior="bridge", bridge_q=1.5, alpha=0.5, sigma=54.0, standardize=False, draws=500,
                         tune=500, chains=2, seed=8),
    # the multivariate normal prior with the second-difference precision (Tikhonov with D'D, rank 8 of
    # 10: flat on straight lines), glum's P2 twin, NUTS against the closed form; sigma fixed, raw X
    "mvnormal_rw2": dict(X="diabetes", prior="mvnormal", precision="rw2", alpha=0.5, sigma=54.0, standardize=False, draws=500,
                         tune=500, chains=2, seed=9),
    # the weighted lasso: a Laplace prior with a scale b / v_j per coefficient, skglm's WeightedL1 twin; raw X
    "laplace_weights": dict(X="diabetes", prior="laplace", weights=(1.0, 2.0, 0.5, 1.0, 1.0, 3.0, 1.0, 1.0, 0.7, 1.0), alpha=0.5,
                            sigma=54.0, standardize=False, draws=500, tune=500, chains=2, seed=10),
    # the group lasso: a group Laplace prior on age+sex, bmi, bp and s1..s6 (age+sex on mu), skglm's
    # WeightedGroupL2 twin; raw X
    "group_laplace": dict(X="diabetes", prior="group_laplace", groups=[[0, 1], [2], [3], [4, 5, 6, 7, 8, 9]], alpha=0.4,
                          sigma=54.0, standardize=False, draws=500, tune=500, chains=2, seed=11),
}

EXACT_RTOL = 1e-10
MCSE_Z = 4.5  # |new - stored| / sqrt(mcse_new^2 + mcse_stored^2), over ~10-60 numbers a case
POSTERIOR_VARIABLES = ("coef", "intercept", "sigma")


def _run(case: str):
    import priorfit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return priorfit.compare(**CASES[case])


def _floats(values) -> list | float | None:
    if values is None:
        return None
    array = np.asarray(values, dtype=float)
    return array.tolist() if array.ndim else float(array)


def _posterior(posterior) -> dict:
    import arviz as az

    out = {}
    if hasattr(posterior, "to_dataset"):  # a DataTree node (ArviZ 1) rather than a Dataset (0.23)
        posterior = posterior.to_dataset()
    for name in POSTERIOR_VARIABLES:
        if name not in posterior:
            continue
        ds = posterior[[name]]
        draws = ds[name]
        mean, sd = draws.mean(("chain", "draw")), draws.std(("chain", "draw"))
        # MCSE of the sd by the delta method on the variance (works on ArviZ 0.23 and 1.x alike)
        squares = ((draws - mean) ** 2).to_dataset(name=name)
        out[name] = {
            "mean": _floats(mean.values),
            "sd": _floats(sd.values),
            "mcse_mean": _floats(az.mcse(ds, method="mean")[name].values),
            "mcse_sd": _floats(az.mcse(squares, method="mean")[name].values / (2 * sd.values)),
        }
    return out


def record(comparison) -> dict:
    """The numbers a golden master keeps of one comparison, read through the public API."""
    fits = {}
    for fit in comparison.fits:
        mode, pen = fit.mode, fit.penalized
        exact = {
            "alpha": fit.hyper.alpha,
            "scale": fit.prior.scale,
            "alpha_at_map_sigma": None if fit.penalty is None else fit.penalty.alpha,
            "sigma_map": fit.noise.value,
            "penalized_coef": _floats(pen.coef),
            "penalized_intercept": pen.intercept,
            "nearest": {} if pen.exact else {k: {"coef": _floats(e.coef), "intercept": e.intercept} for k, e in pen.estimates.items()},
            "map_coef": _floats(mode.point["coef"]) if mode.point else None,
            "map_intercept": _floats(mode.point.get("intercept")) if mode.point else None,
        }
        certificate = mode.certificate
        fits[fit.prior.name] = {
            "exact": exact,
            "zero_pattern": None if not mode.point else [bool(v) for v in np.asarray(mode.point["coef"]) == fit.prior.mu_vector(len(mode.point["coef"]))],
            "mode_status": mode.status,
            "certificate": None if certificate is None else {k: v for k, v in asdict(certificate).items() if v is not None},
            "map_raw_coef": _floats(mode.raw["coef"]) if mode.raw else None,
            "posterior": _posterior(fit.tree["posterior"]),
            "diagnostics": asdict(fit.diagnostics),
        }
    return {"fits": fits}


def _versions() -> dict:
    names = ("pymc", "pytensor", "arviz", "nutpie", "scikit-learn", "numpy")
    return {"python": platform.python_version(), **{n: metadata.version(n) for n in names}}


#: cases whose call a session fixture of tests/conftest.py makes too (tests/runs/test_comparison.py and
#: tests/results/test_schema.py read the same runs)
SHARED = {"normal_fixed_sigma": "diabetes_normal_fixed", "diabetes_default": "diabetes_default", "mvnormal_rw2": "mvnormal_rw2",
          "laplace_weights": "laplace_weights", "group_laplace": "group_laplace"}


@functools.cache
def _result(case: str) -> dict:
    return record(_run(case))


def _result_in_tests(case: str, request) -> dict:
    """``_result``, taking the shared run where the suite has one (the same call, checked here)."""
    if case not in SHARED:
        return _result(case)
    comparison = request.getfixturevalue(SHARED[case])
    import priorfit

    call = dict(CASES[case])
    assert comparison.data.name == call.pop("X") and comparison.settings == priorfit.Settings(**call)
    if case not in _shared_records:
        _shared_records[case] = record(comparison)
    return _shared_records[case]


_shared_records: dict[str, dict] = {}


def _stored(case: str) -> dict:
    path = GOLDEN / f"{case}.json"
    if not path.exists():
        pytest.fail(f"no golden file {path}; create it with: python tests/results/test_golden.py {case}")
    return json.loads(path.read_text())


def _assert_close(new, old, where: str):
    if old is None or new is None:
        assert new is None and old is None, f"{where}: {new!r} vs stored {old!r}"
        return
    if isinstance(old, dict):
        assert set(new) == set(old), f"{where}: keys {sorted(new)} vs stored {sorted(old)}"
        for key in old:
            _assert_close(new[key], old[key], f"{where}.{key}")
        return
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    assert new.shape == old.shape, f"{where}: shape {new.shape} vs stored {old.shape}"
    # relative to the largest entry: a coefficient that is 0 in one must be ~0 in the other
    scale = max(np.abs(old).max(initial=0.0), 1e-300)
    error = np.abs(new - old).max(initial=0.0) / scale
    assert error <= EXACT_RTOL, f"{where}: moved by {error:.2e} relative (allowed {EXACT_RTOL:g})"


@pytest.mark.parametrize("case", list(CASES))
def test_exact_quantities_match_golden(case, request):
    stored, new = _stored(case)["fits"], _result_in_tests(case, request)["fits"]
    assert list(new) == list(stored)
    for prior, old in stored.items():
        fit = new[prior]
        _assert_close(fit["exact"], old["exact"], f"{case}.{prior}")
        assert fit["zero_pattern"] == old["zero_pattern"], f"{case}.{prior}: zero pattern moved"
        assert fit["mode_status"] == old["mode_status"]
        if old["certificate"] is None:
            assert fit["certificate"] is None
            continue
        assert fit["certificate"]["kind"] == old["certificate"]["kind"]
        # certificates are rounding noise at the mode: they must stay at that level
        for key in ("value", "newton_decrement"):
            assert fit["certificate"][key] <= max(100 * old["certificate"][key], 1e-10), f"{case}.{prior}.{key}"


@pytest.mark.parametrize("case", list(CASES))
def test_posterior_summaries_match_golden_within_mcse(case, request):
    stored, new = _stored(case)["fits"], _result_in_tests(case, request)["fits"]
    for prior, old in stored.items():
        for name, summary in old["posterior"].items():
            now = new[prior]["posterior"][name]
            for stat, mcse in (("mean", "mcse_mean"), ("sd", "mcse_sd")):
                diff = np.abs(np.subtract(now[stat], summary[stat]))
                z = diff / np.hypot(now[mcse], summary[mcse])
                assert np.max(z) < MCSE_Z, f"{case}.{prior}.{name}.{stat}: {np.max(z):.2f} MCSE apart"
        # sampling quality must not get worse than the stored run's (with Monte Carlo slack)
        diag, old_diag = new[prior]["diagnostics"], old["diagnostics"]
        # the largest R-hat of 2 chains x 500 draws is itself a Monte Carlo quantity, and the draws move with the
        # machine's floating point (numba compiles for the host CPU): laplace_weights, stored at <= 1.01, measured
        # 1.016 on another CPU with the same versions; a run above 1.02 is a regression
        if old_diag["max_rhat"] is not None and old_diag["max_rhat"] <= 1.01:
            assert diag["max_rhat"] <= 1.02, f"{case}.{prior}: R-hat {diag['max_rhat']:.3f}"
        assert diag["min_ess_bulk"] >= 0.5 * old_diag["min_ess_bulk"], f"{case}.{prior}: ESS dropped"
        # divergences are rare events whose count moves with the machine's floating point (numba
        # compiles for the host CPU): the regularized horseshoe on diabetes at target_accept 0.99 gives
        # 0-1 per run over seeds 0-4 here, where the stored run had 0; more than two is a regression
        allowed = max(2 * old_diag["divergences"], 2)
        assert diag["divergences"] <= allowed, f"{case}.{prior}: {diag['divergences']} divergences (allowed {allowed})"


def _largest_move(new, old) -> float:
    if isinstance(old, dict):
        return max((_largest_move(new[k], old[k]) for k in old), default=0.0)
    if old is None:
        return 0.0
    new, old = np.asarray(new, dtype=float), np.asarray(old, dtype=float)
    return float(np.abs(new - old).max(initial=0.0) / max(np.abs(old).max(initial=0.0), 1e-300))


def report(case: str) -> None:
    """Print how far the exact quantities (relative) and posterior summaries (in MCSE) moved."""
    stored, new = _stored(case)["fits"], _result(case)["fits"]
    for prior, old in stored.items():
        fit = new[prior]
        z = {
            stat: max(
                float(np.max(np.abs(np.subtract(fit["posterior"][v][stat], s[stat])) / np.hypot(fit["posterior"][v][mcse], s[mcse])))
                for v, s in old["posterior"].items()
            )
            for stat, mcse in (("mean", "mcse_mean"), ("sd", "mcse_sd"))
        }
        raw = _largest_move(fit["map_raw_coef"], old["map_raw_coef"])
        print(
            f"{case:28s} {prior:10s} exact quantities moved {_largest_move(fit['exact'], old['exact']):.1e} relative; "
            f"find_MAP raw {raw:.1e}; posterior mean {z['mean']:.2f} MCSE, sd {z['sd']:.2f} MCSE"
        )


def main(argv: list[str]) -> int:
    overwrite = "--overwrite" in argv
    cases = [a for a in argv if not a.startswith("--")] or list(CASES)
    unknown = sorted(set(cases) - set(CASES))
    if unknown:
        print(f"unknown case(s) {unknown}; cases are: {', '.join(CASES)}", file=sys.stderr)
        return 2
    if "--report" in argv:
        for case in cases:
            report(case)
        return 0
    GOLDEN.mkdir(exist_ok=True)
    for case in cases:
        path = GOLDEN / f"{case}.json"
        if path.exists() and not overwrite:
            print(f"{path} exists; pass --overwrite to rewrite it")
            continue
        content = {"case": case, "call": CASES[case], "versions": _versions(), **_result(case)}
        tmp = path.with_suffix(".tmp")
        tmp.write_text(json.dumps(content, indent=1) + "\n")
        tmp.replace(path)
        print(f"wrote {path}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))
