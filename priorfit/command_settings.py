"""Which settings each command takes: ``priorfit compare`` takes all of them; ``path``, ``rows`` and
``calibrate`` leave some unused, each with the reason (not shown as that command's flags, and
refused with one sentence by its Python entry point, never ignored)."""

from __future__ import annotations

from dataclasses import fields

from priorfit.errors import InputError
from priorfit.settings import Settings, _text

_GRID = "(alphas=, --alphas K or --alpha-grid A,B,...)"


def _twinless_options() -> dict[str, str]:
    """The options of the priors without a penalized twin (read from the registry and the twin
    table), which ``priorfit path`` does not use, each with the reason."""
    from priorfit.models.priors import Prior
    from priorfit.penalized import twins

    with_twin = [name for name in Prior.registry if any(prior == name for prior, _ in twins.TWINS)]
    used = {option for name in with_twin for option in Prior.registry[name].options}
    why = f"fits only the priors with a penalized twin ({', '.join(with_twin)})"
    return {option: why for cls in Prior.registry.values() for option in cls.options if option not in used}


def _in_schema_order(reasons: dict[str, str]) -> dict[str, str]:
    return {f.name: reasons[f.name] for f in fields(Settings) if f.name in reasons}


#: The settings a command other than ``compare`` does not use, each with the reason: they are not
#: shown as that command's flags, and its Python entry point refuses them with one sentence
#: (:func:`refuse_unused`) instead of ignoring them. ``compare`` takes every setting.
UNUSED_BY = {
    "path": _in_schema_order({
        "alpha": f"takes its alphas from the grid {_GRID}",
        "C": f"takes its penalties from the grid {_GRID}",
        "scale": f"sets the prior scale from each alpha of the grid {_GRID}",
        **_twinless_options(),
        "weights": "runs the unweighted lasso's path",
        "loo": "computes no PSIS-LOO",
        "bootstrap": "has no bootstrap intervals",
        "explorer_rows": "draws no explorer (priorfit compare's report.html has it)",
        "relevance": "has no coefficient table",
        "holdout": "scores no held-out rows",
        "test": "scores no held-out rows",
    }),
    "rows": _in_schema_order({
        "alpha": "takes its alphas from the grid (alphas=, --alpha-grid A,B,...)",
        "C": "takes its penalties from the grid (alphas=, --alpha-grid A,B,...)",
        "scale": "sets each line's prior scale from an alpha of the grid (alphas=, --alpha-grid A,B,...)",
        **_twinless_options(),
        "weights": "fits the unweighted priors",
        "loo": "computes no PSIS-LOO",
        "bootstrap": "has no bootstrap intervals",
        "explorer_rows": "draws no explorer: it fits the rows itself",
        "relevance": "has no coefficient table",
        "holdout": "fits nested subsamples of the rows, not held-out ones",
        "test": "fits nested subsamples of the rows, not held-out ones",
    }),
    "calibrate": {
        "hdi_prob": "reports the central 50% and 90% intervals",
        "explorer_rows": "draws no explorer",
        "loo": "computes no PSIS-LOO",
        "relevance": "tests ranks and interval coverage, not coefficient tables",
        "holdout": "scores its own simulated data sets",
        "test": "scores its own simulated data sets",
        "formula": "draws its own design",
        "missing": "draws its own data, with no value missing",
        "time_limit": "runs many small fits, whose number --sims sets",
    },
}


def settings_of(command: str) -> list[str]:
    """The names of the settings ``command`` takes, in the schema's order."""
    unused = UNUSED_BY.get(command, {})
    return [f.name for f in fields(Settings) if f.name not in unused]


def refuse_unused(command: str, values: dict) -> None:
    """An InputError for a setting in ``values`` that ``command`` does not use (the first in the
    schema's order); a value equal to the setting's default changes nothing and passes."""
    schema = {f.name: f for f in fields(Settings)}
    for name, why in UNUSED_BY.get(command, {}).items():
        if name in values and schema[name].metadata["parse"](values[name]) != schema[name].default:
            raise InputError(f"{name} {_text(values[name])} applies to priorfit compare only; priorfit {command} {why}.")
