"""nutpie: the one module that calls it, and the only one that touches its private functions.

nutpie's compiled model of a :class:`~priorfit.models.posterior.PosteriorModel` is built here, on
the backend the model asks for (:attr:`~priorfit.models.posterior.PosteriorModel.nutpie_backend`),
and kept on the model (``model.compiled["nutpie"]``, with its linker) for the next sampling; a
model whose ``pm.Data`` changed since (:meth:`~priorfit.models.posterior.PosteriorModel.set_data`) gets them
through nutpie's ``with_data`` instead of a recompile.

- ``"numba"``: nutpie's public :func:`nutpie.compile_pymc_model`.
- ``"python"``: nutpie calls PyTensor's compiled function (numba, or the C VM for a short run:
  :func:`python_call_mode`; their parts cached on disk) through Python. nutpie's own graph
  preparation is reused (its private ``nutpie.compile_pymc._make_functions`` and
  ``_prepare_dims_and_coords``: the same flat parametrization, initial points and trace variables
  as ``compile_pymc_model``), so with numba the draws are those of the numba backend for the same
  seed (the C VM rounds otherwise). That private API has two known shapes:
  nutpie 0.14.0 to 0.16.8 return 6 values and take no reparameterized names; 0.16.9 to 0.16.11
  (the newest) return 7, the last being the names of the reparameterized value variables, which
  ``_prepare_dims_and_coords`` and ``from_pyfunc`` then take. Both are read; any other shape
  stops with one sentence naming the installed and the supported versions (:func:`private_api`).
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


# the Python-call backend's PyTensor linker for a run of at most this many NUTS iterations (chains x (tune +
# draws)): the C VM, whose ops' code is compiled once per op and kept on disk, so that a new model costs
# about 0.3 s against numba's 2 s for its whole function; a gradient costs about 40 microseconds through it
# against 6 (diabetes, p = 10, measured), so a longer run (4 x 2000 by default) keeps numba
SHORT_RUN_ITERATIONS = 1600


def python_call_linker(iterations: int) -> str:
    """The Python-call backend's linker for a run of ``iterations``: ``"c"`` (the C VM) for a short
    run when a C++ compiler is there (:data:`SHORT_RUN_ITERATIONS`), else ``"numba"``."""
    import pytensor

    return "c" if iterations <= SHORT_RUN_ITERATIONS and pytensor.config.cxx else "numba"


def python_call_mode(linker: str):
    """PyTensor's compile mode of a :func:`python_call_linker` choice."""
    if linker == "numba":
        return "FAST_RUN"
    from pytensor.compile.mode import Mode
    from pytensor.link.vm import VMLinker

    return Mode(VMLinker(use_cloop=True, c_thunks=True), "fast_run")


def compiled(model, iterations: int = SHORT_RUN_ITERATIONS + 1):
    """nutpie's compiled model of ``model`` (a PosteriorModel) on its :attr:`nutpie_backend`,
    built on first use (for a run of ``iterations``: :func:`python_call_linker`) and kept on the
    model; its ``pm.Data`` values as they are now. A model kept from a short run on the C VM is
    compiled again with numba for a long one, whose gradients would cost more than the compile."""
    linker = "callbacks" if model.nutpie_backend == "numba" else python_call_linker(iterations)
    held = model.compiled.get("nutpie")
    if held is not None and held[2] == "c" and linker == "numba":
        held = None
    if held is None:
        if linker == "callbacks":
            import nutpie

            held = (nutpie.compile_pymc_model(model.pymc), model.data_version, linker)
        else:
            held = (calling_pytensor(model.pymc, python_call_mode(linker)), model.data_version, linker)
    elif held[1] != model.data_version and linker == "callbacks":
        # the numba model holds copies of the data; the PyTensor function reads the shared variables
        held = (held[0].with_data(**{k: np.asarray(v) for k, v in model.data_values.items()}), model.data_version, linker)
    model.compiled["nutpie"] = held
    return held[0]


def sample(model, *, draws: int, tune: int, chains: int, cores: int, seed: int, target_accept: float, progress: bool):
    """nutpie's NUTS on :func:`compiled`; an ``xarray.DataTree``."""
    import nutpie

    if model.nutpie_backend == "python":
        cores = 1  # its gradients are Python calls: chains in parallel threads only contend for the GIL
    return nutpie.sample(
        compiled(model, chains * (tune + draws)),
        draws=draws,
        tune=tune,
        chains=chains,
        cores=cores,
        seed=seed,
        target_accept=target_accept,
        save_warmup=False,
        progress_bar=progress,
    )


def calling_pytensor(model, mode="FAST_RUN"):
    """A nutpie model of the PyMC ``model`` whose log density and gradient are a PyTensor function
    compiled in ``mode``, called from nutpie through Python, on nutpie's own graph preparation (see
    the module's text)."""
    from pymc.initial_point import make_initial_point_fn

    import warnings

    api = private_api()
    initial_point = make_initial_point_fn(
        model=model, default_strategy="support_point", jitter_rvs=set(model.free_RVs), return_transformed=True
    )
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
