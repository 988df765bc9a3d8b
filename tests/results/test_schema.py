"""What users read from a saved folder is pinned: every key path of summary.json, the columns of
coefficients.csv and the groups and variables of each posterior_<prior>.nc, from cheap runs that
between them hold every optional part (the default run; a run with a fixed sigma, the bootstrap,
a closed-form posterior and a hyperprior). And a saved comparison reads back to the same summary:
save, load, to_dict gives exactly what was written.

Regenerate the stored schema (only when a key is meant to change; say so in the commit message)::

    python tests/results/test_schema.py --overwrite
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
import json
import sys
import warnings
from pathlib import Path

import pandas as pd
import pytest

from priorfit.results.schema import stored

SCHEMA = Path(__file__).parent / "golden" / "summary_schema.json"
# groups whose variables the sampler and the optimizer name (nutpie, SciPy): only the group is pinned
FOREIGN_GROUPS = ("sample_stats", "optimizer_result")
CHEAP = dict(draws=100, tune=100, chains=2)
RUNS = {
    # `priorfit compare`: the default priors on diabetes, sigma estimated, penalties cross-validated (the
    # golden master's run: tests/conftest.py's diabetes_default makes the same call)
    "default": dict(X="diabetes"),
    # the optional parts: a bootstrap, the closed-form posterior (normal, fixed sigma), a hyperprior (scale choices),
    # the relevance column (about a prior location that is not 0), a held-out evaluation
    "optional": dict(X="diabetes", prior="normal,laplace", sigma=54.0, alpha={"normal": 2.0},
                     scale={"laplace": "hyper:halfcauchy:1"}, bootstrap=20, relevance=5.0, mu=1.0, holdout=0.2, **CHEAP),
}


def key_paths(value, prefix: str = "") -> set[str]:
    """Every key's path in a JSON value, list indices collapsed: ``fits[].coefficients[].name``."""
    out = set()
    if isinstance(value, dict):
        for key, item in value.items():
            path = f"{prefix}.{key}" if prefix else key
            out |= {path} | key_paths(item, path)
    elif isinstance(value, list):
        for item in value:
            out |= key_paths(item, prefix + "[]")
    return out


#: runs a session fixture of tests/conftest.py makes too (the same call)
SHARED = {"default": "diabetes_default"}


@functools.cache
def _saved(run: str, folder: Path):
    import priorfit

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        comparison = priorfit.compare(progress=False, **RUNS[run])
    return _save(comparison, folder / run)


def _save(comparison, folder: Path):
    comparison.save(folder, plots=False)
    return comparison, folder


def schema(folders: dict[str, Path]) -> dict[str, list[str]]:
    """The sorted key paths of summary.json, columns of coefficients.csv and ``group/variable`` of
    the DataTrees (of the groups priorfit names the variables of), over every run's folder."""
    import xarray as xr

    keys, columns, variables = set(), set(), set()
    for folder in folders.values():
        keys |= key_paths(json.loads((folder / "summary.json").read_text()))
        columns |= set(pd.read_csv(folder / "coefficients.csv", nrows=1).columns)
        for path in folder.glob("posterior_*.nc"):
            with xr.open_datatree(path) as tree:
                for node in tree.subtree:
                    group = node.path.strip("/") or "/"
                    variables.add(group)
                    if group not in FOREIGN_GROUPS:
                        variables |= {f"{group}/{name}" for name in node.data_vars}
    return {"summary.json": sorted(keys), "coefficients.csv": sorted(columns), "posterior_<prior>.nc": sorted(variables)}


@pytest.fixture(scope="module")
def saved(tmp_path_factory, request):
    folder = tmp_path_factory.mktemp("schema")
    return {run: _save(request.getfixturevalue(SHARED[run]), folder / run) if run in SHARED else _saved(run, folder) for run in RUNS}


def test_saved_files_keep_their_schema(saved):
    stored = json.loads(SCHEMA.read_text())
    now = schema({run: folder for run, (_, folder) in saved.items()})
    for part, keys in stored.items():
        added, missing = sorted(set(now[part]) - set(keys)), sorted(set(keys) - set(now[part]))
        assert not added and not missing, f"{part}: new {added}, gone {missing}"
    assert list(now) == list(stored)


@pytest.mark.parametrize("run", list(RUNS))
def test_a_saved_comparison_reads_back_to_the_same_summary(saved, run):
    from priorfit.results import load

    comparison, folder = saved[run]
    written = json.loads(comparison.to_json())
    assert json.loads((folder / "summary.json").read_text()) == written
    assert json.loads(load(folder).to_json()) == written


def test_the_runs_hold_every_optional_part(saved):
    """Each optional block is filled in at least one fit, and empty in another (so both forms are read back)."""
    fits = [fit for _, (comparison, _) in saved.items() for fit in json.loads(comparison.to_json())["fits"]]
    for block in ("agreement", "exact_posterior", "identity", "bootstrap", "holdout"):
        filled = [fit[block] is not None for fit in fits]
        assert any(filled) and not all(filled), block
    for where in (("prior", "hyperparameters", "grid"), ("prior", "hyperparameters", "sigma_plugin"), ("penalized", "penalty"),
                  ("map", "certificate"), ("penalized", "nearest"), ("scale_choices",)):
        values = [functools.reduce(lambda d, k: d[k], where, fit) for fit in fits]
        assert any(values) and not all(values), where


def test_relevance_is_in_every_output(saved):
    """--relevance C: p_relevant in coefficients.csv and summary.json on both scales (C in each scale's units,
    about the prior location mu), its header in both reports; a run without it has none of them."""
    import numpy as np
    import xarray as xr

    comparison, folder = saved["optional"]
    C, mu = comparison.settings.relevance, comparison.settings.mu
    s = np.asarray(comparison.data.x_scale)
    csv = pd.read_csv(folder / "coefficients.csv")
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["settings"]["relevance"] == C
    for block in summary["fits"]:
        prior = block["prior"]["family"]
        with xr.open_datatree(folder / f"posterior_{prior}.nc") as tree:
            coef = tree["posterior"]["coef"].values
            coef_original = tree["posterior"]["coef_original"].values
        expected = {"model": (np.abs(coef - mu) > C).mean(axis=(0, 1)),
                    "original": (np.abs(coef_original - mu / s) > C).mean(axis=(0, 1))}
        for scale, key in (("model", "coefficients"), ("original", "original_scale")):
            rows = csv[(csv["prior"] == prior) & (csv["scale"] == scale)]
            np.testing.assert_array_equal(rows["p_relevant"].to_numpy()[:-1], expected[scale])
            assert np.isnan(rows["p_relevant"].to_numpy()[-1])  # the intercept
            assert [row["p_relevant"] for row in block[key]][:-1] == list(expected[scale])
            assert block[key][-1]["p_relevant"] is None
    md, page = (folder / "report.md").read_text(), (folder / "report.html").read_text()
    header = "P(|w - 1| > 5), model scale"
    # one table per prior; in Markdown the pipes are escaped, or they would end the cell
    assert md.count(f"| {header.replace('|', chr(92) + '|')} |") == 2 and page.count(f"<th>{header.replace('>', '&gt;')}</th>") == 2
    line = "P(|w - 1| > 5): the posterior probability that a coefficient lies farther than 5 from its prior location, on the model"
    assert line in md and line.replace(">", "&gt;") in page
    default = saved["default"][1]
    assert "p_relevant" not in pd.read_csv(default / "coefficients.csv").columns
    assert "P(|w" not in (default / "report.md").read_text()


def main(argv: list[str]) -> int:
    import tempfile

    if SCHEMA.exists() and "--overwrite" not in argv:
        print(f"{SCHEMA} exists; pass --overwrite to rewrite it")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        folders = {run: _saved(run, Path(tmp))[1] for run in RUNS}
        SCHEMA.write_text(json.dumps(schema(folders), indent=1) + "\n")
    print(f"wrote {SCHEMA}")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    sys.exit(main(sys.argv[1:]))


# two records declared as the results records are (module level: their annotations are resolved by name)
@dataclass(frozen=True)
class _Inner:
    x: float
    names: tuple[str, ...] = ()


@dataclass(kw_only=True)
class _Outer:
    family: str = field(metadata=stored("likelihood.family"))
    inner: _Inner | None = field(metadata=stored("likelihood.sigma"))
    doubled: int = field(metadata=stored(dump=lambda v: 2 * v, load=lambda v, context: v // 2 + context.offset))
    tree: object = field(default=None, metadata=stored(saved=False, load=lambda _, context: context.tree))
    extra: _Inner | None = field(default=None, metadata=stored("inner_block.extra"))
    notes: list[_Inner] = field(default_factory=list)


def test_the_walk_follows_each_field_declaration():
    """Keys by path (blocks shared), codecs beside their field, defaults for keys an older file lacks."""
    from priorfit.results.schema import dump, restore

    record = _Outer(family="gaussian", inner=_Inner(1.5, ("a", "b")), doubled=3, tree="T", notes=[_Inner(2.0)])
    written = dump(record)
    assert written == {"likelihood": {"family": "gaussian", "sigma": {"x": 1.5, "names": ["a", "b"]}}, "doubled": 6,
                       "inner_block": {"extra": None}, "notes": [{"x": 2.0, "names": []}]}
    assert restore(_Outer, written, tree="T", offset=0) == record
    assert restore(_Outer, written, tree="T", offset=1).doubled == 4  # the codec saw the context
    older = {"likelihood": {"family": "gaussian", "sigma": None}, "doubled": 6}
    assert restore(_Outer, older, tree=None, offset=0) == _Outer(family="gaussian", inner=None, doubled=3)
    with pytest.raises(KeyError, match=r"_Outer.family: no 'likelihood.family' in the file"):
        restore(_Outer, {"doubled": 6}, tree=None, offset=0)


def test_fits_and_comparisons_are_built_by_keyword():
    from priorfit.results.comparison import Comparison
    from priorfit.results.records import Fit

    for record in (Fit, Comparison):
        with pytest.raises(TypeError, match="positional argument"):
            record(*range(4))
