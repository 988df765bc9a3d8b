"""The Laplace and quantile (asymmetric Laplace) likelihoods, whose mode is a linear program: their
densities against SciPy, the PyMC log posterior against a NumPy one at random points, the exact
mode against scikit-learn's QuantileRegressor on data with gross outliers (raw X, fixed s), the
Normal prior's mode (no twin) against the objective along random directions, the joint mode with
s estimated, and the sentences for a bad or missing quantile."""

import numpy as np
import pytest
from scipy import stats

from priorfit import InputError
from priorfit.data.design import from_arrays, make_design
from priorfit.inference.mode import find_map
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel
from priorfit.penalized import fits, twins

S = 0.7


def _outliers(seed=3, n=160, p=5):
    """y = 0.5 + X w + N(0, 0.5^2) on raw, unequally scaled columns, 10% of the rows gross outliers."""
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p)) * np.linspace(0.5, 4.0, p) + 2.0
    y = 0.5 + X @ rng.standard_normal(p) + 0.5 * rng.standard_normal(n)
    y[rng.choice(n, n // 10, replace=False)] += 30.0 * rng.standard_normal(n // 10)
    return make_design(from_arrays(X, y), standardize=False)


@pytest.fixture(scope="module")
def design():
    return _outliers()


def test_densities_are_scipys():
    rng = np.random.default_rng(0)
    eta, y = rng.normal(size=40), rng.laplace(size=40) * 2
    np.testing.assert_allclose(likelihoods.get("laplace").pointwise(eta, y, 1.3),
                               stats.laplace.logpdf(y, loc=eta, scale=1.3), rtol=1e-13)
    q = 0.2  # the asymmetric Laplace in Koenker's form: q (1 - q) / s exp(-rho_q((y - eta) / s))
    r = (y - eta) / 1.3
    expected = np.log(q * (1 - q) / 1.3) - r * (q - (r < 0))
    np.testing.assert_allclose(likelihoods.get("quantile", quantile=q).pointwise(eta, y, 1.3), expected, rtol=1e-13)


@pytest.mark.parametrize("name, q", [("laplace", None), ("quantile", 0.2), ("quantile", 0.9)])
def test_moments_and_draws(name, q):
    family = likelihoods.get(name, quantile=q)
    draws = family.simulate(np.zeros(400_000), 1.5, np.random.default_rng(1))
    center = 0.5 if q is None else q
    assert abs((draws < 0).mean() - center) < 4 * np.sqrt(center * (1 - center) / 400_000)  # 0 is its quantile
    assert abs(draws.var() / float(family.variance(0.0, 1.5)) - 1) < 0.02
    assert np.array_equal(family.mean(np.array([1.0, -2.0])), [1.0, -2.0])  # the point prediction is the quantile


@pytest.mark.parametrize("name, q", [("laplace", None), ("quantile", 0.3)])
def test_pymc_log_posterior_is_the_numpy_one(design, name, q):
    """PyMC's density (Laplace, AsymmetricLaplace(q, b = sqrt(q(1-q))/s)) with a Laplace prior, at
    random points: equal to the NumPy one with every constant, s random (HalfNormal(2))."""
    family = likelihoods.get(name, quantile=q)
    model = PosteriorModel(design, priors.Laplace(0.8), family, likelihoods.HalfNormal(2.0), plugin_sigma=1.0, whiten=False)
    functions = model.mode_functions()
    rng = np.random.default_rng(2)
    Xc = design.X - design.x_mean
    for _ in range(20):
        w, c, log_s = rng.normal(size=design.p), rng.normal() * 3, rng.normal() * 0.5
        x = functions.flat({"coef": w, "intercept_centred": np.array(c), "sigma_log__": np.array(log_s)})
        s = np.exp(log_s)
        expected = (family.pointwise(Xc @ w + c, design.y, s).sum() + stats.laplace.logpdf(w, 0.0, 0.8).sum()
                    + stats.halfnorm.logpdf(s, scale=2.0))
        np.testing.assert_allclose(functions.value(x), expected, rtol=1e-11)  # sums of ~1e4 in float64


@pytest.mark.parametrize("name, q, alpha", [("laplace", None, 0.02), ("quantile", 0.25, 0.05), ("quantile", 0.8, 0.01)])
def test_map_is_quantile_regressor(design, name, q, alpha):
    """Target of the issue: the MAP at the converted scale vs QuantileRegressor(quantile=Q, alpha, highs)
    on raw X with gross outliers, s fixed, <= 1e-6 relative (measured ~1e-15); the certificate is
    the dual one, at rounding level, and p + 1 residuals are exactly 0 (a vertex of the program)."""
    from sklearn.linear_model import QuantileRegressor

    family = likelihoods.get(name, quantile=q)
    twin = twins.twin("laplace", family)
    b = twin.scale_of(alpha, S, design.n)
    mode = find_map(PosteriorModel(design, priors.Laplace(b), family, S, plugin_sigma=S))
    assert mode.status == "ok" and mode.certificate.kind == "dual"
    assert mode.certificate.kkt_relative < 1e-12 and mode.certificate.zero_residuals == design.p + 1
    reference = QuantileRegressor(quantile=0.5 if q is None else q, alpha=alpha, solver="highs").fit(design.X, design.y)
    scale = np.abs(reference.coef_).max()
    assert np.abs(mode.point["coef"] - reference.coef_).max() / scale < 1e-6
    assert abs(float(mode.point["intercept"]) - reference.intercept_) / max(abs(reference.intercept_), 1.0) < 1e-6
    # and through the package's own twin fit (the same conversion, from the table)
    pen = fits.fit(design, priors.Laplace(b), family, alpha)
    np.testing.assert_allclose(pen.coef, reference.coef_, rtol=1e-9, atol=1e-9 * scale)


def _neg_log_posterior(design, family, tau, s, w, c):
    Xc = design.X - design.x_mean
    return -family.pointwise(Xc @ w + c, design.y, s).sum() + 0.5 * np.sum(w * w) / tau**2


@pytest.mark.parametrize("name, q", [("laplace", None), ("quantile", 0.7)])
def test_normal_prior_mode_has_no_descent_direction(design, name, q):
    """No twin exists (QuantileRegressor has no L2 penalty): the quadratic program's answer is
    checked on the objective itself. Convex, so a minimum iff no direction descends: 2,000 random
    directions, each a step of 1e-7 in both senses, none lowers the NumPy objective."""
    family, tau = likelihoods.get(name, quantile=q), 0.6
    mode = find_map(PosteriorModel(design, priors.Normal(tau), family, S, plugin_sigma=S))
    assert mode.status == "ok" and mode.certificate.kkt_relative < 1e-12
    w, c = mode.point["coef"], float(mode.point["intercept_centred"])
    f0 = _neg_log_posterior(design, family, tau, S, w, c)
    rng = np.random.default_rng(5)
    worst = np.inf
    for _ in range(2000):
        d = rng.standard_normal(design.p + 1)
        d /= np.linalg.norm(d)
        for sign in (1, -1):
            step = 1e-7 * sign * d
            worst = min(worst, _neg_log_posterior(design, family, tau, S, w + step[:-1], c + step[-1]) - f0)
    assert worst > -1e-12 * abs(f0)


def test_joint_mode_with_s_estimated(design):
    """s estimated (HalfNormal(5)): at the joint mode, d(-log p)/ds = 0 in closed form
    (n/s - sum rho/s^2 + s/25 = 0 for s > 0), and the coefficients are QuantileRegressor's at the
    alpha of the mode's s (the identity at the joint mode)."""
    family = likelihoods.get("quantile", quantile=0.25)
    b = 0.3
    mode = find_map(PosteriorModel(design, priors.Laplace(b), family, likelihoods.HalfNormal(5.0), plugin_sigma=1.0))
    assert mode.status == "ok" and mode.certificate.kkt_relative < 1e-12
    s = float(np.exp(mode.point["sigma_log__"]))
    r = design.y - design.X @ mode.point["coef"] - float(mode.point["intercept"])
    loss = float(family.loss(r).sum())
    assert abs(design.n / s - loss / s**2 + s / 25.0) < 1e-9 * design.n / s
    twin = twins.twin("laplace", family)
    pen = fits.fit(design, priors.Laplace(b), family, twin.penalty(priors.Laplace(b), s, design.n))
    assert np.abs(mode.point["coef"] - pen.coef).max() / np.abs(pen.coef).max() < 1e-6


@pytest.mark.parametrize("settings, message", [
    (dict(likelihood="quantile"), "The quantile likelihood needs --quantile Q, the quantile it models (a number between 0 and 1)."),
    (dict(likelihood="quantile", quantile=1), "quantile 1 is not allowed; the quantile Q must lie strictly between 0 and 1."),
    (dict(likelihood="quantile", quantile=0), "quantile 0 is not allowed; the quantile Q must lie strictly between 0 and 1."),
    (dict(likelihood="quantile", quantile="median"),
     "quantile 'median' is not allowed; the quantile Q must lie strictly between 0 and 1."),
    (dict(likelihood="laplace", quantile=0.3),
     "quantile=0.3 is given, but the laplace likelihood does not take it; quantile goes with --likelihood quantile."),
])
def test_bad_quantile_is_one_sentence(settings, message):
    from priorfit.settings import Settings

    with pytest.raises(InputError) as caught:
        Settings(**settings)
    assert str(caught.value) == message


def test_cli_refuses_a_bad_quantile_with_exit_2(capsys, tmp_path):
    from priorfit import cli

    out = tmp_path / "run"
    assert cli.main(["compare", "diabetes", "--likelihood", "quantile", "--quantile", "1.5", "--out", str(out)]) == 2
    assert "quantile '1.5' is not allowed; the quantile Q must lie strictly between 0 and 1." in capsys.readouterr().err
    assert not out.exists()


def test_cli_runs_quantile_regression_and_says_what_its_intervals_are(capsys, tmp_path):
    """Through the documented CLI on seeded outliers: the MAP is QuantileRegressor's, and every
    report says that the asymmetric Laplace's intervals are a working likelihood's."""
    import json

    from priorfit import cli

    out = tmp_path / "run"
    argv = ["compare", "synthetic:n=100,p=2,k=2,seed=1,outliers=0.1", "--likelihood", "quantile", "--quantile", "0.9",
            "--prior", "laplace", "--alpha", "0.01", "--sigma", "1", "--no-standardize", "--draws", "100", "--tune", "100",
            "--chains", "1", "--out", str(out)]
    assert cli.main(argv) == 0
    said = " ".join(capsys.readouterr().out.split())
    caveat = likelihoods.get("quantile", quantile=0.9).caveat
    assert caveat.startswith("the asymmetric Laplace is a working likelihood") and f"quantile likelihood: {caveat}" in said
    assert caveat in (out / "report.md").read_text()
    summary = json.loads((out / "summary.json").read_text())
    assert summary["settings"]["quantile"] == 0.9
    fit = summary["fits"][0]
    assert fit["agreement"]["max_rel_diff"] < 1e-6 and fit["map"]["certificate"]["kind"] == "dual"
    # the twin's degrees of freedom: the rows it interpolates, less the intercept's (a vertex: p + 1 rows)
    zeros = fit["map"]["certificate"]["zero_residuals"]
    assert fit["shrinkage"]["penalized_dof"] == zeros - 1 == sum(abs(c["map"]) > 0 for c in fit["coefficients"][:2])
    assert fit["shrinkage"]["penalized_dof_method"] == "rows fitted exactly (zero residuals)"
