"""A model of the same structure on other data or another scale compiles nothing new: the data,
the hyperparameters and the whitening are inputs of the compiled graphs, not constants in them
(PyTensor's compile cache keys a graph by its constants' values)."""

import dataclasses

import numba.core.event as numba_event
import numpy as np
import pytest

from priorfit.data import design as data
from priorfit.inference import nutpie_adapter
from priorfit.models import likelihoods, priors
from priorfit.models.posterior import PosteriorModel


class _Compiles(numba_event.Listener):
    """Counts numba compiles (numba fires ``numba:compile`` only when nothing cached serves)."""

    def __init__(self):
        self.count = 0

    def on_start(self, event):
        self.count += 1

    def on_end(self, event):
        pass


def _model(design, scale, sigma):
    model = PosteriorModel(design, priors.Laplace(scale), likelihoods.Gaussian(), sigma, plugin_sigma=sigma)
    assert model.whitening is not None and model.nutpie_backend == "python"
    return model


def _compile_and_check(model, rng):
    """Compile what a fit compiles from the model's graphs (the polish's functions of the mode
    model, nutpie's log density of the whitened one, both log densities) and check that the
    whitened density is the mode model's at ``w = shift + L z`` plus log|det L|: the whitening
    in the compiled graph is this model's."""
    functions = model.mode_functions()
    x = functions.flat(model.mode_model.initial_point()) + 0.1 * rng.standard_normal(functions.size)
    functions.gradient(x)
    functions.hessian(x, np.arange(3))
    functions.point(x)
    nutpie_adapter.compiled(model)
    shift, chol = model.whitening.shift, model.whitening.chol
    z, centred = rng.standard_normal(model.design.p), 150.0
    whitened = model.pymc.compile_logp()({"coef_whiten__": z, "intercept_centred": centred})
    plain = model.mode_model.compile_logp()({"coef": shift + chol @ z, "intercept_centred": centred})
    np.testing.assert_allclose(whitened, plain + np.sum(np.log(np.diag(chol))), rtol=1e-12)


@pytest.fixture
def compiles():
    listener = _Compiles()
    numba_event.register("numba:compile", listener)
    yield listener
    numba_event.unregister("numba:compile", listener)


def test_other_data_and_another_scale_compile_nothing_new(diabetes, diabetes_design, compiles):
    rng = np.random.default_rng(5)
    _compile_and_check(_model(diabetes_design, 2.0, 50.0), rng)
    # the same shape, other values: other rows of X, another y, another scale and sigma
    rows = rng.choice(diabetes.n, diabetes.n)
    other = data.make_design(dataclasses.replace(diabetes, X=diabetes.X[rows], y=rng.permutation(diabetes.y)))
    before = compiles.count
    _compile_and_check(_model(other, 7.0, 30.0), rng)
    assert compiles.count == before


@pytest.mark.parametrize("name", ["gaussian", "bernoulli", "poisson", "student_t", "laplace", "quantile"])
def test_the_mode_functions_evaluate_each_row_op_with_numpy(name):
    """On PyTensor's Python VM an elementwise op without a NumPy function calls its scalar code once
    an element: over the rows, that was 8.8 ms a value of the Bernoulli's on 20,000 rows (softplus,
    from a stabilizing rewrite, priorfit.models.posterior.PYTHON_MODE_EXCLUDED). Every op over the
    rows of every family's mode functions, under a smooth and a kinked prior, has one."""
    from pytensor.tensor.elemwise import Elemwise

    from priorfit.models.likelihoods import sigma as sigma_priors

    rng = np.random.default_rng(0)
    X = rng.standard_normal((40, 3))
    eta = X @ [0.5, -0.5, 0.2]
    family = likelihoods.get(name, nu=3.0, quantile=0.7)
    y = family.simulate(eta, 1.0 if family.has_dispersion else None, rng)
    design = data.make_design(data.Dataset("rows", X, y, ("a", "b", "c")))
    sigma = sigma_priors.Jeffreys() if family.has_dispersion else None
    for prior in (priors.Normal(1.0), priors.Laplace(1.0)):
        functions = PosteriorModel(design, prior, family, sigma, plugin_sigma=1.0).mode_functions()
        per_element = {
            str(node.op)
            for fn in (functions._value, functions._gradient, functions._products)
            for node in fn.maker.fgraph.apply_nodes
            if isinstance(node.op, Elemwise) and node.op.nfunc_spec is None
            and any(out.type.shape[-1:] != (1,) and out.ndim for out in node.outputs)
        }
        assert not per_element, (name, prior.name, per_element)
