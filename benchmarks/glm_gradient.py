"""The cost of one value and gradient of the Bernoulli's log density on workload D's shape (n = 20,000
rows, p = 20, a typical point), each way it can be computed, as ratios to pm.Bernoulli's (the baseline,
run in the same process): priorfit's row density (``Bernoulli.log_density``) in a PyMC model, both
through PyTensor's numba code, and NumPy. docs/performance.md, "GLMs on rows".

``--jax`` times the same density in JAX instead (jitted and called from Python, as nutpie's JAX backend
would call it, and inside one XLA loop, as NumPyro's NUTS runs it); it needs only NumPy and JAX, so it
runs in NumPyro's environment (benchmarks/peers/README.md): ``$PRIORFIT_PEER_ENVS/numpyro/bin/python
benchmarks/glm_gradient.py --jax``.

Run: python benchmarks/glm_gradient.py [--jax]
"""

import sys
import time

import numpy as np

N, P, CALLS = 20_000, 20, 2_000


def data():
    rng = np.random.default_rng(0)
    X = rng.standard_normal((N, P))
    y = (rng.random(N) < 0.5).astype(float)
    return X, y, np.full(P + 1, 0.1)  # coefficients and intercept at 0.1: eta spread like a fit's


def per_call(f, *args) -> float:
    f(*args)
    start = time.perf_counter()
    for _ in range(CALLS):
        f(*args)
    return (time.perf_counter() - start) / CALLS


def pymc_models(X, y, x):
    import pymc as pm

    from priorfit.models import likelihoods

    family = likelihoods.get("bernoulli")
    out = {}
    for label in ("pm.Bernoulli", "priorfit's log_density"):
        with pm.Model() as model:
            coef = pm.Normal("coef", 0.0, 1.0, shape=P)
            intercept = pm.Flat("intercept")
            eta = pm.Data("X", X) @ coef + intercept
            if label == "pm.Bernoulli":
                pm.Bernoulli("y", logit_p=eta, observed=pm.Data("y_observed", y))
            else:
                pm.CustomDist("y", eta, logp=family.log_density, observed=pm.Data("y_observed", y))
        fn = model.logp_dlogp_function(ravel_inputs=True, mode="NUMBA")._pytensor_function
        fn.trust_input = True
        out[label] = (per_call(fn, x), float(fn(x)[0]))
    return out


def numpy_density(X, y, x):
    def value_and_gradient(x):
        eta = X @ x[:P] + x[P]
        e = np.exp(-np.abs(eta))
        residual = y - np.where(eta >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
        return (y * eta - np.maximum(eta, 0.0) - np.log1p(e)).sum(), X.T @ residual, residual.sum()

    return per_call(value_and_gradient, x), float(value_and_gradient(x)[0])


def jax_density(X, y, x):
    import jax
    import jax.numpy as jnp

    jax.config.update("jax_enable_x64", True)
    Xj, yj = jnp.asarray(X), jnp.asarray(y)

    def log_density(x):
        eta = Xj @ x[:P] + x[P]
        return jnp.sum(yj * eta - jax.nn.softplus(eta))

    value_and_grad = jax.value_and_grad(log_density)
    called = jax.jit(value_and_grad)

    @jax.jit
    def loop(x):  # CALLS gradients in one XLA program; the step is too small to move the point
        return jax.lax.fori_loop(0, CALLS, lambda i, x: x + 1e-12 * value_and_grad(x)[1], x)

    xj = jnp.asarray(x)
    from_python = per_call(lambda x: np.asarray(called(x)[1]), xj)
    loop(xj).block_until_ready()
    start = time.perf_counter()
    loop(xj).block_until_ready()
    return {"JAX, jitted, called from Python": from_python,
            "JAX, inside one XLA loop": (time.perf_counter() - start) / CALLS}, float(called(xj)[0])


def main() -> None:
    X, y, x = data()
    if "--jax" in sys.argv:
        times, value = jax_density(X, y, x)
        for label, seconds in times.items():
            print(f"{label:40s} {seconds * 1e3:6.3f} ms a call  (log density {value:.10f})")
        return
    timed = pymc_models(X, y, x)
    timed["NumPy, one exp and one log1p a row"] = numpy_density(X, y, x)
    baseline = timed["pm.Bernoulli"][0]
    for label, (seconds, value) in timed.items():
        print(f"{label:40s} {seconds * 1e3:6.3f} ms a call  x{baseline / seconds:4.2f} of pm.Bernoulli's speed  "
              f"(log density {value:.10f})")


if __name__ == "__main__":
    main()
