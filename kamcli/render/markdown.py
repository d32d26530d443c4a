"""The gap report as GitHub-flavoured Markdown, for pasting into an issue, wiki or email.

Renders any report document (kamcli/report) by its section types, in the terminal's order.
Every text that is not ours — names typed by the user and texts from a possibly custom
model — goes through `md_escape`, so it cannot break the table, start emphasis, or inject
HTML or links.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from kamcli.render.labels import clean_text, label
from kamcli.report import document as doc
from kamcli.report.cohort import TEXT_ORDER as COHORT_TEXT_ORDER

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring import AssessmentResult
    from kamcli.scoring.multirater import SubjectReport

# Characters that could end a table cell, start emphasis or code, or open HTML or a link.
_SPECIAL = re.compile(r"([\\`*_\[\]<>|~#!&])")


def md_escape(text: str) -> str:
    """Text that Markdown shows literally, on one line (a newline would end a table row)."""
    return _SPECIAL.sub(r"\\\1", clean_text(text))


def md_line(line: doc.Line) -> str:
    """A sentence: user and model text escaped, emphasised runs in bold."""
    parts = []
    for span in line:
        text = md_escape(span.text) if span.user else span.text
        parts.append(f"**{text}**" if span.strong else text)
    return "".join(parts)


def _on_header(section: doc.Header, lang: str) -> list[str]:
    field = label("field", lang)
    lines = [f"# {section.title}", ""]
    for item in (*section.fields, section.model, section.date):
        lines.append(f"- **{field.format(name=item.name)}** {md_escape(item.value)}")
    return lines


def _on_gap_table(section: doc.GapTable, lang: str) -> list[str]:
    names = section.headings
    titles = (names.competency, names.score, names.target, names.gap, names.weight, names.status)
    lines = ["| " + " | ".join(titles) + " |", "| --- | ---: | ---: | ---: | ---: | --- |"]
    for row in section.rows:
        name = md_escape(row.name)
        if row.coverage_note:
            name += md_escape(label("aside", lang).format(text=row.coverage_note))
        cells = [
            name,
            md_escape(row.score_text),
            md_escape(row.target_text),
            row.gap,
            row.weight,
            md_escape(f"{row.glyph} {row.word}"),
        ]
        lines.append("| " + " | ".join(cells) + " |")
    return [*lines, "", f"*{section.legend_gap}*", "", f"*{section.legend_levels}*"]


def _on_priorities(section: doc.Priorities, lang: str) -> list[str]:
    del lang
    lines = [f"## {section.heading}", ""]
    if not section.items:
        lines.append(section.empty)
    else:
        lines += [f"*{section.rule}*", ""]
    for item in section.items:
        lines.append(f"{item.rank}. {md_line(item.summary)}")
        if not item.actions:
            lines.append(f"   - *{section.no_actions}*")
        lines += [f"   - {md_escape(action)}" for action in item.actions]
    return lines


def _on_fit_meters(section: doc.FitMeters, lang: str) -> list[str]:
    del lang
    lines = [f"## {section.heading}", "", f"*{section.explain}*", ""]
    return lines + [f"- {md_line(meter.line)}" for meter in section.meters]


def _on_bullets(section: doc.Bullets, lang: str) -> list[str]:
    del lang
    lines = [f"## {section.heading}", "", f"*{section.rule}*", ""]
    if not section.items:
        lines.append(section.empty)
    return lines + [f"- {md_line(line)}" for line in section.items]


def _on_notes(section: doc.Notes, lang: str) -> list[str]:
    del lang
    lines = [f"## {section.heading}", ""]
    for number, note in enumerate(section.notes):
        lines += (
            [md_line(note.line), ""] if number < len(section.notes) - 1 else [md_line(note.line)]
        )
    return lines


def _omitted(section: object, lang: str) -> list[str]:
    """Figures, the stage focus and the method belong to the printed report."""
    del section, lang
    return []


_on_stage_focus = _on_radar_figure = _on_method = _omitted
ORDER = (
    doc.Header,
    doc.GapTable,
    doc.Priorities,
    doc.FitMeters,
    doc.Bullets,
    doc.Notes,
)  # as on the terminal


def render_document(document: doc.Document, *, level: int = 1) -> str:
    """Any document as Markdown, sections in screen order, ending in one newline. `level` is
    the title's heading level (2 when the report is part of a page with its own title)."""
    sections = document.in_order(ORDERS.get(document.kind, ORDER))
    blocks = [HANDLERS[type(section)](section, document.lang) for section in sections]
    text = "\n\n".join("\n".join(block) for block in blocks if block).rstrip("\n") + "\n"
    if level > 1:  # user text cannot start a line with "#": md_escape escapes it
        text = re.sub(r"^#", "#" * level, text, flags=re.MULTILINE)
    return text


def render_markdown(
    model: CompetencyModel,
    result: AssessmentResult,
    lang: str,
    options: RenderOptions | None = None,
) -> str:
    """The whole gap report as one Markdown document (Markdown takes no options)."""
    del options
    from kamcli.report.person import person_document

    return render_document(person_document(model, result, lang))


markdown_report = render_markdown


# --- the cohort summary's sections (kamcli/report/cohort.py) --------------------------------


def _on_summary_header(section: doc.SummaryHeader, lang: str) -> list[str]:
    field = label("field", lang)
    lines = [f"# {section.title}", ""]
    for item in section.fields:
        lines.append(f"- **{field.format(name=item.name)}** {md_escape(item.value)}")
    return lines


def _on_empty_notice(section: doc.EmptyNotice, lang: str) -> list[str]:
    del lang
    return [section.text]


def _on_cohort_table(section: doc.CohortTable, lang: str) -> list[str]:
    del lang
    rule = "| --- |" + " ---: |" * (len(section.columns) - 2) + " --- |"
    lines = [f"## {section.heading}", "", f"| {' | '.join(section.columns)} |", rule]
    for row in section.rows:
        cells = [md_escape(row.name), str(row.n), row.mean, row.sd, row.median, row.target]
        cells += [row.met, row.mean_gap, md_escape(row.distribution)]
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", f"*{md_escape(section.legend_stats)}*"]
    if section.legend_mixed:
        lines += ["", f"*{md_escape(section.legend_mixed)}*"]
    return [*lines, "", f"*{md_escape(section.legend_bands)}*"]


def _on_stage_priorities(section: doc.StagePriorities, lang: str) -> list[str]:
    del lang
    lines = [md_escape(section.intro), ""] if section.intro else []
    for group in section.groups:
        if group.heading:
            lines += [f"### {md_escape(group.heading)}", ""]
        if not group.items:
            lines += [md_escape(group.empty), ""]
        for item in group.items:
            lines.append(f"{item.rank}. {md_line(item.summary)}")
            if not item.actions:
                lines.append(f"   - *{section.no_actions}*")
            lines += [f"   - {md_escape(action)}" for action in item.actions]
        if group.items:
            lines.append("")
    lines = lines[:-1] if lines and not lines[-1] else lines
    return [f"## {section.heading}", "", *lines]


_on_team_radar = _on_histograms = _on_heat_map = _on_status_key = _omitted
ORDERS = {"cohort": COHORT_TEXT_ORDER}  # a report kind's own order, where it differs from ORDER


# --- the 360° (subject) report's sections ---------------------------------------------------


def _on_field_header(section: doc.FieldHeader, lang: str) -> list[str]:
    field = label("field", lang)
    lines = [f"# {section.title}", ""]
    for item in section.fields:
        lines.append(f"- **{field.format(name=item.name)}** {md_escape(item.value)}")
    return lines


def _on_anonymity_notes(section: doc.AnonymityNotes, lang: str) -> list[str]:
    del lang
    if not section.notes:
        return []
    return [f"> **{section.heading}**", ">", *(f"> - {md_escape(note)}" for note in section.notes)]


def _on_group_score_table(section: doc.GroupScoreTable, lang: str) -> list[str]:
    del lang
    headings = [section.competency, section.self_heading, *section.columns]
    headings += [section.target, section.gap_others, section.status, section.flag]
    align = ["---"] + ["---:"] * (len(section.columns) + 3) + ["---", "---"]
    lines = [
        f"## {section.heading}",
        "",
        "| " + " | ".join(md_escape(h) for h in headings) + " |",
        "| " + " | ".join(align) + " |",
    ]
    for row in section.rows:
        flag = f"**{md_escape(f'{row.flag_glyph} {row.flag_word}')}**" if row.flag else ""
        cells = [md_escape(row.name), row.self_score]
        cells += [f"{cell.value} ({md_escape(cell.detail)})" for cell in row.cells]
        cells += [row.target, row.gap, md_escape(f"{row.glyph} {row.word}"), flag]
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    return lines + [f"*{md_escape(text)}*  " for text in section.legends]


def _on_flag_list(section: doc.FlagList, lang: str) -> list[str]:
    del lang
    lines = [f"## {section.heading}", ""]
    if not section.items:
        return [*lines, md_escape(section.empty)]
    lines += [md_escape(section.intro), ""]
    for item in section.items:
        lines.append(f"- {item.glyph} {md_line(item.line)}")
        if section.with_actions:
            lines += [f"  - {md_escape(action)}" for action in item.actions]
            if not item.actions:
                lines.append(f"  - *{section.no_actions}*")
    return lines


def _on_method_list(section: doc.MethodList, lang: str) -> list[str]:
    del lang
    numbered = [f"{n}. {md_escape(text)}" for n, text in enumerate(section.lines, 1)]
    return [f"## {section.heading}", "", *numbered]


_on_stage_summary = _on_rater_radar = _omitted


def render_subject_markdown(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> str:
    """The whole 360° report as one Markdown document (Markdown takes no options)."""
    del options
    from kamcli.report.subject import subject_document

    return render_document(subject_document(model, report, lang))


# --- psychometrics (report/stats.py) ------------------------------------------------------------


def _md_table(titles: tuple[str, ...], right: set[int], rows: list[list[str]]) -> list[str]:
    """A table of already escaped cells; the columns in `right` are numbers."""
    rule = ["---:" if index in right else "---" for index in range(len(titles))]
    out = ["| " + " | ".join(titles) + " |", "| " + " | ".join(rule) + " |"]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def _on_stats_overview(section: doc.StatsOverview, lang: str) -> list[str]:
    del lang
    lines = [f"# {section.title}", ""]
    return lines + [f"- **{md_escape(f.name)}:** {md_escape(f.value)}" for f in section.fields]


def _on_reliability_table(section: doc.ReliabilityTable, lang: str) -> list[str]:
    del lang
    rows = [[md_escape(r.name), r.k, r.n, r.alpha, r.ci] for r in section.rows]
    return [f"## {section.heading}", "", *_md_table(section.columns, {1, 2, 3, 4}, rows)]


def _on_item_table(section: doc.ItemTable, lang: str) -> list[str]:
    del lang
    rows = [
        [
            md_escape(scale.name),
            md_escape(item.item_id),
            item.item_rest + (f" {section.mark}" if item.negative else ""),
            item.alpha_if_deleted,
        ]
        for scale in section.scales
        for item in scale.items
    ]
    table = _md_table(section.columns, {2, 3}, rows)
    return [f"## {section.heading}", "", *table, "", f"*{md_escape(section.legend)}*"]


def _on_advice_notes(section: doc.AdviceNotes, lang: str) -> list[str]:
    del lang
    items = [f"- {md_line(line)}" for line in section.items]
    return [f"## {section.heading}", "", *(items or [section.empty])]


def _on_flagged_list(section: doc.FlaggedList, lang: str) -> list[str]:
    """Each rule or count its own paragraph, then the table and how many it leaves out."""
    del lang
    lines = [f"## {section.heading}", "", *(md_escape(text) + "\n" for text in section.texts)]
    if section.rows:
        rows = [
            [md_escape(r.respondent_id), r.run, r.irv, r.speed, md_escape(r.why)]
            for r in section.rows
        ]
        lines += _md_table(section.columns, {1, 2, 3}, rows)
    if section.more:
        lines += ["", md_escape(section.more)]
    return lines


def _on_note_list(section: doc.NoteList, lang: str) -> list[str]:
    del lang
    return [f"## {section.heading}", "", *(f"- {md_escape(note)}" for note in section.items)]


# Every section type's handler (checked on import: kamcli/report/document.py).
HANDLERS = doc.handlers(globals())
