"""Every command and Python block of README.md, CONTRIBUTING.md and docs/*.md runs, so that a
documented command that stops with an argument error fails the day it appears.

The convention (docs/development.md, "Documented commands are tests"): ```bash and ```console
blocks are run, each `priorfit ...` line in-process as ``priorfit.cli.main(argv)`` (the compiled
models are shared with the rest of the suite); ```python blocks are executed, in one namespace per
file; ```toml blocks are loaded as declarations; ```text blocks are output and are not run. The
blocks of one file run in order, in one temporary folder. An HTML comment on the line before a
block, ``<!-- test: ... -->``, says how to run it cheaply: flags appended to each command of a shell
block (``--draws 100 --tune 100``; a later flag wins), keywords added to each ``priorfit.compare`` /
estimator call of a Python block (``draws=100, tune=100``), or ``exit N`` for a documented refusal.
"""

from __future__ import annotations

import ast
import os
import re
import shlex
from dataclasses import dataclass
from pathlib import Path

import matplotlib
import pytest

import priorfit

matplotlib.use("Agg")

ROOT = Path(__file__).parents[2]
DOCS = ["README.md", "CONTRIBUTING.md", *sorted(str(p.relative_to(ROOT)) for p in (ROOT / "docs").glob("*.md"))]
LANGUAGES = {"bash", "console", "python", "toml", "text"}

# blocks not run here, by file and exact text, with the reason; every other block runs
SKIPPED = {
    ("README.md", "python3.12 -m venv .venv && . .venv/bin/activate && pip install . && priorfit compare"):
        "the install-and-compare command builds a virtual environment; CI (.ci/run) installs the project the same way, "
        "and its `priorfit compare` runs here as the README's example block",
    ("README.md", 'python3.12 -m venv .venv && . .venv/bin/activate && pip install ".[test]" && pytest'):
        "the install-and-test command is what .ci/run runs; pytest inside pytest would recurse",
    ("docs/theory.md", "priorfit compare diabetes --prior laplace --scale-by-sigma --scale 4.2194 --no-standardize"):
        "tests/end_to_end/test_cli.py runs this line, read from docs/theory.md, and checks the figures the page gives for it",
    ("docs/cli.md", 'name = "lasso-diabetes-predicted"\n[data]\nsource = "diabetes"\n[settings]\nprior = ["laplace"]\n[predict]\n'
                    'rows = "new-rows.csv"        # a CSV or Parquet file of new rows, relative to this file\n'
                    'prob = [0.5, 0.9]            # one level or several (default 0.9)'):
        "its rows file is not in the docs' folder (a declaration refuses a [predict] table whose rows do not exist); "
        "tests/runs/test_declarations.py reads and runs a [predict] table",
    ("docs/cli.md", "priorfit run models/"):
        "runs the six shipped declarations at their full draws (minutes); tests/runs/test_declarations.py runs each of them "
        "with small draws",
}

# the calls of a Python block that a `<!-- test: draws=100 -->` comment gives its keywords to
SUBSTITUTED_CALLS = {"compare", "BayesianRegression", "BayesianClassifier"}


@dataclass(frozen=True)
class Block:
    doc: str
    line: int  # of the opening fence, 1-based
    language: str
    text: str
    test: str | None  # the <!-- test: ... --> comment before it

    def __str__(self):
        return f"{self.doc}:{self.line}"


_FENCE = re.compile(r"^(?P<indent> *)```(?P<language>[^`\s]*)\s*$")
_COMMENT = re.compile(r"^\s*<!--\s*test:\s*(?P<test>.*?)\s*-->\s*$")


def blocks(doc: str, text: str | None = None) -> list[Block]:
    lines = ((ROOT / doc).read_text() if text is None else text).splitlines()
    found, i = [], 0
    while i < len(lines):
        fence = _FENCE.match(lines[i])
        if fence is None:
            i += 1
            continue
        indent, start, body = len(fence["indent"]), i, []
        i += 1
        while not re.match(r"^ *```\s*$", lines[i]):
            body.append(lines[i][indent:])
            i += 1
        before = start - 1
        while before >= 0 and not lines[before].strip():
            before -= 1
        comment = _COMMENT.match(lines[before]) if before >= 0 else None
        found.append(Block(doc, start + 1, fence["language"], "\n".join(body), comment["test"] if comment else None))
        i += 1
    return found


ALL = [block for doc in DOCS for block in blocks(doc)]


def test_every_block_says_what_it_is():
    unknown = [f"{b} (```{b.language})" for b in ALL if b.language not in LANGUAGES]
    assert not unknown, f"fence each block with one of {sorted(LANGUAGES)}: {unknown}"
    assert {b.language for b in ALL} >= {"bash", "python", "toml", "text"}  # the parser finds them


def test_each_skipped_block_is_in_the_docs():
    present = {(b.doc, b.text.strip()) for b in ALL}
    assert set(SKIPPED) <= present, set(SKIPPED) - present
    assert all(SKIPPED.values())


def test_the_readme_is_a_front_door():
    assert len((ROOT / "README.md").read_text().splitlines()) <= 200


def _commands(block: Block) -> list[str]:
    """The command lines of a shell block: continuations joined, comments and console output dropped."""
    text = re.sub(r"\s*\\\n\s*", " ", block.text)
    commands = []
    for line in text.splitlines():
        line = line.strip()
        if block.language == "console":
            if not line.startswith("$ "):
                continue  # output
            line = line[2:]
        line = line.split(" #")[0].strip() if not line.startswith("#") else ""
        if line:
            commands.append(line)
    return commands


def _run_shell(block: Block, capsys, monkeypatch) -> str:
    from priorfit.cli import main

    spec = shlex.split(block.test or "")
    expected = 0
    if spec[:1] == ["exit"]:
        expected, spec = int(spec[1]), spec[2:]
    commands = _commands(block)
    assert commands, f"{block}: a shell block with no command"
    for command in commands:
        argv = shlex.split(command)
        assert argv[0] == "priorfit", (
            f"{block}: this test runs only `priorfit` commands; list `{command}` in SKIPPED with the reason")
        with monkeypatch.context() as patch:
            if argv[1:2] == ["calibrate"]:  # in this process, where the compiled models are (same seed, same ranks)
                patch.setattr(os, "cpu_count", lambda: 1)
            code = main([*argv[1:], *spec])
        out, err = capsys.readouterr()
        assert code == expected, f"{block}: `{command}` {' '.join(spec)} exited {code}, not {expected}:\n{err[-2000:]}"
    return out


def test_a_documented_argument_error_fails(capsys, monkeypatch):
    doc = "Intro.\n\n<!-- test: --draws 100 -->\n```bash\npriorfit compare --prior normal \\\n  --no-such-flag 1\n```\n"
    (block,) = blocks("example.md", doc)
    assert (block.language, block.line, block.test) == ("bash", 4, "--draws 100")
    assert _commands(block) == ["priorfit compare --prior normal --no-such-flag 1"]
    with pytest.raises(AssertionError, match=r"example.md:4: `priorfit compare --prior normal --no-such-flag 1` --draws 100 "
                                             r"exited 2, not 0:\n\s*priorfit: error: Unrecognized arguments: --no-such-flag \(see 'priorfit --help'\)"):
        _run_shell(block, capsys, monkeypatch)
    # an indented block in a list item, a console block's output, and an unlabelled block
    doc = "- item:\n\n  ```console\n  $ priorfit priors  # the table\n  prior likelihood\n  ```\n\n```\nx\n```\n"
    console, bare = blocks("example.md", doc)
    assert _commands(console) == ["priorfit priors"] and bare.language == ""


class _Keywords(ast.NodeTransformer):
    def __init__(self, keywords: list[ast.keyword]):
        self.keywords, self.calls = keywords, 0

    def visit_Call(self, node):
        self.generic_visit(node)
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", None)
        if name in SUBSTITUTED_CALLS:
            given = {k.arg for k in self.keywords}
            node.keywords = [k for k in node.keywords if k.arg not in given] + self.keywords
            self.calls += 1
        return node


# results of identical priorfit.compare calls (plain arguments, e.g. the README's example and docs/python.md's),
# computed once for all docs: the same arguments and seed give the same result
_COMPARED: dict = {}
_REAL: dict = {}


def _plain(value) -> bool:
    if isinstance(value, (list, tuple)):
        return all(map(_plain, value))
    if isinstance(value, dict):
        return all(map(_plain, value)) and all(map(_plain, value.values()))
    return value is None or isinstance(value, (str, int, float, bool))


def _compare_once(*args, **kwargs):
    compare = _REAL["compare"]
    if not (_plain(args) and _plain(kwargs)):
        return compare(*args, **kwargs)
    key = repr((args, sorted(kwargs.items())))
    if key not in _COMPARED:
        _COMPARED[key] = compare(*args, **kwargs)
    return _COMPARED[key]


def _run_python(block: Block, namespace: dict):
    tree = ast.parse(block.text, filename=str(block))
    if block.test:
        keywords = _Keywords(ast.parse(f"f({block.test})", mode="eval").body.keywords)
        tree = ast.fix_missing_locations(keywords.visit(tree))
        assert keywords.calls, f"{block}: the test comment names keywords but the block calls none of {SUBSTITUTED_CALLS}"
    exec(compile(tree, str(block), "exec"), namespace)


def _load_toml(block: Block, tmp_path: Path):
    from priorfit.runs.declarations import load

    path = tmp_path / f"block-{block.line}.toml"
    path.write_text(block.text + "\n")
    assert load(path).name


# lines of an output excerpt that depend on the draws (the test runs the command with fewer): table rows,
# elisions, the sampling's own figures, and the identity checks (their points are spread by the posterior sd)
_DRAWN = ("│", "┏", "┃", "┡", "└", "...", "effective parameters", "log predictive density", "NUTS:", "time:", "✗",
          "checks failed", "objective identity")


# numbers at the level of rounding (1e-9 and below) and the raw find_MAP path (its iterations, where it
# stopped) move with the machine's floating point (the CPU, its BLAS): measured on two CPUs with the same
# versions, 197 and 186 iterations, a certificate of 4.5e-13 and 1.1e-13
_ROUNDING = re.compile(r"\d(?:\.\d+)?e-(?:0?9|[1-9]\d)\b|find_MAP: |iterations")
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?")


def _pattern(line: str) -> re.Pattern:
    """The line, its whitespace collapsed; in a line with a rounding-level number or the raw find_MAP
    path, every number matches any number."""
    text = " ".join(line.split())
    if not _ROUNDING.search(text):
        return re.compile(re.escape(text))
    parts = _NUMBER.split(text)
    return re.compile(_NUMBER.pattern.join(re.escape(part) for part in parts))


def _check_excerpt(block: Block, output: str | None):
    """A ```text block marked `<!-- test: output -->` is an excerpt of the output of the shell block
    before it: each of its lines that does not depend on the draws is in that output (line breaks
    aside, which follow the terminal's width; numbers of :data:`_ROUNDING` lines as any number)."""
    assert output is not None, f"{block}: an output excerpt with no command before it"
    flat = " ".join(output.split())
    lines = [line for line in block.text.splitlines() if line.strip() and not line.lstrip().startswith(_DRAWN)]
    assert lines, f"{block}: nothing of the excerpt is checked"
    missing = [line for line in lines if not _pattern(line).search(flat)]
    assert not missing, f"{block}: these lines are not in the output of the command before it: {missing}"


RUNNABLE = [doc for doc in DOCS if any(b.language in LANGUAGES - {"text"} and (b.doc, b.text.strip()) not in SKIPPED
                                       for b in blocks(doc))]


@pytest.mark.parametrize("doc", RUNNABLE)
def test_the_blocks_of_each_doc_run(doc, tmp_path, monkeypatch, capsys):
    import warnings

    warnings.filterwarnings("ignore", message="PyTensor could not link to a BLAS")
    monkeypatch.chdir(tmp_path)
    _REAL.setdefault("compare", priorfit.compare)
    monkeypatch.setattr(priorfit, "compare", _compare_once, raising=False)
    namespace: dict = {"__name__": "__docs__"}
    output = None
    for block in blocks(doc):
        if block.language == "text" and block.test == "output":
            _check_excerpt(block, output)
        if (block.doc, block.text.strip()) in SKIPPED or block.language == "text":
            continue
        if block.language in ("bash", "console"):
            output = _run_shell(block, capsys, monkeypatch)
        elif block.language == "python":
            _run_python(block, namespace)
        elif block.language == "toml":
            _load_toml(block, tmp_path)


def _anchor(heading: str) -> str:
    """GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


@pytest.mark.parametrize("doc", [*DOCS, "benchmarks/README.md"])
def test_links_point_at_files_and_headings(doc):
    text = (ROOT / doc).read_text()
    broken = []
    for target in re.findall(r"\]\(([^)\s]+)\)", text):
        if re.match(r"[a-z]+://", target):
            continue
        path, _, anchor = target.partition("#")
        file = (ROOT / doc).parent / path if path else ROOT / doc
        if not file.exists():
            broken.append(target)
        elif anchor and anchor not in {_anchor(h) for h in re.findall(r"^#+ (.+)$", file.read_text(), re.MULTILINE)}:
            broken.append(target)
    assert not broken, f"{doc}: {broken}"


def _inline_commands(doc: str) -> list[str]:
    """The `priorfit ...` commands written inline in the prose (outside fenced blocks), with their
    arguments; a span with a placeholder (DIR, S, [DATA], ...) is a pattern, not a command."""
    text = re.sub(r"^ *```.*?^ *```", "", (ROOT / doc).read_text(), flags=re.MULTILINE | re.DOTALL)
    spans = (" ".join(span.split()) for span in re.findall(r"`(priorfit [^`]+)`", text))
    return [span for span in spans
            if len(span.split()) > 2 and not re.search(r"\[|\.\.\.|\b[A-Z]+\b", span)]


def _parse(command: str) -> None:
    """Parse ``command`` and validate its settings as the CLI does before it fits anything."""
    from priorfit.cli import _given, _parser

    args = _parser().parse_args(shlex.split(command)[1:])
    if args.command in ("compare", "path", "calibrate"):
        _given(args, args.command)


@pytest.mark.parametrize("doc", DOCS)
def test_inline_commands_parse(doc):
    """Commands in the prose are not run (some take minutes), but each is parsed and its settings
    validated: a renamed flag or a bad value fails here."""
    from priorfit.errors import InputError

    for command in _inline_commands(doc):
        try:
            _parse(command)
        except InputError as error:
            pytest.fail(f"{doc}: `{command}`: {error}")


def test_inline_commands_are_found_and_checked():
    from priorfit.errors import InputError

    assert "priorfit compare synthetic:n=15,p=20 --prior normal --scale 1" in _inline_commands("docs/theory.md")
    assert "priorfit report DIR" not in _inline_commands("docs/cli.md")  # a pattern
    with pytest.raises(InputError, match="scale '-1' is not allowed"):
        _parse("priorfit compare --prior normal --scale -1")
    with pytest.raises(InputError, match="Unrecognized arguments: --no-such-flag"):
        _parse("priorfit path --no-such-flag")


def _references(doc: str) -> tuple[list[str], list[str]]:
    """The repository paths (`priorfit/...`, `tests/...`, ...) and the dotted Python names
    (`priorfit.runs.path.path`) that the prose of ``doc`` names in backticks."""
    text = re.sub(r"^ *```.*?^ *```", "", (ROOT / doc).read_text(), flags=re.MULTILINE | re.DOTALL)
    spans = re.findall(r"`([^`\s]+)`", text)
    paths = [s for s in spans if re.fullmatch(r"(priorfit|tests|benchmarks|docs|models|notebooks)/[\w./-]*\w|\.ci/run", s)
             and "*" not in s and "<" not in s]
    names = [m[1] for s in spans if (m := re.fullmatch(r"(priorfit(?:\.\w+)+)(\(.*\))?", s))]
    return paths, names


@pytest.mark.parametrize("doc", [*DOCS, "benchmarks/README.md"])
def test_named_files_and_python_names_exist(doc):
    import importlib

    paths, names = _references(doc)
    missing = [p for p in paths if not (ROOT / p).exists()]
    for name in names:
        obj, *parts = name.split(".")
        obj = importlib.import_module(obj)
        for part in parts:
            try:
                obj = getattr(obj, part)
            except AttributeError:
                try:
                    obj = importlib.import_module(f"{obj.__name__}.{part}")
                except (ImportError, AttributeError):
                    missing.append(name)
                    break
    assert not missing, f"{doc} names what is not there: {missing}"


def test_references_are_found():
    paths, names = _references("docs/python.md")
    assert "tests/runs/test_estimator.py" in paths or "priorfit.runs.estimator.EXPECTED_FAILED_CHECKS" in names
    assert "priorfit.result.load" in names
