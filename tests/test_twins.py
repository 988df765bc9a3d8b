"""The (prior, likelihood) twin table: conversions, objectives as scikit-learn documents them,
and the README showing the same table."""

import re
from pathlib import Path

import pytest

from priorfit import twins


@pytest.mark.parametrize("key", list(twins.TWINS))
def test_conversion_round_trips(key):
    twin = twins.TWINS[key]
    for alpha in (1e-3, 0.5, 40.0):
        scale = twin.scale_from_alpha(alpha, 2.5, 137)
        assert twin.alpha_from_scale(scale, 2.5, 137) == pytest.approx(alpha, rel=1e-14)


def test_conversion_constants():
    # Ridge: alpha = sigma^2 / tau^2 (no 1/n); Lasso: alpha = sigma^2 / (n b)
    assert twins.twin("normal", "gaussian").alpha_from_scale(2.0, 3.0, 100) == pytest.approx(9.0 / 4.0)
    assert twins.twin("laplace", "gaussian").alpha_from_scale(2.0, 3.0, 100) == pytest.approx(9.0 / 200.0)


@pytest.mark.parametrize("key", list(twins.TWINS))
def test_objective_is_the_installed_docstring(key):
    twin = twins.TWINS[key]
    estimator = twin.make(1.0, True)
    assert type(estimator).__name__ == twin.estimator
    squash = lambda text: re.sub(r"\s+", "", text)
    assert squash(twin.objective) in squash(type(estimator).__doc__)
    assert twin.search(True, 50).fit  # a cross-validated search with alpha_ after fitting


def test_nearest_names_match_the_estimators():
    for ref in twins.NEAREST.values():
        assert tuple(ref.estimators(True, 20)) == ref.names


def test_readme_table_is_the_twin_table():
    readme = (Path(__file__).parents[1] / "README.md").read_text()
    for row in twins.rows():
        line = f"| {row['prior']} | {row['likelihood']} | {row['estimator']} |"
        assert line in readme, line
        if row["objective"]:  # pipes inside a Markdown table cell are escaped
            objective = row["objective"].replace("|", "\\|")
            assert f"`{objective}` | `{row['conversion']}` |" in readme, objective
