"""Regenerate the figures the docs show (theory.md, outputs.md): python docs/make_figures.py

Runs the default comparison on diabetes (as `priorfit compare` does, seed 0) and saves two of
its plots next to this file.
"""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
warnings.filterwarnings("ignore")

import matplotlib.pyplot as plt  # noqa: E402

import priorfit  # noqa: E402

HERE = Path(__file__).parent


def main() -> None:
    result = priorfit.compare("diabetes", progress=False)
    for kind, prior in (("forest_all", None), ("identity", "laplace")):
        figure = result.plot(kind, prior)
        name = f"{kind}{'_' + prior if prior else ''}.png"
        figure.savefig(HERE / name, dpi=90, bbox_inches="tight")
        plt.close(figure)
        print(f"wrote {HERE / name}")


if __name__ == "__main__":
    main()
