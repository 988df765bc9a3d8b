"""Regenerate the figures the docs show (theory.md, outputs.md): python docs/make_figures.py

Runs the default comparison on diabetes (as `priorfit compare` does, seed 0) and saves two of
its plots next to this file.
"""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
warnings.filterwarnings("ignore")

import priorfit  # noqa: E402
from priorfit.plots import write_png  # noqa: E402

HERE = Path(__file__).parent


def main() -> None:
    result = priorfit.compare("diabetes", progress=False)
    for kind, prior in (("forest_all", None), ("identity", "laplace")):
        name = f"{kind}{'_' + prior if prior else ''}.png"
        write_png(result.plot(kind, prior), HERE / name, dpi=90, bbox_inches="tight")
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
