"""The fitted-lines plot: three likelihoods on data with gross outliers, the data behind each artist."""

import matplotlib

matplotlib.use("Agg")

import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402

import priorfit  # noqa: E402
from priorfit import InputError, plots  # noqa: E402
from priorfit.data import sources  # noqa: E402

OUTLIERS = "synthetic:n=100,p=1,k=1,seed=0,outliers=0.1"
FAST = {"draws": 300, "tune": 300, "chains": 2, "progress": False}
LIKELIHOODS = {"gaussian": {}, "laplace": {}, "student_t": {"nu": 3.0}}


@pytest.fixture(scope="module")
def robust():
    """The Gaussian, Laplace and Student-t likelihoods under one wide Normal prior."""
    return {name: priorfit.compare(OUTLIERS, prior="normal", likelihood=name, scale={"normal": 10.0}, standardize=False,
                                   **FAST, **options)
            for name, options in LIKELIHOODS.items()}


def test_the_lines_and_residuals_are_the_fits_predictions(robust):
    data = sources.load(OUTLIERS)
    pc = plots.plot_fitted(robust)  # the rows read again from the synthetic spec
    grid = pc.data["value"].values
    assert grid.min() == data.X[:, 0].min() and grid.max() == data.X[:, 0].max()
    for name, result in robust.items():
        line = pc.viz["line"]["fitted"].sel(fit=name).item()
        expected = result.predict(pd.DataFrame({"x1": grid}))
        np.testing.assert_allclose(line.get_ydata(), expected["mean"], rtol=1e-12)
        np.testing.assert_allclose(pc.data["fitted"].sel(fit=name), expected["mean"], rtol=1e-12)
        band = pc.viz["band"]["fitted"].sel(fit=name).item().get_paths()[0].vertices[:, 1]
        for end in ("mean_low", "mean_high"):  # the polygon runs along both ends of the credible band
            assert np.abs(band[:, None] - expected[end].to_numpy()[None, :]).min(axis=0).max() < 1e-12
        points = pc.viz["points"]["residual"].sel(fit=name).item().get_offsets()
        np.testing.assert_allclose(points[:, 1], data.y - result.predict(data.X)["mean"], rtol=1e-12, atol=1e-12)
    marked = pc.viz["highlight"]["fitted"].item().get_offsets()
    np.testing.assert_array_equal(marked[:, 1], data.y[data.truth["outlier_rows"]])
    assert len(pc.viz["rows"]["fitted"].item().get_offsets()) == 100 - 10


def test_least_squares_follows_the_outliers_and_the_robust_likelihoods_do_not(robust):
    truth = sources.load(OUTLIERS).truth["coefficients"]["x1"]  # 2.85
    slope = {name: float(result.fits[0].mode.point["coef"][0]) for name, result in robust.items()}
    # the ten outliers sit above the line at large x1: least squares tilts up by half the slope
    assert slope["gaussian"] - truth > 1.2
    assert abs(slope["laplace"] - truth) < 0.4 and abs(slope["student_t"] - truth) < 0.2
    # and the Gaussian's s takes the outliers in: about 4 times the noise sd of 1
    assert float(robust["gaussian"].fits[0].mode.point["sigma"]) > 3.5
    assert float(robust["student_t"].fits[0].mode.point["sigma"]) < 1.3


def test_given_rows_and_bad_requests(robust):
    data = sources.load(OUTLIERS)
    pc = plots.plot_fitted(robust["laplace"], data.X, data.y)  # one comparison: labelled by its likelihood
    assert list(pc.data["fit"].values) == ["laplace"] and "highlight" not in pc.viz.children
    with pytest.raises(InputError) as error:
        plots.plot_fitted(robust["laplace"], data.X, data.y[:50])
    assert str(error.value) == "y has shape 50 but X has 100 rows; give one y per row."
    with pytest.raises(InputError) as error:
        plots.plot_fitted(robust["laplace"], data.X)
    assert str(error.value) == "Give both X and y, or neither (the rows are then read again from the data set the fits name)."
    import pandas as pd

    from_arrays = priorfit.compare(pd.DataFrame(data.X, columns=["x1"]), data.y, prior="normal", scale=10.0, standardize=False,
                                   **FAST)
    with pytest.raises(InputError) as error:
        plots.plot_fitted(from_arrays)
    assert str(error.value).startswith("The rows of ") and str(error.value).endswith(
        " cannot be read again from a data set of that name; give X and y.")
    with pytest.raises(InputError) as error:
        plots.plot_fitted(robust, feature="x9")
    assert str(error.value) == "Feature 'x9' is not a column of these fits; they have: x1."
    with pytest.raises(InputError) as error:
        plots.plot_fitted(robust, prior="horseshoe")
    assert str(error.value) == "Prior 'horseshoe' was not fitted in this comparison; fitted are: normal."
