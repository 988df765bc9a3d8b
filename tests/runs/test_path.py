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
    with pytest.raises(InputError, match=r"^The alphas of a path must differ; 1 is given more than once.$"):
        path("diabetes", prior="laplace", alphas=[1.0, 0.5, 1], reweight=True, **SMALL)


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


@pytest.fixture(scope="module")
def reweighted_ridge():
    """A Ridge path of diabetes with sigma fixed, NUTS at its middle point only: every other point's
    posterior is the middle one's draws reweighted, and has a closed form."""
    grid = [4.0, 2.0, 1.0, 0.5, 0.25]  # a factor 16 of Ridge's alpha, the prior's variance
    return path("diabetes", prior="normal", alphas=grid, sigma=54.0, reweight=True, draws=1000, tune=500, chains=2,
                progress=False)


def test_reweighted_points_have_the_closed_form_posterior(reweighted_ridge):
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.diagnostics.closed_form import normal_posterior
    from priorfit.models.priors import Normal
    from priorfit.penalized import twins
    from priorfit.settings import from_user

    result = reweighted_ridge
    assert result.method == ["reweighted", "reweighted", "fit", "reweighted", "reweighted"]
    assert np.isnan(result.pareto_k[2]) and np.all(result.pareto_k[[0, 1, 3, 4]] < 0.7)
    assert np.all(result.ess[[0, 1, 3, 4]] >= 200)
    design = data.make_design(sources.load("diabetes"))
    twin = twins.twin("normal", from_user({}).family(), from_user({"prior": "normal"}))
    for i, alpha in enumerate(result.alpha):
        exact = normal_posterior(design, Normal(twin.scale_of(alpha, 54.0, design.n, False)), 54.0)
        sd = exact["coef_sd"]
        assert (np.abs(result.mean[i] - exact["coef_mean"]) / sd).max() < 0.15, i  # ~0.03 sd of Monte Carlo error
        assert np.abs(result.sd[i] / sd - 1).max() < 0.1, i
    # a stronger prior shrinks: the reweighted means move towards mu = 0 from the fitted point's
    assert np.abs(result.mean[0]).sum() < np.abs(result.mean[2]).sum() < np.abs(result.mean[4]).sum()


def test_the_weights_are_power_scaling_of_the_prior():
    """For the Normal prior, scale s -> s / sqrt(a) is the prior raised to the power a: the path's
    weights are psense's power-scaling weights (arviz-stats' power_scale_lw), Pareto smoothing aside."""
    import xarray as xr

    from priorfit.diagnostics.sensitivity import log_prior_group, prior_reweighting
    from priorfit.models.priors import Normal

    rng = np.random.default_rng(0)
    coords = {"chain": [0, 1], "draw": np.arange(2000), "feature": list("abc")}
    posterior = xr.Dataset({"coef": (("chain", "draw", "feature"), rng.normal(0.0, 1.0, (2, 2000, 3)))}, coords=coords)
    power = 1.5
    log_weights, k = prior_reweighting(Normal(1.0), Normal(1.0 / np.sqrt(power)), posterior, None)
    scaled = log_prior_group(Normal(1.0), posterior, None)["coef"].sum("feature").azstats.power_scale_lw(
        alpha=power, dim=["chain", "draw"])
    ours, theirs = log_weights.values.ravel(), scaled.values.ravel()
    untouched = ours < np.quantile(ours, 0.9)  # PSIS smooths only the largest weights
    np.testing.assert_allclose(ours[untouched] - ours[untouched][0], theirs[untouched] - theirs[untouched][0], atol=1e-10)
    assert np.isclose(np.logaddexp.reduce(ours), 0.0, atol=1e-12) and k < 0.5


def test_path_command_reweights_and_says_where(tmp_path, capsys):
    out = tmp_path / "p"
    code = main(["path", "--prior", "laplace", "--alpha-grid", "2,0.5,0.2,0.05", "--sigma", "54", "--reweight", "--draws", "300",
                 "--tune", "300", "--chains", "2", "--no-plots", "--out", str(out)])
    printed = capsys.readouterr().out
    assert code == 0
    points = json.loads((out / "path.json").read_text())["points"]
    assert [p["posterior"] for p in points].count("fit") == 1 and points[2]["posterior"] == "fit"
    sentence = next(line for line in printed.splitlines() if line.startswith("posterior: "))
    assert sentence.startswith(f"posterior: NUTS at alpha {points[2]['alpha']:.4g}; ")
    for p in points:
        assert (p["pareto_k"] is None) == (p["posterior"] == "fit")
        assert (p["reweighted_from_alpha"] is not None) == (p["posterior"] == "reweighted")
        assert p["posterior"] != "reweighted" or (p["pareto_k"] <= 0.62 and p["weights_ess"] >= 40)  # 400 draws
        assert all(c["sd"] > 0 and c["hdi_low"] <= c["mean"] <= c["hdi_high"] for c in p["coefficients"])
