"""The group Laplace prior (Kyung et al.'s Bayesian group lasso): ``-log p(w_g) = sqrt(|g|) ||w_g - mu_g|| / b +
const``. Its normalized density against quadrature and the Laplace prior, its draws against their radius's Gamma law,
skglm's group lasso against scikit-learn's Lasso (groups of one) and the optimality conditions written by hand, the
polish from far away and from find_MAP's answer against skglm, the identity and the certificate, and the sentences."""

import math
import re

import numpy as np
import pytest
from scipy import integrate, stats

import priorfit
from priorfit import InputError
from priorfit.cli import main
from priorfit.models.priors import GroupLaplace, Laplace
from priorfit.models.priors.group_laplace import parse_groups
from priorfit.penalized import twins

GROUPS = [[0, 1], [2], [3], [4, 5, 6, 7, 8, 9]]  # tests/conftest.py's GROUP_LAPLACE: age+sex, bmi, bp, s1..s6
NAMES = "age+sex,bmi,bp,s1+s2+s3+s4+s5+s6"


def _log_density(prior, w):
    return float(prior.log_prior({"coef": np.asarray(w, dtype=float)})["coef"])


@pytest.mark.parametrize("m", [2, 3])
def test_the_density_integrates_to_one(m):
    """Over R^2 by a double integral (four quadrants), over R^3 along the radius times the sphere's area (the angle is uniform)."""
    prior = GroupLaplace(0.7, groups=[list(range(m))])
    if m == 2:
        quadrant, _ = integrate.dblquad(lambda y, x: math.exp(_log_density(prior, [x, y])), 0, 25, 0, 25, epsabs=1e-11)
        total = 4.0 * quadrant  # the density is symmetric in each coordinate; its kink is the quadrant's corner
    else:
        radial, _ = integrate.quad(lambda r: math.exp(_log_density(prior, [r, 0.0, 0.0])) * r**2, 0, 80, epsabs=1e-13)
        total = 4.0 * math.pi * radial
    assert total == pytest.approx(1.0, abs=1e-7)


def test_groups_of_one_are_the_laplace_prior_and_the_model_density_is_the_same():
    import pymc as pm

    d = np.array([-1.3, 0.0, 0.9, 0.4])
    singletons = GroupLaplace(0.7, mu=0.3, groups=[[0], [1], [2], [3]])
    expected = stats.laplace.logpdf(d, scale=0.7).sum()
    assert _log_density(singletons, d + 0.3) == pytest.approx(expected, rel=1e-13)
    assert float(Laplace(0.7, mu=0.3).log_prior({"coef": d + 0.3})["coef"].sum()) == pytest.approx(expected, rel=1e-13)
    grouped = GroupLaplace(0.7, mu=0.3, groups=[[0, 2], [1, 3]])
    by_hand = sum(-math.sqrt(2) * np.linalg.norm(d[g]) / 0.7 + 2 * math.log(math.sqrt(2) / 0.7) - math.log(2 * math.pi)
                  for g in ([0, 2], [1, 3]))  # m = 2: log(2 pi Gamma(2) / Gamma(1)) = log(2 pi)
    assert _log_density(grouped, d + 0.3) == pytest.approx(by_hand, rel=1e-13)
    with pm.Model() as model:
        grouped.build(4)
    logp = model.compile_logp()
    assert logp({"coef": d + 0.3}) == pytest.approx(by_hand, rel=1e-12)
    # on mu the norm's derivative is 0, not NaN: the polish's subgradient
    grad = model.compile_dlogp()({"coef": np.array([0.3, 0.3, 0.3, 1.0])})
    assert np.all(np.isfinite(grad)) and grad[0] == grad[2] == 0.0


def test_the_draws_have_a_gamma_radius_and_the_variance_the_whitening_uses():
    prior, b = GroupLaplace(0.5, groups=[[0, 1, 2], [3]]), 0.5
    draws = prior.coef_draws(4, 40_000, np.random.default_rng(1))
    radius = np.linalg.norm(draws[:, :3], axis=1)
    assert stats.kstest(radius, stats.gamma(3, scale=b / math.sqrt(3)).cdf).pvalue > 1e-3
    assert stats.kstest(draws[:, 3], stats.laplace(scale=b).cdf).pvalue > 1e-3
    variance = (np.array([3, 3, 3, 1]) + 1.0) * b**2 / np.array([3, 3, 3, 1])
    se = variance * math.sqrt(2.0 / len(draws)) * 3  # a generous se of a sample variance (heavier tails than normal)
    assert np.all(np.abs(draws.var(axis=0) - variance) < 4 * se)
    np.testing.assert_allclose(np.diag(prior.precision_matrix(4)), 1.0 / variance, rtol=1e-14)


def _diabetes():
    from priorfit.data import design as data
    from priorfit.data import sources

    return data.make_design(sources.load("diabetes"), standardize=False)


def test_skglms_group_lasso_with_groups_of_one_is_scikit_learns_lasso():
    from sklearn.linear_model import Lasso

    design = _diabetes()
    fitted = twins.twin(GroupLaplace(1.0, groups=[[j] for j in range(10)]), "gaussian").make(0.5, True).fit(design.X, design.y)
    lasso = Lasso(alpha=0.5, tol=1e-14, max_iter=1_000_000).fit(design.X, design.y)
    np.testing.assert_array_equal(fitted.coef_ == 0, lasso.coef_ == 0)
    assert np.abs(fitted.coef_ - lasso.coef_).max() <= 1e-8 * np.abs(lasso.coef_).max()


def test_the_documented_penalty_is_skglms():
    from skglm.penalties import WeightedGroupL2
    from skglm.utils.data import grp_converter

    assert twins.twin(GroupLaplace(1.0, groups=GROUPS), "gaussian").documented in WeightedGroupL2.__doc__
    indices, pointers = grp_converter([[0, 1], [2]], 3)
    penalty = WeightedGroupL2(2.0, np.array([math.sqrt(2), 1.0]), pointers, indices)
    assert penalty.value(np.array([3.0, 4.0, -1.0])) == pytest.approx(2.0 * (math.sqrt(2) * 5.0 + 1.0))


@pytest.mark.parametrize("likelihood", ["bernoulli", "poisson"])
def test_the_glm_twins_meet_the_group_lasso_conditions(likelihood):
    """By hand: on a group off 0 the mean score equals alpha sqrt(|g|) w_g / ||w_g||, on a group at 0 its norm is at
    most alpha sqrt(|g|), and the intercept's is 0."""
    from priorfit.data import design as data
    from priorfit.data import sources

    source = {"bernoulli": "breast_cancer", "poisson": "synthetic:n=300,p=10,k=3,family=poisson"}[likelihood]
    groups = {"bernoulli": [list(range(0, 10)), list(range(10, 20)), list(range(20, 30))],
              "poisson": [[0, 1, 2], [3, 4], [5, 6, 7], [8, 9]]}[likelihood]
    alpha = {"bernoulli": 0.02, "poisson": 0.15}[likelihood]
    design = data.make_design(sources.load(source))
    fitted = twins.twin(GroupLaplace(1.0, groups=groups), likelihood).make(alpha, True).fit(design.X, design.y)
    eta = design.X @ fitted.coef_ + fitted.intercept_
    mean = 1.0 / (1.0 + np.exp(-eta)) if likelihood == "bernoulli" else np.exp(eta)
    score = design.X.T @ (design.y - mean) / design.n
    zero = [g for g in groups if not np.any(fitted.coef_[g])]
    assert 0 < len(zero) < len(groups)
    for g in groups:
        w, limit = fitted.coef_[g], alpha * math.sqrt(len(g))
        if np.any(w):
            assert np.abs(score[g] - limit * w / np.linalg.norm(w)).max() < 1e-9
        else:
            assert np.linalg.norm(score[g]) <= limit * (1 + 1e-9)
    assert abs(np.sum(design.y - mean)) / design.n < 1e-10


@pytest.mark.parametrize("likelihood", ["gaussian", "bernoulli", "poisson"])
def test_the_polish_from_every_group_on_mu_reaches_skglms_group_lasso(likelihood):
    """No find_MAP and no twin start: the polish alone, from the model's initial point (every coefficient on mu, where
    the norms are not differentiable), to the twin's solution with its zero groups, certified."""
    from priorfit import inference
    from priorfit.data import design as data
    from priorfit.data import sources
    from priorfit.models import likelihoods
    from priorfit.models.posterior import PosteriorModel
    from priorfit.penalized import fits as penalized

    source, groups, alpha, standardize = {
        "gaussian": ("diabetes", GROUPS, 0.4, False),
        "bernoulli": ("breast_cancer", [list(range(0, 10)), list(range(10, 20)), list(range(20, 30))], 0.02, True),
        "poisson": ("synthetic:n=300,p=10,k=3,family=poisson", [[0, 1, 2], [3, 4], [5, 6, 7], [8, 9]], 0.15, True),
    }[likelihood]
    design = data.make_design(sources.load(source), standardize=standardize)
    sigma = 54.0 if likelihood == "gaussian" else None
    b = twins.twin(GroupLaplace(1.0, groups=groups), likelihood).scale_from_alpha(alpha, sigma or 1.0, design.n)
    prior = GroupLaplace(b, groups=groups)
    model = PosteriorModel(design, prior, likelihoods.get(likelihood), sigma, plugin_sigma=1.0, whiten=False)
    start = {name: np.asarray(value) for name, value in model.mode_model.initial_point().items()}
    assert not np.any(start["coef"])
    point, certificate, stop = inference.polish(model, start, explain=True)
    twin_fit = penalized.fit(design, prior, likelihood, alpha)
    coef = np.asarray(point["coef"])
    assert stop is None and certificate.kind == "kkt" and certificate.newton_decrement < 1e-9
    assert certificate.kkt_relative == 0.0 and certificate.value < 1e-9
    np.testing.assert_array_equal(coef == 0, twin_fit.coef == 0)
    assert 0 < np.count_nonzero(coef == 0) < design.p
    assert np.abs(coef - twin_fit.coef).max() <= 1e-9 * np.abs(twin_fit.coef).max()


def test_the_map_is_the_group_lasso(group_laplace):
    """The golden master's run (tests/conftest.py): raw diabetes, alpha 0.4, sigma 54; age+sex on mu."""
    fit = group_laplace.fit("group_laplace")
    coef = np.asarray(fit.mode.point["coef"])
    assert np.all(coef[:2] == 0) and np.all(coef[2:] != 0)
    np.testing.assert_array_equal(coef == 0, np.asarray(fit.penalized.coef) == 0)
    assert np.abs(coef - fit.penalized.coef).max() <= 1e-9 * np.abs(coef).max()
    assert fit.prior.scale == pytest.approx(54.0**2 / (442 * 0.4), rel=1e-14)  # alpha = sigma^2 / (n b), the lasso's
    assert fit.mode.certificate.kind == "kkt" and fit.mode.certificate.kkt_relative == 0.0
    assert fit.objective_identity.relative < 1e-9
    assert fit.prior.params()["groups"] == GROUPS
    # the group lasso's dof on the active groups (Yuan & Lin 2006's curvature c_g (I - uu') / ||w_g||): between the
    # number of active groups and of active coefficients
    assert 3 < fit.shrinkage.penalized_dof < 8


def test_the_cli_takes_groups_by_name(tmp_path, capsys):
    settings = priorfit.Settings(prior="group_laplace", groups=NAMES)
    assert settings.groups == parse_groups([["age", "sex"], ["bmi"], ["bp"], ["s1", "s2", "s3", "s4", "s5", "s6"]])
    assert settings.for_features(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]).groups == parse_groups(GROUPS)
    out = tmp_path / "out"
    assert main(["compare", "diabetes", "--prior", "group_laplace", "--groups", "age+sex,bmi,bp", "--out", str(out)]) == 2
    assert capsys.readouterr().err.strip().endswith("The groups leave out the features s1, s2, s3, s4, s5, s6; the groups must "
                                                    "partition the features (each feature in exactly one group).")
    assert not out.exists()


PARTITION = "the groups must partition the features (each feature in exactly one group)."


@pytest.mark.parametrize(("groups", "sentence"), [
    ("age+sex,bmi,bp,s1+s2+s3+s4+s5+s6+age", f"The feature 'age' is in more than one group; {PARTITION}"),
    ("age+sex,bmi,bp,s1+s2+s3+s4+s5+s6+wage", "The group member 'wage' is not a feature of the data; the features are age, sex, "
                                              f"bmi, bp, s1, s2, s3, s4, s5, s6, and {PARTITION}"),
    ([[0, 1], [2], [3], [4, 5, 6, 7, 8, 10]], "The group member 10 is no column of the data, which have 10 features (numbered 0 "
                                              f"to 9); {PARTITION}"),
    ([["age", 0, "sex"], [2], [3], [4, 5, 6, 7, 8, 9]], f"The feature 'age' is twice in the group age+0+sex; {PARTITION}"),
])
def test_groups_that_do_not_partition_the_features_are_refused(groups, sentence):
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        priorfit.compare("diabetes", prior="group_laplace", groups=groups, alpha=1.0, sigma=54.0, progress=False)


ALLOWED = ("lists of feature names (or 0-based column numbers) that partition the features; on the CLI names (or numbers) "
           "joined by + within a group and , between groups, as age+sex,bmi,bp,s1+s2+s3+s4+s5+s6")


@pytest.mark.parametrize(("settings", "sentence"), [
    ({"prior": "group_laplace"}, f"The group_laplace prior needs its groups; give groups (--groups) as {ALLOWED}."),
    ({"prior": "group_laplace", "groups": "age++sex"}, f"groups 'age++sex' are not allowed; give {ALLOWED}."),
    ({"prior": "group_laplace", "groups": [[0, 1], []]}, f"groups [[0, 1], []] are not allowed; give {ALLOWED}."),
    ({"prior": "normal", "groups": "age+sex"}, "groups age+sex applies to the group_laplace prior, which is not being fitted; "
                                               "fitted are: normal."),
    ({"prior": "group_laplace", "groups": "age+sex", "likelihood": "laplace"},
     "The group_laplace prior applies with a smooth likelihood; the laplace likelihood's mode is solved as a linear program, "
     "which a group's norm is not."),
])
def test_settings_the_prior_cannot_take_are_refused(settings, sentence):
    with pytest.raises(InputError, match="^" + re.escape(sentence) + "$"):
        priorfit.Settings(**settings)


def test_groups_come_as_numpy_integers_and_as_column_numbers_on_the_cli():
    features = ["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"]
    given = [np.arange(2), [np.int64(2)], (3,), np.arange(4, 10)]
    assert priorfit.Settings(prior="group_laplace", groups=given).for_features(features).groups == parse_groups(GROUPS)
    assert priorfit.Settings(prior="group_laplace", groups="0+1,2,3,4+5+6+7+8+9").for_features(features).groups == \
        parse_groups(GROUPS)


def test_calibrate_checks_the_groups_before_it_simulates():
    from priorfit.runs.calibrate import plan

    with pytest.raises(InputError, match=f"^The groups leave out the feature x3; {re.escape(PARTITION)}$"):
        plan("group_laplace", "gaussian", p=3, groups=[[0, 1]], scale={"group_laplace": 1.0}, sigma=1.0)
    assert plan("group_laplace", "gaussian", p=3, groups="0+1,2", scale={"group_laplace": 1.0}, sigma=1.0).prior.partition(3)[0] \
        .tolist() == [0, 1]


def test_a_toml_declaration_takes_the_groups_as_lists(tmp_path):
    from priorfit.runs import declarations

    path = tmp_path / "groups.toml"
    path.write_text('name = "groups"\n\n[data]\nsource = "diabetes"\n\n[settings]\nprior = "group_laplace"\nsigma = 54.0\nalpha = 0.4\n'
                    'groups = [["age", "sex"], ["bmi"], ["bp"], ["s1", "s2", "s3", "s4", "s5", "s6"]]\n')
    declared = declarations.load(path)
    settings = priorfit.Settings(**declared.settings).for_features(["age", "sex", "bmi", "bp", "s1", "s2", "s3", "s4", "s5", "s6"])
    assert settings.groups == parse_groups(GROUPS)
    assert str(settings.groups) == NAMES
