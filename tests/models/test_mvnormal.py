"""The multivariate normal prior (Tikhonov regularization with a matrix): its density against SciPy's,
with the pseudo-determinant of a singular Q; its draws; glum's P2 twin against the closed form of the
Tikhonov objective and the gradient of the written GLM objectives; the MAP and the posterior against
the closed form; the refusals of an improper posterior; the sentences."""

import json
import re

import numpy as np
import pandas as pd
import pytest
from scipy import stats

import priorfit
from priorfit import InputError
from priorfit.cli import main
from priorfit.models.priors import MvNormal
from priorfit.models.priors.mvnormal import difference_penalty
from priorfit.penalized import twins
from priorfit.runs.calibrate import PROPER_PRECISION

SMALL = dict(draws=150, tune=200, chains=2, progress=False)


def _model_logp(prior, p):
    import pymc as pm

    with pm.Model() as model:
        prior.build(p)
    return model.compile_logp()


def test_the_log_density_is_scipys_multivariate_normal():
    prior, rng = MvNormal(0.7, mu=0.3, precision=PROPER_PRECISION), np.random.default_rng(0)
    points = rng.normal(size=(5, 3))
    expected = stats.multivariate_normal(np.full(3, 0.3), 0.49 * np.linalg.inv(PROPER_PRECISION)).logpdf(points)
    np.testing.assert_allclose(prior.log_prior({"coef": points})["coef"], expected, rtol=1e-13)
    logp = _model_logp(prior, 3)
    np.testing.assert_allclose([logp({"coef": x}) for x in points], expected, rtol=1e-12)  # the Potential, normalized


def test_a_singular_precision_has_the_pseudo_determinant_normalizer():
    """rw2 over 5 features has rank 3 and leaves straight lines flat: on its range the density is
    SciPy's degenerate normal with the pseudo-inverse covariance (log pdet, rank 3), and a line
    added to the coefficients changes nothing."""
    Q = difference_penalty(5, 2)
    lines = np.column_stack([np.ones(5), np.arange(5.0)])
    np.testing.assert_array_equal(Q @ lines, 0.0)
    assert np.linalg.matrix_rank(Q) == 3
    prior, rng = MvNormal(1.3, precision="rw2"), np.random.default_rng(1)
    basis = np.linalg.qr(lines)[0]
    points = rng.normal(size=(4, 5))
    points -= points @ basis @ basis.T  # on the range of Q
    reference = stats.multivariate_normal(np.zeros(5), 1.69 * np.linalg.pinv(Q), allow_singular=True)
    logp = _model_logp(prior, 5)
    np.testing.assert_allclose([logp({"coef": x}) for x in points], reference.logpdf(points), rtol=1e-11)
    np.testing.assert_allclose([logp({"coef": x + 2.0 - 0.7 * np.arange(5)}) for x in points], reference.logpdf(points),
                               rtol=1e-11)


def test_draws_have_the_prior_covariance():
    prior = MvNormal(2.0, mu=1.0, precision=PROPER_PRECISION)
    draws = prior.draw(3, 40_000, np.random.default_rng(2))
    cov = 4.0 * np.linalg.inv(PROPER_PRECISION)
    se = np.sqrt((np.outer(np.diag(cov), np.diag(cov)) + cov**2) / len(draws))  # of each sample covariance
    assert np.all(np.abs(np.cov(draws.T) - cov) < 5 * se)  # each entry within 5 of its own standard error
    assert np.abs(draws.mean(axis=0) - 1.0).max() < 5 * np.sqrt(np.diag(cov).max() / len(draws))
    with pytest.raises(InputError, match=re.escape("The mvnormal prior with precision rw1 is improper (Q has rank 2 of 3), so it "
                                                   "has no draws; give a precision matrix of full rank.")):
        MvNormal(1.0, precision="rw1").draw(3, 10, np.random.default_rng(0))


def _closed_form(X, y, alpha, Q):
    """The minimizer of (1/2n)||y - Xw - c||^2 + alpha/2 w'Qw: centred normal equations."""
    n = len(y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    w = np.linalg.solve(Xc.T @ Xc / n + alpha * Q, Xc.T @ yc / n)
    return w, float(y.mean() - X.mean(axis=0) @ w)


def _diabetes():
    from priorfit.data import design as data
    from priorfit.data import sources

    return data.make_design(sources.load("diabetes"), standardize=False)


@pytest.mark.parametrize("source", ["rw1", "rw2", "large-singular", "dense"])
def test_glums_twin_is_the_closed_form_of_the_tikhonov_objective(source):
    """Raw diabetes (columns of sd 0.05), alpha 0.5: glum's coefficients are the normal equations'
    to 1e-8; a singular Q with entries of 100 (which glum's absolute PSD check refuses by rounding)
    is passed normalized."""
    design = _diabetes()
    rng = np.random.default_rng(3)
    A = rng.normal(size=(10, 10))
    Q = {"rw1": difference_penalty(10, 1), "rw2": difference_penalty(10, 2), "large-singular": 100.0 * difference_penalty(10, 2),
         "dense": A @ A.T / 10}[source]
    twin = twins.twin(MvNormal(1.0, precision=Q), "gaussian")
    fitted = twin.make(0.5, True).fit(design.X, design.y)
    w, c = _closed_form(design.X, design.y, 0.5, Q)
    assert np.abs(fitted.coef_ - w).max() <= 1e-8 * np.abs(w).max()
    assert fitted.intercept_ == pytest.approx(c, rel=1e-10)


def test_the_documented_objective_is_glums():
    from glum import GeneralizedLinearRegressor

    squash = lambda text: re.sub(r"\s+", "", text)  # noqa: E731
    for likelihood in ("gaussian", "bernoulli", "poisson"):
        assert squash(twins.twin(MvNormal(1.0, precision="rw1"), likelihood).documented) in squash(GeneralizedLinearRegressor.__doc__)
    assert squash("1/(2*sum(s)) * deviance(y, h(X*w); s)") in squash(GeneralizedLinearRegressor.__doc__)


@pytest.mark.parametrize("likelihood", ["bernoulli", "poisson"])
def test_glms_minimize_the_written_objective(likelihood):
    """The gradient of the table's objective, written out by hand (the mean negative log likelihood
    plus alpha Q w), vanishes at glum's fit; a missing 1/2 or an unnormalized sum would leave it at
    the size of the penalty's gradient."""
    from priorfit.data import design as data
    from priorfit.data import sources

    source = {"bernoulli": "breast_cancer", "poisson": "synthetic:n=300,p=10,k=3,family=poisson"}[likelihood]
    design = data.make_design(sources.load(source))
    Q, alpha = difference_penalty(design.p, 2), 0.02
    twin = twins.twin(MvNormal(1.0, precision="rw2"), likelihood)
    fitted = twin.make(alpha, True).fit(design.X, design.y)
    w, c = fitted.coef_, fitted.intercept_
    eta = design.X @ w + c
    mean = 1.0 / (1.0 + np.exp(-eta)) if likelihood == "bernoulli" else np.exp(eta)
    residual = (mean - design.y) / design.n
    gradient = np.append(design.X.T @ residual + alpha * Q @ w, residual.sum())
    assert np.abs(gradient).max() <= 1e-8 * np.abs(alpha * Q @ w).max()
    # and the table's objective is the one glum minimizes: random perturbations do not decrease it
    best, rng = twin.objective_at(design, w, c, 0.0, alpha), np.random.default_rng(4)
    for _ in range(10):
        d = rng.standard_normal(design.p)
        assert min(twin.objective_at(design, w + e * d, c, 0.0, alpha) for e in (1e-4, -1e-4)) >= best - 1e-12 * abs(best)


def test_the_map_and_posterior_are_tikhonovs_closed_form(mvnormal_rw2):
    """The golden master's run (tests/conftest.py): rw2 on raw diabetes, alpha 0.5, sigma 54."""
    fit, design = mvnormal_rw2.fit("mvnormal"), _diabetes()
    w, c = _closed_form(design.X, design.y, 0.5, difference_penalty(10, 2))
    assert np.abs(np.asarray(fit.mode.point["coef"]) - w).max() <= 1e-8 * np.abs(w).max()
    assert fit.prior.scale == pytest.approx(54.0 / np.sqrt(442 * 0.5), rel=1e-14)  # alpha = sigma^2 / (n tau^2)
    assert fit.mode.certificate.kind == "gradient" and fit.mode.certificate.value < 1e-8
    assert fit.objective_identity.relative < 1e-9
    assert fit.exact_posterior.holds  # NUTS against the closed form with Q / tau^2 in place of I / tau^2
    # the effective number of parameters tr(H (H + Q / tau^2)^-1) of the centred design, by hand
    Xc = design.X - design.x_mean
    H = Xc.T @ Xc / 54.0**2
    assert fit.shrinkage.penalized_dof == pytest.approx(np.trace(np.linalg.solve(H + difference_penalty(10, 2) / fit.prior.scale**2, H)),
                                                        rel=1e-10)
    assert any("flat along 2 directions of the coefficients (Q has rank 8 of 10)" in note for note in fit.notes)


def test_the_penalty_dial_reweights_the_joint_density_to_the_closed_form(mvnormal_rw2):
    """The dial's reweighting with a joint (not elementwise) log prior: at every trusted alpha the
    reweighted mean is Tikhonov's closed-form posterior mean; rw2's marginals are improper, so no prior
    curve and no rows (the page draws those as independent Normals)."""
    from priorfit.diagnostics import closed_form

    fit, design = mvnormal_rw2.fit("mvnormal"), _diabetes()
    dial = fit.tree["dial"].to_dataset()
    assert "rows" not in dial.coords and np.isnan(dial["prior_density"].values).all()
    checked = 0
    for i in np.flatnonzero(dial["trusted"].values):
        exact = closed_form.normal_posterior(design, fit.prior.with_scale(float(dial["scale"][i])), 54.0)
        np.testing.assert_array_less(np.abs(dial["mean"][i].values - exact["coef_mean"]) / exact["coef_sd"], 0.25)
        checked += 1
    assert checked >= 3  # the fit and its neighbours: 1,000 draws, k <= 0.667 and ESS >= 100 (the dial, not the path, never refits)
    np.testing.assert_allclose(dial["map"].values, dial["penalized"].values, atol=1e-6 * np.abs(dial["penalized"].values).max())


def test_the_precision_is_kept_with_the_results(mvnormal_rw2, tmp_path):
    from priorfit.results.storage import load

    mvnormal_rw2.save(tmp_path / "out", plots=False)
    again = load(tmp_path / "out")
    assert str(again.settings.precision) == "rw2" and again.fit("mvnormal").prior.params()["precision"] == "rw2"


def test_the_cli_reads_a_precision_file_and_its_map_is_the_closed_form(tmp_path, capsys):
    rng = np.random.default_rng(5)
    A = rng.normal(size=(10, 10))
    Q = A @ A.T / 10
    np.savetxt(tmp_path / "Q.csv", Q, delimiter=",")
    out = tmp_path / "out"
    args = ["compare", "diabetes", "--prior", "mvnormal", "--precision", str(tmp_path / "Q.csv"), "--alpha", "0.5", "--sigma", "54",
            "--no-standardize", "--draws", "100", "--tune", "100", "--chains", "2", "--no-plots", "--out", str(out)]
    assert main(args) in (0, 1)
    table = pd.read_csv(out / "coefficients.csv", index_col=0)
    coef = table["map"].to_numpy()[:10]  # the model scale is the raw one
    w, _ = _closed_form(_diabetes().X, _diabetes().y, 0.5, (Q + Q.T) / 2)
    assert np.abs(coef - w).max() <= 1e-8 * np.abs(w).max()
    kept = json.loads((out / "summary.json").read_text())["settings"]["precision"]  # the matrix, not only its file
    assert kept["source"] == str(tmp_path / "Q.csv")
    np.testing.assert_allclose(kept["matrix"], Q, rtol=1e-11)  # summary.json keeps 12 significant digits


def _write(tmp_path, name, matrix):
    path = tmp_path / name
    np.savetxt(path, matrix, delimiter=",")
    return str(path)


@pytest.mark.parametrize(("make", "sentence"), [
    (lambda t: _write(t, "a.csv", [[1.0, 0.5], [0.0, 1.0]]),
     "The precision matrix '{path}' is not symmetric (largest |Q - Q'| is 0.5); it must be symmetric positive semi-definite."),
    (lambda t: _write(t, "b.csv", [[1.0, 2.0], [2.0, 1.0]]),
     "The precision matrix '{path}' is not positive semi-definite (its smallest eigenvalue is -1); it must be symmetric positive "
     "semi-definite with a positive eigenvalue."),
    (lambda t: _write(t, "c.csv", np.eye(3)),
     "The precision matrix '{path}' is 3 x 3, but the data have 10 features; it must be 10 x 10."),
    (lambda t: _write(t, "d.csv", np.ones((2, 3))),
     "The precision matrix '{path}' has shape (2, 3); it must be a square p x p matrix of numbers."),
    (lambda t: str(t / "missing.csv"),
     "The precision file '{path}' does not exist; give rw1, rw2, or a .csv (no header) or .npy file of the p x p precision matrix."),
    (lambda t: "rw3", "precision 'rw3' is not allowed; give rw1, rw2, or a .csv (no header) or .npy file of the p x p precision matrix."),
])
def test_a_bad_precision_gets_one_sentence_and_exit_2(make, sentence, tmp_path, capsys):
    path = make(tmp_path)
    out = tmp_path / "out"
    assert main(["compare", "diabetes", "--prior", "mvnormal", "--precision", path, "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith(sentence.format(path=path))
    assert not out.exists()


@pytest.mark.parametrize(("settings", "sentence"), [
    ({"prior": "mvnormal"}, "The mvnormal prior needs its precision matrix Q; give precision (--precision) as rw1, rw2, or a .csv "
                            "(no header) or .npy file of the p x p precision matrix."),
    ({"prior": "normal", "precision": "rw1"}, "precision rw1 applies to the mvnormal prior, which is not being fitted; fitted are: normal."),
    ({"prior": "mvnormal", "precision": "rw1", "likelihood": "laplace"}, "The mvnormal prior has no penalized counterpart with the "
                                                                         "laplace likelihood; pairs priorfit knows:"),
])
def test_settings_the_prior_cannot_take_are_refused(settings, sentence):
    with pytest.raises(InputError, match="^" + re.escape(sentence)):
        priorfit.Settings(**settings)


def test_a_random_walk_needs_its_features():
    X, y = np.random.default_rng(0).normal(size=(30, 2)), np.random.default_rng(1).normal(size=30)
    with pytest.raises(InputError, match=re.escape("The rw2 precision needs at least 3 features in order; the data have 2.")):
        priorfit.compare(X, y, prior="mvnormal", precision="rw2", **SMALL)


def test_a_flat_direction_the_data_do_not_identify_is_refused():
    """Rows that sum to 1 (shares), not standardized: X times rw1's flat direction, the constant, is
    the intercept's column, so the posterior is improper with an intercept and proper without one."""
    rng = np.random.default_rng(6)
    X = rng.dirichlet(np.ones(4), size=60)
    y = X @ np.array([1.0, 2.0, 3.0, 4.0]) + rng.normal(size=60)
    sentence = ("The mvnormal prior with precision rw1 is flat along 1 direction of the coefficients (Q's null space), and the data do "
                "not identify them: X times them is constant with the intercept along some direction, so the posterior is improper; "
                "give a precision of higher rank, or data whose columns vary along them.")
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        priorfit.compare(X, y, prior="mvnormal", precision="rw1", alpha=0.1, sigma=1.0, standardize=False, **SMALL)
    MvNormal.check_design(priorfit.Settings(prior="mvnormal", precision="rw1", intercept=False), _design(X, y, False), _gaussian())


def _design(X, y, intercept=True):
    from priorfit.data.design import from_arrays, make_design

    return make_design(from_arrays(X, y), standardize=False, intercept=intercept)


def _gaussian():
    from priorfit.models.likelihoods import Gaussian

    return Gaussian()


def test_labels_separated_along_a_flat_direction_are_refused():
    """Bernoulli labels that the row sums separate: along rw1's flat direction the likelihood rises
    to 1, so no prior mass stops the coefficients' common level from running off; the same design
    with a label flipped has a maximum likelihood estimate there, and is taken."""
    from priorfit.models.likelihoods import Bernoulli, Poisson

    rng = np.random.default_rng(7)
    X = rng.normal(size=(80, 3))
    y = (X.sum(axis=1) > 0).astype(float)
    settings = priorfit.Settings(prior="mvnormal", precision="rw1", likelihood="bernoulli")
    with pytest.raises(InputError, match=re.escape("and the labels are separated along them (a maximum likelihood estimate does not "
                                                   "exist there), so the posterior is improper")):
        MvNormal.check_design(settings, _design(X, y), Bernoulli())
    y[np.argmax(X.sum(axis=1))] = 0.0
    MvNormal.check_design(settings, _design(X, y), Bernoulli())
    # counts: X times the flat direction 0 on every positive count and negative on the zeros
    X = rng.normal(size=(40, 2))
    y = rng.poisson(2.0, size=40).astype(float) + 1.0
    X[:20, 1] = -X[:20, 0]
    X[20:, 1] = -X[20:, 0] - rng.random(20) - 0.1
    y[20:] = 0.0
    settings = priorfit.Settings(prior="mvnormal", precision="rw1", likelihood="poisson")
    with pytest.raises(InputError, match=re.escape("and the counts' likelihood increases without end along them")):
        MvNormal.check_design(settings, _design(X, y), Poisson())
    y[25] = 1.0
    MvNormal.check_design(settings, _design(X, y), Poisson())


def test_a_declaration_reads_its_precision_file_relative_to_itself(tmp_path):
    from priorfit.runs import declarations

    folder = tmp_path / "models"
    folder.mkdir()
    np.save(folder / "Q.npy", np.asarray(PROPER_PRECISION))
    (folder / "tikhonov.toml").write_text('name = "tikhonov"\n[data]\nsource = "synthetic:n=50,p=3,seed=1"\n'
                                          '[settings]\nprior = "mvnormal"\nprecision = "Q.npy"\nalpha = 0.1\n')
    declared = declarations.load(folder / "tikhonov.toml")
    settings = priorfit.Settings(**declared.settings)
    assert settings.precision.source == str((folder / "Q.npy").resolve())
    np.testing.assert_array_equal(settings.precision.of(3), PROPER_PRECISION)


def test_the_estimator_takes_the_precision_and_its_mode_is_the_closed_form():
    """scikit-learn's interface (priorfit.BayesianRegression): rw1 on raw diabetes, sigma fixed; the
    polished mode on the original scale is Tikhonov's."""
    design = _diabetes()
    model = priorfit.BayesianRegression(prior="mvnormal", precision="rw1", alpha=0.5, sigma=54.0, standardize=False, draws=150,
                                        tune=200, chains=2)
    model.fit(design.X, design.y)
    w, c = _closed_form(design.X, design.y, 0.5, difference_penalty(10, 1))
    assert np.abs(model.map_coef_ - w).max() <= 1e-8 * np.abs(w).max() and model.map_intercept_ == pytest.approx(c, rel=1e-10)
