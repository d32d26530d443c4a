"""Pieces every terminal section handler uses (terminal.py and terminal_stats.py)."""

from __future__ import annotations

from collections.abc import Iterable

from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.report.parts import Field


def heading(text: str) -> Text:
    return Text("\n" + text, style="bold underline")


def titled_fields(title: str, fields: Iterable[Field]) -> list[RenderableType]:
    """A bold title over name/value rows: the header of the 360°, cohort and stats reports."""
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for field in fields:
        grid.add_row(Text(field.name), Text(field.value))
    return [Text(title, style="bold"), grid]
