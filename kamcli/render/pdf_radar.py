"""The radar chart on a PDF page: grid, axis labels, and the person report's figure.

Shared by the person and 360 reports; series differ by line style and marks, not colour, so
the chart reads in black and white.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from kamcli.render.labels import label
from kamcli.render.pdf_layout import FAINT, INK, MUTED, PAGE_WIDTH, RULE, Sheet, line_height
from kamcli.render.radar import Radar, radar

if TYPE_CHECKING:
    from collections.abc import Sequence

    from kamcli.report.document import RadarFigure, Series

MIN_RADAR_AXES = 3  # fewer axes make a line, not a shape; the table says it all then
# Radar: centre offset from the top of its area, radius and label box widths, in mm.
RADAR_HALF_HEIGHT = 58.0
RADAR_RADIUS = 44.0
RADAR_LABEL_GAP = 3.5
SIDE_LABEL_WIDTH = 40.0
MIDDLE_LABEL_WIDTH = 34.0
LABEL_SIZE = 7.8


def axis_labels(sheet: Sheet, chart: Radar, lang: str, no_data: str = "") -> None:
    """Radar axis names around the chart, 'no data' under axes without a score."""
    for axis in chart.axes:
        width = MIDDLE_LABEL_WIDTH if axis.anchor == "middle" else SIDE_LABEL_WIDTH
        sheet.font(LABEL_SIZE, gray=FAINT if axis.missing else INK)
        lines = sheet.wrap(axis.label, width, 3)
        if axis.missing:
            lines += sheet.wrap(no_data or label("no_data", lang), width, 1)
        block = len(lines) * line_height(LABEL_SIZE)
        x, y = axis.label_at
        top = y - (1 + math.cos(axis.angle)) * block / 2
        left = {"start": x, "end": x - width, "middle": x - width / 2}[axis.anchor]
        align = {"start": "L", "end": "R", "middle": "C"}[axis.anchor]
        sheet.write(lines, left, top, width, LABEL_SIZE, align)


def draw_grid(sheet: Sheet, chart: Radar, high: float) -> None:
    """The scale rings with their values and the axes (dotted where a figure is missing)."""
    pdf = sheet.pdf
    center = chart.center
    for value, ring in chart.rings:
        pdf.set_draw_color(FAINT if value == high else RULE)
        pdf.set_line_width(0.3 if value == high else 0.15)
        pdf.polygon(ring, style="D")
        sheet.font(6, gray=FAINT)
        sheet.write([f"{value:g}"], center[0] + 0.8, ring[0][1] - 2.8, 6, 6)
    for axis in chart.axes:
        pdf.set_draw_color(RULE)
        pdf.set_line_width(0.15)
        if axis.missing:
            pdf.set_dash_pattern(dash=0.6, gap=0.6)
        else:
            pdf.set_dash_pattern()
        pdf.line(*center, *axis.end)


def place_radar(
    sheet: Sheet,
    heading: str,
    axes: Sequence[str],
    series: Sequence[Series],
    low: float,
    high: float,
) -> tuple[Radar, dict[str, list[float | None]]]:
    """Heading, then the chart's geometry centred under it (the person and 360° radars)."""
    sheet.heading(heading, keep_with=2 * RADAR_HALF_HEIGHT + 12)
    center = (PAGE_WIDTH / 2, sheet.y + RADAR_HALF_HEIGHT)
    values = {line.key: list(line.values) for line in series}
    chart = radar(list(axes), values, low, high, center=center, radius=RADAR_RADIUS,
                  label_gap=RADAR_LABEL_GAP)  # fmt: skip
    return chart, values


def draw_radar_figure(sheet: Sheet, figure: RadarFigure, lang: str) -> None:
    """A score/target radar from a document's figure: score filled and solid, target dashed."""
    if len(figure.axes) < MIN_RADAR_AXES:
        return
    pdf = sheet.pdf
    chart, _ = place_radar(
        sheet, figure.heading, figure.axes, figure.series, figure.low, figure.high
    )
    high, center = figure.high, chart.center
    series = dict(chart.series)
    pdf.set_fill_color(222)
    pdf.polygon(series["score"], style="F")
    draw_grid(sheet, chart, high)
    pdf.set_dash_pattern(dash=1.6, gap=1.0)
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.45)
    pdf.polygon(series["target"], style="D")
    pdf.set_dash_pattern()
    pdf.set_line_width(0.7)
    pdf.polygon(series["score"], style="D")
    pdf.set_fill_color(INK)
    for (x, y), axis in zip(series["score"], chart.axes, strict=True):
        if not axis.missing:
            pdf.ellipse(x - 0.8, y - 0.8, 1.6, 1.6, style="F")
    axis_labels(sheet, chart, lang, figure.no_data)
    pdf.set_y(center[1] + RADAR_HALF_HEIGHT + 1.0)
    missing = figure.legend_no_data if any(axis.missing for axis in chart.axes) else ""
    _radar_legend(sheet, figure.series[0].label, figure.series[1].label, missing)
    sheet.paragraph(figure.note, 8, gray=MUTED, align="C")


def _radar_legend(sheet: Sheet, score_label: str, target_label: str, missing: str) -> None:
    """Key for the two lines, centred under the chart: filled solid = score, dashed = target."""
    pdf = sheet.pdf
    y = sheet.y + 2.0
    sheet.font(8.5)
    score = sheet.fonts.printable(score_label)
    target = sheet.fonts.printable(target_label)
    swatch, gap, between = 8.0, 2.0, 8.0
    width = 2 * (swatch + gap) + sheet.width_of(score) + between + sheet.width_of(target)
    x = PAGE_WIDTH / 2 - width / 2
    text_top = y - line_height(8.5) / 2
    pdf.set_fill_color(222)
    pdf.rect(x, y - 1.2, swatch, 2.4, style="F")
    pdf.set_draw_color(INK)
    pdf.set_line_width(0.7)
    pdf.line(x, y, x + swatch, y)
    x += swatch + gap
    sheet.write([score], x, text_top, sheet.width_of(score) + 1, 8.5)
    x += sheet.width_of(score) + between
    pdf.set_line_width(0.45)
    pdf.set_dash_pattern(dash=1.6, gap=1.0)
    pdf.line(x, y, x + swatch, y)
    pdf.set_dash_pattern()
    sheet.write([target], x + swatch + gap, text_top, sheet.width_of(target) + 1, 8.5)
    pdf.set_y(y + 3.0)
    if missing:
        sheet.paragraph(missing, 8, gray=MUTED, align="C", after=0.3)
