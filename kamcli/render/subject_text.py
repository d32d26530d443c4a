"""The 360° report for the terminal and Markdown (JSON and CSV: subject_data.py).

Every format lays out the same `SubjectView` (subject.py), where anonymity is applied, so a
hidden group figure is "—" everywhere and no format shows a group's lowest or highest score.
User and model text is escaped per format: rich `Text` (never markup) in the terminal,
`md_escape` in Markdown, `write_csv_text` (formula-safe) in CSV.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.render.labels import (
    MISSING,
    clean_text,
    fmt_gap,
    fmt_pct,
    fmt_score,
    label,
    stage_actions,
    stage_name,
    status_word,
)
from kamcli.render.markdown import md_escape
from kamcli.render.subject import (
    WITHHELD,
    Cell,
    SubjectRow,
    SubjectView,
    flag_word,
    group_name,
    subject_view,
)
from kamcli.render.terminal import STATUS_STYLES

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring.multirater import SubjectReport

FLAG_STYLES = {"blind_spot": "bold magenta", "hidden_strength": "bold cyan"}


# --- shared wording -------------------------------------------------------------------------


def cell_text(cell: Cell) -> str:
    """One decimal, or a dash when hidden or unscored (never a hidden group's figure)."""
    return MISSING if cell.hidden or cell.mean is None else fmt_score(cell.mean)


def cell_detail(cell: Cell, lang: str) -> str:
    """'n=3 ±0.45': how many raters and how far they differ; the count only when hidden."""
    parts = [label("cell_n", lang).format(n=cell.n)]
    if not cell.hidden and cell.sd is not None:
        parts.append(label("cell_sd", lang).format(sd=f"{cell.sd:.2f}"))
    return " ".join(parts)


def status_text(model: CompetencyModel, row: SubjectRow, lang: str) -> tuple[str, str]:
    if row.status == WITHHELD:
        return MISSING, label("withheld", lang)
    return status_word(model, row.status, lang)


def flag_text(row: SubjectRow, lang: str) -> str:
    if row.flag is None:
        return ""
    glyph, word = flag_word(row.flag, lang)
    return f"{glyph} {word}"


def rater_counts_text(view: SubjectView, lang: str) -> str:
    """'Self 1 · Manager 1 · Peers 3': counts per role, never who."""
    if not view.rater_counts:
        return label("no_raters", lang)
    return " · ".join(
        label("rater_count", lang).format(role=group_name(role, lang), count=count)
        for role, count in view.rater_counts
    )


def header_fields(model: CompetencyModel, view: SubjectView, lang: str) -> list[tuple[str, str]]:
    """(label, value) pairs, the values cleaned of control characters but not escaped."""
    fields = [
        (label("person", lang), clean_text(view.subject)),
        (label("stage", lang), stage_name(model, view.stage, lang)),
        (label("raters", lang), rater_counts_text(view, lang)),
        (label("model", lang), f"{model.id} {model.version}"),
    ]
    if view.fit_others is not None:
        fields.append((label("fit", lang), fmt_pct(view.fit_others)))
    return fields


def flag_line(row: SubjectRow, lang: str, name: str | None = None) -> str:
    return label("flag_line", lang).format(
        name=row.name if name is None else name,
        self=fmt_score(row.self_score),
        others=cell_text(row.others),
        difference=fmt_gap(row.difference),
    )


def flag_intro(model: CompetencyModel, view: SubjectView, key: str, lang: str) -> str:
    low, high = model.scale.min, model.scale.max
    return label(key, lang).format(threshold=f"{view.flag_threshold:.2f}", low=low, high=high)


def empty_flags_text(view: SubjectView, key: str, lang: str) -> str:
    return label(key if view.has_self else "no_flags_without_self", lang)


def legends(view: SubjectView, lang: str) -> list[str]:
    texts = [
        label("legend_subject_gap", lang),
        label("legend_suppressed", lang).format(threshold=view.threshold),
    ]
    if view.fit_others is not None:  # the header shows a stage fit: say what it means
        texts.append(label("fit_explain", lang))
    return texts


def method_lines(view: SubjectView, lang: str) -> list[str]:
    return [
        label("method_subject_others", lang),
        label("method_subject_flags", lang).format(threshold=f"{view.flag_threshold:.2f}"),
        label("method_subject_anonymity", lang).format(threshold=view.threshold),
    ]


# --- terminal -------------------------------------------------------------------------------


def _number_cell(cell: Cell, lang: str) -> Text:
    """Mean, then n and ± SD on lines of their own: narrow columns leave room for names."""
    text = Text(cell_text(cell))
    text.append("\n" + label("cell_n", lang).format(n=cell.n), style="dim")
    if not cell.hidden and cell.sd is not None:
        text.append("\n" + label("cell_sd", lang).format(sd=f"{cell.sd:.2f}"), style="dim")
    return text


def _status_cell(model: CompetencyModel, row: SubjectRow, lang: str) -> Text:
    """Status, and the blind-spot or hidden-strength marker under it (glyph and word)."""
    glyph, word = status_text(model, row, lang)
    text = Text(f"{glyph} {word}", style=STATUS_STYLES.get(row.status, ""))
    if row.flag is not None:
        text.append("\n" + flag_text(row, lang), style=FLAG_STYLES.get(row.flag, ""))
    return text


def _subject_table(model: CompetencyModel, view: SubjectView, lang: str) -> Table:
    """Numbers and statuses never wrap (they are short); only competency names fold."""
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, collapse_padding=True)
    table.add_column(label("col_competency", lang), overflow="fold", ratio=1, min_width=12)
    for group in ("self", *view.group_ids, "others"):
        heading = group_name(group, lang).replace(" ", "\n", 1)  # "Others\n(combined)"
        table.add_column(heading, justify="right", no_wrap=True)
    table.add_column(label("col_target", lang), justify="right", no_wrap=True)
    table.add_column(label("col_gap", lang), justify="right", no_wrap=True)
    table.add_column(label("col_status", lang), no_wrap=True)
    for row in view.rows:
        table.add_row(
            Text(row.name),
            Text(fmt_score(row.self_score)),
            *(_number_cell(cell, lang) for cell in (*row.groups, row.others)),
            Text(fmt_score(row.target)),
            Text(fmt_gap(row.gap)),
            _status_cell(model, row, lang),
        )
    return table


def _bullets(texts: list[str], style: str = "") -> Table:
    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(width=3, justify="right", no_wrap=True)
    grid.add_column(overflow="fold")
    for text in texts:
        grid.add_row(Text("•", style=style), Text(text, style=style))
    return grid


def _terminal_flags(
    model: CompetencyModel, view: SubjectView, lang: str, blind: bool
) -> list[RenderableType]:
    ids, key = (
        (view.blind_spots, "blind_spots") if blind else (view.hidden_strengths, "hidden_strengths")
    )
    parts: list[RenderableType] = [Text("\n" + label(key, lang), style="bold underline")]
    if not ids:
        return [*parts, Text(empty_flags_text(view, f"no_{key}", lang))]
    parts.append(Text(flag_intro(model, view, f"{key}_intro", lang), style="dim"))
    for competency_id in ids:
        row = view.row(competency_id)
        glyph = flag_word(row.flag or "", lang)[0]
        parts.append(Text(f"{glyph} {flag_line(row, lang)}", style="bold"))
        if blind:
            actions = stage_actions(model, competency_id, view.stage, lang)
            parts.append(_bullets(actions) if actions else Text("   " + label("no_actions", lang)))
    return parts


def subject_terminal(model: CompetencyModel, report: SubjectReport, lang: str) -> Group:
    """The whole 360° report as one rich renderable."""
    view = subject_view(model, report, lang)
    header = Table.grid(padding=(0, 1))
    header.add_column(style="bold", no_wrap=True)
    header.add_column(overflow="fold")
    for name, value in header_fields(model, view, lang):
        header.add_row(Text(name), Text(value))
    parts: list[RenderableType] = [Text(label("subject_title", lang), style="bold"), header]
    if view.notes:
        parts += [
            Text("\n" + label("notes", lang), style="bold yellow"),
            _bullets(list(view.notes), style="yellow"),
        ]
    parts += [Text(""), _subject_table(model, view, lang)]
    parts += [Text(text, style="dim") for text in legends(view, lang)]
    parts += _terminal_flags(model, view, lang, blind=True)
    parts += _terminal_flags(model, view, lang, blind=False)
    return Group(*parts)


# --- Markdown -------------------------------------------------------------------------------


def _md_cell(cell: Cell, lang: str) -> str:
    return f"{cell_text(cell)} ({md_escape(cell_detail(cell, lang))})"


def _md_table(model: CompetencyModel, view: SubjectView, lang: str) -> list[str]:
    headings = [label("col_competency", lang), group_name("self", lang)]
    headings += [group_name(g, lang) for g in (*view.group_ids, "others")]
    headings += [label(k, lang) for k in ("col_target", "col_gap_others", "col_status", "col_flag")]
    align = ["---"] + ["---:"] * (len(view.group_ids) + 4) + ["---", "---"]
    lines = [
        f"## {label('subject_table', lang)}",
        "",
        "| " + " | ".join(md_escape(h) for h in headings) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in view.rows:
        glyph, word = status_text(model, row, lang)
        flag = f"**{md_escape(flag_text(row, lang))}**" if row.flag else ""
        cells = [md_escape(row.name), fmt_score(row.self_score)]
        cells += [_md_cell(cell, lang) for cell in (*row.groups, row.others)]
        cells += [fmt_score(row.target), fmt_gap(row.gap), md_escape(f"{glyph} {word}"), flag]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines += [f"*{md_escape(text)}*  " for text in legends(view, lang)]
    return lines


def _md_flags(model: CompetencyModel, view: SubjectView, lang: str, blind: bool) -> list[str]:
    ids, key = (
        (view.blind_spots, "blind_spots") if blind else (view.hidden_strengths, "hidden_strengths")
    )
    lines = [f"## {label(key, lang)}", ""]
    if not ids:
        return [*lines, md_escape(empty_flags_text(view, f"no_{key}", lang))]
    lines += [md_escape(flag_intro(model, view, f"{key}_intro", lang)), ""]
    for competency_id in ids:
        row = view.row(competency_id)
        glyph = flag_word(row.flag or "", lang)[0]
        lines.append(f"- {glyph} {flag_line(row, lang, name=f'**{md_escape(row.name)}**')}")
        if blind:
            actions = stage_actions(model, competency_id, view.stage, lang)
            lines += [f"  - {md_escape(action)}" for action in actions]
            if not actions:
                lines.append(f"  - *{label('no_actions', lang)}*")
    return lines


def subject_markdown(model: CompetencyModel, report: SubjectReport, lang: str) -> str:
    view = subject_view(model, report, lang)
    field = label("field", lang)
    header = [
        f"- **{field.format(name=name)}** {md_escape(value)}"
        for name, value in header_fields(model, view, lang)
    ]
    sections = [[f"# {label('subject_title', lang)}", "", *header]]
    if view.notes:
        notes = [f"> - {md_escape(note)}" for note in view.notes]
        sections.append([f"> **{label('notes', lang)}**", ">", *notes])
    method = [f"{n}. {md_escape(text)}" for n, text in enumerate(method_lines(view, lang), 1)]
    sections += [
        _md_table(model, view, lang),
        _md_flags(model, view, lang, blind=True),
        _md_flags(model, view, lang, blind=False),
        [f"## {label('method', lang)}", "", *method],
    ]
    return "\n\n".join("\n".join(section) for section in sections) + "\n"


def render_subject_markdown(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> str:
    del options  # Markdown has no options
    return subject_markdown(model, report, lang)
