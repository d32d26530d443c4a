"""The cohort summary as one self-contained HTML page: team radar, statistics, heat map.

Like the person report (html.py) it needs nothing from the network: inline CSS and SVG, no
scripts. This module prepares plain strings and numbers; the jinja2 template lays them out
with autoescaping on, so a respondent called `<script>` is shown as text. jinja2 is
imported when rendering, never at startup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from kamcli.render.cohort_plan import TeamPriority, team_plan
from kamcli.render.cohort_text import (
    CompetencyLine,
    cohort_label,
    competency_lines,
    fit_texts,
    header_fields,
    is_mixed,
)
from kamcli.render.html import HTML_LANG
from kamcli.render.labels import (
    INSUFFICIENT,
    clean_text,
    fmt_gap,
    fmt_pct,
    label,
    stage_name,
    status_word,
)
from kamcli.render.radar import radar
from kamcli.render.svg_radar import RadarFrame, axis_labels, dots, frame, points, wrap_label

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary, HistogramBin
    from kamcli.scoring.plan import RowScore

TEMPLATE = "cohort.html.j2"
MAX_ROWS = 500
RADAR_SIZE = (720.0, 560.0)
RADAR_CENTER = (360.0, 280.0)
RADAR_RADIUS = 190.0
LABEL_GAP = 14.0
LABEL_LINE = 14.5
LABEL_ASCENT = 11.0
SIDE_LABEL_UNITS = 22
MIDDLE_LABEL_UNITS = 24
LABEL_MAX_LINES = 3
HEADER_LABEL_UNITS = 24  # heat-map column headings, set vertically
# Light to dark, one per status band (met … critical); monotone in lightness so the shades
# still order correctly on a black-and-white printout. Text turns white on the dark end.
SHADE_STOPS = ((0xF4, 0xF6, 0xF3), (0xFB, 0xE3, 0xA4), (0xEE, 0x8E, 0x4A), (0x8E, 0x1B, 0x1F))
DIST_WIDTH = 300.0
HIST_WIDTH = 300.0  # the whole scale, min to max
HIST_HEIGHT = 64.0


@dataclass(frozen=True)
class TeamRadar(RadarFrame):
    width: float
    height: float
    mean_points: str
    target_points: str
    mean_dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Shade:
    status: str
    css_class: str
    background: str
    ink: str
    glyph: str
    word: str
    meaning: str  # word and gap range, e.g. "Close (gap ≤ 0.5)"


@dataclass(frozen=True)
class HeatCell:
    gap: str
    css_class: str
    title: str


@dataclass(frozen=True)
class HeatRow:
    number: int
    name: str
    respondent_id: str
    stage: str
    fit: str
    cells: tuple[HeatCell, ...]


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css_class: str
    count: int
    show_count: bool


@dataclass(frozen=True)
class Distribution:
    line: CompetencyLine
    segments: tuple[Segment, ...]
    columns: tuple[tuple[float, float, float, float, int], ...]  # (x, y, height, width, count)
    ticks: tuple[tuple[float, str], ...]  # (x, scale value)
    target_x: float


def team_radar(model: CompetencyModel, lines: list[CompetencyLine], lang: str) -> TeamRadar:
    """The team's mean score against the (mean) target, one axis per competency."""
    low, high = model.scale.min, model.scale.max
    chart = radar(
        [line.name for line in lines],
        {
            "mean": [line.mean_value for line in lines],
            "target": [line.target_value for line in lines],
        },
        low,
        high,
        center=RADAR_CENTER,
        radius=RADAR_RADIUS,
        label_gap=LABEL_GAP,
    )
    series = dict(chart.series)
    labels = axis_labels(chart, label("no_data", lang), LABEL_LINE, LABEL_ASCENT)
    note = label("radar_note", lang).format(low=low, high=high)
    means = [line.mean_value for line in lines]
    return TeamRadar(
        **frame(chart, labels, note),
        width=RADAR_SIZE[0],
        height=RADAR_SIZE[1],
        mean_points=points(series["mean"]),
        target_points=points(series["target"]),
        mean_dots=dots(series["mean"], means),
    )


def _mix(stops: Sequence[tuple[int, int, int]], share: float) -> tuple[int, int, int]:
    position = share * (len(stops) - 1)
    index = min(int(position), len(stops) - 2)
    t = position - index
    a, b = stops[index], stops[index + 1]
    red, green, blue = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    return red, green, blue


def shades(model: CompetencyModel, lang: str) -> list[Shade]:
    """One background per status band, light (met) to dark (largest gaps), plus no data."""
    bands = model.status_bands
    found = []
    for index, band in enumerate(bands):
        red, green, blue = _mix(SHADE_STOPS, index / max(1, len(bands) - 1))
        luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
        glyph, word = status_word(model, band.id, lang)
        if band.max_gap is None:
            meaning = label("method_band_last", lang).format(glyph="", word=word)
        else:
            limit = f"{band.max_gap:g}"
            meaning = label("method_band", lang).format(glyph="", word=word, limit=limit)
        background = f"#{red:02x}{green:02x}{blue:02x}"
        ink = "#ffffff" if luminance < 120 else "#1d232b"
        found.append(Shade(band.id, f"s{index}", background, ink, glyph, word, meaning.strip()))
    glyph, word = status_word(model, INSUFFICIENT, lang)
    found.append(Shade(INSUFFICIENT, "sx", "#ffffff", "#5b6470", "—", word, word))
    return found


def heat_rows(
    model: CompetencyModel,
    rows: Sequence[tuple[str, str | None, RowScore]],
    lang: str,
) -> list[HeatRow]:
    """The first MAX_ROWS respondents, one cell per competency showing the gap number."""
    classes = {shade.status: shade.css_class for shade in shades(model, lang)}
    words = {shade.status: shade.word for shade in shades(model, lang)}
    names = [c.id for c in model.competencies]
    found = []
    for number, (respondent_id, name, row) in enumerate(rows[:MAX_ROWS], start=1):
        cells = []
        for cid, gap, status in zip(names, row.gaps, row.statuses, strict=True):
            gap_text = fmt_gap(gap)
            word = words.get(status, status)
            cells.append(HeatCell(gap_text, classes.get(status, "sx"), f"{cid}: {gap_text} {word}"))
        found.append(
            HeatRow(
                number=number,
                name=clean_text(name) if name else "",
                respondent_id=clean_text(respondent_id),
                stage=stage_name(model, row.stage, lang),
                fit=fmt_pct(row.fit),
                cells=tuple(cells),
            )
        )
    return found


def distribution(
    model: CompetencyModel, line: CompetencyLine, histogram: Sequence[HistogramBin]
) -> Distribution:
    """A stacked bar of status counts and a histogram of the scores, both with their counts."""
    total = sum(band.count for band in line.bands)
    order = {band.id: f"s{index}" for index, band in enumerate(model.status_bands)}
    segments = []
    x = 0.0
    for band in line.bands:
        if not band.count:
            continue
        width = DIST_WIDTH * band.count / total
        css = order.get(band.band_id, "sx")
        segments.append(Segment(round(x, 2), round(width, 2), css, band.count, width >= 22))
        x += width
    low, high = model.scale.min, model.scale.max

    def at(value: float) -> float:
        return round(HIST_WIDTH * (value - low) / (high - low), 2)

    tallest = max((b.count for b in histogram), default=0) or 1
    columns = []
    for bin_ in histogram:
        height = round((HIST_HEIGHT - 14) * bin_.count / tallest, 2)
        width = at(bin_.high) - at(bin_.low)
        columns.append((at(bin_.low), round(HIST_HEIGHT - height, 2), height, width, bin_.count))
    ticks = tuple((at(v), f"{v:g}") for v in range(low, high + 1))
    return Distribution(line, tuple(segments), tuple(columns), ticks, at(line.target_value))


def _priority_figures(priority: TeamPriority, lang: str) -> tuple[tuple[str, str], ...]:
    return (
        (cohort_label("col_mean_gap", lang), priority.mean_gap),
        (cohort_label("col_mean", lang), priority.mean),
        (label("col_target", lang), priority.target),
        (cohort_label("col_met", lang), priority.met),
        (cohort_label("col_n", lang), str(priority.n)),
    )


def cohort_context(
    model: CompetencyModel,
    summary: CohortSummary,
    rows: Sequence[tuple[str, str | None, RowScore]],
    lang: str,
    generated_at: datetime | None = None,
) -> dict[str, object]:
    """Everything the template shows, as plain text and numbers (the template escapes it)."""
    lines = competency_lines(model, summary, lang)
    histograms = {stats.competency_id: stats.histogram for stats in summary.competencies}
    shown = heat_rows(model, rows, lang)
    headings = [(line.name, wrap_label(line.name, HEADER_LABEL_UNITS, 2)) for line in lines]
    return {
        "html_lang": HTML_LANG.get(lang, lang),
        "label": lambda key: cohort_label(key, lang),
        "model_name": clean_text(model.text(model.name, lang)),
        "header": header_fields(model, summary, lang, generated_at),
        "empty": summary.n_respondents == 0,
        "mixed": is_mixed(summary),
        "radar": team_radar(model, lines, lang),
        "fits": fit_texts(summary, lang),
        "fit_values": [summary.mean_fit, summary.mean_next_fit],
        "lines": lines,
        "plan": team_plan(model, summary, lang),
        "priority_figures": lambda priority: _priority_figures(priority, lang),
        "shades": shades(model, lang),
        "headings": headings,
        "heat_rows": shown,
        "truncated": cohort_label("heat_map_truncated", lang).format(
            shown=len(shown), total=summary.n_respondents
        )
        if summary.n_respondents > len(shown)
        else "",
        "distributions": [
            distribution(model, line, histograms[line.competency_id]) for line in lines
        ],
        "dist_width": DIST_WIDTH,
        "hist_width": HIST_WIDTH,
        "hist_height": HIST_HEIGHT,
        "stamp": f"{model.id} {model.version} · {model.content_hash}",
    }


def summary_html(
    model: CompetencyModel,
    summary: CohortSummary,
    rows: Sequence[tuple[str, str | None, RowScore]],
    lang: str,
    *,
    generated_at: datetime | None = None,
) -> str:
    """The cohort summary as one HTML document; needs no network, fonts or scripts."""
    from kamcli.render.templating import render_page

    return render_page(TEMPLATE, cohort_context(model, summary, rows, lang, generated_at))
