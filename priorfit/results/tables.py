"""A fit's tables and DataTree groups: the coefficient table (penalized, MAP and raw find_MAP
values beside the posterior summary and the bootstrap interval), and the groups that keep the
point estimates and the bootstrap replicates in the fit's DataTree, written and read back."""

from __future__ import annotations

import numpy as np
import pandas as pd

from priorfit.inference.mode import ModeResult
from priorfit.penalized.fits import PenalizedFit
from priorfit.results.schema import dump

COLUMNS = ["penalized", "map", "map_raw", "mean", "median", "sd", "hdi_low", "hdi_high", "p_positive"]
# with --bootstrap: the penalized estimate's percentile interval and its share of replicates at mu
BOOTSTRAP_COLUMNS = ["boot_low", "boot_high", "boot_share_at_mu"]
# with --relevance C: P(|w_j - mu_j| > C), C in the units of the table's scale (the intercept: none)
RELEVANCE_COLUMN = "p_relevant"


def table_columns(bootstrap: bool, relevance: bool = False) -> list[str]:
    """The columns of a coefficient table: :data:`COLUMNS`, with the bootstrap's beside the HDI and
    the relevance probability last."""
    columns = list(COLUMNS)
    if bootstrap:
        at = COLUMNS.index("hdi_high") + 1
        columns = [*COLUMNS[:at], *BOOTSTRAP_COLUMNS, *COLUMNS[at:]]
    return [*columns, RELEVANCE_COLUMN] if relevance else columns


def exceedance(coef, mu, threshold) -> np.ndarray:
    """P(|w_j - mu_j| > threshold_j) per coefficient: the share of the draws ``coef`` (any leading
    dimensions, coefficients last) farther than ``threshold`` from the prior location ``mu``."""
    coef = np.asarray(coef, dtype=float)
    draws = coef.reshape(-1, coef.shape[-1])
    return (np.abs(draws - np.asarray(mu, dtype=float)) > np.asarray(threshold, dtype=float)).mean(axis=0)


def relevance(design, tree, mu, C: float, *, original: bool) -> np.ndarray:
    """P(|w_j - mu_j| > C) per coefficient from the posterior draws, C on the model scale, or on the
    original scale of X (``original``): there ``w_j = coef_j / x_scale_j`` and ``mu_j / x_scale_j``,
    so the question is ``|coef_j - mu_j| > C x_scale_j`` on the model scale, a threshold per column."""
    threshold = C * np.asarray(design.x_scale, dtype=float) if original else np.full(design.p, float(C))
    return exceedance(tree["posterior"]["coef"].transpose(..., "feature").values, mu, threshold)


def coefficient_table(design, tree, mode: ModeResult, pen: PenalizedFit, hdi_prob: float, *, original: bool,
                      bootstrap=None, relevance_threshold: float | None = None, mu=None) -> pd.DataFrame:
    """Penalized, MAP and raw find_MAP values beside the posterior summary (arviz-stats), the
    bootstrap interval of the penalized estimate when there is one (``bootstrap``), and
    P(|w - mu| > C) for ``relevance_threshold`` C (in this table's units) about the prior location ``mu``."""
    import arviz as az

    suffix = "_original" if original else ""
    variables = ["coef" + suffix] + (["intercept" + suffix] if design.intercept else [])
    post = tree["posterior"].to_dataset()[variables]
    stats = az.summary(post, kind="stats", fmt="xarray", ci_kind="hdi", ci_prob=hdi_prob, round_to="none")
    low, high = (label for label in stats["summary"].values if str(label).startswith("hdi"))
    median = post.median(("chain", "draw"))
    p_positive = (post > 0).mean(("chain", "draw"))

    def point_values(point: dict) -> list[np.ndarray | None]:
        """coef and intercept of a point estimate, on the requested scale."""
        if not point:
            return [None, None]
        coef, intercept = point["coef"], point.get("intercept")
        if original:
            coef, intercept = design.to_original(coef, intercept)
        return [np.atleast_1d(coef), None if intercept is None else np.atleast_1d(intercept)]

    columns = {
        "penalized": point_values({"coef": pen.coef, "intercept": pen.intercept}),
        "map": point_values(mode.point),
        "map_raw": point_values(mode.raw),
    }
    if bootstrap is not None:
        boot_low, boot_high = bootstrap.original(design) if original else (bootstrap.low, bootstrap.high)
    relevant = (None if relevance_threshold is None else
                relevance(design, tree, np.zeros(design.p) if mu is None else mu, relevance_threshold, original=original))
    rows = []
    for k, var in enumerate(variables):
        labels = list(design.features) if k == 0 else [design.intercept_name]
        summary = {name: np.atleast_1d(stats[var].sel(summary=name).values) for name in ("mean", "sd", low, high)}
        for j, label in enumerate(labels):
            row = {"name": label}
            for column, values in columns.items():
                row[column] = np.nan if values[k] is None else values[k][j]
            row.update(
                mean=summary["mean"][j],
                median=np.atleast_1d(median[var].values)[j],
                sd=summary["sd"][j],
                hdi_low=summary[low][j],
                hdi_high=summary[high][j],
                p_positive=np.atleast_1d(p_positive[var].values)[j],
            )
            if bootstrap is not None:  # its arrays run over the rows of this table
                i = len(rows)
                row.update(boot_low=boot_low[i], boot_high=boot_high[i], boot_share_at_mu=bootstrap.share_at_mu[i])
            if relevant is not None:  # the intercept has a flat prior: no location to be far from
                row[RELEVANCE_COLUMN] = relevant[j] if k == 0 else np.nan
            rows.append(row)
    columns = table_columns(bootstrap is not None, relevant is not None)
    return pd.DataFrame(rows, columns=["name", *columns]).set_index("name")


def table_records(frame: pd.DataFrame | None) -> list[dict] | None:
    """A coefficient table as JSON: one record a row, its name first."""
    return None if frame is None else [{"name": name, **row} for name, row in frame.to_dict(orient="index").items()]


def table_from_records(records: list[dict] | None) -> pd.DataFrame | None:
    return None if records is None else pd.DataFrame(records).set_index("name").astype(float)


# -- the DataTree groups -----------------------------------------------------------------------
def add_point_estimate_groups(tree, design, mode: ModeResult, pen: PenalizedFit) -> None:
    """Store the polished MAP, find_MAP's raw answer and optimizer result, and the penalized
    estimates as groups of the DataTree (``map``, ``find_map``, ``optimizer_result``, ``penalized``)."""
    import xarray as xr

    coords = {"feature": list(design.features)}

    def group(values: dict, **attrs):
        variables = {"coef": ("feature", np.asarray(values["coef"], dtype=float))}
        for name in ("intercept", "sigma"):
            if values.get(name) is not None:
                variables[name] = ((), float(np.asarray(values[name])))
        return xr.DataTree(xr.Dataset(variables, coords=coords, attrs=attrs))

    if mode.point:
        tree["map"] = group(mode.point, status=mode.status, message=mode.message)
    if mode.raw:
        tree["find_map"] = group(mode.raw, converged=int(bool(mode.raw_converged)))
    if mode.optimizer is not None:
        tree["optimizer_result"] = xr.DataTree(mode.optimizer)
    estimates = pen.estimates
    penalized = xr.Dataset(
        {"coef": (("estimator", "feature"), np.array([e.coef for e in estimates.values()], dtype=float))},
        coords={"estimator": list(estimates), **coords},
        attrs={"exact": int(pen.exact)},
    )
    if design.intercept:
        penalized["intercept"] = ("estimator", np.array([e.intercept for e in estimates.values()], dtype=float))
    tree["penalized"] = xr.DataTree(penalized)


def add_bootstrap_group(tree, bootstrap) -> None:
    """Store the bootstrap replicates (model scale) as the DataTree's ``bootstrap`` group."""
    import xarray as xr

    p = bootstrap.coef.shape[1]
    ds = xr.Dataset(
        {"coef": (("replicate", "feature"), bootstrap.coef)},
        coords={"feature": list(bootstrap.names[:p])},
        attrs={"draws": bootstrap.draws, "seed": bootstrap.seed, "prob": bootstrap.prob, "estimator": bootstrap.estimator,
               "kind": bootstrap.kind},
    )
    if bootstrap.intercept is not None:
        ds["intercept"] = ("replicate", bootstrap.intercept)
    tree["bootstrap"] = xr.DataTree(ds)


def _group(tree, name: str):
    return tree[name].to_dataset() if name in tree.children else None


def read_penalized(tree, block: dict) -> PenalizedFit:
    """The penalized estimates from the ``penalized`` group and their parameters from the JSON."""
    from priorfit.penalized.fits import Estimate

    params = {block["estimator"]: block["params"]} if block["exact"] else {k: v["params"] for k, v in block["nearest"].items()}
    group = tree["penalized"]
    estimates = {
        est: Estimate(group["coef"].sel(estimator=est).values,
                      float(group["intercept"].sel(estimator=est)) if "intercept" in group else None, params[est])
        for est in group["estimator"].values.tolist()
    }
    return PenalizedFit(block["estimator"], block["exact"], estimates)


def penalized_block(pen: PenalizedFit) -> dict:
    return {
        "estimator": pen.estimator,
        "exact": pen.exact,
        "params": pen.params,
        "intercept": pen.intercept,
        "nearest": {} if pen.exact else {
            k: {"params": e.params, "coef": e.coef, "intercept": e.intercept} for k, e in pen.estimates.items()
        },
    }


def read_mode(tree, block: dict) -> ModeResult:
    """The mode from the ``map``, ``find_map`` and ``optimizer_result`` groups and its status from the JSON."""
    from priorfit.inference.certificate import Certificate

    def point(name):
        ds = _group(tree, name)
        return {} if ds is None else {k: ds[k].values for k in ds.data_vars}

    return ModeResult(
        block["status"], block["message"], point("find_map"), point("map"),
        Certificate(**block["certificate"]) if block["certificate"] else None, block["find_map_converged"],
        _group(tree, "optimizer_result"),
    )


def mode_block(mode: ModeResult) -> dict:
    certificate = None if mode.certificate is None else dump(mode.certificate)
    return {"status": mode.status, "message": mode.message, "find_map_converged": mode.raw_converged, "certificate": certificate}


def read_profile(tree):
    """The identity profile from the ``identity`` group (None where none was computed)."""
    from priorfit.diagnostics.identity import Profile

    ds = _group(tree, "identity")
    if ds is None:
        return None
    a = ds.attrs
    return Profile(a["feature"], ds["grid"].values, ds["neg_log_posterior"].values, ds["scaled_objective"].values,
                   float(a["k"]), float(a["alpha"]), float(a["max_deviation"]))


def profile_block(profile) -> dict | None:
    return None if profile is None else {"feature": profile.feature, "k": profile.k, "alpha": profile.alpha,
                                         "points": len(profile.grid), "max_deviation": profile.max_deviation}


def read_bootstrap(tree, block: dict | None, prior):
    """The bootstrap from its replicates in the ``bootstrap`` group (None where there is none)."""
    from priorfit.penalized.bootstrap import Bootstrap

    ds = _group(tree, "bootstrap")
    if not block or ds is None:
        return None
    return Bootstrap.from_replicates(
        ds["coef"].values, ds["intercept"].values if "intercept" in ds else None, prior.mu_vector(ds.sizes["feature"]),
        seed=block["seed"], prob=block["prob"], estimator=ds.attrs["estimator"], features=ds["feature"].values.tolist(),
    )
