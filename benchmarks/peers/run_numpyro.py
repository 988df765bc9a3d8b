"""NumPyro: the model in float64 on JAX's CPU backend, one device per chain (chains in parallel),
sampled by ``MCMC(NUTS(model))`` with its defaults. The sampling time is ``mcmc.run`` less the
time JAX spent tracing, lowering and compiling inside it (``jax.monitoring``'s compile events);
JAX's persistent compilation cache is the folder the driver names (JAX_COMPILATION_CACHE_DIR)."""

import time

import jax
import jax.numpy as jnp
import numpyro
from jax import monitoring
from numpyro import distributions as dist
from numpyro.infer import MCMC, NUTS

import peer_io

spec, X, y = peer_io.workload()
numpyro.set_host_device_count(spec["chains"])  # before JAX's CPU backend starts, at the first computation
numpyro.enable_x64()

COMPILE_EVENTS = ("/jax/core/compile/jaxpr_trace_duration", "/jax/core/compile/jaxpr_to_mlir_module_duration",
                  "/jax/core/compile/backend_compile_duration")
spans = []
monitoring.register_event_time_span_listener(
    lambda event, start, end, **_: spans.append((start, end)) if event in COMPILE_EVENTS else None)


def compiling(since: float) -> float:
    """Seconds since ``since`` spent in JAX's compile events (their union: nested traces count once)."""
    total, reached = 0.0, since
    for start, end in sorted(spans):
        start = max(start, reached)
        if end > start:
            total, reached = total + end - start, end
    return total


def model(X, y):
    p = X.shape[1]
    prior = dist.Laplace(0.0, spec["scale"]) if spec["prior"] == "laplace" else dist.Normal(0.0, spec["scale"])
    coef = numpyro.sample("coef", prior.expand([p]).to_event(1))
    eta = numpyro.sample("intercept", dist.ImproperUniform(dist.constraints.real, (), ())) + X @ coef
    if spec["likelihood"] == "bernoulli":
        numpyro.sample("y", dist.BernoulliLogits(eta), obs=y)
        return
    sigma = spec["sigma"]
    if sigma == "jeffreys":
        sigma = numpyro.sample("sigma", dist.ImproperUniform(dist.constraints.positive, (), ()))
        numpyro.factor("jeffreys", -jnp.log(sigma))
    numpyro.sample("y", dist.Normal(eta, sigma), obs=y)


mcmc = MCMC(NUTS(model), num_warmup=spec["tune"], num_samples=spec["draws"], num_chains=spec["chains"],
            progress_bar=False)
start = time.time()
mcmc.run(jax.random.PRNGKey(spec["seed"]), jnp.asarray(X), jnp.asarray(y), extra_fields=("num_steps", "diverging"))
jax.block_until_ready(mcmc.get_samples())
sampling_s = time.time() - start - compiling(start)
extra = mcmc.get_extra_fields(group_by_chain=True)
peer_io.report(mcmc.get_samples(group_by_chain=True)["coef"], tool=f"numpyro {numpyro.__version__}, jax {jax.__version__}",
               sampler="numpyro NUTS", sampling_s=sampling_s, steps=extra["num_steps"], diverging=extra["diverging"])
