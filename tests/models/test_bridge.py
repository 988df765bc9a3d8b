"""The bridge prior (exponential power): its density against SciPy's generalized normal, its draws,
its twins (skglm's L0_5 and L2_3, Lasso, glum at q = 2, BridgeRegression between 1 and 2) minimizing
the objective as written, and the MAP against an independent minimizer of that objective."""

import numpy as np
import pytest
from scipy import stats

import priorfit
from priorfit import InputError
from priorfit.models.priors import Bridge
from priorfit.penalized import twins

SMALL = dict(draws=150, tune=200, chains=2, progress=False)
DATA = "synthetic:n=120,p=5,k=2,seed=11"


@pytest.mark.parametrize("q", [0.5, 2 / 3, 1.0, 1.5, 2.0])
def test_the_log_density_is_scipys_generalized_normal_normalized(q):
    import pymc as pm

    prior, d = Bridge(0.7, mu=0.3, bridge_q=q), np.array([-1.3, -0.2, 0.05, 0.9])
    expected = stats.gennorm.logpdf(d, q, scale=0.7)
    np.testing.assert_allclose(prior._kernel_log_density(d, 0.7), expected, rtol=1e-13)
    with pm.Model() as model:
        prior.build(4)
    logp = model.compile_logp()({"coef": d + 0.3})
    assert logp == pytest.approx(expected.sum(), rel=1e-12)  # the Potential, with its normalizer
    assert prior.gaussian_precision() == pytest.approx(1.0 / stats.gennorm.var(q, scale=0.7), rel=1e-13)


@pytest.mark.parametrize("q", [0.5, 1.5])
def test_draws_follow_the_density(q):
    prior = Bridge(2.0, mu=1.0, bridge_q=q)
    draws = prior.draw(3, 4000, np.random.default_rng(0)).ravel() - 1.0
    assert stats.kstest(draws, stats.gennorm(q, scale=2.0).cdf).pvalue > 1e-3


@pytest.mark.parametrize("q", twins.BRIDGE_EXPONENTS)
def test_each_twin_minimizes_the_written_objective(q):
    """The estimator of each exponent (skglm, scikit-learn, glum, priorfit's own) fitted, then the
    objective as the table writes it perturbed in random directions: no first-order decrease."""
    from priorfit.data import design as data
    from priorfit.data import sources

    twin = twins.twin(Bridge(1.0, bridge_q=q), "gaussian")
    design = data.make_design(sources.load("diabetes"))
    fitted = twin.make(0.5, True).fit(design.X, design.y)
    w, c = np.ravel(fitted.coef_), float(fitted.intercept_)
    best, rng = twin.objective_at(design, w, c, 0.0, 0.5), np.random.default_rng(1)
    for _ in range(20):
        d, dc = rng.standard_normal(design.p), rng.standard_normal()
        d[w == 0] *= rng.random() < 0.5  # also directions that keep the zeros
        for eps in (1e-4, -1e-4):
            assert twin.objective_at(design, w + eps * d, c + eps * dc, 0.0, 0.5) >= best - 1e-9 * abs(best)


def test_the_documented_objectives_are_the_installed_ones():
    from skglm.penalties import L0_5, L2_3

    from priorfit.penalized.bridge import BridgeRegression

    def squash(text):
        return "".join(text.split())

    documented = {0.5: L0_5.__doc__, 2 / 3: L2_3.__doc__, 1.5: BridgeRegression.__doc__}
    for q, doc in documented.items():
        assert squash(twins.twin(Bridge(1.0, bridge_q=q), "gaussian").documented) in squash(doc)
    assert twins.twin(Bridge(1.0, bridge_q=0.7), "gaussian") is None  # below 1 only skglm's exponents are solved
    # q = 2 is glum's alpha/2 w'w at twice the alpha: Ridge's alpha would be 2 n alpha
    glum = twins.twin(Bridge(1.0, bridge_q=2.0), "gaussian").make(0.25, True)
    assert glum.alpha == 0.5 and glum.l1_ratio == 0.0


def _independent_minimizer(X, y, alpha, q):
    """``(1/(2n)) ||y - Xw - c||^2 + alpha sum |w|^q`` minimized from scratch by SciPy's BFGS, on
    centred columns (the intercept's optimum taken out)."""
    from scipy.optimize import minimize

    Xc, yc, n = X - X.mean(axis=0), y - y.mean(), len(y)

    def objective(w):
        r = yc - Xc @ w
        return r @ r / (2 * n) + alpha * np.sum(np.abs(w) ** q)

    def gradient(w):
        return -Xc.T @ (yc - Xc @ w) / n + alpha * q * np.sign(w) * np.abs(w) ** (q - 1)

    w = minimize(objective, np.linalg.lstsq(Xc, yc, rcond=None)[0], jac=gradient, method="BFGS", options={"gtol": 1e-12}).x
    return w


def test_map_at_q_1_5_is_the_minimizer_of_the_bridge_objective():
    result = priorfit.compare(DATA, prior="bridge", bridge_q=1.5, alpha=0.05, sigma=1.0, standardize=False, seed=3, **SMALL)
    fit = result.fit("bridge")
    assert fit.penalized.estimator == "BridgeRegression" and fit.mode.status == "ok"
    assert fit.prior.scale == pytest.approx((1.0 / (120 * 0.05)) ** (1 / 1.5), rel=1e-14)  # alpha = sigma^2 / (n b^q)
    from priorfit.data import design as data
    from priorfit.data import sources

    design = data.make_design(sources.load(DATA), standardize=False)
    independent = _independent_minimizer(design.X, design.y, 0.05, 1.5)
    w = np.asarray(fit.mode.point["coef"])
    assert np.abs(w - independent).max() <= 1e-6 * np.abs(independent).max()
    assert fit.agreement.max_rel_diff < 1e-8  # and BridgeRegression's Newton steps agree further
    assert fit.objective_identity.relative < 1e-9
    assert fit.mode.certificate.kind == "gradient" and fit.mode.certificate.value < 1e-8


def test_map_at_q_one_half_is_skglms_local_minimum_with_its_zeros():
    result = priorfit.compare(DATA, prior="bridge", bridge_q=0.5, alpha=0.05, sigma=1.0, standardize=False, seed=3, **SMALL)
    fit = result.fit("bridge")
    assert fit.penalized.estimator == "skglm L0_5"
    w = np.asarray(fit.mode.point["coef"])
    np.testing.assert_array_equal(w == 0, np.asarray(fit.penalized.coef) == 0)
    assert 0 < np.count_nonzero(w) < 5
    assert fit.agreement.max_rel_diff < 1e-8
    assert "a local mode (the penalty is not convex): -log p" in fit.mode.message
    assert "from find_MAP's answer" in fit.mode.message and "from the skglm L0_5 estimate" in fit.mode.message
    assert any("is not convex: the mode found is a local one" in note for note in fit.notes)
    assert fit.objective_identity.relative < 1e-9


@pytest.mark.parametrize(("value", "sentence"), [
    ("2.5", "bridge_q '2.5' is not allowed; it must be a number with 0 < Q <= 2."),
    ("0", "bridge_q '0' is not allowed; it must be a number with 0 < Q <= 2."),
    ("nan", "bridge_q 'nan' is not allowed; it must be a number with 0 < Q <= 2."),
])
def test_an_exponent_outside_0_2_is_refused(value, sentence, tmp_path, capsys):
    from priorfit.cli import main

    assert main(["compare", "diabetes", "--prior", "bridge", "--bridge-q", value, "--out", str(tmp_path / "out")]) == 2
    assert capsys.readouterr().err == f"priorfit: error: {sentence}\n"
    assert not (tmp_path / "out").exists()


def test_an_alpha_without_a_twin_is_refused():
    with pytest.raises(InputError, match=r"^alpha does not apply to the bridge prior: it has no penalized twin; give its scale instead.$"):
        priorfit.Settings(prior="bridge", bridge_q=0.7, alpha=0.1)
    with pytest.raises(InputError, match=r"^The bridge prior needs a scale with this likelihood; give --scale bridge=S.$"):
        priorfit.compare("diabetes", prior="bridge", bridge_q=0.7, **SMALL)


def test_a_sigma_scaled_bridge_below_1_with_sigma_estimated_has_a_finite_certificate():
    """The coefficients pinned on mu have an infinite slope there; the Hessian that couples them to
    sigma (b = scale x sigma) was NaN before the kernel took its power of 1 on mu."""
    result = priorfit.compare(DATA, prior="bridge", bridge_q=0.5, scale=0.3, scale_by_sigma=True, sigma_prior="halfnormal:5",
                              standardize=False, seed=3, **SMALL)
    mode = result.fit("bridge").mode
    assert mode.status == "ok" and np.isfinite(mode.certificate.newton_decrement) and mode.certificate.value < 1e-8
    assert np.count_nonzero(np.asarray(mode.point["coef"]) == 0) > 0


def test_a_kinked_likelihood_with_a_bridge_between_1_and_2_says_its_mode_is_not_solved():
    result = priorfit.compare(DATA, prior="bridge", bridge_q=1.5, likelihood="laplace", sigma=1.0, scale=1.0,
                              standardize=False, seed=3, **SMALL)
    fit = result.fit("bridge")
    assert fit.mode.status == "not_converged"
    assert fit.mode.message.endswith("; not polished: the mode of a laplace likelihood is solved as a linear or quadratic "
                                     "program, which the bridge prior's density is not")
    assert np.all(np.isfinite(fit.tree["posterior"]["coef"].values))


def test_the_local_curvature_of_each_coefficient():
    """The degrees of freedom's penalty term, q (q - 1) |d|^(q - 2) / b^q; on mu infinite for 1 < q < 2
    (that coefficient counts 0), 0 below 1 (it is pinned, off the active set), 2 / b^2 at q = 2."""
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.diagnostics.shrinkage import penalized_dof
    from priorfit.models import likelihoods

    d = np.array([0.0, 0.5, -2.0])
    np.testing.assert_allclose(Bridge(2.0, bridge_q=1.5).curvatures(d, None), [np.inf, *(0.75 * np.abs(d[1:]) ** -0.5 / 2**1.5)])
    np.testing.assert_allclose(Bridge(2.0, bridge_q=0.5).curvatures(d, None), [0.0, *(-0.25 * np.abs(d[1:]) ** -1.5 / 2**0.5)])
    np.testing.assert_allclose(Bridge(2.0, bridge_q=2.0).curvatures(d, None), [0.5, 0.5, 0.5])
    design = data.make_design(sources.load(DATA), standardize=False)
    coef, prior = np.array([0.0, 1.0, -0.5, 0.3, 0.2]), Bridge(0.5, bridge_q=1.5)
    dof, method = penalized_dof(design, likelihoods.get("gaussian"), prior, coef, 0.1, 1.0)
    # by hand: the hat matrix of the other four columns and the intercept, their curvatures added (sigma = 1)
    Z = np.column_stack([(design.X - design.X.mean(axis=0))[:, 1:], np.ones(design.n)])
    H = Z.T @ Z
    P = np.diag([*prior.curvatures(coef[1:], None), 0.0])
    expected = np.trace(np.linalg.solve(H + P, H)) - 1.0
    assert method == "trace of the hat matrix on the active set" and dof == pytest.approx(expected, rel=1e-12) and 0 < dof < 4
