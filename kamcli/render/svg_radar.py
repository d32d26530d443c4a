"""The SVG radar's geometry: wrapped axis labels, rings and a viewBox that holds them.

Shared by every HTML page with a radar (person, 360 subject, cohort): the chart's shape comes
from radar.py, the text measures here are estimates for the stylesheet's label font, and
labels are wrapped by display width (a CJK character counts two half-width units).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from kamcli.render.line_breaks import break_tokens, text_units

if TYPE_CHECKING:
    from kamcli.render.radar import Radar

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


@dataclass(frozen=True)
class AxisLabel:
    lines: tuple[str, ...]
    x: float
    y: float  # baseline of the first line
    anchor: str
    missing: bool
    full_name: str


def _fit_units(text: str, width: int) -> str:
    while text and text_units(text) > width:
        text = text[:-1]
    return text


def _greedy_wrap(text: str, width: int) -> list[str]:
    """Fill each line up to `width` units; words longer than a line are cut."""
    lines: list[str] = []
    current = ""
    for token, spaced in break_tokens(text, after_hyphen=True):
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
    longest_word = max(
        (text_units(token) for token, _ in break_tokens(text, after_hyphen=True)), default=1
    )
    while width > longest_word and len(_greedy_wrap(text, width - 1)) == len(lines):
        width -= 1
        lines = _greedy_wrap(text, width)
    return tuple(lines) or ("",)


def points(polygon: tuple[tuple[float, float], ...]) -> str:
    return " ".join(f"{x:g},{y:g}" for x, y in polygon)


def view_box(center: tuple[float, float], radius: float, labels: list[AxisLabel]) -> str:
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


def axis_labels(chart: Radar, no_data: str, line: float = LABEL_LINE,
                ascent: float = LABEL_ASCENT) -> list[AxisLabel]:  # fmt: skip
    """Each axis name wrapped, "no data" under a missing one, placed outside the rim."""
    labels = []
    for axis in chart.axes:
        width = MIDDLE_LABEL_UNITS if axis.anchor == "middle" else SIDE_LABEL_UNITS
        wrapped = wrap_label(axis.label, width, LABEL_MAX_LINES)
        if axis.missing:
            wrapped += (no_data,)
        block = len(wrapped) * line
        x, y = axis.label_at
        middle = y - math.cos(axis.angle) * block / 2  # above the top axis, below the bottom
        first = round(middle - block / 2 + ascent, 2)
        labels.append(AxisLabel(wrapped, x, first, axis.anchor, axis.missing, axis.label))
    return labels


def rings(chart: Radar) -> tuple[tuple[str, str, float, float], ...]:
    """(value, points, label x, label y) per scale ring."""
    cx = chart.center[0]
    return tuple(
        (f"{value:g}", points(polygon), cx + 4, polygon[0][1] - 3) for value, polygon in chart.rings
    )


@dataclass(frozen=True)
class RadarFrame:
    """What every SVG radar has: the grid, the axes and their labels, and its caption."""

    center: tuple[float, float]
    rings: tuple[tuple[str, str, float, float], ...]  # (value, points, label x, label y)
    axes: tuple[tuple[float, float, bool], ...]  # (end x, end y, missing)
    labels: tuple[AxisLabel, ...]
    any_missing: bool
    description: str


def frame(chart: Radar, labels: list[AxisLabel], description: str) -> dict[str, Any]:
    """The RadarFrame fields of a chart, to build a page's own radar view from."""
    return {
        "center": chart.center,
        "rings": rings(chart),
        "axes": tuple((*axis.end, axis.missing) for axis in chart.axes),
        "labels": tuple(labels),
        "any_missing": any(axis.missing for axis in chart.axes),
        "description": description,
    }


def dots(
    vertices: tuple[tuple[float, float], ...], values: list[float | None]
) -> tuple[tuple[float, float], ...]:
    """The vertices that have a value (a missing one sits at the centre, unmarked)."""
    return tuple(
        vertex for vertex, value in zip(vertices, values, strict=True) if value is not None
    )
