"""The gap report for the terminal (rich): readable at 80 columns, in colour or without.

Every piece of text is a `rich.text.Text`, never a markup string, so names such as `Li[/]`
or `[red]x` print literally. Status is always glyph + word; colour only repeats it, and rich
drops colour by itself under NO_COLOR or when output is not a terminal.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.labels import INSUFFICIENT, MISSING, clean_text, format_created_at
from kamcli.report import document as doc

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring import AssessmentResult

__all__ = ["format_created_at", "gap_report", "render_terminal", "score_bar"]

# 12 cells: on a 1–5 scale each point is three cells, and the table (with its weight column)
# still leaves the competency names about 20 columns at 80.
BAR_WIDTH = 12
FILLED = "█"
EMPTY = "░"
TARGET_MARK = "│"
STATUS_STYLES = {
    "met": "green",
    "close": "yellow",
    "develop": "red",
    "critical": "bold red",
    INSUFFICIENT: "dim",
}


def score_bar(score: float, target: float, low: float, high: float, width: int = BAR_WIDTH) -> str:
    """Blocks up to the score and a mark in the cell where the target is reached.

    The mark is the last cell a score equal to the target would fill, so a met target reads
    `█████│░░░`, a shortfall `███░░│░░░` and a surplus `█████│██░`, all without colour.
    """
    span = high - low

    def cells(value: float) -> int:
        share = min(1.0, max(0.0, (value - low) / span))
        return round(share * width)

    filled = cells(score)
    mark = min(width - 1, max(0, cells(target) - 1))
    return "".join(
        TARGET_MARK if i == mark else FILLED if i < filled else EMPTY for i in range(width)
    )


def _line(line: doc.Line, style: str = "") -> Text:
    return Text(doc.plain(line), style=style)


def _heading(text: str) -> Text:
    return Text("\n" + text, style="bold underline")


def _bullets(texts: list[str], indent: int = 3, style: str = "") -> Table:
    """Bullets with a hanging indent, so wrapped lines (and folded CJK) stay under the text."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=indent + 1, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for text in texts:
        grid.add_row(Text("•", style=style), Text(text, style=style))
    return grid


def _numbered(number: int, text: str) -> Table:
    """ "1. text" with wrapped lines indented under the text, not under the number."""
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=2, no_wrap=True)
    grid.add_column(overflow="fold")
    grid.add_row(Text(f"{number}.", style="bold"), Text(text, style="bold"))
    return grid


def _on_header(section: doc.Header) -> list[RenderableType]:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for field in (*section.fields, section.model, section.date):
        grid.add_row(Text(field.name), Text(clean_text(field.value)))
    return [Text(section.title, style="bold"), grid, Text("")]


def _status_width(words: tuple[tuple[str, str], ...]) -> int:
    """Wide enough for every band's glyph + word; "insufficient data" (the last) may wrap
    between words. Capping the status column leaves the spare width to the names."""
    *bands, (glyph, word) = words
    widths = [cell_len(f"{glyph} {word}") for glyph, word in bands]
    widths.append(cell_len(f"{glyph} {max(word.split(), key=cell_len)}"))
    return max(widths)


def _name_cell(row: doc.GapRow) -> Text:
    cell = Text(row.name)
    if row.coverage_note:
        cell.append("\n" + row.coverage_note, "dim")
    return cell


def _on_gap_table(section: doc.GapTable) -> list[RenderableType]:
    """One row per competency in model order; number columns never wrap, names fold."""
    low, high = section.low, section.high
    caption = f"{section.legend_bar}\n{section.legend_gap}\n{section.legend_levels}"
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True,
                  caption=Text(caption), caption_justify="left")  # fmt: skip
    names = section.headings
    table.add_column(names.competency, overflow="fold", ratio=1, min_width=8)
    for title in (names.score, names.target, names.gap, names.weight):
        table.add_column(title, justify="right", no_wrap=True)
    table.add_column(names.bar_short, no_wrap=True, min_width=BAR_WIDTH)
    table.add_column(names.status, overflow="fold", max_width=_status_width(section.status_words))
    for row in section.rows:
        style = STATUS_STYLES.get(row.status, "")
        bar = MISSING if row.score is None else score_bar(row.score, row.target, low, high)
        table.add_row(
            _name_cell(row),
            Text(row.score_text),
            Text(row.target_text),
            Text(row.gap),
            Text(row.weight),
            Text(bar, style=style),
            Text(f"{row.glyph} {row.word}", style=style),
        )
    return [table]


def _on_priorities(section: doc.Priorities) -> list[RenderableType]:
    lines: list[RenderableType] = [_heading(section.heading)]
    if not section.items:
        lines.append(Text(section.empty))
    else:
        lines.append(Text(section.rule, style="dim"))
    for item in section.items:
        lines.append(_numbered(item.rank, doc.plain(item.summary)))
        if item.actions:
            lines.append(_bullets(list(item.actions)))
        else:
            lines.append(Text("   " + section.no_actions, style="dim"))
    return lines


def _on_fit_meters(section: doc.FitMeters) -> list[RenderableType]:
    head: list[RenderableType] = [_heading(section.heading), Text(section.explain, style="dim")]
    return head + [_line(meter.line) for meter in section.meters]


def _on_bullets(section: doc.Bullets) -> list[RenderableType]:
    head: list[RenderableType] = [_heading(section.heading), Text(section.rule, style="dim")]
    if not section.items:
        return [*head, Text(section.empty)]
    style = "green" if section.positive else ""
    return [*head, _bullets([doc.plain(line) for line in section.items], indent=0, style=style)]


def _on_notes(section: doc.Notes) -> list[RenderableType]:
    lines: list[RenderableType] = [_heading(section.heading)]
    lines += [_line(note.line, "yellow" if note.warning else "") for note in section.notes]
    return lines


def _omitted(section: object) -> list[RenderableType]:
    """Figures, the stage focus and the method belong to the printed report."""
    del section
    return []


_on_stage_focus = _on_radar_figure = _on_method = _omitted
# On screen the fit follows the priorities: the table and what to work on come first.
ORDER = (doc.Header, doc.GapTable, doc.Priorities, doc.FitMeters, doc.Bullets, doc.Notes)


def render_terminal(document: doc.Document) -> Group:
    """Any document as one renderable, its sections in screen order."""
    sections = document.in_order(ORDER)
    parts: list[RenderableType] = []
    for section in sections:
        parts += HANDLERS[type(section)](section)
    return Group(*parts)


def gap_report(model: CompetencyModel, result: AssessmentResult, lang: str) -> Group:
    """The whole gap report as one renderable: header, table, priorities, fit, strengths."""
    from kamcli.report.person import person_document

    return render_terminal(person_document(model, result, lang))


# --- psychometrics (report/stats.py) ------------------------------------------------------------


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
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    for field in section.fields:
        grid.add_row(Text(field.name), Text(field.value))
    return [Text(section.title, style="bold"), grid]


def _on_reliability_table(section: doc.ReliabilityTable) -> list[RenderableType]:
    table = _stats_table(section.columns, {1, 2, 3, 4})
    for row in section.rows:
        table.add_row(Text(row.name), row.k, row.n, row.alpha, row.ci)
    return [_heading(section.heading), table]


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
    return [_heading(section.heading), table, Text(section.legend, style="dim")]


def _on_advice_notes(section: doc.AdviceNotes) -> list[RenderableType]:
    texts = [doc.plain(line) for line in section.items]
    return [_heading(section.heading), _stats_bullets(texts) if texts else Text(section.empty)]


def _on_flagged_list(section: doc.FlaggedList) -> list[RenderableType]:
    parts: list[RenderableType] = [_heading(section.heading)]
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
    return [_heading(section.heading), _stats_bullets(list(section.items))]


HANDLERS = doc.handlers(globals())
