"""Reports of a comparison: the terminal tables (:mod:`.terminal`), a self-contained HTML page
(:mod:`.html`) and Markdown (:mod:`.markdown`), all read from the one result object."""

from .terminal import render

__all__ = ["render"]
