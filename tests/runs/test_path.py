"""The regularization path: MAP == scikit-learn's path at every alpha, on one compiled model."""

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from priorfit import InputError, plots
from priorfit.cli import main
from priorfit.runs.path import path

SMALL = {"draws": 150, "tune": 150, "chains": 2, "progress": False}


@pytest.fixture(scope="module")
def lasso():
    return path("diabetes", prior="laplace", alphas=5, sigma=54.0, **SMALL)


def test_map_is_the_lasso_path_at_every_alpha(lasso):
    from sklearn.linear_model import Lasso

    from priorfit.data import design as data
    from priorfit.data import sources

    assert lasso.max_rel_diff.max() < 1e-8
    assert np.all(np.diff(lasso.alpha) < 0)  # largest first, as scikit-learn orders paths
    np.testing.assert_allclose(lasso.alpha, lasso.nominal_alpha, rtol=1e-12)  # sigma fixed: the same alphas
    design = data.make_design(sources.load("diabetes"))
    middle = Lasso(alpha=lasso.alpha[2], tol=1e-14, max_iter=1_000_000).fit(design.X, design.y).coef_
    np.testing.assert_allclose(lasso.penalized[2], middle, atol=1e-8 * np.abs(middle).max())
    np.testing.assert_array_equal(lasso.map[2] == 0, middle == 0)
    assert np.all(lasso.map[0] == 0)  # the first grid alpha zeroes every coefficient
    assert np.all((lasso.hdi_low <= lasso.mean) & (lasso.mean <= lasso.hdi_high))


def test_plot_draws_the_path_and_the_maps(lasso):
    from arviz_plots import PlotCollection

    pc = lasso.plot()
    assert type(pc) is PlotCollection and pc.get_viz("figure").axes == [pc.get_viz("plot")]
    for name in ("penalized", "mean", "hdi_low", "hdi_high", "map"):
        np.testing.assert_array_equal(pc.data[name].transpose("alpha", "feature"), getattr(lasso, name))
    np.testing.assert_array_equal(pc.data["alpha"], lasso.alpha)
    for j, feature in enumerate(lasso.features):
        penalized = pc.get_viz("penalized", "coef", feature=feature)
        np.testing.assert_array_equal(penalized.get_xdata(), lasso.alpha)
        np.testing.assert_array_equal(penalized.get_ydata(), lasso.penalized[:, j])
        np.testing.assert_array_equal(pc.get_viz("mean", "coef", feature=feature).get_ydata(), lasso.mean[:, j])
        band = pc.get_viz("band", "coef", feature=feature).get_paths()[0].vertices
        assert np.isin(lasso.hdi_low[:, j], band[:, 1]).all() and np.isin(lasso.hdi_high[:, j], band[:, 1]).all()
        assert np.isin(lasso.alpha, band[:, 0]).all()
        assert penalized.get_color() == pc.get_viz("mean", "coef", feature=feature).get_color() == f"C{j}"
    maps = pc.get_viz("map").get_offsets()
    np.testing.assert_allclose(maps[:, 0], np.repeat(lasso.alpha, len(lasso.features)))
    np.testing.assert_allclose(maps[:, 1], lasso.map.ravel())
    with pytest.raises(InputError, match=r"^This path is of the laplace prior, not 'normal'.$"):
        plots.plot_path(lasso, "normal")


def test_ridge_path_with_sigma_estimated_holds_at_the_map_sigma():
    result = path("synthetic:n=80,p=5,k=2,seed=2", prior="normal", alphas=[10.0, 1.0, 0.1], **SMALL)
    assert result.max_rel_diff.max() < 1e-8
    assert not np.allclose(result.alpha, result.nominal_alpha)  # converted at the MAP sigma, not the plug-in one
    np.testing.assert_allclose(result.nominal_alpha, [10.0, 1.0, 0.1])


def test_path_refuses_what_has_no_path():
    with pytest.raises(InputError, match=r"^The horseshoe prior has no penalized twin, so it has no path; use normal or laplace.$"):
        path("diabetes", prior="horseshoe", **SMALL)
    with pytest.raises(InputError, match=r"^priorfit path does not run the bridge prior yet; use normal, laplace or elasticnet.$"):
        path("diabetes", prior="bridge", **SMALL)
    with pytest.raises(InputError, match=r"^priorfit path takes one prior; normal, laplace were given.$"):
        path("diabetes", prior="normal,laplace", **SMALL)


def test_path_command_writes_json_and_png_for_a_sigma_scaled_prior(tmp_path, capsys):
    # --scale-by-sigma: the scale is in units of sigma, so the identity alpha is sigma / (n s) at the
    # MAP sigma; before it was converted as if the scale were absolute (max_rel_diff 1.2 on diabetes).
    # (The summary lines without --json: docs/cli.md's `priorfit path` block, run by tests/end_to_end/test_docs.py.)
    out = tmp_path / "p"
    code = main(["path", "--alpha-grid", "1,0.1", "--scale-by-sigma", "--no-standardize", "--draws", "60", "--tune", "60",
                 "--chains", "1", "--out", str(out), "--json"])
    captured = capsys.readouterr()
    assert code == 0 and captured.err == ""
    assert sorted(p.name for p in out.iterdir()) == ["path.json", "path.png"]
    printed = json.loads(captured.out)
    assert printed == json.loads((out / "path.json").read_text())
    assert [p["nominal_alpha"] for p in printed["points"]] == [1.0, 0.1]
    assert all(p["max_rel_diff"] < 1e-8 and p["same_zero_pattern"] for p in printed["points"])
    assert not np.allclose([p["alpha"] for p in printed["points"]], [1.0, 0.1], rtol=1e-3)  # at the MAP sigma
    assert main(["path", "--alphas", "1", "--out", str(tmp_path / "q")]) == 2
    assert "alphas '1' is not allowed; it must be a whole number from 2 to 200." in capsys.readouterr().err
