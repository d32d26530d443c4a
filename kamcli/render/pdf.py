"""The gap report as an A4 PDF (fpdf2, the `pdf` extra), made to be printed in black and white.

It lays out any report document (kamcli/report) by its section types, so the PDF says what
the HTML page and the terminal say. Text is wrapped here (Latin words kept whole, CJK
broken between characters) so every block's height is known before it is drawn and blocks are
never split across pages. Status is always a word; the radar's target line is dashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render import pdf_layout as page
from kamcli.render import pdf_subject
from kamcli.render.labels import label
from kamcli.render.pdf_layout import Sheet
from kamcli.render.pdf_radar import draw_radar_figure
from kamcli.render.pdf_stats import _on_advice_notes as _on_advice_notes
from kamcli.render.pdf_stats import _on_flagged_list as _on_flagged_list
from kamcli.render.pdf_stats import _on_item_table as _on_item_table
from kamcli.render.pdf_stats import _on_note_list as _on_note_list
from kamcli.render.pdf_stats import _on_reliability_table as _on_reliability_table
from kamcli.render.pdf_stats import _on_stats_overview as _on_stats_overview
from kamcli.report import document as doc

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring import AssessmentResult
    from kamcli.scoring.multirater import SubjectReport

# Gap table columns: name, score, target, gap, importance, bar, status.
COLUMNS = (50.0, 16.0, 19.0, 12.0, 22.0, 30.0, 29.0)  # score, target: "4.5 L4–5"


def _on_header(sheet: Sheet, section: doc.Header, state: Layout) -> None:
    del state
    pairs = [(f.name, f.value) for f in (*section.fields, section.date, section.model)]
    page.title_block(sheet, section.eyebrow, pairs, section.title)


def _on_stage_focus(sheet: Sheet, section: doc.StageFocus, state: Layout) -> None:
    del state
    if section.text:
        sheet.paragraph(f"{section.heading} · {section.stage}", 9.5, bold=True, after=0.5)
        sheet.paragraph(section.text, 9, gray=page.MUTED, after=2.0)


def _on_fit_meters(sheet: Sheet, section: doc.FitMeters, state: Layout) -> None:
    del state
    gutter = 8.0
    column = (page.WIDTH - gutter) / 2
    sheet.ensure(22.0)
    sheet.paragraph(section.explain, 8.5, gray=page.MUTED, after=0.0)
    top = sheet.y + 2.0
    bottom = top
    for index, meter in enumerate(section.meters[:2]):
        text, percent = doc.plain(meter.line), meter.percent
        x = page.MARGIN + index * (column + gutter)
        sheet.font(9.5, bold=index == 0)
        y = sheet.write(sheet.wrap(text, column, 2), x, top, column, 9.5)
        if percent is not None:
            sheet.bar(x, y + 1.0, column * 0.8, percent / 100)
            y += 4.6
        bottom = max(bottom, y)
    sheet.pdf.set_y(bottom + 2.0)


def _status_text(glyph: str, word: str, glyphs: bool) -> str:
    return f"{glyph} {word}" if glyphs else word


def _table_head(sheet: Sheet, section: doc.GapTable) -> None:
    names = section.headings
    titles = (names.competency, names.score, names.target, names.gap, names.weight, names.bar,
              names.status)  # fmt: skip
    sheet.font(8, bold=True)
    x, top, bottom = page.MARGIN, sheet.y, sheet.y
    for number, (title, width) in enumerate(zip(titles, COLUMNS, strict=True)):
        align = "R" if 1 <= number <= 4 else "L"
        lines = sheet.wrap(title, width - 2, 2)
        bottom = max(bottom, sheet.write(lines, x + 1, top, width - 2, 8, align))
        x += width
    sheet.rule(bottom + 0.6, page.INK, 0.35)
    sheet.pdf.set_y(bottom + 1.2)


def _on_gap_table(sheet: Sheet, section: doc.GapTable, state: Layout) -> None:
    rows = section.rows
    glyphs = state.glyphs
    # The whole table on one page when it can be; a longer one repeats its head on each page.
    sheet.heading(section.headings.heading, keep_with=min(12.0 + 9.0 * len(rows), 200.0))
    _table_head(sheet, section)
    for number, row in enumerate(rows):
        below_target = row.gap.startswith("+")
        sheet.font(9, bold=below_target)
        name = sheet.wrap(row.name, COLUMNS[0] - 2, 3)
        sheet.font(7.5)
        note = sheet.wrap(row.coverage_note, COLUMNS[0] - 2, 1) if row.coverage_note else []
        sheet.font(9)
        status = sheet.wrap(_status_text(row.glyph, row.word, glyphs), COLUMNS[6] - 2, 2)
        height = max(len(name) * page.line_height(9) + len(note) * page.line_height(7.5),
                     len(status) * page.line_height(9)) + 2.0  # fmt: skip
        if sheet.y + height > sheet.pdf.page_break_trigger:
            sheet.pdf.add_page()
            _table_head(sheet, section)
        top = sheet.y
        if number % 2:
            sheet.pdf.set_fill_color(246)
            sheet.pdf.rect(page.MARGIN, top, page.WIDTH, height, style="F")
        gray = page.FAINT if row.status == "insufficient" else page.INK
        sheet.font(9, bold=below_target, gray=gray)
        y = sheet.write(name, page.MARGIN + 1, top + 1.0, COLUMNS[0] - 2, 9)
        sheet.font(7.5, gray=page.MUTED)
        sheet.write(note, page.MARGIN + 1, y, COLUMNS[0] - 2, 7.5)
        x = page.MARGIN + COLUMNS[0]
        figures = (row.score_text, row.target_text, row.gap, row.weight)
        for value, width in zip(figures, COLUMNS[1:5], strict=True):
            sheet.font(9, gray=gray)
            sheet.write([sheet.fonts.printable(value)], x + 1, top + 1.0, width - 2, 9, "R")
            x += width
        share = row.score_share
        if share is not None:
            sheet.bar(x + 3, top + 1.0 + (page.line_height(9) - 2.6) / 2, COLUMNS[5] - 6, share,
                      row.target_share)  # fmt: skip
        else:
            sheet.write([sheet.fonts.printable("—")], x + 3, top + 1.0, COLUMNS[5] - 6, 9, "C")
        sheet.font(9, gray=gray)
        sheet.write(status, x + COLUMNS[5] + 1, top + 1.0, COLUMNS[6] - 2, 9)
        sheet.pdf.set_y(top + height)
    sheet.rule(sheet.y, page.INK, 0.35)
    sheet.pdf.set_y(sheet.y + 1.5)
    sheet.paragraph(section.legend_gap, 8, gray=page.MUTED)


def _priority(sheet: Sheet, item: doc.PriorityItem, section: doc.Priorities, state: Layout) -> None:
    lang, glyphs = state.lang, state.glyphs
    pdf = sheet.pdf
    indent = page.MARGIN + 9.0
    width = page.WIDTH - 9.0
    sheet.font(11, bold=True)
    row = item.row
    name = sheet.wrap(row.name, width - 32, 3)
    sheet.font(9)
    figures = "  ·  ".join(
        f"{label(key, lang)} {value}"
        for key, value in (
            ("col_gap", row.gap),
            ("col_score", row.score_text),
            ("col_target", row.target_text),
            ("importance", row.weight),
        )
    )
    figure_lines = sheet.wrap(figures, width)
    level_name = label("field", lang).format(name=label("target_level", lang))
    level = sheet.wrap(f"{level_name} {item.target_level}", width)
    actions = [sheet.wrap(action, width - 5) for action in item.actions]
    height = (len(name) * page.line_height(11) + len(figure_lines) * page.line_height(9) + 24.0
              + (len(level) * page.line_height(9) if item.target_level else 0)
              + sum(len(lines) for lines in actions) * page.line_height(9))  # fmt: skip
    sheet.ensure(height)
    top = sheet.y + 1.5
    pdf.set_fill_color(page.INK)
    pdf.ellipse(page.MARGIN, top + 0.2, 6, 6, style="F")
    sheet.font(10, bold=True, gray=255)
    sheet.write(
        [str(item.rank)], page.MARGIN, top + 0.2 + (6 - page.line_height(10)) / 2, 6, 10, "C"
    )
    sheet.font(9)
    sheet.write([sheet.fonts.printable(_status_text(row.glyph, row.word, glyphs))],
                indent + width - 32, top + 0.6, 32, 9, "R")  # fmt: skip
    sheet.font(11, bold=True)
    y = sheet.write(name, indent, top, width - 32, 11)
    sheet.font(9, gray=page.MUTED)
    y = sheet.write(figure_lines, indent, y + 0.5, width, 9)
    if item.target_level:
        sheet.font(9)
        y = sheet.write(level, indent, y + 1.0, width, 9)
    sheet.font(9, bold=True)
    y = sheet.write([sheet.fonts.printable(label("suggested_actions", lang))], indent, y + 1.5,
                    width, 9)  # fmt: skip
    sheet.font(9)
    if not actions:
        sheet.font(9, gray=page.MUTED)
        y = sheet.write(sheet.wrap(section.no_actions, width), indent, y, width, 9)
    for lines in actions:
        sheet.write([sheet.fonts.printable("•")], indent + 1, y, 4, 9)
        y = sheet.write(lines, indent + 5, y, width - 5, 9)
    y += 5.5
    sheet.font(7.5, gray=page.MUTED)
    pdf.set_draw_color(page.FAINT)
    pdf.set_line_width(0.2)
    for x, w, key in ((indent, width * 0.68, "plan_agreed"), (indent + width * 0.74,
                      width * 0.26, "plan_by")):  # fmt: skip
        pdf.line(x, y, x + w, y)
        sheet.write(sheet.wrap(label(key, lang), w, 1), x, y + 0.3, w, 7.5)
    pdf.set_y(y + 6.0)


def _on_priorities(sheet: Sheet, section: doc.Priorities, state: Layout) -> None:
    sheet.heading(section.heading, keep_with=45.0)
    if not section.items:
        sheet.paragraph(section.empty)
        return
    sheet.paragraph(section.rule, 9, gray=page.MUTED, after=2.0)
    for item in section.items:
        _priority(sheet, item, section, state)


def _on_bullets(sheet: Sheet, section: doc.Bullets, state: Layout) -> None:
    del state
    lines = [doc.plain(line) for line in section.items]
    sheet.bullet_section(section.heading, lines, section.empty, section.rule)


def _on_notes(sheet: Sheet, section: doc.Notes, state: Layout) -> None:
    del state
    sheet.bullet_section(section.heading, [doc.plain(note.line) for note in section.notes], "")


def _on_method(sheet: Sheet, section: doc.Method, state: Layout) -> None:
    del state
    page.method_block(sheet, section.heading, section.lines, section.stamp)


@dataclass(frozen=True)
class Layout:
    """What every section's drawing may need besides its own content."""

    lang: str
    glyphs: bool  # the font has the status glyphs


def _on_radar_figure(sheet: Sheet, figure: doc.RadarFigure, state: Layout) -> None:
    draw_radar_figure(sheet, figure, state.lang)


def render_document(
    document: doc.Document, options: RenderOptions, created_at: str | None
) -> bytes:
    """Any document as PDF bytes, sections in print order."""
    lang = document.lang
    sheet = page.start_pdf(lang, options, created_at)
    pdf = sheet.pdf
    table = document.first(doc.GapTable)
    glyph_chars = {ch for glyph, _ in (table.status_words if table else ()) for ch in glyph}
    scores = document.first(doc.GroupScoreTable)
    glyph_chars |= set(scores.glyphs if scores else "")
    glyphs = sheet.fonts.covered is not None and all(
        sheet.fonts.has_glyph(ord(ch)) for ch in glyph_chars | {"?"} if not ch.isspace()
    )
    header = document.first(doc.Header)
    title = header.page_title if header else ""
    fields = document.first(doc.FieldHeader)
    title = fields.page_title if fields else title
    pdf.set_title(title)
    pdf.alias_nb_pages()
    pdf.footer = lambda: page._footer(sheet, title, lang)
    pdf.add_page()
    state = Layout(lang, glyphs)
    for section in document.sections:
        HANDLERS[type(section)](sheet, section, state)
    return bytes(pdf.output())


def render_pdf(
    model: CompetencyModel, result: AssessmentResult, lang: str, options: RenderOptions
) -> bytes:
    """The whole report as PDF bytes; MissingFeatureError without fpdf2 or a usable font."""
    from kamcli.report.person import person_document

    return render_document(person_document(model, result, lang), options, result.created_at)


# --- the cohort summary's sections: it has no PDF (--summary-out writes HTML, Markdown or
# JSON), so a PDF of its document lays out none of them.


def _not_printed(sheet: Sheet, section: object, state: Layout) -> None:
    del sheet, section, state


_on_summary_header = _on_empty_notice = _on_team_radar = _on_cohort_table = _not_printed
_on_stage_priorities = _on_histograms = _on_heat_map = _on_status_key = _not_printed


# --- the 360° (subject) report's sections (drawn in pdf_subject.py) -------------------------


def _on_field_header(sheet: Sheet, section: doc.FieldHeader, state: Layout) -> None:
    del state
    pairs = [(field.name, field.value) for field in section.fields]
    page.title_block(sheet, section.eyebrow, pairs, section.title)


def _on_anonymity_notes(sheet: Sheet, section: doc.AnonymityNotes, state: Layout) -> None:
    del state
    pdf_subject.draw_notes(sheet, section)


def _on_stage_summary(sheet: Sheet, section: doc.StageSummary, state: Layout) -> None:
    """The 360° PDF leaves the stage summary to the HTML page."""
    del sheet, section, state


def _on_rater_radar(sheet: Sheet, section: doc.RaterRadar, state: Layout) -> None:
    pdf_subject.draw_rater_radar(sheet, section, state.lang)


def _on_group_score_table(sheet: Sheet, section: doc.GroupScoreTable, state: Layout) -> None:
    pdf_subject.draw_score_table(sheet, section, state.glyphs)


def _on_flag_list(sheet: Sheet, section: doc.FlagList, state: Layout) -> None:
    pdf_subject.draw_flag_list(sheet, section, state.glyphs)


def _on_method_list(sheet: Sheet, section: doc.MethodList, state: Layout) -> None:
    del state
    page.method_block(sheet, section.heading, section.lines, section.stamp)


def render_subject_pdf(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> bytes:
    """The whole 360° report as PDF bytes; MissingFeatureError without fpdf2 or a font."""
    from kamcli.report.subject import subject_document

    return render_document(subject_document(model, report, lang), options, None)


# Every section type's handler (checked on import: kamcli/report/document.py).
HANDLERS = doc.handlers(globals())
