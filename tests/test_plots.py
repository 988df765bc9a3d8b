"""Plots: what was drawn (the data behind each artist), not pixels."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402

import priorfit  # noqa: E402
from priorfit import InputError, plots
from priorfit.plots import density, forest, scales, shrinkage  # noqa: E402


@pytest.fixture(scope="module")
def sparse():
    return priorfit.compare("synthetic:n=80,p=6,k=2,seed=3", prior="normal,laplace,horseshoe", draws=200, tune=300, chains=2, seed=1)


def _x(artists, features):
    return np.array([artists["coef"].sel(feature=f).item().get_offsets()[0, 0] for f in features])


def test_forest_marks_map_penalized_and_truth(sparse):
    fit = sparse.fit("laplace")
    features = list(sparse.data.features)
    pc = forest.draw(sparse, fit)
    np.testing.assert_array_equal(_x(pc.viz["map"], features), fit.mode.point["coef"])
    np.testing.assert_array_equal(_x(pc.viz["penalized"], features), fit.penalized.coef)
    np.testing.assert_allclose(_x(pc.viz["truth"], features), sparse.truth_model_scale())
    np.testing.assert_allclose(_x(pc.viz["ols"], features), sparse.ols.coef)
    # each marker sits on its coefficient's interval, and the interval is the posterior's HDI
    for f in features:
        twig = pc.viz["twig"]["coef"].sel(feature=f).item().get_xydata()
        assert pc.viz["map"]["coef"].sel(feature=f).item().get_offsets()[0, 1] == twig[0, 1]
    low, high = sparse.table("laplace").loc["x1", ["hdi_low", "hdi_high"]]
    np.testing.assert_allclose(pc.viz["twig"]["coef"].sel(feature="x1").item().get_xydata()[:, 0], [low, high], rtol=1e-10)
    labels = [t.get_text() for t in plots.figure_of(pc).legends[0].get_texts()]
    assert labels == ["OLS", "truth", "Lasso", "MAP (polished)"]


def test_forest_of_a_prior_without_twin_says_nearest(sparse):
    pc = forest.draw(sparse, sparse.fit("horseshoe"))
    assert "map" not in pc.viz.children  # no meaningful mode: nothing drawn
    labels = [t.get_text() for t in plots.figure_of(pc).legends[0].get_texts()]
    assert "LassoCV (nearest, not exact)" in labels


def test_forest_all_has_every_prior_and_each_map(sparse):
    pc = forest.draw_all(sparse)
    artists = pc.viz["map"]["coef"]
    assert list(artists["model"].values) == ["normal", "laplace", "horseshoe"]
    for model in ("normal", "laplace"):
        drawn = [artists.sel(model=model, feature=f).item().get_offsets()[0, 0] for f in sparse.data.features]
        np.testing.assert_array_equal(drawn, sparse.fit(model).mode.point["coef"])
    assert artists.sel(model="horseshoe", feature="x1").item() is None  # no meaningful mode: not drawn


def test_density_lines_are_at_the_estimates(sparse):
    fit = sparse.fit("normal")
    pc = density.draw(sparse, fit)
    for kind, values in (("map", fit.mode.point["coef"]), ("penalized", fit.penalized.coef), ("ols", sparse.ols.coef)):
        drawn = [pc.viz[kind]["coef"].sel(feature=f).item().get_xdata()[0] for f in sparse.data.features]
        np.testing.assert_allclose(drawn, values, rtol=1e-12)


def test_density_of_many_coefficients_shows_those_with_most_evidence(sparse, monkeypatch):
    # arviz-plots refuses more than 40 panels: a wide design (p = 100) once failed here
    monkeypatch.setattr(density, "MAX_PANELS", 3)
    fit = sparse.fit("laplace")
    coef = fit.tree["posterior"]["coef"]
    evidence = (np.abs(coef.mean(("chain", "draw"))) / coef.std(("chain", "draw"))).to_series()
    expected = [f for f in sparse.data.features if f in set(evidence.nlargest(3).index)]
    pc = density.draw(sparse, fit)
    assert list(pc.viz["map"]["coef"]["feature"].values) == expected
    assert plots.figure_of(pc)._suptitle.get_text().endswith("(3 of 6 coefficients: largest |mean|/sd)")


def test_shrinkage_plots_estimates_against_ols(sparse):
    figure = shrinkage.draw(sparse)
    assert len(figure.axes) == 3
    for ax, fit in zip(figure.axes, sparse.fits):
        by_gid = {c.get_gid(): c.get_offsets() for c in ax.collections}
        np.testing.assert_allclose(by_gid["penalized"][:, 0], sparse.ols.coef)
        np.testing.assert_allclose(by_gid["penalized"][:, 1], fit.penalized.coef)
        np.testing.assert_allclose(by_gid["posterior_mean"][:, 1], fit.coefficients["mean"].to_numpy()[:-1])


def test_ols_is_least_squares(sparse):
    from sklearn.linear_model import LinearRegression

    from priorfit.data import design as data

    design = data.make_design(data.load(sparse.data.name))
    np.testing.assert_allclose(sparse.ols.coef, LinearRegression().fit(design.X, design.y).coef_, rtol=1e-10)


def test_plot_api_and_bad_kind(sparse):
    figure = sparse.plot("forest", "laplace")
    assert figure.legends and "laplace prior" in figure._suptitle.get_text()
    with pytest.raises(InputError, match=r"^Plot kind 'pie' is not known; allowed are: forest, forest_all, density, shrinkage, identity, scales.$"):
        sparse.plot("pie")


def test_save_writes_every_plot_and_no_plots_skips_them(sparse, tmp_path):
    sparse.save(tmp_path / "a")
    names = sorted(p.name for p in (tmp_path / "a" / "plots").iterdir())
    assert names == sorted(name for _, _, name in plots.planned(sparse))
    assert len(names) == 11  # forest, density x 3; identity x 2 (normal, laplace); scales (horseshoe); forest_all; shrinkage
    sparse.save(tmp_path / "b", plots=False)
    assert not (tmp_path / "b" / "plots").exists()
    sparse.save(tmp_path / "a", force=True)  # a folder with plots/ is priorfit's own: --force replaces it


def test_scales_compare_the_horseshoe_prior_with_its_posterior(sparse):
    fit = sparse.fit("horseshoe")
    prior = fit.tree["prior"].to_dataset()
    assert prior["local_scale"].shape == (1, 400, 6) and "global_scale" in prior  # chains x draws prior draws
    figure = scales.draw(sparse, fit)
    ax = figure.axes[1]
    by_gid = {c.get_gid(): c for c in ax.collections}
    posterior = np.log10(fit.tree["posterior"]["local_scale"].values.reshape(-1, 6))
    segments = by_gid["local_posterior"].get_segments()
    np.testing.assert_allclose([s[0, 0] for s in segments], np.quantile(posterior, 0.03, axis=0), rtol=1e-12)
    np.testing.assert_allclose([s[1, 0] for s in segments], np.quantile(posterior, 0.97, axis=0), rtol=1e-12)
    global_prior = [p for p in figure.axes[0].patches if p.get_gid() == "global_prior"]
    assert len(global_prior) == 59  # one bar per bin
    with pytest.raises(InputError, match=r"^The laplace prior has no random scales to plot; the horseshoe has.$"):
        sparse.plot("scales", "laplace")
