"""The identities: the polished MAP equals the penalized estimate; the likelihood forms agree."""

import numpy as np
import pytest

from priorfit import inference, likelihoods, penalized, priors
from priorfit.model import build_model

SIGMA = 50.0


def _mode(design, prior, sigma, whiten=False):
    model = build_model(design, prior, sigma, plugin_sigma=SIGMA, whiten=whiten)
    return inference.find_map(model, prior)


def test_normal_fixed_sigma_map_equals_ridge(diabetes_design):
    prior = priors.Normal.from_alpha(3.0, sigma=SIGMA, n=diabetes_design.n)
    mode = _mode(diabetes_design, prior, SIGMA)
    ridge = penalized.fit(diabetes_design, prior, 3.0)
    assert ridge.estimator == "Ridge" and mode.status == "ok"
    np.testing.assert_allclose(mode.point["coef"], ridge.coef, rtol=1e-6, atol=1e-9 * np.abs(ridge.coef).max())
    assert mode.point["intercept"] == pytest.approx(ridge.intercept, rel=1e-10)
    assert mode.certificate["kind"] == "gradient" and mode.certificate["value"] < 1e-8


def test_laplace_fixed_sigma_polished_map_equals_lasso(diabetes_design):
    alpha = 0.5
    prior = priors.Laplace.from_alpha(alpha, sigma=SIGMA, n=diabetes_design.n)
    mode = _mode(diabetes_design, prior, SIGMA)
    lasso = penalized.fit(diabetes_design, prior, alpha)
    scale = np.abs(lasso.coef).max()
    np.testing.assert_allclose(mode.point["coef"], lasso.coef, rtol=0, atol=1e-6 * scale)
    np.testing.assert_array_equal(mode.point["coef"] == 0, lasso.coef == 0)
    assert (lasso.coef == 0).sum() >= 2  # the test means something: there are zeros
    assert mode.certificate["kind"] == "kkt" and mode.certificate["value"] < 1e-8
    # find_MAP's raw answer is near, not on, the lasso, and has no exact zeros
    raw = mode.raw["coef"]
    assert np.abs(raw - lasso.coef).max() > 1e-6 * scale
    assert not np.any(raw == 0)


def test_laplace_centred_at_mu_uses_offset(diabetes_design):
    mu = np.linspace(-5, 5, diabetes_design.p)
    prior = priors.Laplace.from_alpha(0.8, sigma=SIGMA, n=diabetes_design.n, mu=mu)
    mode = _mode(diabetes_design, prior, SIGMA, whiten=False)
    lasso = penalized.fit(diabetes_design, prior, 0.8)
    np.testing.assert_allclose(mode.point["coef"], lasso.coef, atol=1e-6 * np.abs(lasso.coef).max())
    assert np.any(lasso.coef == mu)


@pytest.mark.parametrize("sigma_prior", [likelihoods.Jeffreys(), likelihoods.HalfNormal(20.0), likelihoods.HalfCauchy(5.0)])
@pytest.mark.parametrize("cls", [priors.Normal, priors.Laplace])
def test_estimated_sigma_identity_holds_at_map_sigma(diabetes_design, cls, sigma_prior):
    prior = cls(2.0)
    mode = _mode(diabetes_design, prior, sigma_prior)
    sigma_map = float(mode.point["sigma"])
    twin = penalized.fit(diabetes_design, prior, prior.alpha(sigma_map, diabetes_design.n))
    np.testing.assert_allclose(mode.point["coef"], twin.coef, atol=1e-6 * np.abs(twin.coef).max())
    assert mode.certificate["value"] < 1e-8
    # and the MAP sigma is a stationary point: for Jeffreys, sigma^2 = RSS / (n + 1)
    if isinstance(sigma_prior, likelihoods.Jeffreys):
        design = diabetes_design
        rss = np.sum((design.y - design.X @ mode.point["coef"] - mode.point["intercept"]) ** 2)
        assert sigma_map**2 == pytest.approx(rss / (design.n + 1), rel=1e-9)


def test_whitened_model_has_the_same_mode(diabetes_design):
    prior = priors.Laplace(1.0)
    plain = _mode(diabetes_design, prior, SIGMA, whiten=False)
    whitened = build_model(diabetes_design, prior, SIGMA, plugin_sigma=SIGMA, whiten=True)
    start = {"coef": plain.point["coef"], "intercept_centred": plain.point["intercept_centred"]}
    # the whitened log density differs from the plain one by a constant only
    import pymc as pm

    p_plain = build_model(diabetes_design, prior, SIGMA, plugin_sigma=SIGMA, whiten=False)
    lp_plain = p_plain.compile_logp(jacobian=False)
    lp_white = whitened.compile_logp(jacobian=False)
    forward = whitened.rvs_to_transforms[whitened["coef"]].forward
    points = [start, {"coef": np.ones(10), "intercept_centred": np.array(150.0)}]
    diffs = []
    for point in points:
        z = forward(pm.math.constant(point["coef"])).eval()
        diffs.append(lp_white({"coef_whiten__": z, "intercept_centred": point["intercept_centred"]}) - lp_plain(point))
    assert diffs[0] == pytest.approx(diffs[1], abs=1e-8)


def test_sufficient_statistics_and_rows_give_same_density_and_map(diabetes_design):
    prior = priors.Normal(5.0)
    forms = {f: build_model(diabetes_design, prior, likelihoods.Jeffreys(), plugin_sigma=SIGMA, whiten=False, form=f) for f in ("sufficient", "rows")}
    point = {"coef": np.linspace(-3, 3, 10), "intercept_centred": np.array(151.0), "sigma_log__": np.array(np.log(55.0))}
    values = {f: m.compile_logp()(point) for f, m in forms.items()}
    assert values["sufficient"] == pytest.approx(values["rows"], rel=1e-12)
    modes = {f: inference.find_map(m, prior) for f, m in forms.items()}
    np.testing.assert_allclose(modes["sufficient"].point["coef"], modes["rows"].point["coef"], rtol=1e-8)
    assert float(modes["sufficient"].point["sigma"]) == pytest.approx(float(modes["rows"].point["sigma"]), rel=1e-9)


def test_horseshoe_mode_is_reported_degenerate():
    mode = inference.find_map(None, priors.Horseshoe())
    assert mode.status == "degenerate" and not mode.point and mode.certificate is None
    assert "no meaningful posterior mode" in mode.message


def test_polish_recovers_from_a_poor_start(diabetes_design):
    alpha = 0.3
    prior = priors.Laplace.from_alpha(alpha, sigma=SIGMA, n=diabetes_design.n)
    model = build_model(diabetes_design, prior, SIGMA, plugin_sigma=SIGMA, whiten=False)
    start = {"coef": np.full(10, 3.0), "intercept_centred": np.array(0.0)}
    point, certificate = inference.polish(model, start, prior)
    lasso = penalized.fit(diabetes_design, prior, alpha)
    np.testing.assert_allclose(point["coef"], lasso.coef, atol=1e-8 * np.abs(lasso.coef).max())
    assert certificate["value"] < 1e-8


@pytest.mark.parametrize("factor", [1e-6, 1e6])
def test_polish_does_not_depend_on_the_units_of_y(diabetes, factor):
    from priorfit import data

    design = data.make_design(data.from_arrays(diabetes.X, diabetes.y * factor, features=diabetes.features))
    sigma, _ = penalized.plugin_sigma(design)
    prior = priors.Laplace.from_alpha(0.5, sigma=sigma, n=design.n)
    model = build_model(design, prior, likelihoods.Jeffreys(), plugin_sigma=sigma, whiten=False)
    mode = inference.find_map(model, prior)
    twin = penalized.fit(design, prior, prior.alpha(float(mode.point["sigma"]), design.n))
    assert mode.status == "ok" and mode.certificate["newton_decrement"] < 1e-10
    np.testing.assert_allclose(mode.point["coef"], twin.coef, atol=1e-8 * np.abs(twin.coef).max())
    assert np.array_equal(mode.point["coef"] == 0, twin.coef == 0)
