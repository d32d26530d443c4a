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
from kamcli.render.terminal_parts import heading, titled_fields
from kamcli.render.terminal_stats import _on_advice_notes as _on_advice_notes
from kamcli.render.terminal_stats import _on_flagged_list as _on_flagged_list
from kamcli.render.terminal_stats import _on_item_table as _on_item_table
from kamcli.render.terminal_stats import _on_note_list as _on_note_list
from kamcli.render.terminal_stats import _on_reliability_table as _on_reliability_table
from kamcli.render.terminal_stats import _on_stats_overview as _on_stats_overview
from kamcli.report import document as doc
from kamcli.report.cohort import TEXT_ORDER as COHORT_TEXT_ORDER

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring import AssessmentResult
    from kamcli.scoring.multirater import SubjectReport

__all__ = ["format_created_at", "gap_report", "render_terminal", "score_bar", "subject_terminal"]

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
    lines: list[RenderableType] = [heading(section.heading)]
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
    head: list[RenderableType] = [heading(section.heading), Text(section.explain, style="dim")]
    return head + [_line(meter.line) for meter in section.meters]


def _on_bullets(section: doc.Bullets) -> list[RenderableType]:
    head: list[RenderableType] = [heading(section.heading), Text(section.rule, style="dim")]
    if not section.items:
        return [*head, Text(section.empty)]
    style = "green" if section.positive else ""
    return [*head, _bullets([doc.plain(line) for line in section.items], indent=0, style=style)]


def _on_notes(section: doc.Notes) -> list[RenderableType]:
    lines: list[RenderableType] = [heading(section.heading)]
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
    sections = document.in_order(ORDERS.get(document.kind, ORDER))
    parts: list[RenderableType] = []
    for section in sections:
        parts += HANDLERS[type(section)](section)
    return Group(*parts)


def gap_report(model: CompetencyModel, result: AssessmentResult, lang: str) -> Group:
    """The whole gap report as one renderable: header, table, priorities, fit, strengths."""
    from kamcli.report.person import person_document

    return render_terminal(person_document(model, result, lang))


# --- the cohort summary's sections (kamcli/report/cohort.py) --------------------------------


def _on_summary_header(section: doc.SummaryHeader) -> list[RenderableType]:
    return titled_fields(section.title, section.fields)


def _on_empty_notice(section: doc.EmptyNotice) -> list[RenderableType]:
    return [Text(section.text)]


def _on_cohort_table(section: doc.CohortTable) -> list[RenderableType]:
    """Numbers right-aligned; each name has its status counts on a second, dim line."""
    caption = f"{section.legend_stats}\n{section.legend_counts}"
    if section.legend_mixed:
        caption += "\n" + section.legend_mixed
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        caption=Text(caption),
        caption_justify="left",
    )
    competency, *numbers, _ = section.columns
    table.add_column(competency, overflow="fold", ratio=1, min_width=12)
    for title in numbers:
        table.add_column(title, justify="right", no_wrap=True)
    for row in section.rows:
        name = Text(row.name)
        name.append("\n" + row.distribution, "dim")
        figures = (str(row.n), row.mean, row.sd, row.median, row.target, row.met)
        gap = Text(row.mean_gap, style=STATUS_STYLES.get(row.status, ""))
        table.add_row(name, *(Text(figure) for figure in figures), gap)
    return [Text(""), table]


def _on_stage_priorities(section: doc.StagePriorities) -> list[RenderableType]:
    """One list, or one per stage under the stage's name."""
    parts: list[RenderableType] = [heading(section.heading)]
    if section.intro:
        parts.append(Text(section.intro, style="dim"))
    for group in section.groups:
        if group.heading:
            parts.append(Text("\n" + group.heading, style="bold"))
        if not group.items:
            parts.append(Text(group.empty))
        for item in group.items:
            parts.append(_numbered(item.rank, doc.plain(item.summary)))
            if item.actions:
                parts.append(_bullets(list(item.actions)))
            else:
                parts.append(Text("   " + section.no_actions, style="dim"))
    return parts


_on_team_radar = _on_histograms = _on_heat_map = _on_status_key = _omitted
ORDERS = {
    "cohort": COHORT_TEXT_ORDER
}  # a report kind's own screen order, where it differs from ORDER


# --- the 360° (subject) report's sections ---------------------------------------------------

FLAG_STYLES = {"blind_spot": "bold magenta", "hidden_strength": "bold cyan"}


def _on_field_header(section: doc.FieldHeader) -> list[RenderableType]:
    return titled_fields(section.title, section.fields)


def _on_anonymity_notes(section: doc.AnonymityNotes) -> list[RenderableType]:
    if not section.notes:
        return []
    return [
        Text("\n" + section.heading, style="bold yellow"),
        _bullets(list(section.notes), indent=2, style="yellow"),
    ]


def _score_cell(cell: doc.ScoreCell) -> Text:
    """Mean, then n and ± SD on lines of their own: narrow columns leave room for names."""
    text = Text(cell.value)
    text.append("\n" + cell.count, style="dim")
    if cell.spread:
        text.append("\n" + cell.spread, style="dim")
    return text


def _group_status_cell(row: doc.GroupScoreRow) -> Text:
    """Status, and the blind-spot or hidden-strength marker under it (glyph and word)."""
    text = Text(f"{row.glyph} {row.word}", style=STATUS_STYLES.get(row.status, ""))
    if row.flag:
        text.append(f"\n{row.flag_glyph} {row.flag_word}", style=FLAG_STYLES.get(row.flag, ""))
    return text


def _on_group_score_table(section: doc.GroupScoreTable) -> list[RenderableType]:
    """Numbers and statuses never wrap (they are short); only competency names fold."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column(section.competency, overflow="fold", ratio=1, min_width=12)
    for column in (section.self_heading, *section.columns):
        # "Others\n(combined)"
        table.add_column(column.replace(" ", "\n", 1), justify="right", no_wrap=True)
    table.add_column(section.target, justify="right", no_wrap=True)
    table.add_column(section.gap, justify="right", no_wrap=True)
    table.add_column(section.status, no_wrap=True)
    for row in section.rows:
        table.add_row(
            Text(row.name),
            Text(row.self_score),
            *(_score_cell(cell) for cell in row.cells),
            Text(row.target),
            Text(row.gap),
            _group_status_cell(row),
        )
    return [Text(""), table, *(Text(text, style="dim") for text in section.legends)]


def _on_flag_list(section: doc.FlagList) -> list[RenderableType]:
    parts: list[RenderableType] = [heading(section.heading)]
    if not section.items:
        return [*parts, Text(section.empty)]
    parts.append(Text(section.intro, style="dim"))
    for item in section.items:
        parts.append(Text(f"{item.glyph} {doc.plain(item.line)}", style="bold"))
        if section.with_actions:
            parts.append(
                _bullets(list(item.actions), indent=2)
                if item.actions
                else Text("   " + section.no_actions)
            )
    return parts


_on_stage_summary = _on_rater_radar = _on_method_list = _omitted


def subject_terminal(model: CompetencyModel, report: SubjectReport, lang: str) -> Group:
    """The whole 360° report as one renderable."""
    from kamcli.report.subject import subject_document

    return render_terminal(subject_document(model, report, lang))


# Every section type's handler (checked on import: kamcli/report/document.py).
HANDLERS = doc.handlers(globals())
