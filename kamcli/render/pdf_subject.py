"""The 360° report's sections on an A4 page: anonymity notes, the rater radar, the scores by
rater group and the flag lists (pdf.py calls these from its `_on_…` handlers).

Readable in black and white: series differ by line style and marks, not colour. Text is
wrapped and measured before it is drawn, so no block is split across pages.
"""

from __future__ import annotations

from kamcli.render.pdf_layout import (
    FAINT,
    INK,
    MARGIN,
    MUTED,
    PAGE_WIDTH,
    WIDTH,
    Sheet,
    line_height,
)
from kamcli.render.pdf_radar import (
    RADAR_HALF_HEIGHT,
    axis_labels,
    draw_grid,
    place_radar,
)
from kamcli.report import document as doc

# Table columns in mm: self, each group, target, gap and status are fixed; names get the rest.
SELF_COLUMN, GROUP_COLUMN, TARGET_COLUMN, GAP_COLUMN, STATUS_COLUMN = 11.0, 19.0, 12.0, 15.0, 27.0


def draw_notes(sheet: Sheet, section: doc.AnonymityNotes) -> None:
    """The folding and withholding notes in a framed box, so nobody misses them."""
    notes = section.notes
    if not notes:
        return
    sheet.font(9)
    wrapped = [sheet.wrap(note, WIDTH - 12) for note in notes]
    height = 9.0 + sum(len(lines) for lines in wrapped) * line_height(9) + len(notes) * 0.8
    sheet.ensure(height)
    top = sheet.y + 1.0
    pdf = sheet.pdf
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.3)
    pdf.set_fill_color(246)
    pdf.rect(MARGIN, top, WIDTH, height, style="DF")
    pdf.set_line_width(1.2)
    pdf.line(MARGIN + 0.6, top, MARGIN + 0.6, top + height)
    sheet.font(9.5, bold=True)
    y = sheet.write(sheet.wrap(section.heading, WIDTH - 8, 1), MARGIN + 4, top + 2.0, WIDTH - 8,
                    9.5)  # fmt: skip
    for lines in wrapped:
        sheet.font(9)
        sheet.write([sheet.fonts.printable("•")], MARGIN + 5, y, 4, 9)
        y = sheet.write(lines, MARGIN + 9, y, WIDTH - 12, 9) + 0.8
    pdf.set_y(top + height + 2.0)


def draw_rater_radar(sheet: Sheet, figure: doc.RaterRadar, lang: str) -> None:
    pdf = sheet.pdf
    chart, values = place_radar(
        sheet, figure.heading, figure.axes, figure.series, figure.low, figure.high
    )
    high, center = figure.high, chart.center
    others, selfs = values["others"], values["self"]
    series = dict(chart.series)
    if figure.has_others:
        pdf.set_fill_color(222)
        pdf.polygon(series["others"], style="F")
    draw_grid(sheet, chart, high)
    pdf.set_draw_color(INK)
    pdf.set_dash_pattern(dash=1.6, gap=1.0)
    pdf.set_line_width(0.45)
    pdf.polygon(series["target"], style="D")
    if figure.has_others:
        pdf.set_dash_pattern()
        pdf.set_line_width(0.7)
        pdf.polygon(series["others"], style="D")
        pdf.set_fill_color(INK)
        for (x, y), mean in zip(series["others"], others, strict=True):
            if mean is not None:
                pdf.ellipse(x - 0.8, y - 0.8, 1.6, 1.6, style="F")
    if figure.has_self:
        pdf.set_dash_pattern(dash=0.4, gap=0.7)
        pdf.set_line_width(0.5)
        pdf.polygon(series["self"], style="D")
        pdf.set_dash_pattern()
        pdf.set_fill_color(255)
        pdf.set_line_width(0.35)
        for (x, y), score in zip(series["self"], selfs, strict=True):
            if score is not None:
                pdf.rect(x - 0.9, y - 0.9, 1.8, 1.8, style="DF")
    pdf.set_dash_pattern()
    axis_labels(sheet, chart, lang, figure.no_data)
    pdf.set_y(center[1] + RADAR_HALF_HEIGHT + 1.0)
    _radar_legend(sheet, figure.legend)
    note = figure.note
    if any(axis.missing for axis in chart.axes):
        note = f"{figure.legend_no_data} · {note}"
    sheet.paragraph(note, 8, gray=MUTED, align="C")


def _radar_legend(sheet: Sheet, legend: tuple[tuple[str, str], ...]) -> None:
    """One key per drawn series: filled solid = others, dotted with squares = self, dashed."""
    pdf = sheet.pdf
    sheet.font(8.5)
    texts = [sheet.fonts.printable(name) for _, name in legend]
    swatch, gap, between = 8.0, 2.0, 8.0
    width = sum(swatch + gap + sheet.width_of(t) for t in texts) + between * (len(texts) - 1)
    x, y = PAGE_WIDTH / 2 - width / 2, sheet.y + 2.0
    for (key, _), text in zip(legend, texts, strict=True):
        pdf.set_draw_color(INK)
        if key == "others":
            pdf.set_fill_color(222)
            pdf.rect(x, y - 1.2, swatch, 2.4, style="F")
            pdf.set_line_width(0.7)
        elif key == "self":
            pdf.set_line_width(0.5)
            pdf.set_dash_pattern(dash=0.4, gap=0.7)
        else:
            pdf.set_line_width(0.45)
            pdf.set_dash_pattern(dash=1.6, gap=1.0)
        pdf.line(x, y, x + swatch, y)
        pdf.set_dash_pattern()
        if key == "self":
            pdf.set_fill_color(255)
            pdf.set_line_width(0.35)
            pdf.rect(x + swatch / 2 - 0.9, y - 0.9, 1.8, 1.8, style="DF")
        x += swatch + gap
        sheet.write([text], x, y - line_height(8.5) / 2, sheet.width_of(text) + 1, 8.5)
        x += sheet.width_of(text) + between
    pdf.set_y(y + 3.0)


def _widths(groups: int) -> list[float]:
    fixed = [SELF_COLUMN, *[GROUP_COLUMN] * groups, TARGET_COLUMN, GAP_COLUMN, STATUS_COLUMN]
    return [WIDTH - sum(fixed), *fixed]


def _table_head(sheet: Sheet, section: doc.GroupScoreTable, widths: list[float]) -> None:
    headings = [section.competency, section.self_heading, *section.columns, section.target,
                section.gap_others, section.status]  # fmt: skip
    sheet.font(7, bold=True)
    x, top, bottom = MARGIN, sheet.y, sheet.y
    for index, (heading, width) in enumerate(zip(headings, widths, strict=True)):
        align = "L" if index in (0, len(widths) - 1) else "R"
        lines = sheet.wrap(heading, width - 2, 2)
        bottom = max(bottom, sheet.write(lines, x + 1, top, width - 2, 7, align))
        x += width
    sheet.rule(bottom + 0.6, INK, 0.35)
    sheet.pdf.set_y(bottom + 1.2)


def _status_lines(sheet: Sheet, row: doc.GroupScoreRow, glyphs: bool) -> list[str]:
    lines = sheet.wrap(f"{row.glyph} {row.word}" if glyphs else row.word, STATUS_COLUMN - 2, 2)
    if row.flag:
        flag = f"{row.flag_glyph} {row.flag_word}" if glyphs else row.flag_word
        lines += sheet.wrap(flag, STATUS_COLUMN - 2, 2)
    return lines


def draw_score_table(sheet: Sheet, section: doc.GroupScoreTable, glyphs: bool) -> None:
    rows = section.rows
    widths = _widths(len(section.columns))
    sheet.heading(section.heading, keep_with=min(14.0 + 10.0 * len(rows), 200.0))
    _table_head(sheet, section, widths)
    detail = line_height(6.5)
    for number, row in enumerate(rows):
        sheet.font(8.5, bold=bool(row.flag))
        name = sheet.wrap(row.name, widths[0] - 2, 4)
        sheet.font(8.5)
        status = _status_lines(sheet, row, glyphs)
        height = max(len(name), len(status), 1) * line_height(8.5)
        height = max(height, line_height(8.5) + detail) + 2.0
        if sheet.y + height > sheet.pdf.page_break_trigger:
            sheet.pdf.add_page()
            _table_head(sheet, section, widths)
        top = sheet.y + 1.0
        if number % 2:
            sheet.pdf.set_fill_color(246)
            sheet.pdf.rect(MARGIN, sheet.y, WIDTH, height, style="F")
        sheet.font(8.5, bold=bool(row.flag))
        sheet.write(name, MARGIN + 1, top, widths[0] - 2, 8.5)
        x = MARGIN + widths[0]
        figures = [(row.self_score, ""), *((c.value, c.detail) for c in row.cells),
                   (row.target, ""), (row.gap, "")]  # fmt: skip
        for (value, note), width in zip(figures, widths[1:-1], strict=True):
            sheet.font(8.5)
            sheet.write([sheet.fonts.printable(value)], x + 1, top, width - 2, 8.5, "R")
            if note:
                sheet.font(6.5, gray=MUTED)
                sheet.write(sheet.wrap(note, width - 2, 1), x + 1, top + line_height(8.5),
                            width - 2, 6.5, "R")  # fmt: skip
            x += width
        sheet.font(8.5, gray=FAINT if row.status in ("insufficient", "withheld") else INK)
        sheet.write(status, x + 1, top, STATUS_COLUMN - 2, 8.5)
        sheet.pdf.set_y(sheet.y + height)
    sheet.rule(sheet.y, INK, 0.35)
    sheet.pdf.set_y(sheet.y + 1.5)
    for text in section.legends:
        sheet.paragraph(text, 8, gray=MUTED, after=0.8)


def draw_flag_list(sheet: Sheet, section: doc.FlagList, glyphs: bool) -> None:
    sheet.heading(section.heading, keep_with=30.0)
    if not section.items:
        sheet.paragraph(section.empty)
        return
    sheet.paragraph(section.intro, 9, gray=MUTED, after=2.0)
    for item in section.items:
        sheet.font(10.5, bold=True)
        heading = f"{item.word} · {item.name}"
        head = sheet.wrap(f"{item.glyph} {heading}" if glyphs else heading, WIDTH - 4)
        sheet.font(9)
        line = sheet.wrap(doc.plain(item.line), WIDTH - 4)
        actions = [sheet.wrap(action, WIDTH - 9) for action in item.actions]
        height = (
            len(head) * line_height(10.5)
            + len(line) * line_height(9)
            + 4.0
            + (line_height(9) + 1.0 if actions else 0.0)
            + sum(len(lines) for lines in actions) * line_height(9)
        )
        sheet.ensure(height)
        top = sheet.y + 1.0
        sheet.pdf.set_draw_color(INK)
        sheet.pdf.set_line_width(0.8)
        sheet.pdf.line(MARGIN, top, MARGIN, top + height - 2.0)
        sheet.font(10.5, bold=True)
        y = sheet.write(head, MARGIN + 3, top, WIDTH - 4, 10.5)
        sheet.font(9, gray=MUTED)
        y = sheet.write(line, MARGIN + 3, y + 0.5, WIDTH - 4, 9)
        if actions:
            sheet.font(9, bold=True)
            y = sheet.write(sheet.wrap(section.actions_heading, WIDTH - 4, 1), MARGIN + 3,
                            y + 1.0, WIDTH - 4, 9)  # fmt: skip
            sheet.font(9)
        for lines in actions:
            sheet.write([sheet.fonts.printable("•")], MARGIN + 4, y, 4, 9)
            y = sheet.write(lines, MARGIN + 8, y, WIDTH - 9, 9)
        sheet.pdf.set_y(top + height)
