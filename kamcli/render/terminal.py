"""The gap report for the terminal (rich): readable at 80 columns, in colour or without.

Every piece of text is a `rich.text.Text`, never a markup string, so names such as `Li[/]`
or `[red]x` print literally. Status is always glyph + word; colour only repeats it, and rich
drops colour by itself under NO_COLOR or when output is not a terminal.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from rich import box
from rich.cells import cell_len
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.diagnostic_text import diagnostic_sentences, levels_legend, with_level
from kamcli.render.labels import (
    INSUFFICIENT,
    MISSING,
    clean_text,
    competency_name,
    fmt_gap,
    fmt_pct,
    fmt_score,
    fmt_weight,
    label,
    rater_label,
    stage_actions,
    stage_name,
    status_word,
)

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring import AssessmentResult, CompetencyResult

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


def format_created_at(created_at: str) -> str:
    """Date and time to the minute; the stored text as is when it is not ISO 8601."""
    try:
        moment = datetime.fromisoformat(created_at)
    except ValueError:
        return created_at
    return f"{moment:%Y-%m-%d %H:%M}"


def _header(model: CompetencyModel, result: AssessmentResult, lang: str) -> Table:
    grid = Table.grid(padding=(0, 1))
    grid.add_column(style="bold", no_wrap=True)
    grid.add_column(overflow="fold")
    missing = label("not_given", lang)
    rows = [
        ("person", result.person or missing),
        ("account", result.account or missing),
        ("stage", stage_name(model, result.stage, lang)),
    ]
    if result.rater != "self":
        rows.append(("rater", rater_label(result.rater, lang)))
        rows.append(("subject", result.subject or missing))
    rows.append(("model", f"{result.model_id} {result.model_version} ({result.model_hash})"))
    rows.append(("date", format_created_at(result.created_at)))
    for key, value in rows:
        grid.add_row(Text(label(key, lang)), Text(clean_text(value)))
    return grid


def _name_cell(model: CompetencyModel, row: CompetencyResult, lang: str) -> Text:
    cell = Text(competency_name(model, row.competency_id, lang))
    if row.coverage < 1:
        template = label("answered", lang)
        cell.append("\n" + template.format(answered=row.answered, total=row.total), "dim")
    return cell


def _status_width(model: CompetencyModel, lang: str) -> int:
    """Wide enough for every band's glyph + word; "insufficient data" may wrap between words.

    Capping the status column leaves the spare width to the competency names.
    """
    bands = [status_word(model, band.id, lang) for band in model.status_bands]
    widths = [cell_len(f"{glyph} {word}") for glyph, word in bands]
    glyph, word = status_word(model, INSUFFICIENT, lang)
    widths.append(cell_len(f"{glyph} {max(word.split(), key=cell_len)}"))
    return max(widths)


def competency_table(model: CompetencyModel, result: AssessmentResult, lang: str) -> Table:
    """One row per competency in model order; number columns never wrap, names fold."""
    low, high = model.scale.min, model.scale.max
    table = Table(
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        collapse_padding=True,
        caption=Text(
            label("legend_bar", lang).format(low=low, high=high)
            + "\n"
            + label("legend_gap", lang)
            + "\n"
            + levels_legend(model, lang)
        ),
        caption_justify="left",
    )
    table.add_column(label("col_competency", lang), overflow="fold", ratio=1, min_width=8)
    table.add_column(label("col_score", lang), justify="right", no_wrap=True)
    table.add_column(label("col_target", lang), justify="right", no_wrap=True)
    table.add_column(label("col_gap", lang), justify="right", no_wrap=True)
    table.add_column(label("importance", lang), justify="right", no_wrap=True)
    table.add_column(label("col_bar_short", lang), no_wrap=True, min_width=BAR_WIDTH)
    table.add_column(
        label("col_status", lang), overflow="fold", max_width=_status_width(model, lang)
    )
    for row in result.competencies:
        glyph, word = status_word(model, row.status, lang)
        style = STATUS_STYLES.get(row.status, "")
        bar = MISSING if row.score is None else score_bar(row.score, row.target, low, high)
        table.add_row(
            _name_cell(model, row, lang),
            Text(with_level(model, row.score, lang)),
            Text(with_level(model, row.target, lang)),
            Text(fmt_gap(row.gap)),
            Text(fmt_weight(row.weight)),
            Text(bar, style=style),
            Text(f"{glyph} {word}", style=style),
        )
    return table


def _heading(key: str, lang: str) -> Text:
    return Text("\n" + label(key, lang), style="bold underline")


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


def _priorities(
    model: CompetencyModel, result: AssessmentResult, lang: str
) -> list[RenderableType]:
    lines: list[RenderableType] = [_heading("priorities", lang)]
    if not result.priorities:
        lines.append(Text(label("no_priorities", lang)))
    else:
        lines.append(Text(label("priority_rule", lang), style="dim"))
    for number, competency_id in enumerate(result.priorities[:3], start=1):
        row = result.competency(competency_id)
        summary = label("priority_line", lang).format(
            name=competency_name(model, competency_id, lang),
            gap=fmt_gap(row.gap),
            weight=fmt_weight(row.weight),
            score=fmt_score(row.score),
            target=fmt_score(row.target),
        )
        lines.append(_numbered(number, summary))
        texts = stage_actions(model, competency_id, result.stage, lang)
        if texts:
            lines.append(_bullets(texts))
        else:
            lines.append(Text("   " + label("no_actions", lang), style="dim"))
    return lines


def _fit(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[Text]:
    def pct(value: float | None) -> str:
        return fmt_pct(value) if value is not None else label("fit_unknown", lang)

    stage = stage_name(model, result.stage, lang)
    lines = [
        _heading("fit", lang),
        Text(label("fit_explain", lang), style="dim"),
        Text(label("fit_now", lang).format(stage=stage, fit=pct(result.fit))),
    ]
    if result.next_stage is None:
        lines.append(Text(label("last_stage", lang).format(stage=stage)))
    else:
        following = stage_name(model, result.next_stage, lang)
        lines.append(
            Text(label("fit_next", lang).format(stage=following, fit=pct(result.next_fit)))
        )
    return lines


def _strengths(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[RenderableType]:
    rule = Text(label("strength_rule", lang), style="dim")
    if not result.strengths:
        return [_heading("strengths", lang), rule, Text(label("no_strengths", lang))]
    texts = []
    for competency_id in result.strengths:
        row = result.competency(competency_id)
        above = 0.0 if row.score is None else row.score - row.target
        key = "on_target_line" if fmt_gap(above) == "0.0" else "strength_line"
        text = label(key, lang).format(
            name=competency_name(model, competency_id, lang),
            score=fmt_score(row.score),
            above=f"{above:.1f}",
        )
        texts.append(text)
    return [_heading("strengths", lang), rule, _bullets(texts, indent=0, style="green")]


def _diagnostic(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[Text]:
    sentences = diagnostic_sentences(model, result, lang)
    if not sentences:
        return []
    lines = [_heading("diagnostic", lang)]
    for sentence, warning in sentences:
        lines.append(Text(sentence, style="yellow") if warning else Text(sentence))
    return lines


def gap_report(model: CompetencyModel, result: AssessmentResult, lang: str) -> Group:
    """The whole gap report as one renderable: header, table, priorities, fit, strengths."""
    parts: list[RenderableType] = [
        Text(label("title", lang), style="bold"),
        _header(model, result, lang),
        Text(""),
        competency_table(model, result, lang),
        *_priorities(model, result, lang),
        *_fit(model, result, lang),
        *_strengths(model, result, lang),
        *_diagnostic(model, result, lang),
    ]
    return Group(*parts)
