"""Plain PyMC: the row-wise model as a PyMC user writes it, sampled by ``pm.sample()`` with its
defaults (PyMC 6 takes nutpie where it is installed, as in priorfit's environment, else its own
NUTS). The sampling time is PyMC's own ``sampling_time``, after the model is compiled."""

import pymc as pm
import pytensor.tensor as pt

import peer_io

spec, X, y = peer_io.workload()
with pm.Model():
    prior = pm.Laplace if spec["prior"] == "laplace" else pm.Normal
    coef = prior("coef", 0.0, spec["scale"], shape=X.shape[1])
    eta = pm.Flat("intercept") + pt.dot(X, coef)
    if spec["likelihood"] == "bernoulli":
        pm.Bernoulli("y", logit_p=eta, observed=y)
    else:
        sigma = spec["sigma"]
        if sigma == "jeffreys":
            sigma = pm.HalfFlat("sigma")
            pm.Potential("jeffreys", -pt.log(sigma))
        pm.Normal("y", mu=eta, sigma=sigma, observed=y)
    tree = pm.sample(draws=spec["draws"], tune=spec["tune"], chains=spec["chains"], random_seed=spec["seed"],
                     progressbar=False, compute_convergence_checks=False)
posterior, stats = tree["posterior"], tree["sample_stats"]
peer_io.report(posterior["coef"].values, tool=f"pymc {pm.__version__}", sampler=posterior.attrs["inference_library"].replace("pymc", "PyMC NUTS"),
               sampling_s=posterior.attrs["sampling_time"], steps=stats["n_steps"].values,
               diverging=stats["diverging"].values)
