"""The notebooks run top to bottom with the public API (executed here with nbclient)."""

from pathlib import Path

import pytest

NOTEBOOKS = sorted((Path(__file__).parents[2] / "notebooks").glob("*.ipynb"))

# the kernel of this notebook also runs PROGRESS, a fit with progress shown (no kernel of its own)
PROGRESS_IN = "01-gaussian-prior-is-ridge"
PROGRESS = ('import priorfit\nr = priorfit.compare("synthetic:n=40,p=3,k=1", prior="normal", sigma=1.0, draws=50, tune=50, '
            'chains=1, progress=True)')


def _text(outputs) -> str:
    return "".join(str(o.get("text", "")) + str(o.get("data", {})) for o in outputs)


# the longest walkthroughs (horseshoe funnels, held-out rows under two noises, three likelihoods, a hierarchical
# Tikhonov fit: 18-32 s each cold) run with the slow checks (pytest -m slow); the others in every run
SLOW = {"03-horseshoe-vs-lasso", "04-what-the-intervals-promise", "05-the-median-is-the-l1-loss",
        "06-tikhonov-is-a-gaussian-prior"}


@pytest.mark.parametrize("path", [pytest.param(p, marks=pytest.mark.slow) if p.stem in SLOW else p for p in NOTEBOOKS],
                         ids=[p.stem for p in NOTEBOOKS])
def test_notebook_runs(path, tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    notebook = nbformat.read(path, as_version=4)
    shown = len(notebook.cells)
    if path.stem == PROGRESS_IN:
        notebook.cells.append(nbformat.v4.new_code_cell(PROGRESS))
    client = nbclient.NotebookClient(notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, naming the cell, if any cell fails
    outputs = [o for cell in notebook.cells[:shown] if cell.cell_type == "code" for o in cell.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("image/png" in o.get("data", {}) for o in outputs)  # the plots were drawn
    if path.stem == PROGRESS_IN:  # progress in Jupyter is notebook output, not terminal escape codes
        text = _text(notebook.cells[-1]["outputs"])
        assert "building the model, find_MAP and the polish" in text  # the steps are shown
        assert "\x1b[" not in text


def test_progress_is_checked_in_a_notebook_that_runs():
    assert PROGRESS_IN in [p.stem for p in NOTEBOOKS]
