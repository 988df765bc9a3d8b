"""The nutpie adapter: the private API of both known nutpie shapes (6 values up to 0.16.8, 7 from
0.16.9), a sentence for any other, and the compiled model kept on the PosteriorModel."""

import numpy as np
import nutpie
import nutpie.compile_pymc as compile_pymc
import nutpie.compiled_pyfunc as compiled_pyfunc
import pytest

from priorfit import inference
from priorfit.errors import InputError
from priorfit.inference import nutpie_adapter
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel

VERSION = nutpie.__version__
TAIL = (f"priorfit's sampling through Python calls reads nutpie's private API of versions {nutpie_adapter.SUPPORTED}; "
        "install one of those (pip install 'nutpie>=0.16.9,<0.17') or sample with --sampler pymc.")


def unsupported(what: str) -> str:
    return f"nutpie {VERSION} is not supported ({what}): {TAIL}"


@pytest.fixture(scope="module")
def model(diabetes_design):
    model = PosteriorModel(diabetes_design, priors.Normal(1.0), likelihoods.Gaussian(), 50.0, plugin_sigma=50.0)
    assert model.nutpie_backend == "python"
    return model


def _draws(compiled_model):
    tree = nutpie.sample(compiled_model, draws=30, tune=30, chains=1, cores=1, seed=3, progress_bar=False)
    return tree["posterior"]["coef"].values


def test_the_installed_nutpie_has_the_seven_value_shape():
    major, minor, patch = (int(part) for part in VERSION.split(".")[:3])
    assert nutpie_adapter.private_api().reparameterized == ((major, minor, patch) >= (0, 16, 9))


def _as_nutpie_0_16_8(monkeypatch):
    """The installed nutpie's private functions in the shape nutpie 0.14.0 to 0.16.8 have them."""
    make, prepare, from_pyfunc = compile_pymc._make_functions, compile_pymc._prepare_dims_and_coords, compiled_pyfunc.from_pyfunc

    def make_functions(model, *, mode, compute_grad, join_expanded, pymc_initial_point_fn, var_names=None):
        return make(model, mode=mode, compute_grad=compute_grad, join_expanded=join_expanded,
                    pymc_initial_point_fn=pymc_initial_point_fn, var_names=var_names)[:6]

    def prepare_dims_and_coords(model, shape_info):
        return prepare(model, shape_info, [])

    def old_from_pyfunc(ndim, make_logp_fn, make_expand_fn, expanded_dtypes, expanded_shapes, expanded_names, *, coords=None,
                        dims=None, shared_data=None, make_initial_point_fn=None, make_transform_adapter=None, raw_logp_fn=None):
        return from_pyfunc(ndim, make_logp_fn, make_expand_fn, expanded_dtypes, expanded_shapes, expanded_names, coords=coords,
                           dims=dims, shared_data=shared_data, make_initial_point_fn=make_initial_point_fn)

    monkeypatch.setattr(compile_pymc, "_make_functions", make_functions)
    monkeypatch.setattr(compile_pymc, "_prepare_dims_and_coords", prepare_dims_and_coords)
    monkeypatch.setattr(compiled_pyfunc, "from_pyfunc", old_from_pyfunc)


def test_both_shapes_of_the_private_api_give_the_same_draws(model, monkeypatch):
    newest = _draws(nutpie_adapter.calling_pytensor(model.pymc))
    _as_nutpie_0_16_8(monkeypatch)
    assert nutpie_adapter.private_api().reparameterized is False
    older = _draws(nutpie_adapter.calling_pytensor(model.pymc))
    assert newest.shape == (1, 30, 10) and np.ptp(newest) > 0
    np.testing.assert_array_equal(older, newest)


def test_another_private_api_is_refused_in_one_sentence(model, monkeypatch):
    make = compile_pymc._make_functions
    monkeypatch.setattr(compile_pymc, "_make_functions", lambda model, *, mode, compute_grad: None)
    with pytest.raises(InputError) as error:
        nutpie_adapter.private_api()
    assert str(error.value) == unsupported("its _make_functions takes no join_expanded, pymc_initial_point_fn")

    def eight_values(model, *, mode, compute_grad, join_expanded, pymc_initial_point_fn):
        return (*make(model, mode=mode, compute_grad=compute_grad, join_expanded=join_expanded,
                      pymc_initial_point_fn=pymc_initial_point_fn), None)

    monkeypatch.setattr(compile_pymc, "_make_functions", eight_values)
    with pytest.raises(InputError) as error:
        nutpie_adapter.calling_pytensor(model.pymc)
    assert str(error.value) == unsupported("_make_functions returned 8 values")

    monkeypatch.setattr(compile_pymc, "_make_functions", make)
    monkeypatch.setattr(compile_pymc, "_prepare_dims_and_coords", lambda model, shape_info, names, more: None)
    with pytest.raises(InputError) as error:
        nutpie_adapter.private_api()
    assert str(error.value) == unsupported("its _prepare_dims_and_coords takes 4 arguments")

    monkeypatch.delattr(compiled_pyfunc, "from_pyfunc")
    with pytest.raises(InputError) as error:
        nutpie_adapter.private_api()
    assert str(error.value) == unsupported("it has no nutpie.compiled_pyfunc.from_pyfunc")


def test_the_compiled_model_is_kept_on_the_model(model):
    import pytensor

    if not pytensor.config.cxx:
        pytest.skip("no C++ compiler: every run takes the numba callbacks (kept: the next test)")
    first = nutpie_adapter.compiled(model, 40)
    assert nutpie_adapter.compiled(model, 40) is first and model.compiled["nutpie"][0] is first
    model.set_data(prior_scale=2.0)  # the C VM's function reads the shared variables: nothing to rebuild
    assert nutpie_adapter.compiled(model, 40) is first
    model.set_data(prior_scale=1.0)
    tree = inference.sample(model, draws=20, tune=20, chains=1, seed=1)
    assert tree["posterior"]["coef"].shape == (1, 20, 10)


def test_a_short_run_takes_the_c_vm_and_a_long_one_the_numba_callbacks(diabetes_design):
    """The linker of a cheap model follows the run's length; a model kept from a short run is built
    again for a long one (whose gradients would cost more on the C VM than the callbacks' build), and
    the callbacks, once built, serve a short run too."""
    import pytensor

    if not pytensor.config.cxx:
        pytest.skip("no C++ compiler: every run takes the numba callbacks")
    model = PosteriorModel(diabetes_design, priors.Normal(1.0), likelihoods.Gaussian(), 50.0, plugin_sigma=50.0)
    short = nutpie_adapter.SHORT_RUN_ITERATIONS
    assert nutpie_adapter.linker(model, short) == "c" and nutpie_adapter.linker(model, short + 1) == "callbacks"
    first = nutpie_adapter.compiled(model, 2 * (100 + 100))
    assert model.compiled["nutpie"][2] == "c" and nutpie_adapter.compiled(model, 400) is first
    again = nutpie_adapter.compiled(model, 4 * (1000 + 1000))
    assert again is not first and model.compiled["nutpie"][2] == "callbacks"
    assert nutpie_adapter.compiled(model, 400) is again
    # both sample the same posterior: the closed-form checks of tests/runs (short runs, the C VM) and the
    # golden masters (2 x 1000 iterations, the callbacks) hold each


def _callback_at(compiled_model, x):
    """The value and gradient that nutpie would read from the model's C callback at ``x``."""
    import ctypes

    pointer = ctypes.POINTER(ctypes.c_double)
    x, gradient, value = np.ascontiguousarray(x, dtype=float), np.empty(len(x)), np.empty(1)
    code = compiled_model.compiled_logp_func.ctypes(
        len(x), x.ctypes.data_as(pointer), gradient.ctypes.data_as(pointer), value.ctypes.data_as(pointer),
        ctypes.c_void_p(compiled_model.user_data.ctypes.data))
    return code, value[0], gradient


def test_the_numba_callbacks_return_the_pytensor_function_and_follow_new_data(diabetes_design):
    """priorfit's C callbacks around PyTensor's numba function give that function's log density and
    gradient (nutpie's own callbacks are the slow check: test_the_numba_callbacks_draw_as_nutpies_own),
    read new pm.Data through nutpie's with_data, and are built again for a new shape."""
    model = PosteriorModel(diabetes_design, priors.Laplace(1.0), likelihoods.Gaussian(), likelihoods.HalfNormal(200.0),
                           plugin_sigma=50.0, samplings=2)
    assert model.nutpie_backend == "numba"
    compiled_model = nutpie_adapter.compiled(model)
    points = np.random.default_rng(0).normal(size=(3, compiled_model.n_dim))
    for x in points:
        code, value, gradient = _callback_at(compiled_model, x)
        expected_value, expected_gradient = compiled_model.logp_func(x)
        assert code == 0 and value == float(expected_value) and np.array_equal(gradient, expected_gradient)
    assert _callback_at(compiled_model, np.full(compiled_model.n_dim, 1e300))[0] in (3, 4)  # not finite: nutpie's codes
    before = _callback_at(compiled_model, points[0])[1]
    model.set_data(prior_scale=2.0)
    moved = nutpie_adapter.compiled(model)
    assert moved is not compiled_model and _callback_at(moved, points[0])[1] != before
    model.set_data(prior_scale=1.0)
    assert _callback_at(nutpie_adapter.compiled(model), points[0])[1] == before
    assert nutpie_adapter.with_data(moved, {"prior_scale": np.ones(2)}) is None  # another shape: built again
    data = next(v for v in moved.logp_func.get_shared() if np.size(v.get_value()) > 1)  # of the log density
    value = np.asarray(data.get_value())
    wrong = moved.with_data(**{data.name: np.concatenate([value, value])})  # nutpie's with_data checks the rank only
    assert _callback_at(wrong, points[0])[0] == -1  # refused, not read past the end


@pytest.mark.slow
def test_the_numba_callbacks_draw_as_nutpies_own(diabetes_design):
    """The same draws, to the bit, as nutpie's own compile_pymc_model for the same seed."""
    model = PosteriorModel(diabetes_design, priors.Laplace(1.0), likelihoods.Gaussian(), likelihoods.HalfNormal(200.0),
                           plugin_sigma=50.0, samplings=2)
    ours, theirs = nutpie_adapter.numba_callbacks_model(model.pymc), nutpie.compile_pymc_model(model.pymc)
    assert np.array_equal(_draws(ours), _draws(theirs))


def test_initial_points_are_safe_from_the_chains_threads(diabetes_design):
    """nutpie's chains ask for initial points from their own threads; PyMC's initial-point function,
    called from two threads at once, fails with "'NoneType' object has no attribute 'shape'" (the CI
    failure of every fit after it in one worker). The adapter's takes one call at a time."""
    import threading

    model = PosteriorModel(diabetes_design, priors.RegularizedHorseshoe(tau0=1.0, slab_scale=100.0), likelihoods.Gaussian(),
                           likelihoods.HalfNormal(200.0), plugin_sigma=50.0)
    initial_point = nutpie_adapter._initial_point(model.pymc)
    failures, points = [], []

    def chain(k):
        try:
            points.extend(initial_point(100 * k + i) for i in range(100))
        except Exception as error:  # noqa: BLE001 - counted and reported below
            failures.append(repr(error))

    threads = [threading.Thread(target=chain, args=(k,)) for k in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(points) == 400
    assert all(np.all(np.isfinite(value)) for point in points for value in point.values())
    assert len({float(point["sigma_log__"]) for point in points}) == 400  # jittered: each seed its own
