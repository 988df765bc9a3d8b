"""Progress of a run, on stderr, through rich: a spinner while a step runs and a line with its
time when it ends. Sampling shows the sampler's own progress bar instead of a spinner. In
Jupyter rich renders as notebook output, not escape codes; disabled, nothing is printed."""

from __future__ import annotations

import time
from contextlib import contextmanager


class Progress:
    """Reports the steps of a run; ``Progress(False)`` is silent."""

    def __init__(self, enabled: bool = True, console=None):
        self.enabled = enabled
        self._console = console

    @property
    def console(self):
        if self._console is None:
            from rich.console import Console

            self._console = Console(stderr=True)
        return self._console

    @contextmanager
    def step(self, text: str, *, spinner: bool = True):
        """Show ``text`` while the block runs (a spinner, or a line when the block draws its
        own progress), then ``text`` with its time. The block gets a function that shows where
        inside the step it is (``update("polish: Newton step 3")``, beside the spinner's text);
        without a spinner, and when disabled, it does nothing."""
        if not self.enabled:
            yield _quiet
            return
        start = time.perf_counter()
        if spinner:
            with self.console.status(text) as status:
                yield lambda detail: status.update(f"{text} [dim]({detail})[/]")
        else:
            self.console.print(f"[dim]… {text}[/]")
            yield _quiet
        self.console.print(f"[green]✓[/] {text} [dim]({time.perf_counter() - start:.1f} s)[/]")


def _quiet(detail: str) -> None:
    """Where no spinner shows the detail of a step."""
