"""How stubborn the belief is as data grow (``priorfit rows``): the closed form against scikit-learn's
Ridge on each nested subsample, NUTS against quadrature of a one-coefficient Laplace posterior, the
plot's data, the CLI and its sentences."""

import json

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pytest  # noqa: E402
from scipy import integrate  # noqa: E402

from priorfit import InputError  # noqa: E402
from priorfit.cli import main  # noqa: E402
from priorfit.runs.rows import rows  # noqa: E402


@pytest.fixture(scope="module")
def ridge():
    return rows("diabetes", prior="normal", sigma=54.0, alphas=[0.5, 50.0, 5000.0], counts=[20, 60, 442],
                features=["bmi", "s5"], progress=False)


def test_the_closed_form_is_ridge_on_each_nested_subsample_at_one_alpha(ridge):
    """A fixed prior is one Ridge alpha at every row count (sigma^2 / tau^2 does not depend on n):
    the posterior mean on the first m rows of the seeded order is Ridge's estimate there."""
    from sklearn.linear_model import Ridge

    from priorfit.data import design as data
    from priorfit.data import sources

    design = data.make_design(sources.load("diabetes"))
    order = np.random.default_rng(0).permutation(design.n)  # the default seed
    columns = [list(design.features).index(f) for f in ridge.features]
    assert ridge.method == "closed form" and ridge.features == ("bmi", "s5")
    for a, alpha in enumerate(ridge.alphas):
        for r, m in enumerate(ridge.counts):
            rows_seen = np.sort(order[:m])
            fitted = Ridge(alpha=alpha).fit(design.X[rows_seen], design.y[rows_seen]).coef_[columns]
            np.testing.assert_allclose(ridge.mean[a, r], fitted, rtol=1e-9)
    # the largest alpha (a strong belief) stays near theta_0 = 0 when few rows are seen, the smallest does not
    far = np.abs(ridge.mean - ridge.mu) / ridge.sd
    assert far[2, 0].max() < 0.5 < far[0, -1].min()
    assert np.all(ridge.sd[:, 0] > ridge.sd[:, -1])  # the data narrow every posterior
    np.testing.assert_allclose(ridge.hdi_high - ridge.mean, ridge.mean - ridge.hdi_low, rtol=1e-10)


def test_nuts_on_subsamples_matches_quadrature_of_a_one_coefficient_laplace_posterior():
    """One coefficient, a flat intercept and a fixed sigma: the coefficient's posterior is
    exp(-Sxx (b - b_ols)^2 / (2 sigma^2) - |b| / s) up to a constant, on the rows seen."""
    from priorfit.data import design as data
    from priorfit.data import sources

    sigma, alpha = 1.0, 0.05
    result = rows("synthetic:n=120,p=1,k=1,seed=4", prior="laplace", sigma=sigma, alphas=[alpha], counts=[8, 120],
                  draws=1000, tune=600, chains=2, progress=False)
    assert result.method == "NUTS"
    design = data.make_design(sources.load("synthetic:n=120,p=1,k=1,seed=4"))
    scale = result.scales[0]
    order = np.random.default_rng(0).permutation(design.n)
    for r, m in enumerate(result.counts):
        seen = np.sort(order[:m])
        x, y = design.X[seen, 0] - design.X[seen, 0].mean(), design.y[seen] - design.y[seen].mean()
        sxx, b_ols = x @ x, (x @ y) / (x @ x)

        def density(b, power=0):
            return b**power * np.exp(-sxx * (b - b_ols) ** 2 / (2 * sigma**2) - np.abs(b) / scale)

        mass = sum(integrate.quad(density, lo, hi, points=[0.0])[0] for lo, hi in ((-50, 0), (0, 50)))
        mean = sum(integrate.quad(density, lo, hi, args=(1,))[0] for lo, hi in ((-50, 0), (0, 50))) / mass
        second = sum(integrate.quad(density, lo, hi, args=(2,))[0] for lo, hi in ((-50, 0), (0, 50))) / mass
        sd = np.sqrt(second - mean**2)
        assert abs(result.mean[0, r, 0] - mean) < 0.1 * sd, (m, result.mean[0, r, 0], mean, sd)
        assert abs(result.sd[0, r, 0] / sd - 1) < 0.1


def test_the_plot_draws_each_alpha_s_mean_and_theta_0(ridge):
    pc = ridge.plot()
    for f in ridge.features:
        for a, alpha in enumerate(ridge.alphas):
            line = pc.viz["mean"]["coef"].sel(feature=f, alpha=alpha).item()
            np.testing.assert_allclose(line.get_xdata(), ridge.counts)
            np.testing.assert_allclose(line.get_ydata(), ridge.mean[a, :, ridge.features.index(f)], rtol=1e-12)
        assert pc.viz["theta_0"]["coef"].sel(feature=f).item().get_ydata()[0] == 0.0


def test_the_cli_writes_rows_json_and_says_how_far_each_line_is_from_theta_0(tmp_path, capsys):
    out = tmp_path / "rows"
    assert main(["rows", "--sigma", "54", "--alpha-grid", "1,1000", "--rows-grid", "30,442", "--features", "bmi",
                 "--out", str(out), "--no-plots", "--quiet"]) == 0
    printed = capsys.readouterr().out
    assert printed.startswith("normal prior, closed form, largest |mean - theta_0| / sd: alpha 1: ")
    written = json.loads((out / "rows.json").read_text())
    assert written["posterior"] == "closed form" and written["sigma"] == "fixed at 54" and written["mu"] == {"bmi": 0.0}
    assert [line["alpha"] for line in written["alphas"]] == [1.0, 1000.0]
    assert [point["rows"] for point in written["alphas"][0]["points"]] == [30, 442]


@pytest.mark.parametrize("flags, sentence", [
    (["--prior", "horseshoe"], "The horseshoe prior has no penalized twin, so it has no penalties to set; use normal or laplace."),
    (["--features", "bmi,height"], "Feature 'height' is not in the data; the features are: age, sex, bmi, bp, s1, s2, s3, s4, s5, s6."),
    (["--alpha", "3"], "alpha 3 applies to priorfit compare only; priorfit rows takes its alphas from the grid (alphas=, --alpha-grid A,B,...)."),
    (["--rows-grid", "0,100"], "rows '0' is not allowed; it must be a whole number from 1 to 442."),
])
def test_bad_input_is_refused_with_one_sentence(tmp_path, capsys, flags, sentence):
    assert main(["rows", "--sigma", "54", "--out", str(tmp_path / "r"), "--quiet", *flags]) == 2
    err = capsys.readouterr().err.strip()
    assert err == f"priorfit: error: {sentence}", err
    assert not (tmp_path / "r").exists()


def test_the_python_entry_point_refuses_two_priors():
    with pytest.raises(InputError, match=r"^priorfit rows takes one prior; normal, laplace were given.$"):
        rows("diabetes", prior="normal,laplace", progress=False)
