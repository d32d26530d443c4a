"""The progress bar of `kam batch`: on stderr, only when stderr is a terminal (not --quiet).

While it shows, every message to stderr goes through it, so lines print above the bar.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from kamcli.render.labels import clean_text

if TYPE_CHECKING:
    from rich.progress import Progress as RichProgress
    from rich.progress import TaskID

    from kamcli.io.batch_read import Table


class Progress:
    """A progress bar on stderr for long runs (only on a terminal); messages print above it."""

    def __init__(self, enabled: bool) -> None:
        self._bar: RichProgress | None = None
        self._task: TaskID | None = None
        if enabled:
            from rich.console import Console
            from rich.progress import Progress as RichProgress

            self._bar = RichProgress(console=Console(stderr=True), transient=True)
            self._bar.start()

    def start(self, table: Table) -> None:
        if self._bar is not None:
            if self._task is not None:
                self._bar.remove_task(self._task)
            self._task = self._bar.add_task(clean_text(table.name), total=table.size)

    def update(self, completed: int) -> None:
        if self._bar is not None and self._task is not None:
            self._bar.update(self._task, completed=completed)

    def print(self, text: str) -> None:
        if self._bar is not None:
            self._bar.console.print(text, markup=False, highlight=False, soft_wrap=True)
        else:
            sys.stderr.write(text + "\n")

    def stop(self) -> None:
        if self._bar is not None:
            self._bar.stop()
            self._bar = None
