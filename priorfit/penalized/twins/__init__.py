"""The penalized twins: one table keyed by (prior, likelihood), the only place conversions live.

A posterior mode is a penalized estimate: with likelihood ``L`` and a prior of scale ``s``,
``argmax log p(w | y) = argmin J_alpha(w)`` for the estimator's objective ``J_alpha`` when
``alpha`` is converted from ``s`` (and the likelihood's dispersion ``d``, e.g. the Gaussian
noise sd, and the number of rows ``n``) as the row says. The objectives are written as the
installed scikit-learn's docstrings write them (a test checks the text against them).

===========  ==========  ===============  ============================================  ===========================
prior        likelihood  estimator        objective                                     conversion
===========  ==========  ===============  ============================================  ===========================
normal       gaussian    Ridge            ``||y - Xw||^2_2 + alpha * ||w||^2_2``          ``alpha = sigma^2 / tau^2``
laplace      gaussian    Lasso            ``(1/(2n)) ||y - Xw||^2_2 + alpha * ||w||_1``   ``alpha = sigma^2 / (n b)``
laplace      laplace     QuantileRegressor ``(1/n) sum pinball_0.5(y - Xw) + alpha ||w||_1`` ``alpha = s / (2 n b)``
laplace      quantile    QuantileRegressor ``(1/n) sum pinball_Q(y - Xw) + alpha ||w||_1``   ``alpha = s / (n b)``
horseshoe    gaussian    (none)           nearest shown: LassoCV, ARDRegression
===========  ==========  ===============  ============================================  ===========================

A prior centred at ``mu != 0`` is the penalty on ``w - mu``: the estimator fits ``y - X mu``
and ``mu`` is added back. scikit-learn is imported inside the factories, so that listing the
table stays instant. Adding a likelihood or a prior adds rows here; nothing else converts.
"""

from __future__ import annotations

from priorfit.penalized.twins.numbers import (  # noqa: F401 - the table's numbers
    BAYESIAN_RIDGE, COORDINATE_DESCENT, CV_FOLDS, CV_PATH_TOL, EXTENSION_DECADES, EXTENSION_POINTS, GLUM_ALPHAS, GLUM_MIN_ALPHA_RATIO, LOGISTIC_CS, LOOSE_TOL, MAX_EXTENSIONS, PATH_DECADES, PATH_EPS, POISSON_ALPHAS, RIDGE_ALPHAS, SCORE_FOLDS, SEARCH_MAX_ITER, TOLERANCE, cv_folds, unit,
)
from priorfit.penalized.twins.records import EmpiricalBayes, Nearest, Twin  # noqa: F401 - the rows
from priorfit.penalized.twins.table import EMPIRICAL_BAYES, NEAREST, TWINS, nearest, rows, twin  # noqa: F401 - the table
from priorfit.penalized.twins.variants import (  # noqa: F401 - the rows built from a prior's options
    BRIDGE_EXPONENTS, VARIANTS, bridge_twin, group_laplace_twin, mvnormal_twin, weighted_laplace_twin,
)
