"""The penalized side's own checks: whether two solutions are both optima of a problem whose
solution is not unique, and whether a cross-validated penalty lies inside its grid."""

import numpy as np
import pytest

from priorfit import data, penalized, priors, twins


def _duplicated(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 3))
    X = np.column_stack([X, X[:, 0]])
    y = 2 * X[:, 0] + X[:, 1] + rng.standard_normal(n)
    return data.from_arrays(X, y, features=["a", "b", "c", "a_copy"])


@pytest.mark.parametrize("rows", [True, False])
def test_two_splits_of_duplicate_columns_are_both_lasso_optima(rows):
    dataset = _duplicated()
    design = data.make_design(dataset) if rows else data.summarize(dataset, standardize=True, intercept=True)
    twin, prior, alpha = twins.twin("laplace", "gaussian"), priors.Laplace(1.0), 0.05
    lasso = penalized.fit(design, prior, "gaussian", alpha)
    w, b = lasso.coef, lasso.intercept
    assert w[0] > 0 and w[3] > 0 and w[2] == 0  # sklearn's split of the weight between the copies
    # the weight moved between the copies, with the same sign: the same L1 norm and fitted values
    even = w.copy()
    even[0] = even[3] = (w[0] + w[3]) / 2
    u = penalized.uniqueness(design, twin, prior, alpha, (even, b), (w, b))
    assert u.not_unique(twin.tolerance)
    assert u.objective_rel_diff < 1e-13 and u.fitted_rel_diff < 1e-12 and (u.active, u.rank) == (3, 2)
    assert u.unidentified == ("a", "a_copy")
    # the same fitted values with a copy of the opposite sign: a larger L1 norm, so no optimum
    opposite = w.copy()
    opposite[0], opposite[3] = w[0] + w[3] + 0.1, -0.1
    u = penalized.uniqueness(design, twin, prior, alpha, (opposite, b), (w, b))
    assert u.fitted_rel_diff < 1e-12 and u.objective_rel_diff > 1e-4 and not u.not_unique(twin.tolerance)


def test_distinct_columns_are_identified():
    rng = np.random.default_rng(1)
    X = rng.standard_normal((200, 4))
    dataset = data.from_arrays(X, X @ [2.0, 1.0, 0.0, 0.5] + rng.standard_normal(200))
    design, twin, prior = data.make_design(dataset), twins.twin("laplace", "gaussian"), priors.Laplace(1.0)
    lasso = penalized.fit(design, prior, "gaussian", 0.05)
    w, b = lasso.coef, lasso.intercept
    # a point near the optimum: full rank, and its objective and fitted values differ
    u = penalized.uniqueness(design, twin, prior, 0.05, (w + 1e-3, b), (w, b))
    assert u.rank == u.active == 4 and u.unidentified == () and not u.not_unique(twin.tolerance)
    assert u.objective_rel_diff > 1e-7
