"""The scikit-learn side: penalized estimates on exactly the design the model sees.

Both sides get the same model-scale X (standardized or not) and the same intercept
handling (``fit_intercept`` = the model's flat-prior intercept). A prior centred at ``mu``
is the penalty on ``w - mu``: the estimator fits ``y - X mu`` and ``mu`` is added back.
Which estimator, and how its alpha converts, comes from :mod:`priorfit.penalized.twins`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

import numpy as np

from priorfit.data.design import Design
from priorfit.errors import InputError
from priorfit.penalized import gram, twins


@dataclass(frozen=True)
class Estimate:
    """One fitted penalized estimator: its coefficients, intercept and fitted hyperparameters."""

    coef: np.ndarray
    intercept: float | None
    params: dict


@dataclass(frozen=True)
class PenalizedFit:
    """The exact twin's estimate, or (``exact`` False) the nearest estimators' for reference."""

    estimator: str  # the twin, or the first of the nearest
    exact: bool
    estimates: dict[str, Estimate] = field(default_factory=dict)  # by estimator name
    grids: dict = field(default_factory=dict)  # GridChoice of each cross-validated estimate, by name

    @property
    def coef(self) -> np.ndarray:
        return self.estimates[self.estimator].coef

    @property
    def intercept(self) -> float | None:
        return self.estimates[self.estimator].intercept

    @property
    def params(self) -> dict:
        return self.estimates[self.estimator].params


def _fit(estimator, design: Design, mu: np.ndarray):
    """Fit on the design with the prior location ``mu`` as an offset of ``y`` (the Gaussian;
    settings refuse ``mu != 0`` for the GLMs, whose estimators take no offset)."""
    import warnings

    with warnings.catch_warnings():
        # glum at gradient_tol 1e-12 may reach rounding level before its line search can make
        # progress; the estimate is then as good as it gets (the agreement with the MAP says how good)
        warnings.filterwarnings("ignore", "Line search failed", category=Warning)
        return estimator.fit(design.X, design.offset_target(mu))


def fit_estimator(estimator, design: Design, mu: np.ndarray) -> tuple[np.ndarray, float | None]:
    """Fit a scikit-learn estimator (see :func:`_fit`); its coefficients and intercept. A design
    without rows fits the square-root design of its statistics (:mod:`priorfit.penalized.gram`); a
    cross-validated search there is replaced by the search from the per-fold statistics and a
    fit at the penalty it chose."""
    if not design.has_rows:
        if type(estimator).__name__ in gram.SEARCHES:
            estimator.alpha_ = gram.cross_validate(estimator, design, mu)  # as a fitted search has it
            estimator = gram.refit(estimator, estimator.alpha_)
        return gram.fit(estimator, design, mu)
    _fit(estimator, design, mu)
    best = getattr(estimator, "best_estimator_", estimator)  # a grid search: its refitted estimator
    intercept = float(np.ravel(best.intercept_)[0]) if design.intercept else None
    return np.ravel(np.asarray(best.coef_, dtype=float)) + mu, intercept


def fit(design: Design, prior, likelihood, alpha: float | None) -> PenalizedFit:
    """The exact twin of (prior, likelihood) at ``alpha``, or, without one, the nearest ones.
    ``likelihood``: the family, or its name when it has no settings the estimators take."""
    mu = prior.mu_vector(design.p)
    twin = twins.twin(prior, likelihood)
    if twin is not None and alpha is None:  # a random scale: the penalty chosen by the data instead
        estimates, grids = {}, {}
        for k, (name, (estimator, params)) in enumerate(choices(design, twin, prior).items()):
            if k == 0:  # the twin's cross-validation: its grid extended beyond an edge, as for a fixed scale
                grids[name], _ = _choose(estimator, design, mu, twin.hyperparameter, name)
            coef, intercept = fit_estimator(estimator, design, mu)
            estimates[name] = Estimate(coef, intercept, params(estimator) | {"fit_intercept": design.intercept})
        return PenalizedFit(next(iter(estimates)), False, estimates, grids)
    if twin is not None:
        options = twin.options(prior)
        coef, intercept = fit_estimator(twin.make(alpha, design.intercept, **options), design, mu)
        params = {twin.hyperparameter: float(alpha), **options, "fit_intercept": design.intercept}
        return PenalizedFit(twin.estimator, True, {twin.estimator: Estimate(coef, intercept, params)})
    name_of = likelihood if isinstance(likelihood, str) else likelihood.name
    options = {} if isinstance(likelihood, str) else likelihood.twin_options()
    reference = twins.nearest(prior.name, name_of)
    estimates = {}
    for name, estimator in reference.estimators(design.intercept, design.n, **options).items():
        if not design.has_rows and not gram.supports(estimator):
            continue  # ARDRegression's evidence needs the rows
        coef, intercept = fit_estimator(estimator, design, mu)
        estimates[name] = Estimate(coef, intercept, reference.params(name, estimator) | {"fit_intercept": design.intercept})
    return PenalizedFit(reference.names[0], False, estimates)


def choices(design: Design, twin: twins.Twin, prior) -> dict:
    """The ways to choose the penalty from the data, as estimators to fit (``name -> (estimator,
    fitted parameters)``): the twin's cross-validation and, where the pair has one, empirical Bayes
    (:data:`priorfit.penalized.twins.EMPIRICAL_BAYES`: BayesianRidge's type-II maximum likelihood)."""
    search = twin.search(design.intercept, design.n, **twin.options(prior))
    out = {type(search).__name__: (search, lambda fitted: {twin.hyperparameter: twin.best(fitted)})}
    evidence = twins.EMPIRICAL_BAYES.get((twin.prior, twin.likelihood))
    if evidence is not None and design.has_rows:  # its evidence needs the rows
        out[evidence.estimator] = (evidence.make(design.intercept), evidence.params)
    return out


# penalty searches whose grid starts at alpha_max, the smallest penalty at which every coefficient is mu
_FROM_ALPHA_MAX = ("LassoCV", "ElasticNetCV", "GeneralizedLinearRegressorCV")


@dataclass(frozen=True)
class GridChoice:
    """Where a cross-validated penalty lies in the grid it was chosen from.

    A value on an edge of the grid is no cross-validated choice: the optimum may lie beyond. The
    grid is then extended (at most :data:`~priorfit.penalized.twins.MAX_EXTENSIONS` times); ``edge`` says which edge the
    choice is still on after that, or ``plateau`` that every coefficient is at mu there, as at
    any stronger penalty (alpha_max, the top of a lasso's grid; or a C at which an L1 logistic
    regression fits no coefficient), so that no scale was chosen. ``low`` and ``high`` are the
    ends of the grid searched in all."""

    search: str
    hyperparameter: str
    value: float
    low: float
    high: float
    extensions: int = 0
    edge: Literal["lower", "upper"] | None = None
    plateau: bool = False

    @property
    def interior(self) -> bool:
        return self.edge is None

    @property
    def chosen(self) -> bool:
        """Whether cross-validation chose a value: inside the grid, and not on the empty model's plateau."""
        return self.interior and not self.plateau

    def sentence(self, prior: str) -> str:
        """The check for people (``prior``: the prior's name)."""
        h, grid = self.hyperparameter, f"[{self.low:.3g}, {self.high:.3g}]"
        extended = "" if not self.extensions else f", extended {self.extensions} time{'s' * (self.extensions > 1)}"
        side = "largest" if self.edge == "upper" else "smallest"
        if self.plateau:
            where = f"the {side} value of its grid {grid}" if self.edge else f"inside its grid {grid}"
            return (f"{prior}: {self.search} chose {h} = {self.value:.4g}, {where}, where every "
                    f"coefficient is at the prior location, as at any stronger penalty: cross-validation prefers the empty "
                    f"model and does not choose the scale; give --{h if h == 'C' else 'alpha'} or --scale, or a random "
                    "scale (hyper:)")
        if self.interior:
            return f"{prior}: {self.search} chose {h} = {self.value:.4g} inside its grid {grid}{extended}"
        stronger = (self.edge == "upper") != (h == "C")  # C is an inverse penalty
        return (f"{prior}: {self.search} chose {h} = {self.value:.4g}, the {side} value of its grid {grid}{extended}: the "
                f"optimum lies beyond it (a {'stronger' if stronger else 'weaker'} penalty), so this is no cross-validated "
                f"choice; give --{h if h == 'C' else 'alpha'} or --scale, or a random scale (hyper:)")


def _searched(search, design: Design, mu: np.ndarray) -> tuple[float, np.ndarray]:
    """Fit ``search`` (in memory, or from the statistics); the value it chose and its grid, ascending."""
    name = type(search).__name__
    if not design.has_rows:
        value = gram.cross_validate(search, design, mu)
        return value, np.sort(gram.grid(search, design, mu))
    _fit(search, design, mu)
    if name == "RidgeCV":
        values, value = search.alphas, search.alpha_
    elif name == "LogisticRegressionCV":
        values, value = search.Cs_, np.ravel(search.C_)[0]
    elif name == "GridSearchCV":
        values, value = search.param_grid["alpha"], search.best_params_["alpha"]
    else:  # LassoCV, ElasticNetCV, glum's GeneralizedLinearRegressorCV
        values, value = search.alphas_, search.alpha_
    return float(value), np.sort(np.ravel(np.asarray(values, dtype=float)))


def _at_plateau(search, edge: str | None) -> bool:
    """Whether the choice is one where every coefficient is at mu, as at any stronger penalty: the
    top of a grid from alpha_max, or any C of an L1 logistic regression whose refit is all zeros
    (saga's inexact intercept breaks the ties between those Cs, so the choice need not be the edge)."""
    name = type(search).__name__
    if name in _FROM_ALPHA_MAX:
        return edge == "upper"
    if name == "LogisticRegressionCV" and hasattr(search, "coef_") and (search.l1_ratios or (0,))[0]:
        return bool(np.all(np.asarray(search.coef_) == 0))
    return False


def _widen(search, edge: str, values: np.ndarray, n: int, p: int) -> None:
    """Extend ``search``'s grid beyond ``edge`` (:data:`~priorfit.penalized.twins.EXTENSION_DECADES`
    more decades, at the grid's own density; ``values``: the grid searched so far, ascending)."""
    name = type(search).__name__
    if name in _FROM_ALPHA_MAX:  # only downwards: alpha_max is the top
        factor, points = 10.0**-twins.EXTENSION_DECADES, twins.EXTENSION_POINTS[name]
        if name == "GeneralizedLinearRegressorCV":
            ratio = search.min_alpha_ratio or twins.GLUM_MIN_ALPHA_RATIO[0 if n >= p else 1]
            search.set_params(min_alpha_ratio=ratio * factor, n_alphas=search.n_alphas + points)
        else:
            search.set_params(eps=search.eps * factor, alphas=int(search.alphas) + points)
        return
    logs = np.log10(values)
    step = (logs[-1] - logs[0]) / max(len(values) - 1, 1)
    count = max(round(twins.EXTENSION_DECADES / step), 1)
    beyond = logs[-1] + step * np.arange(1, count + 1) if edge == "upper" else logs[0] - step * np.arange(count, 0, -1)
    extended = np.sort(np.concatenate([values, 10.0**beyond]))  # the grid's own points kept exactly
    if name == "RidgeCV":
        # each alpha's score (leave-one-out, or the folds' from X'X) does not depend on the others:
        # only the edge and the new decades are searched (RidgeCV's grid costs O(n p) per alpha)
        edge_value = values[-1] if edge == "upper" else values[0]
        search.set_params(alphas=np.sort(np.append(10.0**beyond, edge_value)))
    elif name == "LogisticRegressionCV":
        search.set_params(Cs=extended)
    else:  # GridSearchCV of PoissonRegressor
        search.set_params(param_grid={"alpha": extended})


def _choose(search, design: Design, mu: np.ndarray, hyperparameter: str, label: str) -> tuple[GridChoice, str]:
    """Fit ``search``, extending its grid beyond an edge its choice is on (at most
    :data:`~priorfit.penalized.twins.MAX_EXTENSIONS` times); where the choice lies in the grid searched in all, and what to
    add to the search's ``label`` to say so. ``search`` is left with its last grid, which holds the
    choice (a refit chooses the same value)."""
    widened, values = [], np.empty(0)
    for extensions in range(twins.MAX_EXTENSIONS + 1):
        value, searched = _searched(search, design, mu)
        values = np.union1d(values, searched)  # RidgeCV searches only the new part (see _widen)
        at = int(np.argmin(np.abs(values - value)))
        edge = "lower" if at == 0 else "upper" if at == len(values) - 1 else None
        plateau = _at_plateau(search, edge)
        if edge is None or plateau or extensions == twins.MAX_EXTENSIONS:
            break
        _widen(search, edge, values, design.n, design.p)
        widened.append("top" if edge == "upper" else "bottom")
    suffix = "" if not widened else (
        f", its grid extended {len(widened)} time{'s' * (len(widened) > 1)} beyond its {' and '.join(dict.fromkeys(widened))}")
    return GridChoice(label, hyperparameter, value, float(values[0]), float(values[-1]), extensions, edge, plateau), suffix


def cv_choice(design: Design, twin: twins.Twin, prior) -> tuple[float, str, GridChoice]:
    """The penalty value (alpha or C) the twin's cross-validation picks, which search picked it,
    and where it lies in the grid: on an edge the grid is extended until the choice is inside
    (at most :data:`~priorfit.penalized.twins.MAX_EXTENSIONS` times); a choice still on an edge is reported as such."""
    search = twin.search(design.intercept, design.n, **twin.options(prior))
    name = type(search).__name__
    if not design.has_rows and name not in gram.SEARCHES:
        raise InputError(f"The {prior.name} prior's twin {twin.estimator} is cross-validated on the rows, but {design.dataset.name} "
                         f"is summarized by X'X ({design.n} rows, not kept); give its alpha or scale.")
    if not design.has_rows:
        label = f"{name} ({design.folds.kind} folds, from X'X)"
    else:
        label = name if name != "GridSearchCV" else f"GridSearchCV({type(search.estimator).__name__})"
    choice, suffix = _choose(search, design, prior.mu_vector(design.p), twin.hyperparameter, label)
    return choice.value, label + suffix, choice


def cv_alpha(design: Design, twin: twins.Twin, prior) -> tuple[float, str]:
    """The penalty value (alpha or C) the twin's cross-validation picks, and which search picked it
    (see :func:`cv_choice`, which also says where it lies in its grid)."""
    value, label, _ = cv_choice(design, twin, prior)
    return value, label


@dataclass(frozen=True)
class Uniqueness:
    """Whether two solutions of one penalized problem are two optima of it: the same objective and
    the same fitted values, while the columns active in either are rank deficient. Under an L1
    penalty (no quadratic part) the optimum is then a set, not a point: the fitted values are
    unique (the loss is strictly convex in them), the coefficients along the null space of the
    active columns are not."""

    objective_rel_diff: float  # |J(a) - J(b)| / |J(b)|
    fitted_rel_diff: float  # ||eta_a - eta_b|| / ||eta_b - mean(eta_b)||
    active: int  # columns nonzero (off mu) in either solution
    rank: int  # rank of those columns (centred with an intercept)
    unidentified: tuple[str, ...]  # the active columns the null space moves

    def not_unique(self, tolerance: float) -> bool:
        """Both are optima: rank deficient, equal objectives (to ``OBJECTIVE_TOLERANCE``) and equal
        fitted values (to the twin's ``tolerance``, as its coefficients would be)."""
        return (self.rank < self.active and self.objective_rel_diff <= OBJECTIVE_TOLERANCE
                and self.fitted_rel_diff <= tolerance)


# two optima of one objective differ by rounding in it; a non-optimal point that is 1e-6 away in the
# coefficients is typically ~1e-12 away in the objective (second order), one 1e-3 away by ~1e-6
OBJECTIVE_TOLERANCE = 1e-9
# eigenvalues of the active columns' Gram matrix below this times the largest count as zero: exact
# collinearity leaves rounding of ~1e-16 there; a singular value ratio of 1e-6 is collinear for any solver
RANK_TOLERANCE = 1e-12


def uniqueness(design: Design, twin: twins.Twin, prior, alpha: float, a: tuple, b: tuple) -> Uniqueness:
    """Compare two solutions ``a`` and ``b`` (each ``(coef, intercept)``, model scale, uncentred
    intercept) of ``twin``'s objective at ``alpha``: objectives, fitted values, and the rank of the
    columns active in either."""
    mu = prior.mu_vector(design.p)
    options = twin.options(prior)
    objective = [twin.objective_at(design, w, c, mu, alpha, **options) for w, c in (a, b)]
    objective_rel = abs(objective[0] - objective[1]) / max(abs(objective[1]), 1e-300)
    wa, wb = np.asarray(a[0], dtype=float), np.asarray(b[0], dtype=float)
    active = (wa != mu) | (wb != mu)
    if design.has_rows:
        eta = [design.X @ w + (0.0 if c is None else c) for w, c in (a, b)]
        fitted_rel = float(np.linalg.norm(eta[0] - eta[1]) / max(np.linalg.norm(eta[1] - eta[1].mean()), 1e-300))
        X = design.X - design.x_mean if design.intercept else design.X
        gram_active = X[:, active].T @ X[:, active]
    else:  # the Gaussian from X'X: the intercepts are ybar - xbar'w, so eta_a - eta_b = Xc (wa - wb)
        m = design.sufficient()
        d = wa - wb
        fitted_rel = float(np.sqrt(max(d @ m.gram @ d, 0.0) / max((wb - mu) @ m.gram @ (wb - mu), 1e-300)))
        gram_active = m.gram[np.ix_(active, active)]
    names = np.asarray(design.features, dtype=object)[active]
    rank, moved = int(active.sum()), ()
    if rank:
        lam, vectors = np.linalg.eigh((gram_active + gram_active.T) / 2.0)
        null = lam <= RANK_TOLERANCE * lam.max(initial=0.0)
        rank = int((~null).sum())
        if null.any():
            loading = np.abs(vectors[:, null]).max(axis=1)
            moved = tuple(str(v) for v in names[loading > 1e-6])
    return Uniqueness(float(objective_rel), fitted_rel, int(active.sum()), rank, moved)


def ols(design: Design) -> Estimate:
    """The unpenalized least-squares fit on the same design (minimum-norm when p >= n)."""
    from sklearn.linear_model import LinearRegression

    if not design.has_rows:
        m = design.sufficient()
        coef = np.linalg.lstsq(m.gram, m.xty, rcond=None)[0]
        intercept = float(m.y_mean - m.x_mean @ coef) if design.intercept else None
        return Estimate(coef, intercept, {"fit_intercept": design.intercept})
    fitted = LinearRegression(fit_intercept=design.intercept).fit(design.X, design.y)
    intercept = float(fitted.intercept_) if design.intercept else None
    return Estimate(np.asarray(fitted.coef_, dtype=float), intercept, {"fit_intercept": design.intercept})


def penalized_path(design, twin, prior, alphas) -> np.ndarray:
    """scikit-learn's coefficients at ``alphas``: lasso_path for the Lasso on rows (tight tolerance),
    the twin's estimator at each alpha otherwise (without rows, from the statistics); the prior
    location ``mu`` by offset."""
    mu = prior.mu_vector(design.p)
    if twin.estimator == "Lasso" and design.has_rows:
        from sklearn.linear_model import lasso_path

        X = design.X - design.x_mean if design.intercept else design.X
        y = design.offset_target(mu)
        y = y - y.mean() if design.intercept else y
        _, coefs, _ = lasso_path(X, y, alphas=alphas, **twins.COORDINATE_DESCENT)
        return coefs.T + mu
    options = twin.options(prior)
    return np.array([fit_estimator(twin.make(a, design.intercept, **options), design, mu)[0] for a in alphas])
