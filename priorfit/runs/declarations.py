"""Declared comparisons: ``models/*.toml`` files that ``priorfit run`` executes.

A declaration is data, never code::

    name = "lasso-diabetes"                 # the output folder's name
    description = "..."                     # optional
    [data]
    source = "diabetes"                     # a bundled name, synthetic:..., or a path (relative to the file)
    target = "y"                            # CSV/Parquet files only
    [settings]                              # exactly the keywords of priorfit.compare / the CLI flags
    prior = ["laplace"]
    alpha = { laplace = 0.1 }
    sigma = "estimate"
    draws = 1000

The keys of ``[settings]`` are the fields of :class:`priorfit.Settings`, validated by the same
parsers as the API and the CLI. Unknown keys are refused with the file, the key and what is
allowed (with a did-you-mean).

A sweep runs the declaration once per combination of the listed values (their product), each
into its own folder ``<name>-<key><value>...``; with ``priorfit run --workers N`` (or
``--scheduler``) the runs are spread over a dask cluster::

    [sweep]
    seed = [0, 1, 2, 3]                     # any settings keys, each with a list of values
    alpha = [0.01, 0.1, 1.0]

A ``[predict]`` table predicts new rows with each fit (:meth:`priorfit.Comparison.predict`) and
writes ``predictions.csv`` into the run's folder, with the other files::

    [predict]
    rows = "new-rows.csv"                   # a CSV or Parquet file of new rows (relative to the file)
    prob = [0.5, 0.9]                       # one level or several (default 0.9)

The file and the levels are checked when the declaration is read; the columns of the rows once the
data are loaded, before anything is written.
"""

from __future__ import annotations

import dataclasses
import difflib
import itertools
import re
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from priorfit.errors import InputError
from priorfit.settings import Settings

TOP_KEYS = ("name", "description", "data", "settings", "sweep", "predict")
DATA_KEYS = ("source", "target")
PREDICT_KEYS = ("rows", "prob")


@dataclass(frozen=True)
class Declaration:
    """One declared comparison, validated."""

    path: Path
    name: str
    source: str
    target: str | None = None
    description: str = ""
    settings: dict = field(default_factory=dict)
    sweep: dict = field(default_factory=dict)  # settings key -> list of values
    predict: dict = field(default_factory=dict)  # [predict]: rows (a resolved path) and prob (a list of levels)

    def expanded(self) -> list[Declaration]:
        """One declaration per combination of the sweep's values (itself without a sweep)."""
        if not self.sweep:
            return [self]
        keys = list(self.sweep)
        out = []
        for values in itertools.product(*(self.sweep[k] for k in keys)):
            combination = dict(zip(keys, values, strict=True))
            label = "-".join(f"{k}{re.sub(r'[^A-Za-z0-9._=]+', '_', str(v))}" for k, v in combination.items())
            out.append(dataclasses.replace(self, name=f"{self.name}-{label}", settings=self.settings | combination, sweep={}))
        return out

    def run(self, out, *, force: bool = False, progress: bool = True, plots: bool = True, **overrides):
        """Run the comparison and save it to ``out``; ``overrides`` replace declared settings."""
        from priorfit.runs.compare import compare

        result = compare(self.source, target=self.target, progress=progress, **(self.settings | overrides))
        extra = {}
        if self.predict:  # computed before the folder is written: bad rows leave nothing behind
            from priorfit.data.sources import read_frame
            from priorfit.results.predictions import predict

            rows = Path(self.predict["rows"])
            frame = predict(result, read_frame(rows), self.predict["prob"], name=f"the new rows in {rows.name!r}")
            extra["predictions.csv"] = lambda path: frame.to_csv(path, index=False, float_format="%.17g")
        return result, result.save(out, force=force, plots=plots, extra=extra)


def _unknown(path: Path, where: str, key: str, allowed) -> InputError:
    close = difflib.get_close_matches(key, allowed, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    return InputError(f"{path}: unknown key {key!r} in {where}{hint}; allowed are: {', '.join(allowed)}.")


def load(path) -> Declaration:
    """Read and validate one TOML declaration."""
    path = Path(path)
    try:
        document = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise InputError(f"Declaration {str(path)!r} does not exist; give a .toml file or a folder of them.") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(f"Declaration {str(path)!r} could not be read: {error}.") from None
    except tomllib.TOMLDecodeError as error:
        raise InputError(f"{path}: not valid TOML ({error}).") from None
    for key in document:
        if key not in TOP_KEYS:
            raise _unknown(path, "the file", key, TOP_KEYS)
    for key in ("name", "data"):
        if key not in document:
            raise InputError(f"{path}: the key {key!r} is missing; a declaration needs name, [data] and [settings].")
    name = document["name"]
    if not isinstance(name, str) or not name or any(c in name for c in "/\\") or name.startswith("."):
        raise InputError(f"{path}: name {name!r} is not allowed; it must be a non-empty folder name without slashes.")
    data = document["data"]
    if not isinstance(data, dict) or "source" not in data:
        raise InputError(f"{path}: [data] needs a source: a bundled name, synthetic:..., or a file path.")
    for key in data:
        if key not in DATA_KEYS:
            raise _unknown(path, "[data]", key, DATA_KEYS)
    source = str(data["source"])
    local = path.parent / source
    if not source.startswith("synthetic") and local.exists():
        source = str(local.resolve())  # a path in a declaration is relative to the declaration
    settings = document.get("settings", {})
    if not isinstance(settings, dict):
        raise InputError(f"{path}: settings must be a table ([settings]), not {type(settings).__name__}.")
    allowed = [f.name for f in fields(Settings)]
    for key in settings:
        if key not in allowed:
            raise _unknown(path, "[settings]", key, allowed)
    for key in ("test", "precision"):  # files relative to the declaration too
        if isinstance(settings.get(key), str) and (path.parent / settings[key]).is_file():
            settings = {**settings, key: str((path.parent / settings[key]).resolve())}
    sweep = document.get("sweep", {})
    if not isinstance(sweep, dict):
        raise InputError(f"{path}: sweep must be a table ([sweep]) of settings keys with lists of values.")
    for key, values in sweep.items():
        if key not in allowed:
            raise _unknown(path, "[sweep]", key, allowed)
        if not isinstance(values, list) or not values:
            raise InputError(f"{path}: sweep {key} = {values!r} is not allowed; give a non-empty list of values, e.g. [0, 1, 2].")
    predict = _predict_table(path, document.get("predict"))
    declaration = Declaration(path, name, source, data.get("target"), str(document.get("description", "")), settings, sweep,
                              predict)
    for one in declaration.expanded():
        try:
            Settings(**one.settings)  # the one validation of every setting, in every combination
        except InputError as error:
            where = f"sweep run {one.name}: " if sweep else ""
            raise InputError(f"{path}: {where}{error}") from None
    return declaration


def _predict_table(path: Path, table) -> dict:
    """``[predict]`` checked: ``rows`` a file that exists (relative to the declaration), ``prob`` levels."""
    from priorfit.results.predictions import levels

    if table is None:
        return {}
    if not isinstance(table, dict) or "rows" not in table:
        raise InputError(f"{path}: [predict] needs rows: a CSV or Parquet file of new rows, e.g. rows = \"new-rows.csv\".")
    for key in table:
        if key not in PREDICT_KEYS:
            raise _unknown(path, "[predict]", key, PREDICT_KEYS)
    rows = path.parent / str(table["rows"])
    if not rows.is_file():
        raise InputError(f"{path}: [predict] rows {str(table['rows'])!r} is not a file that exists; give a CSV or Parquet "
                         "file of new rows, relative to the declaration.")
    try:
        prob = levels(table.get("prob", 0.9))
    except InputError as error:
        raise InputError(f"{path}: [predict] {error}") from None
    return {"rows": str(rows.resolve()), "prob": prob}


def collect(paths) -> list[Declaration]:
    """The declarations in ``paths`` (files, or folders of ``*.toml``), validated, names unique."""
    files = []
    for given in map(Path, paths):
        if given.is_dir():
            found = sorted(given.glob("*.toml"))
            if not found:
                raise InputError(f"Folder {str(given)!r} holds no .toml declarations.")
            files += found
        else:
            files.append(given)
    declarations = [one for f in files for one in load(f).expanded()]
    seen: dict[str, Path] = {}
    for d in declarations:
        if d.name in seen:
            raise InputError(f"{d.path}: name {d.name!r} is also used by {seen[d.name]}; each run needs its own output folder.")
        seen[d.name] = d.path
    return declarations
