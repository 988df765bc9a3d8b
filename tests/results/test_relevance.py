"""Evidence for large coefficients (``relevance=C``): P(|w_j - mu_j| > C) per coefficient, on the
model scale and on the original scale of X, from the posterior draws already in the fit. Checked
on the session's Normal-prior, fixed-sigma fit of diabetes (no new fit): against the share of the
DataTree's draws computed here, and against the closed-form Gaussian posterior marginals."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from priorfit.errors import InputError
from priorfit.results import tables


def _table(design, fit, C, mu, *, original=False):
    return tables.coefficient_table(design, fit.tree, fit.mode, fit.penalized, 0.94, original=original,
                                    relevance_threshold=C, mu=mu)


def test_the_probability_is_the_share_of_the_draws(diabetes_normal_fixed, diabetes_design):
    fit = diabetes_normal_fixed.fit("normal")
    posterior = fit.tree["posterior"]
    mu = np.linspace(-3.0, 3.0, diabetes_design.p)  # any location: the question is about w - mu
    C = 7.5
    table = _table(diabetes_design, fit, C, mu)
    coef = posterior["coef"].values  # chain, draw, feature
    expected = (np.abs(coef - mu) > C).mean(axis=(0, 1))
    np.testing.assert_array_equal(table["p_relevant"].to_numpy()[:-1], expected)
    assert np.isnan(table.loc["intercept", "p_relevant"])  # a flat prior has no location
    assert ((expected > 0.05) & (expected < 0.95)).sum() >= 3  # not all 0 or 1: the check can fail
    # the original scale of X: coef_original = coef / x_scale about mu / x_scale, from the DataTree's own variable
    s = np.asarray(diabetes_design.x_scale)
    original = _table(diabetes_design, fit, C, mu, original=True)
    np.testing.assert_array_equal(original["p_relevant"].to_numpy()[:-1],
                                  (np.abs(posterior["coef_original"].values - mu / s) > C).mean(axis=(0, 1)))
    # with C per unit of x_j it is the model-scale question at C x_scale_j
    np.testing.assert_array_equal(original["p_relevant"].to_numpy()[:-1], tables.exceedance(coef, mu, C * s))
    assert list(table.columns[-2:]) == ["p_positive", "p_relevant"]
    assert "p_relevant" not in _table(diabetes_design, fit, None, mu).columns  # off: the table as before


def test_the_original_threshold_differs_per_column_by_its_scale(diabetes_normal_fixed, diabetes_design):
    """diabetes ships with equal column sds; a design with unequal ones (the same draws) shows that
    each column gets its own model-scale threshold C x_scale_j."""
    fit = diabetes_normal_fixed.fit("normal")
    s = np.geomspace(0.01, 10.0, diabetes_design.p)
    design = dataclasses.replace(diabetes_design, x_scale=s)
    coef = fit.tree["posterior"]["coef"].values
    C = 1.5
    got = _table(design, fit, C, 0.0, original=True)["p_relevant"].to_numpy()[:-1]
    np.testing.assert_array_equal(got, (np.abs(coef / s) > C).mean(axis=(0, 1)))
    np.testing.assert_array_equal(got, tables.exceedance(coef, 0.0, C * s))
    # C x 0.01 is tiny, C x 10 is large: one threshold per column, not the model-scale C nor one scale for all
    assert got[0] > 0.99 and got[-1] < 0.05
    assert np.abs(got - tables.exceedance(coef, 0.0, C)).max() > 0.5


def test_the_normal_posterior_in_closed_form(diabetes_normal_fixed, diabetes_design):
    """Normal prior, fixed sigma: w_j | y ~ N(m_j, s_j^2), so P(|w_j| > C) = Phi((-C - m_j)/s_j) +
    Phi((m_j - C)/s_j). Each estimate is within its Monte Carlo standard error (arviz-stats, of the
    indicator's mean) times the Bonferroni bound over all of them (closed_form.threshold)."""
    import arviz as az
    from scipy.special import ndtr

    from priorfit.diagnostics import closed_form

    result = diabetes_normal_fixed
    fit = result.fit("normal")
    exact = closed_form.normal_posterior(diabetes_design, fit.prior, result.settings.sigma)
    m, s = exact["coef_mean"], exact["coef_sd"]
    posterior = fit.tree["posterior"]
    thresholds = (2.0, 10.0, 25.0)
    z = []
    for C in thresholds:
        estimate = _table(diabetes_design, fit, C, fit.prior.mu_vector(diabetes_design.p))["p_relevant"].to_numpy()[:-1]
        truth = ndtr((-C - m) / s) + ndtr((m - C) / s)
        indicator = (np.abs(posterior["coef"]) > C).astype(float).to_dataset(name="above")
        mcse = az.mcse(indicator, method="mean")["above"].values
        inside = (truth > 0.01) & (truth < 0.99)  # an MCSE of 0 (every draw on one side) says nothing
        z.append(np.abs(estimate - truth)[inside] / mcse[inside])
        assert np.all(np.abs(estimate - truth)[~inside] < 0.02)
    z = np.concatenate(z)
    assert len(z) >= 15  # most of the 30 statistics are tested by their MCSE
    assert z.max() <= closed_form.threshold(len(z)), z


def test_relevance_is_one_setting_refused_with_one_sentence(tmp_path, capsys):
    from priorfit import cli
    from priorfit.settings import Settings

    assert Settings().relevance is None and Settings(relevance="0.5").relevance == 0.5
    for value in (-1, 0, "inf", float("nan"), "abc", True):
        with pytest.raises(InputError) as info:
            Settings(relevance=value)
        assert str(info.value) == (f"relevance {value!r} is not allowed; it must be a positive finite number, "
                                   "the threshold C of P(|w - mu| > C).")
    out = tmp_path / "out"
    assert cli.main(["compare", "--relevance", "-0.5", "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.strip() == ("priorfit: error: relevance '-0.5' is not allowed; it must be a positive finite number, "
                           "the threshold C of P(|w - mu| > C).")
    assert not out.exists()


def test_a_declaration_takes_relevance(tmp_path):
    from priorfit.runs import declarations

    path = tmp_path / "r.toml"
    head = 'name = "r"\n[data]\nsource = "diabetes"\n[settings]\n'
    path.write_text(head + 'prior = "normal"\nrelevance = 2.5\n')
    assert declarations.load(path).settings["relevance"] == 2.5
    path.write_text(head + "relevance = -2\n")
    with pytest.raises(InputError) as info:
        declarations.load(path)
    assert str(info.value) == (f"{path}: relevance -2 is not allowed; it must be a positive finite number, "
                               "the threshold C of P(|w - mu| > C).")


def test_the_header_names_the_location_and_the_threshold():
    from priorfit.report.lines import relevance_label

    assert relevance_label(0.0, 0.5) == "P(|w| > 0.5)"
    assert relevance_label(np.full(3, 2.0), 5) == "P(|w - 2| > 5)" == relevance_label([2.0, 2.0], 5.0)
    assert relevance_label((0.0, 1.0), 0.25) == "P(|w - mu| > 0.25)"


def test_path_and_calibrate_refuse_it_with_the_reason():
    from priorfit.runs.calibrate import plan
    from priorfit.runs.path import path

    with pytest.raises(InputError) as info:
        plan(relevance=2)
    assert str(info.value) == ("relevance 2 applies to priorfit compare only; priorfit calibrate tests ranks and interval "
                               "coverage, not coefficient tables.")
    with pytest.raises(InputError) as info:
        path(relevance=2, progress=False)
    assert str(info.value) == "relevance 2 applies to priorfit compare only; priorfit path has no coefficient table."
