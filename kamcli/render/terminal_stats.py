"""The psychometrics sections on the terminal (kamcli/report/stats.py builds them;
terminal.render_terminal prints them in print order)."""

from __future__ import annotations

from rich import box
from rich.console import RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.terminal_parts import heading, titled_fields
from kamcli.report import document as doc


def _stats_table(titles: tuple[str, ...], right: set[int]) -> Table:
    """Text columns fold; the columns in `right` are numbers and never wrap."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    for index, title in enumerate(titles):
        if index in right:
            table.add_column(title, justify="right", no_wrap=True)
        else:
            table.add_column(title, overflow="fold")
    return table


def _stats_bullets(texts: list[str]) -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(overflow="fold")
    for text in texts:
        grid.add_row(Text("•"), Text(text))
    return grid


def _on_stats_overview(section: doc.StatsOverview) -> list[RenderableType]:
    return titled_fields(section.title, section.fields)


def _on_reliability_table(section: doc.ReliabilityTable) -> list[RenderableType]:
    table = _stats_table(section.columns, {1, 2, 3, 4})
    for row in section.rows:
        table.add_row(Text(row.name), row.k, row.n, row.alpha, row.ci)
    return [heading(section.heading), table]


def _on_item_table(section: doc.ItemTable) -> list[RenderableType]:
    """Each competency's name once, on its first item; a rule after its last."""
    table = _stats_table(section.columns, {2, 3})
    for scale in section.scales:
        for index, item in enumerate(scale.items):
            mark = f" {section.mark}" if item.negative else ""
            table.add_row(
                Text(scale.name if index == 0 else ""),
                Text(item.item_id),
                item.item_rest + mark,
                item.alpha_if_deleted,
                end_section=index == len(scale.items) - 1,
            )
    return [heading(section.heading), table, Text(section.legend, style="dim")]


def _on_advice_notes(section: doc.AdviceNotes) -> list[RenderableType]:
    texts = [doc.plain(line) for line in section.items]
    return [heading(section.heading), _stats_bullets(texts) if texts else Text(section.empty)]


def _on_flagged_list(section: doc.FlaggedList) -> list[RenderableType]:
    parts: list[RenderableType] = [heading(section.heading)]
    parts += [Text(text) for text in section.texts]
    if section.rows:
        table = _stats_table(section.columns, {1, 2, 3})
        for row in section.rows:
            table.add_row(Text(row.respondent_id), row.run, row.irv, row.speed, row.why)
        parts.append(table)
    if section.more:
        parts.append(Text(section.more))
    return parts


def _on_note_list(section: doc.NoteList) -> list[RenderableType]:
    return [heading(section.heading), _stats_bullets(list(section.items))]
