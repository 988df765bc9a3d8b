"""The penalty dial and its explorer in report.html: the reweighted posterior against the closed form at
every alpha (Normal prior, sigma fixed), the MAP against the penalized twin and scikit-learn, the profile
likelihood against OLS with the intercept as a column, the rows against Ridge on nested subsamples, the page's size, and
in headless Chromium (Debian's package, driven by Playwright) the figures' data after the sliders move.

``PRIORFIT_BROWSER_REQUIRED=1`` (set by ``.ci/run``, which installs Chromium) makes a missing browser a
failure instead of a skip; ``PRIORFIT_SCREENSHOTS=docs`` writes the documentation's screenshots (docs/make_figures.py says how)."""

import os
import shutil

import numpy as np
import pytest
from scipy import stats

import priorfit
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.diagnostics import closed_form, dial
from priorfit.report import explorer

SIGMA = 54.0


@pytest.fixture(scope="module")
def fitted():
    return priorfit.compare("diabetes", prior="normal,laplace", sigma=SIGMA, draws=800, tune=500, chains=2, seed=3, progress=False)


@pytest.fixture(scope="module")
def mvnormal_rows():
    """explorer_rows with a prior whose rows have no closed form on the page: a multivariate normal of full-rank precision."""
    rw1 = np.diff(np.eye(10), axis=0)
    return priorfit.compare("diabetes", prior="mvnormal", precision=np.eye(10) + rw1.T @ rw1, alpha=0.5, sigma=SIGMA, standardize=False,
                            draws=400, tune=300, chains=2, seed=4, explorer_rows=True, progress=False)


@pytest.fixture(scope="module")
def design():
    return data.make_design(sources.load("diabetes"))


def _dial(comparison, prior):
    return comparison.fit(prior).tree["dial"].to_dataset()


def test_the_reweighted_posterior_is_the_closed_form_at_every_trusted_alpha(fitted, design):
    d = _dial(fitted, "normal")
    assert d.sizes["point"] == dial.POINTS and int(d.attrs["fitted_point"]) == dial.POINTS // 2
    span = d["alpha"].values.max() / d["alpha"].values.min()
    np.testing.assert_allclose(span, 10 ** (2 * dial.DECADES), rtol=1e-9)
    prior = fitted.fit("normal").prior
    moved = []
    for i in range(dial.POINTS):
        exact = closed_form.normal_posterior(design, prior.with_scale(float(d["scale"][i])), SIGMA)
        if not d["trusted"][i]:
            continue
        sd = exact["coef_sd"]
        np.testing.assert_array_less(np.abs(d["mean"][i].values - exact["coef_mean"]) / sd, 0.15)
        np.testing.assert_array_less(np.abs(d["sd"][i].values / sd - 1), 0.1)
        moved.append(exact["coef_mean"] / sd)
    assert int(d["trusted"].sum()) >= dial.POINTS - 2
    assert np.ptp(np.array(moved), axis=0).max() > 0.5  # the exact posteriors move: a wrong weight would fail


@pytest.mark.parametrize("prior", ["normal", "laplace"])
def test_the_map_is_the_penalized_twin_and_scikit_learn_at_every_alpha(fitted, design, prior):
    from sklearn.linear_model import Lasso, Ridge

    d = _dial(fitted, prior)
    np.testing.assert_allclose(d["map"].values, d["penalized"].values, atol=1e-6 * np.abs(d["penalized"].values).max())
    for i in (0, dial.POINTS // 2, dial.POINTS - 1):
        alpha = float(d["alpha"][i])
        model = Ridge(alpha=alpha) if prior == "normal" else Lasso(alpha=alpha, tol=1e-12, max_iter=100_000)
        np.testing.assert_allclose(d["penalized"][i].values, model.fit(design.X, design.y).coef_, atol=1e-6 * 50)


@pytest.mark.parametrize("prior", ["normal", "laplace"])
def test_with_sigma_estimated_the_twin_is_taken_where_the_identity_holds(diabetes_default, prior):
    """The default run (sigma estimated): each point's MAP re-estimates sigma, and the twin that equals
    it is at the alpha of that MAP sigma (``identity_alpha``), as on ``priorfit path``'s x axis; the
    nominal alphas are at the twin's sigma. The regularized horseshoe has no dial."""
    assert "dial" not in diabetes_default.fit("regularized_horseshoe").tree.children
    d = _dial(diabetes_default, prior)
    assert not d.attrs["sigma_fixed"]
    np.testing.assert_allclose(d["map"].values, d["penalized"].values, atol=1e-6 * np.abs(d["penalized"].values).max())
    middle = dial.POINTS // 2
    assert d["identity_alpha"][middle] == pytest.approx(float(d["alpha"][middle]), rel=1e-9)
    assert np.abs(d["identity_alpha"].values / d["alpha"].values - 1).max() > 1e-4  # sigma moved along the dial


def test_the_prior_and_profile_likelihood_curves(fitted, design):
    for prior in ("normal", "laplace"):
        d = _dial(fitted, prior)
        x = d["x"].values
        for i in (0, dial.POINTS - 1):
            scale = float(d["scale"][i])
            expected = stats.norm.pdf(x, 0, scale) if prior == "normal" else stats.laplace.pdf(x, 0, scale)
            np.testing.assert_allclose(d["prior_density"][i].values, expected, rtol=1e-10)
    # OLS with the intercept as a column (uncentred), at the fixed sigma
    Z = np.column_stack([np.ones(design.n), design.X])
    b = np.linalg.lstsq(Z, design.y, rcond=None)[0][1:]
    sd = SIGMA * np.sqrt(np.diag(np.linalg.inv(Z.T @ Z)))[1:]
    d = _dial(fitted, "normal")
    expected = stats.norm.pdf(d["x"].values, b[:, None], sd[:, None])
    np.testing.assert_allclose(d["likelihood"].values, expected, rtol=1e-8)


def test_a_poisson_profile_likelihood_is_the_maximum_over_the_others_by_another_solver():
    """dial.profile_likelihood for a GLM: its log differences between x values are those of scipy's
    maximum over the other coefficients and the intercept (BFGS), exact at the points Newton solves and
    within 1e-4 between them (the spline), scaled by 1 / sqrt(2 pi [H^-1]_jj) at the MLE. Separated
    labels have no maximum: NaN."""
    from scipy.optimize import minimize

    from priorfit.models import likelihoods

    design = data.make_design(sources.load("synthetic:n=200,p=3,k=2,seed=1,family=poisson"))
    poisson = likelihoods.get("poisson")
    X = design.X - design.x_mean
    Z = np.column_stack([np.ones(design.n), X])
    mle = minimize(lambda t: -poisson.pointwise(Z @ t, design.y, None).sum(), np.zeros(4), method="BFGS", options={"gtol": 1e-10}).x
    x = np.array([np.linspace(mle[1 + j] - 0.3, mle[1 + j] + 0.3, dial.GRID) for j in range(3)])
    curve = dial.profile_likelihood(design, poisson, None, [0, 1, 2], x)

    def profile(j, b):
        others = [k for k in range(4) if k != 1 + j]

        def negative(t):
            theta = np.empty(4)
            theta[others], theta[1 + j] = t, b
            return -poisson.pointwise(Z @ theta, design.y, None).sum()
        return -minimize(negative, mle[others], method="BFGS", options={"gtol": 1e-10}).fun

    picks = np.unique(np.linspace(0, dial.GRID - 1, dial.PROFILE_POINTS).round().astype(int))
    for j in range(3):
        at = [picks[0], picks[8], picks[-1], picks[3] + 2]  # three solved, one between
        logs = np.log(curve[j, at])
        exact = np.array([profile(j, x[j, i]) for i in at])
        np.testing.assert_allclose(logs[:3] - logs[0], exact[:3] - exact[0], atol=1e-6)
        np.testing.assert_allclose(logs[3] - logs[0], exact[3] - exact[0], atol=1e-4)
        # the scale: the quadratic approximation's normalizer, from Poisson's Fisher information Z' diag(e^eta) Z
        information = (Z * np.exp(Z @ mle)[:, None]).T @ Z
        variance = np.linalg.inv(information)[1 + j, 1 + j]
        top = poisson.pointwise(Z @ mle, design.y, None).sum()
        np.testing.assert_allclose(curve[j, at[1]] * np.sqrt(2 * np.pi * variance), np.exp(exact[1] - top), rtol=1e-6)
    separated = data.make_design(data.from_arrays(np.array([[-2.0], [-1.0], [1.0], [2.0]]), np.array([0.0, 0.0, 1.0, 1.0])))
    assert np.isnan(dial.profile_likelihood(separated, likelihoods.get("bernoulli"), None, [0], np.zeros((1, dial.GRID)))).all()


@pytest.mark.parametrize("name, quantile", [("laplace", None), ("quantile", 0.8)])
def test_a_kinked_profile_likelihood_is_least_absolute_deviations_by_another_solver(design, name, quantile):
    """For the Laplace and quantile likelihoods the profile is a linear program: at the x values it solves,
    its log differences are those of scikit-learn's QuantileRegressor (the primal, through scipy) over the
    other coefficients and the intercept, to 1e-7 relative; between them it is the chord, at most the
    exact concave profile; its scale is 1 / sqrt(2 pi [H^-1]_jj) with the expected information
    H = Z'Z lo hi / s^2 (the score is hi / s above the kink, with probability lo / (lo + hi), and -lo / s below)."""
    from sklearn.linear_model import QuantileRegressor

    from priorfit.models import likelihoods

    s = 45.0
    family = likelihoods.get(name, quantile=quantile) if quantile else likelihoods.get(name)
    q = quantile or 0.5
    Z = np.column_stack([np.ones(design.n), design.X - design.x_mean])

    def least_loss(columns, offset):
        fit = QuantileRegressor(quantile=q, alpha=0.0, fit_intercept=False).fit(Z[:, columns], design.y - offset)
        return family.loss(design.y - offset - Z[:, columns] @ fit.coef_).sum()

    mle = QuantileRegressor(quantile=q, alpha=0.0, fit_intercept=False).fit(Z, design.y).coef_
    least = least_loss(list(range(11)), 0.0)
    x = np.array([np.linspace(mle[1 + j] - 60, mle[1 + j] + 60, dial.GRID) for j in range(design.p)])
    curve = dial.profile_likelihood(design, family, s, list(range(design.p)), x)
    lo, hi = family.slopes
    variance = np.diag(np.linalg.inv(Z.T @ Z * lo * hi / s**2))
    picks = np.unique(np.linspace(0, dial.GRID - 1, dial.PROFILE_POINTS).round().astype(int))
    for j in (2, 5, 8):
        others = [k for k in range(11) if k != 1 + j]
        exact = np.array([-(least_loss(others, Z[:, 1 + j] * x[j, i]) - least) / s for i in picks[::4]])
        logs = np.log(curve[j, picks[::4]] * np.sqrt(2 * np.pi * variance[1 + j]))
        np.testing.assert_allclose(logs, exact, rtol=1e-7, atol=1e-7)
        between = picks[5] + 2
        chord = np.log(curve[j, between] * np.sqrt(2 * np.pi * variance[1 + j]))
        assert chord <= -(least_loss(others, Z[:, 1 + j] * x[j, between]) - least) / s + 1e-9
    twice = data.make_design(data.from_arrays(np.column_stack([design.X[:, :2], design.X[:, :1]]), design.y), standardize=False)
    assert np.isnan(dial.profile_likelihood(twice, family, s, [0, 1, 2], x[:3])).all()  # a column twice: no unique estimate


def test_the_rows_are_ridge_on_nested_subsamples(fitted, design):
    from sklearn.linear_model import Ridge

    d = _dial(fitted, "normal")
    counts = d["rows"].values
    assert counts[-1] == design.n and np.all(np.diff(counts) > 0)
    order = np.random.default_rng(3).permutation(design.n)  # the fit's seed
    for i in (0, dial.POINTS - 1):
        for r in (0, len(counts) - 1):
            seen = np.sort(order[: counts[r]])
            fitted_rows = Ridge(alpha=float(d["alpha"][i])).fit(design.X[seen], design.y[seen]).coef_
            np.testing.assert_allclose(d["rows_mean"][i, r].values, fitted_rows, rtol=1e-8)
    assert d.attrs["rows_method"] == "closed form" and _dial(fitted, "laplace").attrs["rows_method"] == "none"


def test_the_rows_by_nuts_reweighted_along_the_dial_are_the_closed_form(mvnormal_rows):
    """explorer_rows with a prior whose rows have no closed form on the page (a multivariate normal of
    full-rank precision): NUTS on each nested subsample at the fitted alpha, and reweighted to the
    others, against Tikhonov's closed-form posterior on the same rows. At the fitted alpha (NUTS
    itself) means and sds within 0.25 posterior sd (800 draws); where the weights are trusted, each
    within 0.6 sd and on average within 0.15 sd (importance sampling towards a wider prior has heavy
    tails: 0.34 sd was seen at one cell with k = 0.47 and 800 draws)."""
    fit = mvnormal_rows.fit("mvnormal")
    d = fit.tree["dial"].to_dataset()
    assert d.attrs["rows_method"] == "NUTS" and d.sizes["rows"] == dial.ROW_COUNTS
    design = data.make_design(sources.load("diabetes"), standardize=False)
    subsamples = closed_form.nested_subsamples(design, d["rows"].values, 4)
    middle = dial.POINTS // 2
    assert d["rows_trusted"][middle].all() and np.isnan(d["rows_pareto_k"][middle]).all()
    errors = []
    for i in range(dial.POINTS):
        prior = fit.prior.with_scale(float(d["scale"][i]))
        for r, sub in enumerate(subsamples):
            if not d["rows_trusted"][i, r]:
                continue
            exact = closed_form.normal_posterior(sub, prior, SIGMA)
            mean = np.abs(d["rows_mean"][i, r].values - exact["coef_mean"]) / exact["coef_sd"]
            sd = np.abs(d["rows_sd"][i, r].values / exact["coef_sd"] - 1)
            np.testing.assert_array_less(np.maximum(mean, sd), 0.25 if i == middle else 0.6)
            if i != middle:
                errors.append(mean)
    assert len(errors) >= dial.ROW_COUNTS // 2 and np.mean(errors) < 0.15  # the neighbours of the fitted alpha
    pc = mvnormal_rows.plot("rows")  # its rows plot: the trusted means, gaps elsewhere
    from priorfit.plots.rows import SHOWN

    columns = [list(d["feature"].values).index(f) for f in pc.data["feature"].values]
    points = np.unique(np.linspace(0, dial.POINTS - 1, SHOWN).round().astype(int))
    expected = np.where(d["rows_trusted"].values[points][..., None], d["rows_mean"].values[points][..., columns], np.nan)
    np.testing.assert_allclose(pc.data["coef"].transpose("alpha", "rows", "feature").values, expected, rtol=1e-12)
    assert points[0] == 0 and np.isnan(expected[0]).all()  # the far end: not trusted, not drawn
    far = d["rows_pareto_k"][0].values
    assert (far > 0.7).all() and not d["rows_trusted"][0].any()  # a factor 30 from the fit: not trusted, a gap on the page
    np.testing.assert_allclose(d["rows_mean"][:, -1].values, d["mean"].values, rtol=1e-12)  # every row: the fit's own dial
    x = d["rows_x"].values
    area = np.trapezoid(d["rows_posterior_density"][middle].values, x[None], axis=-1)
    np.testing.assert_allclose(area, 1.0, atol=0.02)


def test_the_explorer_adds_at_most_2_mb_and_names_its_controls(fitted, diabetes_default, mvnormal_rows):
    assert len(explorer.section(diabetes_default).encode()) <= 2_000_000  # the default run (the target)
    assert len(explorer.section(mvnormal_rows).encode()) <= 2_500_000  # one prior's rows by NUTS: 0.66 MB of curves (explorer_rows)
    section = explorer.section(fitted)
    for control in ("<input type='range' id='penalty-slider'", "<input type='range' id='rows-slider'",
                    "<select id='explorer-prior'>", "<select id='explorer-coefficient'>"):
        assert control in section
    page = fitted.explore()
    assert page.html.startswith("<!DOCTYPE html>") and "srcdoc=" in page._repr_html_()


def _browser():
    path = os.environ.get("PRIORFIT_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        path = None
    if path is None:
        if os.environ.get("PRIORFIT_BROWSER_REQUIRED") == "1":
            pytest.fail("PRIORFIT_BROWSER_REQUIRED=1 but Chromium or Playwright is missing (apt-get install chromium; pip install playwright)")
        pytest.skip("no headless Chromium with Playwright here (.ci/run installs them)")
    return path


def _js(value) -> str:
    """A number as the page's script writes it: 4 significant digits, no trailing zeros."""
    return f"{float(f'{value:.4g}'):.15g}"


def _nan(values):
    return np.array([np.nan if v is None else v for v in values], dtype=float)


def _state(page, name):
    return page.evaluate(f"Bokeh.documents[0].get_model_by_name('{name}').data")


def _move(page, slider, value):
    page.evaluate(f"(() => {{ const s = document.getElementById('{slider}'); s.value = {value}; s.dispatchEvent(new Event('input')); }})()")


def test_the_sliders_move_the_figures_to_the_precomputed_values_in_chromium(fitted, mvnormal_rows, tmp_path):
    from playwright.sync_api import sync_playwright

    executable = _browser()
    out = tmp_path / "result"
    fitted.save(out, plots=False)
    shots = os.environ.get("PRIORFIT_SCREENSHOTS")
    d = _dial(fitted, "normal")
    payload = explorer.payload(fitted.fit("normal"))
    j = payload["shown"]
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1150, "height": 1000})
        errors, fetched = [], []
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.on("request", lambda request: fetched.append(request.url) if not request.url.startswith(("file:", "data:")) else None)
        page.goto((out / "report.html").as_uri())
        page.wait_for_function("document.getElementById('explorer').dataset.state !== undefined", timeout=30_000)
        page.locator("#explorer").scroll_into_view_if_needed()
        for i in (2, dial.POINTS - 3):
            _move(page, "penalty-slider", i)
            density = _state(page, "dial-density")
            np.testing.assert_allclose(density["x"], d["x"][j].values, rtol=1e-3)
            np.testing.assert_allclose(density["posterior"], d["posterior_density"][i, j].values, rtol=1e-3, atol=1e-12)
            np.testing.assert_allclose(density["prior"], d["prior_density"][i, j].values, rtol=1e-3, atol=1e-12)
            assert page.evaluate("Bokeh.documents[0].get_model_by_name('alpha-mark').location") == pytest.approx(float(d["alpha"][i]), rel=1e-3)
            assert page.evaluate("Bokeh.documents[0].get_model_by_name('penalized-mark').location") == pytest.approx(
                float(d["penalized"][i, j]), rel=1e-3)
            label = (f"alpha = {_js(payload['alpha'][i])} (prior scale {_js(payload['scale'][i])}): reweighted, Pareto k "
                     f"{_js(payload['pareto_k'][i])}, ESS {round(payload['weights_ess'][i])}")
            assert page.text_content("#penalty-value") == label + ("" if payload["trusted"][i] else " (not trusted: refit with priorfit path)")
            path = _state(page, "dial-path")
            trusted = d["trusted"].values
            np.testing.assert_allclose(_nan(path["mean"]), np.where(trusted, d["mean"][:, j].values, np.nan), rtol=1e-3)
            np.testing.assert_allclose(_nan(path["high"]), np.where(trusted, d["hdi_high"][:, j].values, np.nan), rtol=1e-3)
            np.testing.assert_allclose(_nan(path["map"]), d["map"][:, j].values, rtol=1e-3)
            if shots:
                page.locator("#explorer").screenshot(path=os.path.join(shots, f"explorer_alpha_{i}.png"))
        path = _state(page, "dial-path")
        np.testing.assert_allclose(path["penalized"], d["penalized"][:, j].values, rtol=1e-3)
        _move(page, "rows-slider", 0)
        density = _state(page, "dial-density")
        mean, sd = float(d["rows_mean"][dial.POINTS - 3, 0, j]), float(d["rows_sd"][dial.POINTS - 3, 0, j])
        np.testing.assert_allclose(density["posterior"], stats.norm.pdf(density["x"], mean, sd), rtol=2e-3)
        prior_sd = float(d["prior_sd"][dial.POINTS - 3])
        np.testing.assert_allclose(density["prior"], stats.norm.pdf(density["x"], float(d["mu"][j]), prior_sd), rtol=2e-3)
        assert page.text_content("#rows-value").startswith(f"first {int(d['rows'][0])} rows: closed form at sigma = 54")
        assert _dial(fitted, "laplace").attrs["rows_method"] == "none"
        page.select_option("#explorer-prior", "laplace")
        assert page.evaluate("document.getElementById('rows-slider').disabled")
        assert page.text_content("#rows-value").startswith("all rows (no closed form for this prior; --explorer-rows fits NUTS")
        # a prior's rows by NUTS on the first rows, reweighted along the dial (explorer_rows)
        mvnormal_rows.save(tmp_path / "rows", plots=False)
        page.goto((tmp_path / "rows" / "report.html").as_uri())
        page.wait_for_function("document.getElementById('explorer').dataset.state !== undefined", timeout=30_000)
        nuts = _dial(mvnormal_rows, "mvnormal")
        j = explorer.payload(mvnormal_rows.fit("mvnormal"))["shown"]
        i = dial.POINTS // 2 + 1
        _move(page, "penalty-slider", i)
        _move(page, "rows-slider", 1)
        density = _state(page, "dial-density")
        np.testing.assert_allclose(density["x"], nuts["rows_x"][j].values, rtol=1e-3)
        np.testing.assert_allclose(_nan(density["posterior"]), nuts["rows_posterior_density"][i, 1, j].values, rtol=1e-3, atol=1e-12)
        np.testing.assert_allclose(_nan(density["prior"]), nuts["rows_prior_density"][i, j].values, rtol=1e-3, atol=1e-12)
        trusted = nuts["rows_trusted"][:, 1].values
        np.testing.assert_allclose(_nan(_state(page, "dial-path")["mean"]), np.where(trusted, nuts["rows_mean"][:, 1, j].values, np.nan),
                                   rtol=1e-3)
        assert page.text_content("#rows-value") == f"first {int(nuts['rows'][1])} rows: NUTS at the fitted alpha, reweighted to the others"
        assert "reweighted from NUTS on the rows below, Pareto k" in page.text_content("#penalty-value")
        browser.close()
    assert errors == [] and fetched == []  # no script error, nothing fetched from a network
