"""The Gaussian side without rows (priorfit.penalized.gram): the same twins, the same cross-validated
choice and the same objective as on the rows, from X'X, X'y, y'y and per-fold statistics."""

import numpy as np
import pytest

import priorfit
from priorfit import InputError
from priorfit.data import design as data
from priorfit.data import sources
from priorfit.data.sufficient import SufficientStatistics
from priorfit.diagnostics import shrinkage
from priorfit.models import likelihoods, priors
from priorfit.penalized import fits as penalized
from priorfit.penalized import gram, twins

VARIANTS = [
    {"standardize": True, "intercept": True},
    {"standardize": True, "intercept": False},
    {"standardize": False, "intercept": True},
]


def _designs(source="diabetes", **variant):
    dataset = sources.load(source)
    return data.make_design(dataset, **variant), sources.summarize(dataset, **variant)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(k for k, on in v.items() if on) or "raw")
def test_statistics_scale_and_moments_match_the_rows(variant):
    rows, summary = _designs(**variant)
    assert not summary.has_rows and summary.n == rows.n == 442
    for key in ("x_center", "x_scale", "x_mean"):
        np.testing.assert_allclose(getattr(summary, key), getattr(rows, key), rtol=1e-12, atol=1e-12)
    a, b = likelihoods.Gaussian().statistics(rows), likelihoods.Gaussian().statistics(summary)
    np.testing.assert_allclose(b.gram, a.gram, rtol=1e-11, atol=1e-9 * np.abs(a.gram).max())
    np.testing.assert_allclose(b.xty, a.xty, rtol=1e-11)
    assert b.yty == pytest.approx(a.yty, rel=1e-12) and b.y_mean == pytest.approx(a.y_mean, rel=1e-14, abs=0)
    np.testing.assert_allclose(summary.column_variance(), rows.column_variance(), rtol=1e-12)


def test_square_root_design_keeps_the_squared_loss_up_to_a_constant():
    rng = np.random.default_rng(0)
    for n, p in ((50, 8), (6, 10)):  # also p > n: a singular Gram matrix
        X, y = rng.standard_normal((n, p)), rng.standard_normal(n)
        Xc, yc = X - X.mean(0), y - y.mean()
        m = SufficientStatistics(n, y.mean(), Xc.T @ Xc, Xc.T @ yc, yc @ yc, X.mean(0))
        R, r = gram.square_root_design(m, per_row=False)
        losses = [(np.sum((yc - Xc @ w) ** 2), np.sum((r - R @ w) ** 2)) for w in rng.standard_normal((20, p))]
        gaps = [a - b for a, b in losses]
        assert np.ptp(gaps) < 1e-12 * max(a for a, _ in losses)  # constant, to rounding
        assert np.mean(gaps) == pytest.approx(yc @ yc - r @ r, abs=1e-10)  # the OLS residual sum of squares


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(k for k, on in v.items() if on) or "raw")
@pytest.mark.parametrize("name", ["normal", "laplace", "elasticnet"])
def test_twins_from_statistics_equal_the_twins_on_rows(name, variant):
    rows, summary = _designs(**variant)
    settings = priorfit.settings.Settings(prior=name, mu=0.5)
    prior = priors.create(name, 1.0, settings)
    alpha = {"normal": 3.0, "laplace": 0.05, "elasticnet": 0.05}[name]
    a, b = (penalized.fit(d, prior, "gaussian", alpha) for d in (rows, summary))
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-9, atol=1e-9 * np.abs(a.coef).max())
    assert (b.coef == 0.5).sum() == (a.coef == 0.5).sum()  # the same coefficients at the prior location
    if variant["intercept"]:
        assert b.intercept == pytest.approx(a.intercept, rel=1e-9)
    # the objective the identity checks, at random points, from the statistics as from the rows
    twin, rng = twins.twin(name, "gaussian"), np.random.default_rng(1)
    for _ in range(5):
        w, c = a.coef + rng.standard_normal(rows.p), 10.0 * rng.standard_normal()
        c = c if variant["intercept"] else None
        J = [twin.objective_at(d, w, c, prior.mu_vector(d.p), alpha, **twin.options(prior)) for d in (rows, summary)]
        assert J[1] == pytest.approx(J[0], rel=1e-11)


@pytest.mark.parametrize("variant", VARIANTS, ids=lambda v: ",".join(k for k, on in v.items() if on) or "raw")
@pytest.mark.parametrize("name", ["laplace", "elasticnet"])
def test_cross_validation_from_statistics_chooses_lassocvs_alpha(name, variant):
    rows, summary = _designs(**variant)
    prior = priors.create(name, 1.0, priorfit.settings.Settings(prior=name, mu=0.25))
    twin = twins.twin(name, "gaussian")
    (a, label_a), (b, label_b) = (penalized.cv_alpha(d, twin, prior) for d in (rows, summary))
    assert b == pytest.approx(a, rel=1e-12)  # the same grid point, so equal up to rounding
    search = label_a.split(",")[0]  # the search's name; a grid extension, if any, is said after the folds
    assert label_b == label_a.replace(search, f"{search} (5 contiguous folds, from X'X)", 1)


def test_ridge_cross_validation_from_statistics_is_five_fold():
    """RidgeCV's leave-one-out needs the rows: without them, 5-fold CV on RidgeCV's grid,
    checked against GridSearchCV(Ridge) over the same folds."""
    from sklearn.linear_model import Ridge
    from sklearn.model_selection import GridSearchCV, KFold

    rows, summary = _designs()
    twin = twins.twin("normal", "gaussian")
    chosen, label = penalized.cv_alpha(summary, twin, priors.Normal(1.0))
    grid = GridSearchCV(Ridge(), {"alpha": twin.search(True, rows.n).alphas}, cv=KFold(5), scoring="neg_mean_squared_error")
    assert chosen == pytest.approx(grid.fit(rows.X, rows.y).best_params_["alpha"], rel=1e-12)
    assert label == "RidgeCV (5 contiguous folds, from X'X)"


def test_ols_and_effective_parameters_from_statistics():
    rows, summary = _designs()
    a, b = penalized.ols(rows), penalized.ols(summary)
    np.testing.assert_allclose(b.coef, a.coef, rtol=1e-9)
    assert b.intercept == pytest.approx(a.intercept, rel=1e-12)
    gaussian, prior = likelihoods.Gaussian(), priors.Normal(0.5)
    fit = penalized.fit(rows, prior, "gaussian", 3.0)
    dof = [shrinkage.penalized_dof(d, gaussian, prior, fit.coef, fit.intercept, 54.0)[0] for d in (rows, summary)]
    assert dof[1] == pytest.approx(dof[0], rel=1e-10)


def test_compare_without_rows_keeps_every_identity(monkeypatch):
    monkeypatch.setattr(data, "STATISTICS_ROWS", 0)
    result = priorfit.compare("diabetes", prior="laplace", draws=300, tune=400, chains=2, seed=1, progress=False)
    fit = result.fit("laplace")
    assert fit.hyper.source == "cross-validation: LassoCV (5 contiguous folds, from X'X)"
    assert fit.agreement.max_rel_diff < 1e-10 and fit.mode.certificate.kkt_relative <= 1e-6
    assert fit.objective_identity.relative < 1e-12
    assert fit.shrinkage.elpd_loo is None  # PSIS-LOO needs each row's likelihood
    assert result.data.n == 442 and result.ols.coef.shape == (10,)


@pytest.mark.parametrize(("option", "message"), [
    ({"loo": "yes"}, r"^--loo yes needs each row's likelihood, but diabetes is summarized by X'X, X'y and y'y \(442 rows\) "
                     r"and its rows are not kept; use --loo auto or no\.$"),
    ({"bootstrap": 20}, r"^--bootstrap needs the rows, but diabetes is summarized by X'X, X'y and y'y \(442 rows\) and its "
                        r"rows are not kept; leave it out or subsample the rows\.$"),
])
def test_what_needs_the_rows_is_refused_without_them(monkeypatch, option, message):
    monkeypatch.setattr(data, "STATISTICS_ROWS", 0)
    with pytest.raises(InputError, match=message):
        priorfit.compare("diabetes", prior="laplace", progress=False, **option)


@pytest.fixture(scope="module")
def diabetes_parts(tmp_path_factory):
    """diabetes as three CSV files of 150, 150 and 142 rows, and as one Parquet file."""
    from sklearn.datasets import load_diabetes

    folder = tmp_path_factory.mktemp("parts")
    frame = load_diabetes(as_frame=True).frame.rename(columns={"target": "y"})
    for i, start in enumerate(range(0, len(frame), 150)):
        frame.iloc[start:start + 150].to_csv(folder / f"part{i}.csv", index=False)
    frame.to_parquet(folder.parent / "diabetes.parquet")
    return folder


def test_a_folder_of_files_is_summarized_in_one_pass_as_the_rows(diabetes_parts):
    from sklearn.linear_model import LassoCV
    from sklearn.model_selection import PredefinedSplit

    from priorfit.data.folds import RowFolds

    rows, files = data.make_design(sources.load("diabetes")), sources.summarize_source(str(diabetes_parts))
    assert sources.read_in_chunks(str(diabetes_parts)) and sources.read_in_chunks(f"{diabetes_parts}/*.csv")
    assert not sources.read_in_chunks("diabetes") and files.dataset.name == diabetes_parts.name
    a, b = likelihoods.Gaussian().statistics(rows), likelihoods.Gaussian().statistics(files)
    np.testing.assert_allclose(b.gram, a.gram, rtol=1e-11, atol=1e-11 * np.abs(a.gram).max())
    prior = priors.Laplace(1.0)
    fit = [penalized.fit(d, prior, "gaussian", 0.1) for d in (rows, files)]
    np.testing.assert_allclose(fit[1].coef, fit[0].coef, rtol=1e-9, atol=1e-9)
    # chunked rows get their folds from hashed row numbers: the choice is LassoCV's over those folds
    chosen, label = penalized.cv_alpha(files, twins.twin("laplace", "gaussian"), prior)
    labels = RowFolds(5, 0)(np.arange(rows.n))
    expected = LassoCV(cv=PredefinedSplit(labels), max_iter=100_000).fit(rows.X, rows.y).alpha_
    assert chosen == pytest.approx(expected, rel=1e-12) and label == "LassoCV (5 hashed-row folds, from X'X)"


def test_a_dask_dataframe_gives_the_statistics_and_folds_of_its_files(diabetes_parts):
    import dask
    import dask.dataframe as dd

    files = sources.summarize_source(str(diabetes_parts))
    with dask.config.set(scheduler="synchronous"):
        frame = dd.read_parquet(diabetes_parts.parent / "diabetes.parquet").repartition(npartitions=4)
        lazy = sources.summarize_source(frame)
    for a, b in zip((files.stats, *files.folds.parts), (lazy.stats, *lazy.folds.parts), strict=True):
        assert a.n == b.n
        np.testing.assert_allclose(b.xx, a.xx, rtol=1e-11, atol=1e-11 * np.abs(a.xx).max())
        np.testing.assert_allclose(b.xy, a.xy, rtol=1e-11)


def test_chunked_data_need_a_likelihood_with_sufficient_statistics(diabetes_parts):
    with pytest.raises(InputError, match=r"^'.*parts\d*' is read in chunks, but the poisson likelihood has no sufficient "
                                         r"statistics and needs every row in memory; give one file of at most 1 GiB \(a "
                                         r"subsample of the rows\), or the gaussian likelihood\.$"):
        priorfit.compare(str(diabetes_parts), likelihood="poisson", progress=False)


def test_with_a_dask_client_files_are_summarized_on_its_workers(diabetes_parts):
    from dask.distributed import Client, LocalCluster

    files = sources.summarize_source(str(diabetes_parts))
    with LocalCluster(n_workers=1, threads_per_worker=1, processes=False, dashboard_address=None) as cluster, Client(cluster) as client:
        on_cluster = sources.summarize_source(str(diabetes_parts))
        # tasks ran there (the worker's count; the scheduler forgets finished task groups)
        assert sum(client.run(lambda dask_worker: dask_worker.state.executed_count).values()) > 0
    assert on_cluster.n == files.n and on_cluster.folds.kind == files.folds.kind
    np.testing.assert_allclose(on_cluster.stats.xx, files.stats.xx, rtol=1e-11)
    for a, b in zip(files.folds.parts, on_cluster.folds.parts, strict=True):
        np.testing.assert_allclose(b.xy, a.xy, rtol=1e-11)


def test_dask_blocks_are_not_checked_as_whole_data_sets():
    """A block may be short, miss a fold, or be constant in a column that varies over the data."""
    import dask
    import dask.array as da

    rng = np.random.default_rng(0)
    X = rng.standard_normal((400, 3))
    X[:200, 2], X[200:, 2] = 0.0, 1.0
    y = X @ np.array([1.0, 2.0, 3.0]) + rng.standard_normal(400)
    with dask.config.set(scheduler="synchronous"):
        whole = sources.summarize_source(da.from_array(X, chunks=(400, 3)), y=da.from_array(y, chunks=400))
        for rows in (200, 3):
            blocks = sources.summarize_source(da.from_array(X, chunks=(rows, 3)), y=da.from_array(y, chunks=rows))
            for a, b in zip(whole.folds.parts, blocks.folds.parts, strict=True):
                assert a.n == b.n
                np.testing.assert_allclose(b.xx, a.xx, rtol=1e-12, atol=1e-12)
        with pytest.raises(InputError, match=r"^dask data has 6 rows, too few for 5 cross-validation folds of at least 2 rows"):
            sources.summarize_source(da.from_array(X[:6, :2], chunks=(3, 2)), y=da.from_array(y[:6], chunks=3))
