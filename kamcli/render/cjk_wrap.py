"""Line wrapping that never starts a line with closing CJK punctuation (。，、 …).

Rich folds a run of Chinese characters at any cell, so a table cell can begin a line with 。 or
，; typesetting rules (kinsoku) forbid that. This renderable wraps at the width the table gives
it, keeping closing punctuation on the line before and opening brackets on the line after.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.cells import cell_len
from rich.console import Console, ConsoleOptions, RenderResult
from rich.measure import Measurement
from rich.text import Text

from kamcli.render.line_breaks import CLOSING, OPENING

_UNITS = re.compile(r"[A-Za-z0-9_'’\-./@#+]+\s*|\s+|.", re.DOTALL)


def _units(text: str) -> list[str]:
    """Breakable pieces: a Latin word with its trailing space, or one other character,
    with closing punctuation glued to the piece before and opening to the piece after."""
    units: list[str] = []
    pending_open = ""
    for piece in _UNITS.findall(text):
        if piece in OPENING:
            pending_open += piece
            continue
        if units and piece[0] in CLOSING and not pending_open:
            units[-1] += piece
            continue
        units.append(pending_open + piece)
        pending_open = ""
    if pending_open:
        units.append(pending_open)
    return units


def wrap_lines(text: str, width: int) -> list[str]:
    """Greedy wrap by terminal cells; a piece wider than `width` is folded as a last resort."""
    width = max(1, width)
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for unit in _units(paragraph):
            if cell_len(line + unit.rstrip()) <= width:
                line += unit
                continue
            if line.strip():
                lines.append(line.rstrip())
            line = unit.lstrip()
            while cell_len(line.rstrip()) > width:
                cut = _fit(line, width)
                lines.append(line[:cut])
                line = line[cut:]
        lines.append(line.rstrip())
    return lines


def _fit(text: str, width: int) -> int:
    used = 0
    for index, char in enumerate(text):
        used += cell_len(char)
        if used > width:
            return max(1, index)
    return len(text)


class WrappedText:
    """A table cell that wraps by the rules above (plain text: no markup is interpreted)."""

    def __init__(self, text: str, style: str = "") -> None:
        self.text = text
        self.style = style

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        pieces = _units(self.text) or [""]
        widest_piece = max(cell_len(p.rstrip()) for p in pieces)
        widest_line = max(cell_len(line) for line in self.text.split("\n"))
        return Measurement(min(widest_piece, options.max_width), widest_line)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield from self._lines(options.max_width)

    def _lines(self, width: int) -> Iterator[Text]:
        lines = wrap_lines(self.text, width)
        yield Text("\n".join(lines), style=self.style, no_wrap=True, overflow="crop")
