"""Stan through PyStan 3: the model in Stan's GLM functions (``normal_id_glm``,
``bernoulli_logit_glm``), compiled by httpstan with the system C++ compiler into its cache
(XDG_CACHE_HOME, which the driver names), sampled by ``posterior.sample()`` with Stan's defaults.
The sampling time is that call (the compile is ``stan.build``); it includes PyStan's JSON transfer
of the data to httpstan and of the draws back."""

import time

import httpstan.cache
import stan

import peer_io

spec, X, y = peer_io.workload()
gaussian, fixed = spec["likelihood"] == "gaussian", spec["sigma"] not in (None, "jeffreys")
prior = "double_exponential(0, scale)" if spec["prior"] == "laplace" else "normal(0, scale)"
program = f"""
data {{
  int<lower=0> n;
  int<lower=1> p;
  matrix[n, p] X;
  {"vector[n] y;" if gaussian else "array[n] int<lower=0, upper=1> y;"}
  real<lower=0> scale;
  {"real<lower=0> sigma;" if fixed else ""}
}}
parameters {{
  real intercept;
  vector[p] coef;
  {"real<lower=0> sigma;" if gaussian and not fixed else ""}
}}
model {{
  coef ~ {prior};
  {"target += -log(sigma);" if gaussian and not fixed else ""}
  {"y ~ normal_id_glm(X, intercept, coef, sigma);" if gaussian else "y ~ bernoulli_logit_glm(X, intercept, coef);"}
}}
"""
data = {"n": X.shape[0], "p": X.shape[1], "X": X, "y": y if gaussian else y.astype(int), "scale": spec["scale"]}
if fixed:
    data["sigma"] = float(spec["sigma"])
posterior = stan.build(program, data=data, random_seed=spec["seed"])
# httpstan keeps every seeded fit and hands it back for the same request: drop them, so that this run samples
for kept in httpstan.cache.model_directory(posterior.model_name).glob("**/*.jsonlines.gz"):
    kept.unlink()
start = time.time()
fit = posterior.sample(num_chains=spec["chains"], num_samples=spec["draws"], num_warmup=spec["tune"])
sampling_s = time.time() - start
chains, draws, p = spec["chains"], spec["draws"], X.shape[1]
coef = fit["coef"].reshape(p, draws, chains).transpose(2, 1, 0)  # PyStan interleaves the chains: draw * chains + chain
peer_io.report(coef, tool=f"pystan {stan.__version__}, httpstan {httpstan.__version__}", sampler="Stan NUTS",
               sampling_s=sampling_s, steps=fit["n_leapfrog__"], diverging=fit["divergent__"])
