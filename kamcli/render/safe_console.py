"""Terminal output made safe in one place: a rich render hook that passes the text of every
printed segment through labels.terminal_safe.

The hook sees the text before rich adds its own colour codes, so kamcli's styling survives
while an ESC, OSC or bidi control inside a name, a file name or a model text never reaches
the terminal.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from rich.console import RenderHook
from rich.segment import Segment

from kamcli.render.labels import terminal_safe

if TYPE_CHECKING:
    from rich.console import Console, ConsoleOptions, ConsoleRenderable


class _Sanitised:
    def __init__(self, inner: ConsoleRenderable) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.inner, options):
            if segment.control is None:
                text = terminal_safe(segment.text)
                if text is not segment.text and text != segment.text:
                    segment = Segment(text, segment.style)
            yield segment


class SanitiseHook(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Sanitised(r) for r in renderables]
