"""Plots: what was drawn (the data behind each artist), not pixels. Every plot returns an
arviz-plots PlotCollection whose data and artists match the comparison."""

import matplotlib

matplotlib.use("Agg")

import sys  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402
from arviz_plots import PlotCollection  # noqa: E402

from priorfit import InputError, plots  # noqa: E402
from priorfit.plots import density  # noqa: E402
from priorfit.runtime.cluster import in_worker  # noqa: E402


@pytest.fixture(scope="module")
def sparse(sparse_three):
    """synthetic:n=80,p=6,k=2,seed=3 under normal, laplace and horseshoe (tests/conftest.py)."""
    return sparse_three


def _x(artists, features):
    return np.array([artists["coef"].sel(feature=f).item().get_offsets()[0, 0] for f in features])


def _legend(pc):
    return [t.get_text() for t in pc.get_viz("figure").legends[0].get_texts()]


def test_every_kind_returns_a_plot_collection_with_its_figure(sparse):
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    drawn = set()
    for kind, prior, _ in plots.planned(sparse):
        pc = sparse.plot(kind, prior)
        assert type(pc) is PlotCollection and isinstance(pc.get_viz("figure"), Figure), kind
        assert pc.get_viz("figure").axes, kind
        plt.close(pc.get_viz("figure"))
        drawn.add(kind)
    # coverage: only with held-out rows (tests/results/test_holdout.py draws it)
    assert drawn == set(plots.KINDS) - {"coverage"}
    with pytest.raises(InputError, match="The coverage plot needs a held-out evaluation; fit with --holdout FRACTION or --test DATA."):
        sparse.plot("coverage")
    # one signature: plot_<kind>(comparison, prior=None) in plots/<kind>.py, also reachable as plots.plot_<kind>
    import importlib
    import inspect

    for kind in plots.KINDS:
        function = getattr(importlib.import_module(f"priorfit.plots.{kind}"), f"plot_{kind}")
        assert function is getattr(plots, f"plot_{kind}")
        assert list(inspect.signature(function).parameters) == ["comparison", "prior"]
        assert inspect.signature(function).parameters["prior"].default is None


def test_forest_marks_map_penalized_and_truth(sparse):
    fit = sparse.fit("laplace")
    features = list(sparse.data.features)
    pc = plots.plot_forest(sparse, "laplace")
    np.testing.assert_array_equal(_x(pc.viz["map"], features), fit.mode.point["coef"])
    np.testing.assert_array_equal(_x(pc.viz["penalized"], features), fit.penalized.coef)
    np.testing.assert_allclose(_x(pc.viz["truth"], features), sparse.truth_model_scale())
    np.testing.assert_allclose(_x(pc.viz["ols"], features), sparse.ols.coef)
    # each marker sits on its coefficient's interval, and the interval and point are the table's HDI and mean
    table = sparse.table("laplace").loc[features]
    for f in features:
        twig = pc.viz["twig"]["coef"].sel(feature=f).item().get_xydata()
        assert pc.viz["map"]["coef"].sel(feature=f).item().get_offsets()[0, 1] == twig[0, 1]
        np.testing.assert_allclose(twig[:, 0], table.loc[f, ["hdi_low", "hdi_high"]].to_numpy(float), rtol=1e-10)
    np.testing.assert_allclose(_x(pc.viz["point_estimate"], features), table["mean"], rtol=1e-10)
    assert _legend(pc) == ["OLS", "truth", "Lasso", "MAP (polished)"]


def test_forest_of_a_prior_without_twin_says_nearest(sparse):
    pc = plots.plot_forest(sparse, "horseshoe")
    assert "map" not in pc.viz.children  # no meaningful mode: nothing drawn
    assert "LassoCV (nearest, not exact)" in _legend(pc)


def test_forest_all_has_every_prior_and_each_map(sparse):
    pc = plots.plot_forest_all(sparse)
    artists = pc.viz["map"]["coef"]
    assert list(artists["model"].values) == ["normal", "laplace", "horseshoe"]
    for model in ("normal", "laplace"):
        drawn = [artists.sel(model=model, feature=f).item().get_offsets()[0, 0] for f in sparse.data.features]
        np.testing.assert_array_equal(drawn, sparse.fit(model).mode.point["coef"])
    assert artists.sel(model="horseshoe", feature="x1").item() is None  # no meaningful mode: not drawn
    for model in ("normal", "laplace", "horseshoe"):
        table = sparse.table(model)
        for f in sparse.data.features:
            twig = pc.viz["twig"]["coef"].sel(model=model, feature=f).item().get_xdata()
            np.testing.assert_allclose(twig, table.loc[f, ["hdi_low", "hdi_high"]].to_numpy(float), rtol=1e-10)


def test_plots_across_priors_take_the_priors_named(sparse):
    pc = plots.plot_forest_all(sparse, "laplace,normal")
    assert list(pc.viz["map"]["coef"]["model"].values) == ["laplace", "normal"]
    assert pc.get_viz("figure")._suptitle.get_text().startswith("priors laplace, normal:")
    assert list(plots.plot_forest_all(sparse, "horseshoe").viz["twig"]["coef"]["model"].values) == ["horseshoe"]
    pc = sparse.plot("shrinkage", ["horseshoe", "normal"])
    assert list(pc.data["prior"].values) == ["horseshoe", "normal"] and len(pc.get_viz("figure").axes) == 2
    with pytest.raises(InputError, match=r"^Prior 'ridge' was not fitted in this comparison; fitted are: normal, laplace, horseshoe.$"):
        sparse.plot("shrinkage", "ridge")
    with pytest.raises(InputError, match=r"^The forest plot shows one prior; normal, laplace were given.$"):
        sparse.plot("forest", "normal,laplace")


def test_density_lines_are_at_the_estimates(sparse):
    fit = sparse.fit("normal")
    pc = plots.plot_density(sparse, "normal")
    for kind, values in (("map", fit.mode.point["coef"]), ("penalized", fit.penalized.coef), ("ols", sparse.ols.coef)):
        drawn = [pc.viz[kind]["coef"].sel(feature=f).item().get_xdata()[0] for f in sparse.data.features]
        np.testing.assert_allclose(drawn, values, rtol=1e-12)
    table = sparse.table("normal")
    for f in sparse.data.features:
        interval = pc.viz["credible_interval"]["coef"].sel(feature=f).item().get_xdata()
        np.testing.assert_allclose(interval, table.loc[f, ["hdi_low", "hdi_high"]].to_numpy(float), rtol=1e-10)
        np.testing.assert_allclose(pc.viz["point_estimate"]["coef"].sel(feature=f).item().get_offsets()[0, 0],
                                   table.loc[f, "mean"], rtol=1e-10)


@pytest.mark.parametrize("prior", ["normal", "horseshoe"])
def test_density_panels_draw_each_prior_over_the_posterior_without_rescaling(sparse, prior):
    """The prior curve is the prior's marginal at its x values (normal: the N(mu, tau) density
    itself; horseshoe: the mixture over the fit's prior draws of its scales); the panel keeps the
    posterior's height where the horseshoe's spike at mu is taller, and the titles do not overlap."""
    from scipy import stats

    fit = sparse.fit(prior)
    pc = plots.plot_density(sparse, prior)
    figure = pc.get_viz("figure")
    figure.canvas.draw()
    assert "prior" in _legend(pc)
    for f in sparse.data.features:
        line = pc.viz["prior"]["coef"].sel(feature=f).item()
        x, y = line.get_xdata(), line.get_ydata()
        draws = fit.tree["posterior"]["coef"].sel(feature=f)
        np.testing.assert_allclose([x.min(), x.max()], [draws.min(), draws.max()], rtol=1e-12)
        if prior == "normal":
            np.testing.assert_allclose(y, stats.norm.pdf(x, fit.prior.mu, fit.prior.scale), rtol=1e-10)
        kde = pc.viz["dist"]["coef"].sel(feature=f).item()
        assert pc.get_target("coef", {"feature": f}).get_ylim()[1] < 1.2 * kde.get_ydata().max()
    if prior == "horseshoe":
        assert max(pc.viz["prior"]["coef"].sel(feature=f).item().get_ydata().max() for f in sparse.data.features) > 2 * max(
            pc.get_target("coef", {"feature": f}).get_ylim()[1] for f in sparse.data.features)
    # no panel's title overlaps another panel's tick labels
    renderer = figure.canvas.get_renderer()
    titles = [ax.title.get_window_extent(renderer) for ax in figure.axes if ax.get_title()]
    ticks = [label.get_window_extent(renderer) for ax in figure.axes for label in ax.get_xticklabels() if label.get_text()]
    assert titles and not any(t.overlaps(k) for t in titles for k in ticks)


def test_density_of_many_coefficients_shows_those_with_most_evidence(sparse, monkeypatch):
    # arviz-plots refuses more than 40 panels: a wide design (p = 100) once failed here
    monkeypatch.setattr(density, "MAX_PANELS", 3)
    fit = sparse.fit("laplace")
    coef = fit.tree["posterior"]["coef"]
    evidence = (np.abs(coef.mean(("chain", "draw"))) / coef.std(("chain", "draw"))).to_series()
    expected = [f for f in sparse.data.features if f in set(evidence.nlargest(3).index)]
    pc = plots.plot_density(sparse, "laplace")
    assert list(pc.viz["map"]["coef"]["feature"].values) == expected
    assert pc.get_viz("figure")._suptitle.get_text().endswith("(3 of 6 coefficients: largest |mean|/sd)")


def test_the_rows_plot_draws_the_dials_closed_form_at_four_alphas(sparse):
    """The Normal prior with the Gaussian likelihood: the dial's nested closed-form posteriors, at its two
    ends and two alphas between, for the three most evident coefficients; refused for another prior."""
    from scipy.stats import norm

    dial = sparse.fit("normal").tree["dial"].to_dataset()
    pc = sparse.plot("rows", "normal")
    features = list(pc.data["feature"].values)
    assert len(features) == 3 and list(pc.data["alpha"].values) == list(dial["alpha"].values[[0, 4, 8, 12]])
    z = norm.ppf(0.5 + sparse.settings.hdi_prob / 2)
    for f in features:
        for a in (0, 12):
            line = pc.viz["mean"]["coef"].sel(feature=f, alpha=float(dial["alpha"][a])).item()
            np.testing.assert_allclose(line.get_xdata(), dial["rows"].values)
            np.testing.assert_allclose(line.get_ydata(), dial["rows_mean"].sel(feature=f).values[a], rtol=1e-12)
        # the band of the first alpha: from mean - z sd up to mean + z sd at every row count
        vertices = pc.viz["band"]["coef"].sel(feature=f, alpha=float(dial["alpha"][0])).item().get_paths()[0].vertices
        mean, sd = dial["rows_mean"].sel(feature=f).values[0], dial["rows_sd"].sel(feature=f).values[0]
        np.testing.assert_allclose([vertices[:, 1].min(), vertices[:, 1].max()], [(mean - z * sd).min(), (mean + z * sd).max()],
                                   rtol=1e-12)
    with pytest.raises(InputError, match=r"^The rows plot of a comparison needs the closed form of the Normal prior with the Gaussian "
                                         r"likelihood or --explorer-rows \(and at least 400 draws\); the laplace fit has none, so its posterior on fewer "
                                         r"rows takes priorfit rows.$"):
        sparse.plot("rows", "laplace")


def test_shrinkage_plots_estimates_against_ols(sparse):
    pc = plots.plot_shrinkage(sparse)
    assert len(pc.get_viz("figure").axes) == 3
    assert list(pc.data["prior"].values) == ["normal", "laplace", "horseshoe"]
    np.testing.assert_allclose(pc.data["ols"], sparse.ols.coef)
    for fit in sparse.fits:
        name = fit.prior.name
        np.testing.assert_array_equal(pc.data["penalized"].sel(prior=name), fit.penalized.coef)
        np.testing.assert_array_equal(pc.data["posterior_mean"].sel(prior=name), sparse.table(name).loc[list(sparse.data.features), "mean"])
        penalized = pc.get_viz("penalized", "coef", prior=name).get_offsets()
        mean = pc.get_viz("posterior_mean", "coef", prior=name).get_offsets()
        np.testing.assert_allclose(penalized[:, 0], sparse.ols.coef)
        np.testing.assert_allclose(penalized[:, 1], fit.penalized.coef)
        np.testing.assert_allclose(mean[:, 1], fit.coefficients["mean"].to_numpy()[:-1])
        assert pc.get_viz("penalized", "coef", prior=name).axes is pc.get_target("coef", {"prior": name})
        assert pc.get_target("coef", {"prior": name}).get_title().startswith(f"{name} ↔ ")


def test_identity_plot_holds_the_profile(sparse):
    fit = sparse.fit("normal")
    profile = fit.identity
    pc = plots.plot_identity(sparse, "normal")
    at = list(sparse.data.features).index(profile.feature)
    mode = fit.mode.point["coef"][at]
    np.testing.assert_array_equal(pc.data["value"], profile.grid)
    at_mode = profile.neg_log_posterior[profile.grid == mode]
    np.testing.assert_allclose(pc.data["neg_log_posterior"], profile.neg_log_posterior - at_mode, rtol=0, atol=1e-12 * np.ptp(profile.neg_log_posterior))
    for name in ("neg_log_posterior", "scaled_objective"):
        line = pc.get_viz(name)
        np.testing.assert_array_equal(line.get_xdata(), profile.grid)
        np.testing.assert_array_equal(line.get_ydata(), pc.data[name])
    assert pc.get_viz("map").get_xdata()[0] == mode
    with pytest.raises(InputError, match=r"^The horseshoe prior has no identity profile: it needs an exact penalized twin and a mode.$"):
        sparse.plot("identity", "horseshoe")


def test_ols_is_least_squares(sparse):
    from sklearn.linear_model import LinearRegression

    from priorfit.data import design as data
    from priorfit.data import sources

    design = data.make_design(sources.load(sparse.data.name))
    np.testing.assert_allclose(sparse.ols.coef, LinearRegression().fit(design.X, design.y).coef_, rtol=1e-10)


def test_plot_api_and_bad_kind(sparse):
    pc = sparse.plot("forest", "laplace")
    figure = pc.get_viz("figure")
    assert figure.legends and "laplace prior" in figure._suptitle.get_text()
    with pytest.raises(InputError, match=r"^Plot kind 'pie' is not known; allowed are: forest, forest_all, density, shrinkage, identity, scales, ppc, prior_predictive, coverage, rows.$"):
        sparse.plot("pie")


def test_save_writes_every_plot_and_no_plots_skips_them(sparse, tmp_path):
    sparse.save(tmp_path / "a")
    names = sorted(p.name for p in (tmp_path / "a" / "plots").iterdir())
    assert names == sorted(name for _, _, name in plots.planned(sparse))
    # forest, density, ppc, prior_predictive x 3; identity x 2 (normal, laplace); scales (horseshoe); rows (normal);
    # forest_all; shrinkage
    assert len(names) == 18
    sparse.save(tmp_path / "b", plots=False)
    assert not (tmp_path / "b" / "plots").exists()
    sparse.save(tmp_path / "a", force=True)  # a folder with plots/ is priorfit's own: --force replaces it


def test_plots_a_forked_copy_did_not_write_are_drawn_here(sparse, tmp_path, monkeypatch):
    """write_all shares the plots with a forked copy of the process; where the copy fails (here: it
    exits at once with 1) or passes its deadline (here: it sleeps), this process draws its plots too,
    and every file is there."""
    import os
    import time

    from priorfit.runtime import forked

    if sys.platform != "linux" or forked.usable_cores() < 2 or in_worker():
        pytest.skip("no fork here: write_all draws every plot in this process")
    monkeypatch.setattr(forked, "can_fork", lambda: True)  # also in a test process that ran JAX (these copies only exit)
    given = []

    def copy_that(fails):
        def fork(work, items):
            given.append(len(items))
            child = os.fork()
            if child == 0:
                if not fails:
                    time.sleep(30)
                os._exit(1)
            return child
        return fork

    monkeypatch.setattr(forked, "GRACE_S", 0.5)
    monkeypatch.setattr(forked, "SHARE_FACTOR", 0.0)
    four = plots.planned(sparse)[:4]
    monkeypatch.setattr(plots, "planned", lambda comparison: four)
    for fails, folder in ((True, tmp_path / "failed"), (False, tmp_path / "late")):
        monkeypatch.setattr(forked, "_fork", copy_that(fails))
        start = time.perf_counter()
        paths = plots.write_all(sparse, folder)
        assert sorted(p.name for p in folder.iterdir()) == sorted(p.name for p in paths) == sorted(
            name for _, _, name in four)
    assert given == [2, 2]  # every second of the four was the copy's
    assert time.perf_counter() - start < 20  # the late copy was killed at its deadline, not waited for


def test_no_copy_is_forked_once_jax_has_started(monkeypatch):
    from priorfit.runtime import forked

    import types

    import arviz_stats  # noqa: F401 - it puts a lazy jax into sys.modules, which starts no thread

    monkeypatch.setattr(forked, "usable_cores", lambda: 2)
    bridge = types.SimpleNamespace(backends_are_initialized=lambda: False)
    monkeypatch.setitem(sys.modules, "jax._src.xla_bridge", bridge)
    assert forked.can_fork() == (sys.platform == "linux" and not in_worker())
    bridge.backends_are_initialized = lambda: True
    assert not forked.can_fork()


def test_scales_compare_the_horseshoe_prior_with_its_posterior(sparse):
    fit = sparse.fit("horseshoe")
    prior = fit.tree["prior"].to_dataset()
    assert prior["local_scale"].shape == (1, 400, 6) and "global_scale" in prior  # chains x draws prior draws
    pc = plots.plot_scales(sparse, "horseshoe")
    posterior = np.log10(fit.tree["posterior"]["local_scale"].values.reshape(-1, 6))
    np.testing.assert_array_equal(pc.data["local_scale"].values.reshape(-1, 6), posterior)
    segments = pc.get_viz("local_posterior").get_segments()
    np.testing.assert_allclose([s[0, 0] for s in segments], np.quantile(posterior, 0.03, axis=0), rtol=1e-12)
    np.testing.assert_allclose([s[1, 0] for s in segments], np.quantile(posterior, 0.97, axis=0), rtol=1e-12)
    np.testing.assert_allclose(pc.get_viz("local_median").get_xdata(), np.median(posterior, axis=0), rtol=1e-12)
    low, high = np.quantile(np.log10(prior["local_scale"].values), [0.03, 0.97])
    np.testing.assert_allclose(pc.get_viz("local_prior").get_x(), low, rtol=1e-12)
    np.testing.assert_allclose(pc.get_viz("local_prior").get_width(), high - low, rtol=1e-12)
    # the global histograms: 59 bins over the middle 99% of prior and posterior draws together, as densities
    both = np.log10(np.concatenate([prior["global_scale"].values.ravel(), fit.tree["posterior"]["global_scale"].values.ravel()]))
    edges = np.linspace(*np.quantile(both, [0.005, 0.995]), 60)
    for group, draws in (("prior", prior), ("posterior", fit.tree["posterior"])):
        heights, drawn_edges = pc.get_viz(f"global_{group}").get_data()[:2]
        np.testing.assert_array_equal(drawn_edges, edges)
        np.testing.assert_allclose(heights, np.histogram(np.log10(draws["global_scale"].values.ravel()), bins=edges, density=True)[0], rtol=1e-12)
    with pytest.raises(InputError, match=r"^The laplace prior has no random scales to plot; the horseshoe has.$"):
        sparse.plot("scales", "laplace")


def test_rank_histograms_hold_the_calibration_ranks():
    from scipy.stats import binom

    from priorfit.runs.calibrate import Calibration

    ranks = np.random.default_rng(5).integers(0, 100, size=(60, 2))
    calibration = Calibration("laplace", "gaussian", n=20, p=1, thinned=99, ranks=ranks, covered={}, parameters=("coef[0]", "sigma"))
    pc = calibration.plot()
    assert type(pc) is PlotCollection
    np.testing.assert_array_equal(pc.data["ranks"], ranks)
    band = binom.ppf([0.005, 0.995], 60, 1.0 / calibration.bins)
    for j, name in enumerate(("coef[0]", "sigma")):
        heights = [bar.get_height() for bar in pc.get_viz("histogram", "ranks", parameter=name)]
        np.testing.assert_array_equal(heights, np.histogram(ranks[:, j], bins=calibration.edges)[0])
        uniform = pc.get_viz("uniform", "ranks", parameter=name)
        assert (uniform.get_y(), uniform.get_y() + uniform.get_height()) == tuple(band)
        assert pc.get_target("ranks", {"parameter": name}).get_title() == f"{name}  p = {calibration.pvalues()[j]:.2f}"
    assert len(np.asarray(calibration.edges)) == calibration.bins + 1
    with pytest.raises(InputError, match=r"^This calibration is of the laplace prior, not 'normal'.$"):
        plots.plot_ranks(calibration, "normal")


def _drawn_samples(pc, group):
    """The replicated data sets a PPC density plot drew, beside the same (chain, draw) of the stored group."""
    data = pc.data["y"]
    stored = group["y"]
    for k in range(data.sizes["sample"]):
        chain, draw = int(data["chain"].values[k]), int(data["draw"].values[k])
        np.testing.assert_array_equal(data.isel(sample=k).values, stored.sel(chain=chain, draw=draw).values)
    return data.sizes["sample"]


def test_ppc_draws_the_stored_posterior_predictive_against_y(sparse):
    from priorfit.plots import ppc

    fit = sparse.fit("laplace")
    assert ppc.check_kind(fit.tree) == "dist"  # a continuous y: densities
    pc = plots.plot_ppc(sparse, "laplace")
    assert _drawn_samples(pc, fit.tree["posterior_predictive"]) == ppc.NUM_SAMPLES
    assert {"predictive_dist", "observed_dist"} <= set(pc.viz.children)
    assert f"mean {fit.predictive.p_mean:.2f}, sd {fit.predictive.p_sd:.2f}" in pc.get_viz("figure")._suptitle.get_text()


def test_prior_predictive_plot_draws_the_prior_predictive_with_y(sparse):
    fit = sparse.fit("horseshoe")
    pc = plots.plot_prior_predictive(sparse, "horseshoe")
    assert _drawn_samples(pc, fit.tree["prior_predictive"]) == 50
    assert "observed_dist" in pc.viz.children  # the data drawn over what the prior claimed


def test_ppc_of_counts_is_a_rootogram_of_the_observed_counts(declared_poisson_counts):
    from priorfit.plots import ppc

    _, result, _ = declared_poisson_counts
    fit = result.fits[0]
    assert ppc.check_kind(fit.tree) == "rootogram"
    assert fit.tree["posterior_predictive"]["y"].dtype.kind == "i"
    pc = plots.plot_ppc(result)
    observed = pc.viz["observed_markers"]["y"].item().get_offsets()
    counts = np.bincount(fit.tree["observed_data"]["y"].values)
    np.testing.assert_array_equal(observed[:, 1], counts[observed[:, 0].astype(int)])


def test_ppc_of_binary_y_is_the_calibration_curve(declared_breast_cancer):
    from priorfit.plots import ppc

    _, result, _ = declared_breast_cancer
    fit = result.fits[0]
    assert ppc.check_kind(fit.tree) == "pava"
    pc = plots.plot_ppc(result)
    assert "lines" in pc.viz.children
    x = pc.data["y"].sel(plot_axis="x").values  # the PAV-adjusted curve over the predicted probabilities
    assert 0.0 <= x.min() and x.max() <= 1.0 and np.all(np.diff(pc.data["y"].sel(plot_axis="y").values) >= -1e-12)
