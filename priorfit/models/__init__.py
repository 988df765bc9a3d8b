"""The PyMC model: priors, likelihoods, and the posterior built from them."""
