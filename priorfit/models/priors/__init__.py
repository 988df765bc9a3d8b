"""The prior registry: densities on the coefficient vector, and nothing about penalties.

Each prior is one class in its own file of this package, registered by ``name``: how it builds
``coef`` inside a PyMC model, whether it has a meaningful mode, its Gaussian-equivalent precision
(to whiten sampling) and, for kinked priors, the weight of ``|w - mu|`` in its negative log
density (for the polish's L1 certificate). Which penalized estimator a prior's mode equals, and
how its scale converts to that estimator's alpha, depends on the likelihood too: see
:mod:`priorfit.penalized.twins`. PyMC is imported inside methods only, so that listing the priors
stays instant.

Adding a prior: a file here with one subclass of :class:`~priorfit.models.priors.base.Prior`
(it registers itself when its module is imported), and one import line below; the registry lists
the priors in the order of these lines.
"""

from priorfit.models.priors.base import Prior, create, get
from priorfit.models.priors.hyperpriors import Hyperprior, hyperprior

# one line per prior family, in the registry's order
from priorfit.models.priors.normal import Normal
from priorfit.models.priors.laplace import Laplace
from priorfit.models.priors.group_laplace import GroupLaplace
from priorfit.models.priors.elastic_net import ElasticNet, elasticnet_log_normalizer
from priorfit.models.priors.bridge import Bridge
from priorfit.models.priors.mvnormal import MvNormal
from priorfit.models.priors.horseshoe import Horseshoe, RegularizedHorseshoe
from priorfit.models.priors.r2d2 import R2D2

__all__ = [
    "Prior", "create", "get", "Hyperprior", "hyperprior",
    "Normal", "Laplace", "GroupLaplace", "ElasticNet", "elasticnet_log_normalizer", "Bridge", "MvNormal", "Horseshoe", "RegularizedHorseshoe", "R2D2",
]
