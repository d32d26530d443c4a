"""The gap report as one self-contained HTML page that trainers can hand out or print.

Everything is inline (CSS, SVG radar, no scripts, no fonts or images fetched), so the file
opens the same offline and on any machine. This module only prepares plain, already
formatted values; the jinja2 template lays them out with autoescaping on, so names such as
`<script>` are shown as text. jinja2 is imported when rendering, never at startup.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render.diagnostic_text import diagnostic_sentences, levels_legend, with_level
from kamcli.render.labels import (
    clean_text,
    competency_name,
    fmt_gap,
    fmt_pct,
    fmt_score,
    label,
    rater_label,
    stage_actions,
    stage_name,
    status_word,
)
from kamcli.render.radar import radar
from kamcli.render.terminal import format_created_at

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring import AssessmentResult, CompetencyResult

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


@dataclass(frozen=True)
class Row:
    name: str
    coverage_note: str
    score: str
    target: str
    gap: str
    importance: str
    status: str
    glyph: str
    word: str
    score_width: float | None  # bar length, None without a score
    target_x: float


@dataclass(frozen=True)
class Priority:
    rank: int
    row: Row
    target_level: str
    actions: tuple[str, ...]


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


def radar_view(model: CompetencyModel, result: AssessmentResult, lang: str) -> RadarView:
    """The SVG radar's shapes and wrapped labels; a missing score sits at the centre."""
    names = [competency_name(model, row.competency_id, lang) for row in result.competencies]
    low, high = model.scale.min, model.scale.max
    values: dict[str, list[float | None]] = {
        "score": [row.score for row in result.competencies],
        "target": [row.target for row in result.competencies],
    }
    chart = radar(
        names, values, low, high, center=RADAR_CENTER, radius=RADAR_RADIUS, label_gap=LABEL_GAP
    )
    series = dict(chart.series)
    labels = []
    for axis in chart.axes:
        width = MIDDLE_LABEL_UNITS if axis.anchor == "middle" else SIDE_LABEL_UNITS
        lines = wrap_label(axis.label, width, LABEL_MAX_LINES)
        if axis.missing:
            lines += (label("no_data", lang),)
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
    dots = tuple(
        vertex
        for vertex, row in zip(series["score"], result.competencies, strict=True)
        if row.score is not None
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
        description=label("radar_note", lang).format(low=low, high=high),
    )


def _share(model: CompetencyModel, value: float) -> float:
    low, high = model.scale.min, model.scale.max
    return min(1.0, max(0.0, (value - low) / (high - low)))


def _row(model: CompetencyModel, row: CompetencyResult, lang: str) -> Row:
    glyph, word = status_word(model, row.status, lang)
    note = ""
    if row.coverage < 1:
        note = label("answered", lang).format(answered=row.answered, total=row.total)
    return Row(
        name=competency_name(model, row.competency_id, lang),
        coverage_note=note,
        score=with_level(model, row.score, lang),
        target=with_level(model, row.target, lang),
        gap=fmt_gap(row.gap),
        importance=f"{row.weight:g}",
        status=row.status,
        glyph=glyph,
        word=word,
        score_width=None if row.score is None else round(_share(model, row.score) * BAR_WIDTH, 2),
        target_x=round(_share(model, row.target) * BAR_WIDTH, 2),
    )


def _target_level(model: CompetencyModel, competency_id: str, target: float, lang: str) -> str:
    """The model's descriptor of the level the target asks for (rounded up), if it has one."""
    try:
        levels = model.competency(competency_id).levels
    except KeyError:
        return ""
    index = math.ceil(target - 1e-9) - model.scale.min
    if not levels or not 0 <= index < len(levels):
        return ""
    return clean_text(model.text(levels[index], lang))


def _priorities(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[Priority]:
    plan = []
    for rank, competency_id in enumerate(result.priorities[:3], start=1):
        row = result.competency(competency_id)
        level = _target_level(model, competency_id, row.target, lang)
        actions = tuple(stage_actions(model, competency_id, result.stage, lang))
        plan.append(Priority(rank, _row(model, row, lang), level, actions))
    return plan


def _fits(
    model: CompetencyModel, result: AssessmentResult, lang: str
) -> list[tuple[str, float | None]]:
    """(sentence, percentage for the meter) for the stage assessed and the next one."""

    def pct(value: float | None) -> str:
        return fmt_pct(value) if value is not None else label("fit_unknown", lang)

    stage = stage_name(model, result.stage, lang)
    now = label("fit_now", lang).format(stage=stage, fit=pct(result.fit))
    if result.next_stage is None:
        return [(now, result.fit), (label("last_stage", lang).format(stage=stage), None)]
    following = stage_name(model, result.next_stage, lang)
    text = label("fit_next", lang).format(stage=following, fit=pct(result.next_fit))
    return [(now, result.fit), (text, result.next_fit)]


def _strengths(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    lines = []
    for competency_id in result.strengths:
        row = result.competency(competency_id)
        above = 0.0 if row.score is None else row.score - row.target
        key = "on_target_line" if fmt_gap(above) == "0.0" else "strength_line"
        lines.append(
            label(key, lang).format(
                name=competency_name(model, competency_id, lang),
                score=fmt_score(row.score),
                above=f"{above:.1f}",
            )
        )
    return lines


def _diagnostic(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[str]:
    return [sentence for sentence, _warning in diagnostic_sentences(model, result, lang)]


def _method(model: CompetencyModel, lang: str) -> list[str]:
    low, high = model.scale.min, model.scale.max
    bands = []
    for band in model.status_bands:
        glyph, word = status_word(model, band.id, lang)
        if band.max_gap is None:
            bands.append(label("method_band_last", lang).format(glyph=glyph, word=word))
        else:
            limit = f"{band.max_gap:g}"
            bands.append(label("method_band", lang).format(glyph=glyph, word=word, limit=limit))
    separator = "；" if lang == "zh" else "; "
    return [
        label("method_score", lang).format(low=low, high=high),
        label("method_coverage", lang).format(coverage=f"{model.min_coverage:.0%}"),
        label("method_gap", lang).format(bands=separator.join(bands)),
        label("method_priority", lang),
        label("method_fit", lang).format(low=low),
        levels_legend(model, lang),
    ]


def _header(model: CompetencyModel, result: AssessmentResult, lang: str) -> list[tuple[str, str]]:
    missing = label("not_given", lang)
    rows = [
        ("person", clean_text(result.person) if result.person else missing),
        ("account", clean_text(result.account) if result.account else missing),
        ("stage", stage_name(model, result.stage, lang)),
    ]
    if result.rater != "self":
        rows.append(("rater", rater_label(result.rater, lang)))
        rows.append(("subject", clean_text(result.subject) if result.subject else missing))
    rows.append(("date", format_created_at(result.created_at)))
    rows.append(("model", f"{result.model_id} {result.model_version} ({result.model_hash})"))
    return [(label(key, lang), value) for key, value in rows]


def report_context(
    model: CompetencyModel, result: AssessmentResult, lang: str
) -> dict[str, object]:
    """Everything the template shows, as plain text and numbers (the template escapes it)."""
    try:
        stage_summary = clean_text(model.text(model.stage(result.stage).summary, lang))
    except KeyError:
        stage_summary = ""
    title = label("title", lang)
    return {
        "html_lang": HTML_LANG.get(lang, lang),
        "label": lambda key: label(key, lang),
        "field_name": lambda name: label("field", lang).format(name=name),
        "page_title": f"{title} — {clean_text(result.person)}" if result.person else title,
        "model_name": clean_text(model.text(model.name, lang)),
        "header": _header(model, result, lang),
        "stage": stage_name(model, result.stage, lang),
        "stage_summary": stage_summary,
        "radar": radar_view(model, result, lang),
        "fits": _fits(model, result, lang),
        "rows": [_row(model, row, lang) for row in result.competencies],
        "bar_width": BAR_WIDTH,
        "priorities": _priorities(model, result, lang),
        "strengths": _strengths(model, result, lang),
        "diagnostic": _diagnostic(model, result, lang),
        "method": _method(model, lang),
        "stamp": f"{result.model_id} {result.model_version} · {result.model_hash}",
    }


def render_html(
    model: CompetencyModel, result: AssessmentResult, lang: str, options: RenderOptions
) -> str:
    """The whole report as one HTML document; needs no network, fonts or scripts to show."""
    del options  # the browser picks a system font; nothing else is configurable
    from kamcli.render.templating import render_page

    return render_page(TEMPLATE, report_context(model, result, lang))
