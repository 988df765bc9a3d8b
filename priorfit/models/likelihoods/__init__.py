"""Likelihood families, registered by name like the priors.

A family owns everything that depends on the distribution of ``y``: how ``y`` is checked, the
summary of the data its log likelihood needs, its PyMC term, its dispersion (the Gaussian noise
sd with its priors and plug-in value; none for families without one), the mean of ``y`` given the
linear predictor, and a quadratic approximation used to whiten the coefficients. Each family is
one class in its own file of this package. Code elsewhere asks the family's class (attributes
and methods declared with their defaults on :class:`~priorfit.models.likelihoods.base.Likelihood`
and overridden in the family's file) instead of testing its name. The name is a key where a table
is keyed by it: the twin table (:mod:`priorfit.penalized.twins`, whose rows are (prior,
likelihood) pairs) and the seeded synthetic data (:func:`priorfit.data.design.synthetic`, whose
``family=`` generates ``y`` itself, as the data stage sits below this package).

The Gaussian log likelihood is written with the sufficient statistics (X'X, X'y, y'y, n):
each gradient costs O(p^2) instead of O(np). Wide data (p > 2n) take the row-wise form
(``form="rows"``, :meth:`Likelihood.form_for`), which is cheaper there.

Adding a likelihood: a file here with one subclass of ``Likelihood`` (or of ``RowLikelihood``
for a GLM summed over rows), which registers itself when its module is imported, and one import
line below; the registry lists the families in the order of these lines.
"""

from priorfit.models.likelihoods.base import Likelihood, PluginDispersion, RowLikelihood, check_options, get
from priorfit.models.likelihoods.location_scale import LocationScale
from priorfit.models.likelihoods.sigma import HalfCauchy, HalfNormal, Jeffreys, SigmaPrior, sigma_prior
from priorfit.models.likelihoods.unbounded import counts_unbounded, separated

# one line per family, in the registry's order
from priorfit.models.likelihoods.gaussian import Gaussian
from priorfit.models.likelihoods.bernoulli import Bernoulli
from priorfit.models.likelihoods.poisson import Poisson
from priorfit.models.likelihoods.student_t import StudentT
from priorfit.models.likelihoods.laplace import Laplace
from priorfit.models.likelihoods.quantile import Quantile

__all__ = [
    "Likelihood", "PluginDispersion", "RowLikelihood", "LocationScale", "check_options", "get",
    "SigmaPrior", "Jeffreys", "HalfNormal", "HalfCauchy", "sigma_prior", "counts_unbounded", "separated",
    "Gaussian", "Bernoulli", "Poisson", "StudentT", "Laplace", "Quantile",
]
