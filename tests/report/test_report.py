"""report.html and report.md: self-contained, every section and check, and rebuilt identically
from a saved folder by `priorfit report DIR` without refitting."""

import html
import re
import shutil
import subprocess

import pytest

import priorfit
import priorfit.report.lines
from priorfit.cli import main
from priorfit.results import load


@pytest.fixture(scope="module")
def saved(sparse_three_saved):
    """synthetic:n=80,p=6,k=2,seed=3 under normal, laplace and horseshoe, saved with plots (tests/conftest.py)."""
    return sparse_three_saved


def test_html_is_self_contained_with_every_section(saved):
    result, out = saved
    page = (out / "report.html").read_text()
    # nothing fetched from a network (the explorer's inlined BokehJS holds such text: the page's own tags, without
    # its scripts' bodies; tests/report/test_explorer.py records a browser's requests)
    tags = re.sub(r"<script>.*?</script>", "<script></script>", page, flags=re.S)
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", tags)
    assert tags.count("data:image/png;base64,") == len(list((out / "plots").glob("*.png")))
    for fit in result.fits:
        assert f"<h2 id='{fit.prior.name}'>" in page
        for passed, text in fit.check_results():
            assert text.replace("<", "&lt;").replace(">", "&gt;") in page
    failed = result.checks()
    assert ('class="failed"' in page) == bool(failed)
    laplace = result.table("laplace")
    assert f"<td>{priorfit.report.lines.number(laplace.loc['x1', 'map'])}</td>" in page
    assert "objective identity: -log p = k J + c" in page


def test_markdown_links_the_plots_and_lists_the_checks(saved):
    result, out = saved
    text = (out / "report.md").read_text()
    for name in ("forest_all.png", "shrinkage.png", "identity_laplace.png", "forest_horseshoe.png"):
        assert f"](plots/{name})" in text and (out / "plots" / name).exists()
    assert text.count("\n- ✓ ") + text.count("\n- **✗ ") == sum(len(f.check_results()) for f in result.fits)


def test_load_reads_back_what_was_saved(saved):
    result, out = saved
    assert load(out).to_json() == result.to_json()


def test_report_command_rebuilds_both_identically(saved, tmp_path, capsys):
    _, out = saved
    copy = tmp_path / "copy"
    shutil.copytree(out, copy)
    for name in ("report.html", "report.md"):
        (copy / name).unlink()
    assert main(["report", str(copy)]) == 0
    for name in ("report.html", "report.md"):
        assert (copy / name).read_bytes() == (out / name).read_bytes(), name
    # a folder saved without plots gets them drawn for its report
    shutil.rmtree(copy / "plots")
    assert main(["report", str(copy)]) == 0
    assert sorted(p.name for p in (copy / "plots").iterdir()) == sorted(p.name for p in (out / "plots").iterdir())
    assert "data:image/png" in (copy / "report.html").read_text()


def test_report_command_on_a_folder_without_results(tmp_path, capsys):
    assert main(["report", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err == f"priorfit: error: Folder {str(tmp_path)!r} holds no priorfit results (no summary.json); give a folder priorfit compare --out wrote.\n"


def test_report_renders_in_a_headless_browser(saved, tmp_path):
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        pytest.skip("chromium is not installed (apt-get install -y chromium); the HTML checks above still ran")
    _, out = saved
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
             "--disable-background-networking", "--disable-component-update", "--disable-sync",
             f"--user-data-dir={tmp_path / 'profile'}"]
    dom = subprocess.run([chromium, *flags, "--dump-dom", (out / "report.html").as_uri()], capture_output=True, text=True, timeout=120)
    assert "laplace prior ↔ Lasso" in dom.stdout and dom.stdout.count("<img") == len(list((out / "plots").glob("*.png")))
    shot = tmp_path / "report.png"
    subprocess.run([chromium, *flags, f"--screenshot={shot}", "--window-size=1200,2400", (out / "report.html").as_uri()],
                   capture_output=True, timeout=120)
    assert shot.stat().st_size > 50_000  # a rendered page with plots, not a blank one


def test_jupyter_shows_each_prior_with_its_checks(saved):
    result, _ = saved
    shown = result._repr_html_()
    for fit in result.fits:
        assert f"<h2 id='{fit.prior.name}'>" in shown
        assert all(text.replace("<", "&lt;").replace(">", "&gt;") in shown for _, text in fit.check_results())
    assert "<img" not in shown and "<table>" in shown
    styles = re.search(r"<style>(.*?)</style>", shown).group(1)
    assert all(rule.strip().startswith(".priorfit") for rule in styles.split("}") if rule.strip())


def test_no_none_in_what_a_reader_reads(saved):
    """A prior's unset parameters are left out (the horseshoe's default global scale is random:
    'scale=None' once stood in the summary); long vectors are counted, not printed."""
    result, _ = saved
    for fit in result.fits:
        for line in priorfit.report.lines.fit_lines(fit):
            assert "None" not in line, line
    horseshoe = priorfit.report.lines.fit_lines(result.fit("horseshoe"))[0]
    assert horseshoe.startswith("prior: horseshoe(mu=0, global_prior_scale=") and "global_scale=halfcauchy:" in horseshoe
    assert priorfit.report.lines._parameter([1.0, 2.0]) == "(1, 2)"
    assert priorfit.report.lines._parameter([0.5] * 10) == "(10 values)"


def test_every_renderer_says_the_twin_and_the_data_the_same_way(saved):
    """One twin label and one data header: the terminal, the page, the notebook, the Markdown and
    the plot titles all read them from the same place, and a prior without a twin says so."""
    import matplotlib.pyplot as plt
    from rich.console import Console

    from priorfit.plots import forest, shrinkage
    from priorfit.report import render

    result, out = saved
    console = Console(record=True, width=300)
    render(result, console)
    texts = {"terminal": console.export_text(), "html": (out / "report.html").read_text(),
             "notebook": result._repr_html_(), "markdown": (out / "report.md").read_text()}
    header = ("n = 80, p = 6, gaussian likelihood, standardized X, with intercept; coefficients on the model scale")
    assert priorfit.report.lines.data_sentence(result) == header
    assert result.fit("horseshoe").twin_label() == "LassoCV, ARDRegression (nearest, not exact)"
    assert result.fit("horseshoe").twin_label(shown=True) == "LassoCV (nearest, not exact)"
    assert result.fit("laplace").twin_label() == result.fit("laplace").twin_label(shown=True) == "Lasso"
    for where, text in texts.items():
        assert header in text, where
        for fit in result.fits:
            assert f"{fit.prior.name} prior ↔ {fit.twin_label()}" in text, (where, fit.prior.name)
    assert "(+300 tuning), seed 1; priorfit " in texts["html"] and "(+300 tuning), seed 1; priorfit " in texts["markdown"]
    horseshoe = result.fit("horseshoe")
    assert priorfit.report.lines.column_labels(horseshoe, 0.94)["penalized"] == horseshoe.twin_label(shown=True)
    figure = plt.figure()
    try:
        figure = forest.plot_forest(result, "horseshoe").viz["figure"].item()
        assert figure._suptitle.get_text().endswith(f"penalized: {horseshoe.twin_label(shown=True)}")
        plt.close(figure)
        figure = shrinkage.plot_shrinkage(result).viz["figure"].item()
        assert [ax.get_title() for ax in figure.axes if ax.get_title()] == [f"{f.prior.name} ↔ {f.twin_label(shown=True)}" for f in result.fits]
    finally:
        plt.close("all")


def test_reports_hold_the_predictive_checks_the_compare_table_and_the_sensitivity(saved):
    """Each prior's PPC p-values and psense table, and arviz-stats' compare in the shrinkage section, in both reports."""
    result, out = saved
    page, text = (out / "report.html").read_text(), (out / "report.md").read_text()
    lines = priorfit.report.lines
    for fit in result.fits:
        check = lines.predictive_lines(fit)
        assert check[0].startswith(f"posterior predictive check: p-value of the mean of y {fit.predictive.p_mean:.3f}, "
                                   f"of its sd {fit.predictive.p_sd:.3f}")
        assert check[1].startswith("prior predictive: sd(y_rep) has the 90% interval")
        for line in check + lines.sensitivity_lines(fit):
            assert f"- {line}" in text and line.replace("<", "&lt;").replace(">", "&gt;") in page
        for name in (f"ppc_{fit.prior.name}.png", f"prior_predictive_{fit.prior.name}.png"):
            assert f"](plots/{name})" in text
        first = fit.sensitivity.rows[0]
        assert f"| {first.name} | {first.prior:.3f} | {first.likelihood:.3f} | {first.diagnosis or '—'} |" in text
    section = text[text.index("## How much shrinkage"):]
    assert lines.LOO_COMPARE_NOTE in section and html.escape(lines.LOO_COMPARE_NOTE) in page
    best = result.loo_compare[0]
    assert f"| {best.prior} | 0 | {best.elpd_loo:.2f} | 0.00 | 0.00 |" in section
    assert len(result.loo_compare) == 3 and [r.prior for r in load(out).loo_compare] == [r.prior for r in result.loo_compare]
    # every row has its ten cells: a pipe inside a cell (arviz-stats' "|elpd_diff| < 4") is escaped
    table = section[section.index("| prior | rank"):].strip().splitlines()
    assert [len(re.findall(r"(?<!\\)\|", line)) for line in table] == [11] * (len(result.loo_compare) + 2)
    # arviz-stats' warnings of the row (their Pareto-k part moves with the draws)
    assert lines.loo_compare_rows(result)[1][1][-1] == result.loo_compare[1].diagnosis
    assert result.loo_compare[1].diagnosis.startswith("N < 100")
    from priorfit.report.markdown import _cells

    assert _cells(["warning"], [["|elpd_diff| < 4"]])[-1] == "| \\|elpd_diff\\| < 4 |"
