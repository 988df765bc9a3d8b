"""Reports of a comparison: the terminal tables (:mod:`.terminal`), a self-contained HTML page
(:mod:`.html`) and Markdown (:mod:`.markdown`), all read from the one result object, the
sentences about each fit from :mod:`.lines`."""

from __future__ import annotations

from pathlib import Path

from .terminal import render

__all__ = ["render", "write_reports"]


def write_reports(comparison, folder: Path) -> list[Path]:
    """Write report.html (plots embedded) and report.md (plots linked) into ``folder``, using the
    PNG files in ``folder/plots`` where they exist. Each file appears whole or not at all."""
    import os
    import tempfile

    from . import html, markdown

    plots = Path(folder) / "plots"
    images = {p.name: p.read_bytes() for p in sorted(plots.glob("*.png"))} if plots.is_dir() else {}
    written = []
    for name, text in (("report.html", html.render(comparison, images)), ("report.md", markdown.render(comparison, list(images)))):
        handle, tmp = tempfile.mkstemp(prefix=f".{name}.", dir=folder)
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as stream:
                stream.write(text)
            os.chmod(tmp, 0o644)
            os.replace(tmp, Path(folder) / name)
        finally:
            if os.path.exists(tmp):  # interrupted before the rename: leave nothing behind
                os.remove(tmp)
        written.append(Path(folder) / name)
    return written
