"""Regenerate the figures the docs show (theory.md, outputs.md): python docs/make_figures.py

Runs the default comparison on diabetes (as `priorfit compare` does, seed 0) and saves two of
its plots next to this file, and the fitted lines of the Gaussian, Laplace and Student-t
likelihoods on seeded outliers (theory.md, notebooks/05-the-median-is-the-l1-loss.ipynb).

The explorer's two screenshots (outputs.md, ``explorer_alpha_2.png`` and ``explorer_alpha_10.png``) are
taken in headless Chromium by its browser test, at those two slider positions:
``PRIORFIT_SCREENSHOTS=docs pytest tests/report/test_explorer.py -k chromium -p no:xdist``.
"""

import warnings
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
warnings.filterwarnings("ignore")

import priorfit  # noqa: E402
from priorfit.plots import plot_fitted, write_png  # noqa: E402

HERE = Path(__file__).parent
OUTLIERS = "synthetic:n=100,p=1,k=1,seed=0,outliers=0.1"


def main() -> None:
    result = priorfit.compare("diabetes", progress=False)
    for kind, prior in (("forest_all", None), ("identity", "laplace")):
        name = f"{kind}{'_' + prior if prior else ''}.png"
        write_png(result.plot(kind, prior), HERE / name, dpi=90, bbox_inches="tight")
        print(f"wrote {HERE / name}")
    robust = {name: priorfit.compare(OUTLIERS, prior="normal", likelihood=name, scale={"normal": 10.0}, standardize=False,
                                     progress=False, **options)
              for name, options in {"gaussian": {}, "laplace": {}, "student_t": {"nu": 3}}.items()}
    write_png(plot_fitted(robust), HERE / "fitted_outliers.png", dpi=90, bbox_inches="tight")
    print(f"wrote {HERE / 'fitted_outliers.png'}")


if __name__ == "__main__":
    main()
