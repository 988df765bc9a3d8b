"""The two C callbacks nutpie's numba backend calls (log density with gradient, and the expansion to
the model's variables), written around PyTensor's numba function of a model.

nutpie builds its own (``nutpie.compile_pymc._make_c_logp_func``): they read the shared data
through a record of pointers, shapes and sizes, reshape with checks, and format error messages, and
numba compiles that machinery again for every model (nutpie does not cache its callbacks on disk):
9-11 s a model on this project's 2-core machine, whatever its size. The regularized horseshoe on
diabetes, warm caches: 11.4-13.1 s to build the model with nutpie's callbacks, 2.5-3.3 s with these,
of which about 1.3 s is nutpie's graph preparation and PyTensor's rewrites. These callbacks do the
same work with the shapes of the shared data fixed when they are built (a change of shape builds
them again:
:func:`~priorfit.inference.nutpie_adapter.compiled`), plain loops, and no messages, so that numba
compiles only them; PyTensor's function inside comes from its disk cache. They read the same
``user_data`` record as nutpie's (its first fields are the shared arrays' addresses, in the order
of its keys), so nutpie's ``with_data`` works on them unchanged, and they return nutpie's codes
(0 ok, -1 a wrong dimension, 1 or -2 an exception, 3 a non-finite gradient, 4 a non-finite value):
nutpie's draws for the same seed, to the bit (tested).
"""

from __future__ import annotations

import numpy as np


def _address_as_void_pointer():
    import numba
    from numba.core import cgutils

    @numba.extending.intrinsic
    def address_as_void_pointer(typingctx, address):
        def codegen(context, builder, signature, args):
            return builder.inttoptr(args[0], cgutils.voidptr_t)

        return numba.types.voidptr(address), codegen

    return address_as_void_pointer


def _build(source: str, name: str, inner, signature):
    """The C callback of ``source``. It is compiled for each model and not kept on disk: numba's cache
    of such a callback (under a key of its source and of PyTensor's hash of ``inner``'s graph) saved
    0.3-0.6 s a model (the default compare's three samplings: 8.6 s -> 7.8 s warm), and one warm run
    that loaded them died with a segmentation fault. That run also had initial points asked for from
    two threads at once (since locked: :func:`~priorfit.inference.nutpie_adapter.numba_callbacks_model`),
    the likelier cause, and eight more runs with the cache were clean; still, not worth the doubt."""
    import numba

    scope = {"numba": numba, "np": np, "inner": inner, "address_as_void_pointer": _address_as_void_pointer()}
    exec(compile(source, f"<priorfit {name} callback>", "exec"), scope)  # noqa: S102 - source written above
    return numba.cfunc(signature)(scope[name])


def _source(head: str, guard: str, n_dim: int, n_out: int, slots: list[int], arrays: list[np.ndarray], count: int,
            call: str, failed: int, tail: list[str]) -> str:
    """A callback's source: ``head`` and a ``guard`` on its dimensions (-1 when it fails), views of
    ``x``, of the ``n_out`` outputs and of each shared array at its address (slot ``slots[i]`` of the
    ``count`` addresses the record starts with, its shape and dtype fixed; -1 where the record's size
    of it, the next ``count`` fields, is another), then ``call`` of ``inner`` on them (``failed``
    where it raises) and the ``tail``."""
    lines = [head, f"    if {guard}:", "        return -1",
             f"    record = numba.carray(user_data_, ({max(2 * count, 1)},), np.uintp)"]  # addresses, then sizes
    for i, (slot, array) in enumerate(zip(slots, arrays, strict=True)):
        lines += [f"    if record[{count + slot}] != {array.size}:",  # data of another shape: refused, not misread
                  "        return -1",
                  f"    s{i} = numba.carray(address_as_void_pointer(record[{slot}]), {tuple(array.shape)!r}, "
                  f"np.{array.dtype.name})"]
    shared = "".join(f", s{i}" for i in range(len(arrays)))
    return "\n".join([*lines, f"    x = numba.carray(x_, ({n_dim},))", f"    out = numba.carray(out_, ({n_out},))",
                      "    try:", f"        {call}(x{shared})", "    except Exception:", f"        return {failed}", *tail])


def logp_callback(n_dim: int, inner, slots: list[int], arrays: list[np.ndarray], count: int):
    """The ``logp(dim, x, gradient, logp, user_data)`` C callback of PyTensor's numba function
    ``inner(x, *shared) -> (logp, gradient)``, its shared arrays at ``slots`` of the record."""
    from numba import types

    source = _source("def logp(dim, x_, out_, logp_, user_data_):", f"dim != {n_dim}", n_dim, n_dim, slots, arrays,
                     count, "value, grad = inner", 1, [
                         "    logp = numba.carray(logp_, (1,))",
                         "    logp[0] = value.item()",
                         "    finite = True",
                         f"    for i in range({n_dim}):",
                         "        out[i] = grad[i]",
                         "        finite = finite and np.isfinite(grad[i])",
                         "    if not finite:",
                         "        return 3",
                         "    if not np.isfinite(logp[0]):",
                         "        return 4",
                         "    return 0",
                     ])
    signature = types.int64(types.uint64, types.CPointer(types.double), types.CPointer(types.double),
                            types.CPointer(types.double), types.voidptr)
    return _build(source, "logp", inner, signature)


def expand_callback(n_dim: int, n_expanded: int, inner, slots: list[int], arrays: list[np.ndarray], count: int):
    """The ``expand(dim, expanded, x, out, user_data)`` C callback of PyTensor's numba function
    ``inner(x, *shared) -> (values,)`` (the model's variables, joined)."""
    from numba import types

    source = _source("def expand(dim, expanded, x_, out_, user_data_):", f"dim != {n_dim} or expanded != {n_expanded}",
                     n_dim, n_expanded, slots, arrays, count, "(values,) = inner", -2, [
                         f"    for i in range({n_expanded}):",
                         "        out[i] = values[i]",
                         "    return 0",
                     ])
    signature = types.int64(types.uint64, types.uint64, types.CPointer(types.double), types.CPointer(types.double),
                            types.voidptr)
    return _build(source, "expand", inner, signature)
