"""Fuzzing the data loader and the TOML declarations (hypothesis): the only outcomes allowed are
a result or an InputError with one sentence, never another exception."""

import string

import numpy as np
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from priorfit import InputError
from priorfit.data import sources
from priorfit.runs import declarations

CELLS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.integers(-10**6, 10**6).map(str),
    st.sampled_from(["", "nan", "inf", "-inf", "x", "1e400", "TRUE", "0x1", " 3 ", '"', "1,5", "—"]),
    st.text(string.printable, max_size=6),
)


def _one_sentence(error: InputError) -> None:
    message = str(error)
    assert message and "\n" not in message and message.rstrip()[-1] in ".?)'", message


# the same 250 cases in every run (derandomize): CI stays reproducible
@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    header=st.lists(st.sampled_from(["a", "b", "c", "y", "a", "", " y", "1"]), min_size=0, max_size=4),
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=5), min_size=0, max_size=6),
    target=st.sampled_from([None, "y", "b", "zz"]),
    sep=st.sampled_from([",", ",", ";", "\t"]),
)
@example(header=["a", "b", "c", "y"], rows=[["0.0", "0x1", "0.0", "0.0", "0.0"], ["0.0"]], target=None, sep=",")  # found by a random run
@example(header=["a", "b", "y"], rows=[["1", "2", "yes"], ["2", "1", "no"], ["3", "5", "yes"]], target=None, sep=";")  # two labels
@example(header=["a", "y"], rows=[["1,5", "1"], ["2,5", "2"], ["0,5", "4"]], target=None, sep=";")  # decimal commas
def test_the_csv_loader_gives_a_dataset_or_one_sentence(tmp_path, header, rows, target, sep):
    path = tmp_path / "fuzz.csv"
    path.write_text("\n".join([sep.join(header), *(sep.join(r) for r in rows)]) + "\n")
    try:
        dataset = sources.load(str(path), target=target)
    except InputError as error:
        _one_sentence(error)
        return
    assert dataset.n >= 3 and dataset.p >= 1 and np.all(np.isfinite(dataset.X))
    if dataset.y.dtype.kind in "bU":  # labels, for the bernoulli likelihood to take or refuse
        assert len(np.unique(dataset.y)) >= 2
    else:
        assert dataset.y.dtype == float and np.all(np.isfinite(dataset.y))


TOML_VALUES = st.one_of(
    st.integers(-5, 10**4), st.floats(allow_nan=True, allow_infinity=True), st.booleans(),
    st.sampled_from(['"normal"', '"laplace,normal"', '["normal", "horseshoe"]', '"estimate"', '{ normal = 1.0 }', '"x"', "[]",
                     '"synthetic:n=50,p=3"', '"diabetes"', '"hyper:halfcauchy:2"']),
)
KEYS = st.sampled_from(["prior", "alpha", "scale", "sigma", "draws", "chains", "hdi_prob", "seed", "mu", "likelihood",
                        "target_accept", "loo", "l1_ratio", "priors", "bootstrap"])


@settings(max_examples=250, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    name=st.sampled_from(['"a"', '"a/b"', '""', "3", '"ok-name"']),
    source=st.sampled_from(['"diabetes"', '"synthetic:n=50,p=3"', '"missing.csv"', "7", '"synthetic:q=1"']),
    entries=st.lists(st.tuples(KEYS, TOML_VALUES), max_size=4),
    sweep=st.lists(st.tuples(KEYS, st.lists(st.integers(0, 3), max_size=3)), max_size=2),
    garbage=st.sampled_from(["", "[data", "x = = 1", "[settings]\n[settings]"]),
)
def test_declarations_give_a_declaration_or_one_sentence(tmp_path, name, source, entries, sweep, garbage):
    def value(v):
        return str(v).lower() if isinstance(v, bool) else (repr(v) if isinstance(v, float) else str(v))

    lines = [f"name = {name}", "[data]", f"source = {source}", "[settings]"]
    lines += [f"{k} = {value(v)}" for k, v in dict(entries).items()]
    if sweep:
        lines += ["[sweep]", *(f"{k} = {v}" for k, v in dict(sweep).items())]
    path = tmp_path / "fuzz.toml"
    path.write_text("\n".join(lines) + "\n" + garbage + "\n")
    try:
        runs = declarations.collect([path])
    except InputError as error:
        _one_sentence(error)
        return
    assert runs and all(r.name.startswith(r.name.split("-")[0]) for r in runs)
