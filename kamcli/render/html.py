"""The gap report as one self-contained HTML page that trainers can hand out or print.

Everything is inline (CSS, SVG radar, no scripts, no fonts or images fetched), so the file
opens the same offline and on any machine. This module only prepares plain, already
formatted values from the report document (kamcli/report), section by section, plus the
geometry of its figures; the jinja2 template lays them out with autoescaping on, so names such as
`<script>` are shown as text. jinja2 is imported when rendering, never at startup.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render.labels import label
from kamcli.render.radar import radar
from kamcli.report import document as doc

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring import AssessmentResult

TEMPLATE = "report.html.j2"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
# Radar geometry in SVG user units; the viewBox is fitted around the rings and the labels.
RADAR_CENTER = (450.0, 325.0)
RADAR_RADIUS = 200.0
LABEL_GAP = 12.0
LABEL_LINE = 16.0  # line height of axis labels (font-size 13, set in the stylesheet)
LABEL_ASCENT = 12.0
LABEL_DESCENT = 4.0
UNIT_WIDTH = 7.2  # a generous estimate of one half-width character at font-size 13
VIEW_PADDING = 6.0
SIDE_LABEL_UNITS = 22  # label width in half-width characters; a CJK character counts 2
MIDDLE_LABEL_UNITS = 24
LABEL_MAX_LINES = 3
BAR_WIDTH = 140.0
# Wide punctuation that must not start a line; it stays with the character before it.
_CLOSING = set("）」』】》〉、，。：；！？")


@dataclass(frozen=True)
class AxisLabel:
    lines: tuple[str, ...]
    x: float
    y: float  # baseline of the first line
    anchor: str
    missing: bool
    full_name: str


@dataclass(frozen=True)
class RadarView:
    view_box: str
    line_height: float
    rings: tuple[tuple[str, str, float, float], ...]  # (value, points, label x, label y)
    axes: tuple[tuple[float, float, bool], ...]  # (end x, end y, missing)
    labels: tuple[AxisLabel, ...]
    center: tuple[float, float]
    score_points: str
    target_points: str
    score_dots: tuple[tuple[float, float], ...]
    any_missing: bool
    description: str


def text_units(text: str) -> int:
    """Display width in half-width units: CJK and other wide characters count 2."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Words of narrow characters and single wide characters, each with 'a space came before'."""
    tokens: list[tuple[str, bool]] = []
    word, spaced = "", False
    for ch in text:
        if ch.isspace():
            if word:
                tokens.append((word, spaced))
                word = ""
            spaced = True
        elif text_units(ch) == 2:
            if word:
                tokens.append((word, spaced))
                word, spaced = "", False
            if ch in _CLOSING and tokens:
                previous, before = tokens[-1]
                tokens[-1] = (previous + ch, before)
            else:
                tokens.append((ch, spaced))
            spaced = False
        else:
            word += ch
            if ch == "-" and len(word) > 1:  # a line may break after a hyphen
                tokens.append((word, spaced))
                word, spaced = "", False
    if word:
        tokens.append((word, spaced))
    return tokens


def _fit_units(text: str, width: int) -> str:
    while text and text_units(text) > width:
        text = text[:-1]
    return text


def _greedy_wrap(text: str, width: int) -> list[str]:
    """Fill each line up to `width` units; words longer than a line are cut."""
    lines: list[str] = []
    current = ""
    for token, spaced in _tokens(text):
        while text_units(token) > width:
            if current:
                lines.append(current)
                current = ""
            head = _fit_units(token, width) or token[0]
            lines.append(head)
            token, spaced = token[len(head) :], False
        candidate = f"{current} {token}" if current and spaced else current + token
        if not current or text_units(candidate) <= width:
            current = candidate
        else:
            lines.append(current)
            current = token
    if current:
        lines.append(current)
    return lines


def wrap_label(text: str, width: int, max_lines: int) -> tuple[str, ...]:
    """Lines of at most `width` units, as even as possible; more than `max_lines` end in …."""
    lines = _greedy_wrap(text, width)
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = _fit_units(lines[-1], width - 1).rstrip() + "…"
        return tuple(lines)
    # The narrowest width that needs no extra line (nor cuts a word) avoids a lone last word.
    longest_word = max((text_units(token) for token, _ in _tokens(text)), default=1)
    while width > longest_word and len(_greedy_wrap(text, width - 1)) == len(lines):
        width -= 1
        lines = _greedy_wrap(text, width)
    return tuple(lines) or ("",)


def _points(polygon: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in polygon)


def _view_box(center: tuple[float, float], radius: float, labels: list[AxisLabel]) -> str:
    """A viewBox that holds the rings and every label, centred on the chart horizontally."""
    cx, cy = center
    half_width, top, bottom = radius, cy - radius, cy + radius
    for axis in labels:
        width = max(text_units(line) for line in axis.lines) * UNIT_WIDTH
        left = {"start": 0.0, "middle": width / 2, "end": width}[axis.anchor]
        half_width = max(half_width, cx - (axis.x - left), axis.x - left + width - cx)
        top = min(top, axis.y - LABEL_ASCENT)
        bottom = max(bottom, axis.y + (len(axis.lines) - 1) * LABEL_LINE + LABEL_DESCENT)
    half_width += VIEW_PADDING
    top -= VIEW_PADDING
    bottom += VIEW_PADDING
    return f"{cx - half_width:.1f} {top:.1f} {2 * half_width:.1f} {bottom - top:.1f}"


def radar_view(figure: doc.RadarFigure) -> RadarView:
    """The SVG radar's shapes and wrapped labels; a missing score sits at the centre."""
    values = {series.key: list(series.values) for series in figure.series}
    chart = radar(list(figure.axes), values, figure.low, figure.high, center=RADAR_CENTER,
                  radius=RADAR_RADIUS, label_gap=LABEL_GAP)  # fmt: skip
    series = dict(chart.series)
    labels = []
    for axis in chart.axes:
        width = MIDDLE_LABEL_UNITS if axis.anchor == "middle" else SIDE_LABEL_UNITS
        lines = wrap_label(axis.label, width, LABEL_MAX_LINES)
        if axis.missing:
            lines += (figure.no_data,)
        block = len(lines) * LABEL_LINE
        x, y = axis.label_at
        middle = y - math.cos(axis.angle) * block / 2  # above the top axis, below the bottom
        first = middle - block / 2 + LABEL_ASCENT
        labels.append(AxisLabel(lines, x, round(first, 2), axis.anchor, axis.missing, axis.label))
    cx = chart.center[0]
    rings = tuple(
        (f"{value:g}", _points(polygon), cx + 4, polygon[0][1] - 3)
        for value, polygon in chart.rings
    )
    scores = values["score"]
    dots = tuple(
        vertex for vertex, score in zip(series["score"], scores, strict=True) if score is not None
    )
    return RadarView(
        view_box=_view_box(chart.center, chart.radius, labels),
        line_height=LABEL_LINE,
        rings=rings,
        axes=tuple((*axis.end, axis.missing) for axis in chart.axes),
        labels=tuple(labels),
        center=chart.center,
        score_points=_points(series["score"]),
        target_points=_points(series["target"]),
        score_dots=dots,
        any_missing=any(axis.missing for axis in chart.axes),
        description=figure.note,
    )


@dataclass(frozen=True)
class Bar:
    """A gap-table row's bar in SVG units: score length (None without a score), target x."""

    score_width: float | None
    target_x: float


def bar(row: doc.GapRow) -> Bar:
    share = row.score_share
    score = None if share is None else round(share * BAR_WIDTH, 2)
    return Bar(score, round(row.target_share * BAR_WIDTH, 2))


def _on_header(section: doc.Header) -> dict[str, object]:
    fields = (*section.fields, section.date, section.model)
    return {
        "page_title": section.page_title,
        "title": section.title,
        "model_name": section.eyebrow,
        "header": [(field.name, field.value) for field in fields],
    }


def _on_stage_focus(section: doc.StageFocus) -> dict[str, object]:
    return {"stage_focus": section}


def _on_radar_figure(section: doc.RadarFigure) -> dict[str, object]:
    return {"radar": radar_view(section), "radar_heading": section.heading}


def _on_fit_meters(section: doc.FitMeters) -> dict[str, object]:
    fits = [(doc.plain(meter.line), meter.percent) for meter in section.meters]
    return {"fits": fits, "fit_explain": section.explain}


def _on_gap_table(section: doc.GapTable) -> dict[str, object]:
    return {"gaps": section, "rows": [(row, bar(row)) for row in section.rows]}


def _on_priorities(section: doc.Priorities) -> dict[str, object]:
    return {"priorities": section}


def _on_bullets(section: doc.Bullets) -> dict[str, object]:
    return {"strengths": section, "strength_lines": [doc.plain(line) for line in section.items]}


def _on_notes(section: doc.Notes) -> dict[str, object]:
    lines = [doc.plain(note.line) for note in section.notes]
    return {"diagnostic": lines, "diagnostic_heading": section.heading}


def _on_method(section: doc.Method) -> dict[str, object]:
    return {"method": section}


# One context block per section type; report.html.j2 has one template block for each.
HANDLERS = doc.handlers(globals())


def report_context(document: doc.Document) -> dict[str, object]:
    """Everything the template shows, as plain text and numbers (the template escapes it)."""
    lang = document.lang
    context: dict[str, object] = {
        "html_lang": HTML_LANG.get(lang, lang),
        "label": lambda key: label(key, lang),
        "field_name": lambda name: label("field", lang).format(name=name),
        "bar_width": BAR_WIDTH,
        "diagnostic": [],
    }
    for section in document.sections:
        context.update(HANDLERS[type(section)](section))
    return context


def render_document(document: doc.Document) -> str:
    """Any document as one HTML page; needs no network, fonts or scripts to show."""
    from kamcli.render.templating import render_page

    return render_page(TEMPLATE, report_context(document))


def render_html(
    model: CompetencyModel, result: AssessmentResult, lang: str, options: RenderOptions
) -> str:
    """The whole report as one HTML document; needs no network, fonts or scripts to show."""
    del options  # the browser picks a system font; nothing else is configurable
    from kamcli.report.person import person_document

    return render_document(person_document(model, result, lang))
