"""bambi: the formula ``y ~ x0 + ... + x{p-1}`` on the design's columns, every prior given
(``auto_scale=False``: bambi would rescale a Normal prior), a flat intercept, Jeffreys' sigma as a
custom prior, sampled by ``Model.fit()`` (``pm.sample``; this environment has no nutpie, so PyMC's
own NUTS). The sampling time is PyMC's ``sampling_time``."""

import bambi as bmb
import numpy as np
import pandas as pd
import pymc as pm
import pytensor.tensor as pt

import peer_io


def jeffreys(name, **_):
    """p(sigma) proportional to 1/sigma, as priorfit's ``jeffreys`` sigma prior."""
    sigma = pm.HalfFlat(name)
    pm.Potential(f"{name}_jeffreys", -pt.log(sigma))
    return sigma


spec, X, y = peer_io.workload()
columns = [f"x{j}" for j in range(X.shape[1])]
frame = pd.DataFrame(X, columns=columns).assign(y=y)
scale = {"b": spec["scale"]} if spec["prior"] == "laplace" else {"sigma": spec["scale"]}
priors = {"common": bmb.Prior(spec["prior"].capitalize(), mu=0.0, auto_scale=False, **scale),
          "Intercept": bmb.Prior("Flat", auto_scale=False)}
if spec["likelihood"] == "gaussian":
    sigma = spec["sigma"]
    priors["sigma"] = float(sigma) if sigma != "jeffreys" else bmb.Prior("Jeffreys", dist=jeffreys, auto_scale=False)
model = bmb.Model("y ~ " + " + ".join(columns), frame, family=spec["likelihood"], priors=priors)
tree = model.fit(draws=spec["draws"], tune=spec["tune"], chains=spec["chains"], random_seed=spec["seed"],
                 progressbar=False, compute_convergence_checks=False)
posterior, stats = tree["posterior"], tree["sample_stats"]
peer_io.report(np.stack([posterior[c].values for c in columns], axis=-1), tool=f"bambi {bmb.__version__}",
               sampler=posterior.attrs["inference_library"].replace("pymc", "PyMC NUTS"), sampling_s=posterior.attrs["sampling_time"],
               steps=stats["n_steps"].values, diverging=stats["diverging"].values)
