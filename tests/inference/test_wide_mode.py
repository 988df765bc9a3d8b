"""The mode stage on wide data (p > n): the polished MAP is the twin's estimate, certified on the
PyMC log density, in a bounded number of steps; where sigma is estimated and the coefficients can
fit the data exactly, the missing mode is named."""

import numpy as np
import pytest

from priorfit import inference
from priorfit.inference import mode
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel
from priorfit.penalized import fits as penalized
from priorfit.penalized import twins

N, P = 30, 120
GAUSSIAN = likelihoods.Gaussian()


@pytest.fixture(scope="module")
def wide():
    return data.make_design(sources.load(f"synthetic:n={N},p={P},k=3,seed=5"))


def _prior(name, alpha, sigma, **options):
    cls = priors.get(name)
    twin = twins.twin(name, "gaussian")
    return cls(twin.scale_from_alpha(alpha, sigma, N), **options)


def _twin(design, prior, sigma):
    twin = twins.twin(prior.name, "gaussian")
    alpha = twin.alpha_from_scale(prior.effective_scale(sigma), sigma, design.n)
    return penalized.fit(design, prior, "gaussian", alpha)


def _find_map(design, prior, sigma):
    steps = []
    model = PosteriorModel(design, prior, GAUSSIAN, sigma, plugin_sigma=1.0, whiten=False)
    return model, inference.find_map(model, progress=steps.append), steps


@pytest.mark.parametrize(("name", "options"), [("laplace", {}), ("elasticnet", {"l1_ratio": 0.7})])
def test_wide_l1_mode_is_the_twin_with_its_certificate(wide, name, options):
    prior = _prior(name, 0.1, 1.0, **options)
    _, mode, steps = _find_map(wide, prior, 1.0)
    pen = _twin(wide, prior, 1.0)
    scale = np.abs(pen.coef).max()
    assert mode.status == "ok", mode.message
    assert f"polished from the {pen.estimator} estimate" in mode.message
    assert mode.certificate.kind == "kkt" and mode.certificate.value < 1e-10 and mode.certificate.newton_decrement < 1e-10
    assert mode.certificate.kkt_relative == 0.0
    np.testing.assert_allclose(mode.point["coef"], pen.coef, rtol=0, atol=1e-10 * scale)
    np.testing.assert_array_equal(mode.point["coef"] == 0, pen.coef == 0)
    assert 0 < np.sum(pen.coef != 0) < P // 2  # a sparse solution of a wide problem: the test means something
    # find_MAP's own answer is kept, near but not on the twin, without exact zeros
    assert np.abs(mode.raw["coef"] - pen.coef).max() > 1e-6 * scale and not np.any(mode.raw["coef"] == 0)
    # from the twin's estimate the polish is a Newton step or two, on the free coefficients only
    newton = [s for s in steps if s.startswith("polish: Newton step")]
    assert 1 <= len(newton) <= 3
    assert all(f"on {np.sum(pen.coef != 0) + 1} of {P + 1} coordinates" in s for s in newton)


def test_wide_normal_mode_is_ridge(wide):
    prior = _prior("normal", 5.0, 1.0)
    _, mode, _ = _find_map(wide, prior, 1.0)
    ridge = _twin(wide, prior, 1.0)
    assert mode.status == "ok" and mode.certificate.kind == "gradient" and mode.certificate.value < 1e-10
    np.testing.assert_allclose(mode.point["coef"], ridge.coef, rtol=0, atol=1e-10 * np.abs(ridge.coef).max())
    assert float(mode.point["intercept"]) == pytest.approx(ridge.intercept, abs=1e-10)


def test_polish_from_find_maps_answer_on_a_rank_deficient_hessian(wide):
    # without the twin's start: the L1 subproblem on a Hessian of rank n < p, solved by coordinate
    # descent in a few Newton steps (FISTA needed minutes here)
    prior = _prior("laplace", 0.1, 1.0)
    model, mode, _ = _find_map(wide, prior, 1.0)
    steps = []
    point, certificate, stop = inference.polish(model, mode.raw, progress=steps.append, explain=True)
    pen = _twin(wide, prior, 1.0)
    assert stop is None and len(steps) <= 10
    assert certificate.value < 1e-10 and certificate.newton_decrement < 1e-10
    np.testing.assert_allclose(point["coef"], pen.coef, rtol=0, atol=1e-10 * np.abs(pen.coef).max())
    np.testing.assert_array_equal(point["coef"] == 0, pen.coef == 0)


def test_polish_that_stops_short_says_why(wide):
    # sigma estimated: the log density is not quadratic, so one Newton step cannot finish
    prior = priors.create("laplace", 0.5, _settings(scale_by_sigma=True))
    model = PosteriorModel(wide, prior, GAUSSIAN, likelihoods.HalfNormal(5.0), plugin_sigma=1.0, whiten=False)
    start = {"sigma_log__": np.array(0.0), "coef": np.full(P, 0.5), "intercept_centred": np.array(0.0)}
    _point, certificate, stop = inference.polish(model, start, max_iter=1, explain=True)
    assert stop == "the limit of 1 Newton steps"
    ok, message = mode._verdict(certificate, "from a poor start", stop)
    assert not ok
    assert message == (f"from a poor start; polishing stopped short (Newton decrement {certificate.newton_decrement:.1e}, "
                       "the limit of 1 Newton steps)")


def test_wide_sigma_scaled_joint_mode_is_the_twin_at_the_map_sigma(wide):
    # a scale multiplied by sigma keeps the joint density bounded as sigma -> 0: a true joint mode
    prior = priors.create("laplace", 0.5, _settings(scale_by_sigma=True))
    model, mode, _ = _find_map(wide, prior, likelihoods.HalfNormal(5.0))
    assert mode.status == "ok", mode.message
    sigma = float(mode.point["sigma"])
    pen = _twin(wide, prior, sigma)
    assert mode.certificate.value < 1e-9 and mode.certificate.newton_decrement < 1e-10
    np.testing.assert_allclose(mode.point["coef"], pen.coef, rtol=0, atol=1e-10 * np.abs(pen.coef).max())
    np.testing.assert_array_equal(mode.point["coef"] == 0, pen.coef == 0)
    # sigma is stationary: the derivative of the log density in log sigma vanishes at the mode
    functions = model.mode_functions()
    _, grad = functions.gradient(functions.flat(mode.point))
    assert abs(grad[functions.slice("sigma_log__")][0]) < 1e-9 * N


def test_wide_estimated_sigma_without_a_mode_is_named(wide):
    prior = _prior("laplace", 0.1, 1.0)
    _, mode, steps = _find_map(wide, prior, likelihoods.HalfNormal(5.0))
    assert mode.status == "degenerate" and not mode.point and mode.certificate is None
    assert mode.raw  # find_MAP's own answer is kept
    sigma = float(np.exp(mode.raw["sigma_log__"]))
    assert sigma < 1e-3  # find_MAP ran towards sigma = 0
    assert mode.message == (
        f"no meaningful posterior mode: with sigma estimated and {P} coefficients for {N} rows the coefficients can "
        "fit the data exactly, so the joint density grows without bound as sigma -> 0 (find_MAP ran to sigma = "
        f"{sigma:.2g}, where it still rises as sigma falls); fix sigma (--sigma VALUE) or scale the prior by sigma "
        "(--scale-by-sigma) for a posterior mode"
    )
    assert steps[0] == "find_MAP (L-BFGS-B)" and all(s.startswith("find_MAP (L-BFGS-B)") for s in steps)  # no polish


def test_l1_subproblem_on_a_wide_quadratic_is_exact():
    rng = np.random.default_rng(7)
    n, p = 30, 200
    A = rng.normal(size=(n, p))
    H = A.T @ A / n + 1e-10 * np.eye(p)  # rank n, 170 directions without curvature
    g = A.T @ rng.normal(size=n) / n
    offset = np.zeros(p)
    offset[:5] = rng.normal(size=5)
    weight = 0.05
    d, on_kink = inference.l1_quadratic(g, H, offset, np.ones(p, dtype=bool), weight)
    grad = g + H @ d
    assert 0 < np.sum(~on_kink) <= n and np.all(offset[on_kink] + d[on_kink] == 0)
    free = ~on_kink
    np.testing.assert_allclose(grad[free], -weight * np.sign(offset + d)[free], rtol=0, atol=1e-12)
    assert np.abs(grad[on_kink]).max() <= weight * (1 + 1e-9)


def _settings(**values):
    from priorfit import settings

    return settings.from_user(values)
