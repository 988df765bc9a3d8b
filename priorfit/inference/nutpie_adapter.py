"""nutpie: the one module that calls it, and the only one that touches its private functions.

nutpie's compiled model of a :class:`~priorfit.models.posterior.PosteriorModel` is built here, in
one of two ways (:func:`linker`), and kept on the model (``model.compiled["nutpie"]``, with its way)
for the next sampling; a model whose ``pm.Data`` changed since
(:meth:`~priorfit.models.posterior.PosteriorModel.set_data`) gets them through nutpie's ``with_data``
instead of a rebuild.

- ``"callbacks"``: nutpie's numba model with priorfit's C callbacks around PyTensor's numba function
  (:func:`numba_callbacks_model`, :mod:`~priorfit.inference.numba_callbacks`; nutpie's own
  :func:`nutpie.compile_pymc_model` spends 9-11 s a model compiling its callbacks).
- ``"c"``: for a short run of a cheap model, nutpie calls PyTensor's function on the C VM (its ops
  cached on disk) through Python (:func:`calling_pytensor`).

Both reuse nutpie's own graph preparation (its private ``nutpie.compile_pymc._make_functions`` and
``_prepare_dims_and_coords``: the same flat parametrization, initial points and trace variables as
``compile_pymc_model``), so the callbacks draw what nutpie's own numba model draws for the same seed
(tested, to the bit); the C VM rounds otherwise. That private API has two known shapes: nutpie
0.14.0 to 0.16.8 return 6 values and take no reparameterized names; 0.16.9 to 0.16.11 (the newest)
return 7, the last being the names of the reparameterized value variables, which
``_prepare_dims_and_coords`` and ``from_pyfunc`` then take. Both are read (with the 6, the numba
model is nutpie's own); any other shape stops with one sentence naming the installed and the
supported versions (:func:`private_api`).
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any

import numpy as np

from priorfit.errors import InputError

# the nutpie versions whose private API :func:`private_api` knows (pyproject.toml asks for >=0.16.9,<0.17)
SUPPORTED = "0.14.0 to 0.16.11"
_MAKE_FUNCTIONS_KEYWORDS = ("mode", "compute_grad", "join_expanded", "pymc_initial_point_fn")


@dataclass(frozen=True)
class PrivateApi:
    """nutpie's private functions the Python-call backend uses, as the installed version has them."""

    version: str
    make_functions: Any
    prepare_dims_and_coords: Any
    from_pyfunc: Any
    reparameterized: bool  # 0.16.9 and later: a 7th value, taken by the two functions below it

    def unpack(self, values: tuple) -> tuple:
        """``(n_dim, logp_fn, expand_fn, initial_point_fn, shape_info, reparameterized_names)`` of
        ``_make_functions``' 6 or 7 values (``reparameterized_names`` None with 6)."""
        if len(values) != (7 if self.reparameterized else 6) or len(values[5]) != 3:
            _unsupported(self.version, f"_make_functions returned {len(values)} values")
        n_dim, _, logp_fn, expand_fn, initial_point_fn, shape_info, *rest = values
        return n_dim, logp_fn, expand_fn, initial_point_fn, shape_info, (rest[0] if rest else None)

    def dims_and_coords(self, model, shape_info, reparameterized_names):
        if self.reparameterized:
            return self.prepare_dims_and_coords(model, shape_info, reparameterized_names)
        return self.prepare_dims_and_coords(model, shape_info)

    def reparameterized_keyword(self, reparameterized_names) -> dict:
        return {"reparameterized_names": reparameterized_names} if self.reparameterized else {}


def _unsupported(version: str, what: str):
    raise InputError(
        f"nutpie {version} is not supported ({what}): priorfit's sampling through Python calls reads nutpie's "
        f"private API of versions {SUPPORTED}; install one of those (pip install 'nutpie>=0.16.9,<0.17') or "
        "sample with --sampler pymc."
    )


def private_api() -> PrivateApi:
    """nutpie's private functions, checked against the shapes :data:`SUPPORTED` versions have."""
    import nutpie

    version = str(getattr(nutpie, "__version__", "(unknown version)"))
    try:
        import nutpie.compile_pymc as compile_pymc
        import nutpie.compiled_pyfunc as compiled_pyfunc
    except ImportError as error:
        _unsupported(version, f"it has no module {error.name}")
    for module, name in ((compile_pymc, "_make_functions"), (compile_pymc, "_prepare_dims_and_coords"),
                         (compiled_pyfunc, "from_pyfunc")):
        if not callable(getattr(module, name, None)):
            _unsupported(version, f"it has no {module.__name__}.{name}")
    _make_functions, _prepare_dims_and_coords = compile_pymc._make_functions, compile_pymc._prepare_dims_and_coords
    from_pyfunc = compiled_pyfunc.from_pyfunc
    keywords = inspect.signature(_make_functions).parameters
    missing = [k for k in _MAKE_FUNCTIONS_KEYWORDS if k not in keywords]
    if missing:
        _unsupported(version, f"its _make_functions takes no {', '.join(missing)}")
    arity = len(inspect.signature(_prepare_dims_and_coords).parameters)
    takes_names = "reparameterized_names" in inspect.signature(from_pyfunc).parameters
    if arity not in (2, 3) or takes_names != (arity == 3):
        _unsupported(version, f"its _prepare_dims_and_coords takes {arity} arguments")
    return PrivateApi(version, _make_functions, _prepare_dims_and_coords, from_pyfunc, arity == 3)


# a run of at most this many NUTS iterations (chains x (tune + draws)) of a model whose gradient is cheap
# (PosteriorModel.nutpie_backend "python") calls PyTensor's C VM through Python: its ops' code is compiled once
# per op and kept on disk, so that a new model costs 0.4-1 s (cold caches: a few seconds, shared by every later
# model), then about 100 microseconds a gradient with nutpie's Python overhead; a longer run (4 x 2000 by default)
# takes the numba callbacks, 1.8-3.3 s to build from warm caches (larger graphs take longer) and about 1 microsecond a gradient on every core
# (diabetes, p = 10, 44,000 gradients: 1.8 s in all against 6-7 s on the C VM and 4.5-5.5 s with numba through
# Python, measured)
SHORT_RUN_ITERATIONS = 1600


def linker(model, iterations: int) -> str:
    """How nutpie evaluates ``model`` (a PosteriorModel) for a run of ``iterations``: ``"c"``, the C VM
    through Python calls, for a short run of a cheap model when a C++ compiler is there
    (:data:`SHORT_RUN_ITERATIONS`); else ``"callbacks"``, the numba callbacks."""
    import pytensor

    short = iterations <= SHORT_RUN_ITERATIONS and bool(pytensor.config.cxx)
    return "c" if model.nutpie_backend == "python" and short else "callbacks"


def c_vm_mode():
    """PyTensor's C VM (C thunks, C loop) with its fast_run rewrites."""
    from pytensor.compile.mode import Mode
    from pytensor.link.vm import VMLinker

    return Mode(VMLinker(use_cloop=True, c_thunks=True), "fast_run")


def compiled(model, iterations: int = SHORT_RUN_ITERATIONS + 1):
    """nutpie's compiled model of ``model`` (a PosteriorModel) for a run of ``iterations`` (:func:`linker`),
    built on first use and kept on the model, with its ``pm.Data`` values as they are now. A model kept
    from a short run on the C VM is built again with the callbacks for a long one; the callbacks, once
    built, serve every run."""
    wanted = linker(model, iterations)
    held = model.compiled.get("nutpie")
    if held is not None and held[2] == "c" and wanted == "callbacks":
        held = None
    if held is None:
        if wanted == "callbacks":
            held = (numba_callbacks_model(model.pymc), model.data_version, wanted)
        else:
            held = (calling_pytensor(model.pymc, c_vm_mode()), model.data_version, wanted)
    elif held[1] != model.data_version and held[2] == "callbacks":
        # the callbacks read copies of the data; the C VM's function reads the shared variables
        values = {k: np.asarray(v) for k, v in model.data_values.items()}
        held = (with_data(held[0], values) or numba_callbacks_model(model.pymc), model.data_version, held[2])
    model.compiled["nutpie"] = held
    return held[0]


def sample(model, *, draws: int, tune: int, chains: int, cores: int, seed: int, target_accept: float, progress: bool):
    """nutpie's NUTS on :func:`compiled`; an ``xarray.DataTree``."""
    import nutpie

    compiled_model = compiled(model, chains * (tune + draws))
    if model.compiled["nutpie"][2] == "c":
        cores = 1  # its gradients are Python calls: chains in parallel threads only contend for the GIL
    return nutpie.sample(
        compiled_model,
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        seed=seed,
        target_accept=target_accept,
        save_warmup=False,
        progress_bar=progress,
    )


def numba_callbacks_model(model):
    """nutpie's numba model of the PyMC ``model``: nutpie's own graph preparation and model class (as
    :func:`nutpie.compile_pymc_model` has them), with priorfit's C callbacks
    (:mod:`~priorfit.inference.numba_callbacks`), which numba compiles in 1-2 s (the whole model:
    1.8-3.3 s) where nutpie's take 9-11 s. An installed nutpie whose model class has other fields gets its own
    :func:`nutpie.compile_pymc_model`."""
    import dataclasses
    import uuid

    import nutpie
    import nutpie.compile_pymc as compile_pymc
    from priorfit.inference import numba_callbacks

    api = private_api()
    fields = {field.name for field in dataclasses.fields(compile_pymc.CompiledPyMCModel)}
    if not api.reparameterized or not callable(getattr(compile_pymc, "make_user_data", None)) or \
            not _CALLBACK_MODEL_FIELDS <= fields:
        return nutpie.compile_pymc_model(model)
    initial_point = _initial_point(model)
    n_dim, n_expanded, logp_fn, expand_fn, initial_point_fn, shape_info, reparameterized = api.make_functions(
        model, mode="NUMBA", compute_grad=True, join_expanded=True, pymc_initial_point_fn=initial_point
    )
    shared_data, keys = {}, {}  # as nutpie's: read-only copies, one key per shared variable
    for variable in [*logp_fn.get_shared(), *expand_fn.get_shared()]:
        if variable not in keys:
            keys[variable] = uuid.uuid4().hex
            shared_data[keys[variable]] = np.array(variable.get_value(), order="C", copy=True)
            shared_data[keys[variable]].flags.writeable = False
    order = list(keys.values())

    def callback_parts(fn):
        shared = fn.get_shared()
        return [order.index(keys[v]) for v in shared], [shared_data[keys[v]] for v in shared], len(order)

    dims, coords = api.dims_and_coords(model, shape_info, reparameterized)
    return compile_pymc.CompiledPyMCModel(
        _n_dim=n_dim, dims=dims, _coords=coords, _shapes={name: tuple(shape) for name, _, shape in zip(*shape_info)},
        compiled_logp_func=numba_callbacks.logp_callback(n_dim, logp_fn.vm.jit_fn, *callback_parts(logp_fn)),
        compiled_expand_func=numba_callbacks.expand_callback(n_dim, n_expanded, expand_fn.vm.jit_fn,
                                                             *callback_parts(expand_fn)),
        initial_point_func=initial_point_fn, shared_data=shared_data, shared_var_keys=keys,
        user_data=compile_pymc.make_user_data(keys, shared_data), n_expanded=n_expanded, shape_info=shape_info,
        logp_func=logp_fn, expand_func=expand_fn, reparameterized_names=reparameterized,
    )


def _initial_point(model):
    """PyMC's initial points as :func:`nutpie.compile_pymc_model` makes them (support points, jittered),
    one call at a time: nutpie's chains ask for them from their own threads, and PyMC's initial-point
    function called from two threads at once fails (its PyTensor function's outputs are None)."""
    import threading

    from pymc.initial_point import make_initial_point_fn

    initial_point = make_initial_point_fn(
        model=model, default_strategy="support_point", jitter_rvs=set(model.free_RVs), return_transformed=True
    )
    lock = threading.Lock()

    def one_at_a_time(seed):
        with lock:
            return initial_point(seed)

    return one_at_a_time


_CALLBACK_MODEL_FIELDS = {"_n_dim", "dims", "_coords", "_shapes", "compiled_logp_func", "compiled_expand_func",
                          "initial_point_func", "shared_data", "shared_var_keys", "user_data", "n_expanded", "shape_info",
                          "logp_func", "expand_func", "reparameterized_names"}


def with_data(compiled_model, values: dict):
    """``compiled_model`` with new values of its ``pm.Data`` (nutpie's ``with_data``), or None where a
    value's shape changed: priorfit's callbacks fix the shapes they were built with."""
    shapes = {variable.name: compiled_model.shared_data[key].shape
              for variable, key in getattr(compiled_model, "shared_var_keys", {}).items()}
    if any(name in shapes and np.shape(value) != shapes[name] for name, value in values.items()):
        return None
    return compiled_model.with_data(**values)


def calling_pytensor(model, mode="FAST_RUN"):
    """A nutpie model of the PyMC ``model`` whose log density and gradient are a PyTensor function
    compiled in ``mode``, called from nutpie through Python, on nutpie's own graph preparation (see
    the module's text)."""
    import warnings

    api = private_api()
    initial_point = _initial_point(model)
    with warnings.catch_warnings():
        # the C VM's BLAS ops fall back to NumPy's C API where PyTensor finds no BLAS to link (a pip install):
        # measured above, at the sizes this backend takes, and so not the user's concern
        warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS installation")
        n_dim, logp_fn, expand_fn, initial_point_fn, shape_info, reparameterized = api.unpack(api.make_functions(
            model, mode=mode, compute_grad=True, join_expanded=False, pymc_initial_point_fn=initial_point
        ))
    names, _, shapes = shape_info

    def make_logp_fn():
        fn = logp_fn.copy()  # one per chain: a compiled function keeps its own buffers
        fn.trust_input = True

        def logp(x):
            value, grad = fn(x)
            return float(value), grad

        return logp

    def make_expand_fn(seed1, seed2, chain):
        fn = expand_fn.copy()
        fn.trust_input = True

        def expand(x):
            return {
                name: np.asarray(value, dtype="float64", order="C").reshape(shape)
                for name, value, shape in zip(names, fn(x), shapes, strict=True)
            }

        return expand

    dims, coords = api.dims_and_coords(model, shape_info, reparameterized)
    return api.from_pyfunc(
        n_dim, make_logp_fn, make_expand_fn, [np.dtype("float64")] * len(names), shapes, names,
        coords=coords, dims=dims, make_initial_point_fn=initial_point_fn, **api.reparameterized_keyword(reparameterized),
    )
