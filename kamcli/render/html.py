"""The gap report as one self-contained HTML page that trainers can hand out or print.

Everything is inline (CSS, SVG radar, no scripts, no fonts or images fetched), so the file
opens the same offline and on any machine. This module only prepares plain, already
formatted values from the report document (kamcli/report), section by section, plus the
geometry of its figures; the jinja2 template lays them out with autoescaping on, so names such as
`<script>` are shown as text. jinja2 is imported when rendering, never at startup.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render import svg_radar as svg
from kamcli.render.labels import label
from kamcli.render.radar import radar
from kamcli.report import document as doc

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring import AssessmentResult
    from kamcli.scoring.multirater import SubjectReport

TEMPLATE = "report.html.j2"
HTML_LANG = {"zh": "zh-CN", "en": "en"}
BAR_WIDTH = 140.0


@dataclass(frozen=True)
class RadarView(svg.RadarFrame):
    view_box: str
    line_height: float
    score_points: str
    target_points: str
    score_dots: tuple[tuple[float, float], ...]


def radar_view(figure: doc.RadarFigure) -> RadarView:
    """The SVG radar's shapes and wrapped labels; a missing score sits at the centre."""
    values = {series.key: list(series.values) for series in figure.series}
    chart = radar(list(figure.axes), values, figure.low, figure.high, center=svg.RADAR_CENTER,
                  radius=svg.RADAR_RADIUS, label_gap=svg.LABEL_GAP)  # fmt: skip
    series = dict(chart.series)
    labels = svg.axis_labels(chart, figure.no_data)
    return RadarView(
        **svg.frame(chart, labels, figure.note),
        view_box=svg.view_box(chart.center, chart.radius, labels),
        line_height=svg.LABEL_LINE,
        score_points=svg.points(series["score"]),
        target_points=svg.points(series["target"]),
        score_dots=svg.dots(series["score"], values["score"]),
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
    return {"fits": fits, "fit_explain": section.explain, "fit_heading": section.heading}


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

    return render_page(TEMPLATES.get(document.kind, TEMPLATE), report_context(document))


def render_html(
    model: CompetencyModel, result: AssessmentResult, lang: str, options: RenderOptions
) -> str:
    """The whole report as one HTML document; needs no network, fonts or scripts to show."""
    del options  # the browser picks a system font; nothing else is configurable
    from kamcli.report.person import person_document

    return render_document(person_document(model, result, lang))


# --- the cohort summary's sections (kamcli/report/cohort.py; template cohort.html.j2) -------

TEMPLATES = {
    "cohort": "cohort.html.j2",
    "subject": "subject.html.j2",
}  # a report kind's own page, where it has one
TEAM_RADAR_SIZE = (720.0, 560.0)
TEAM_RADAR_CENTER = (360.0, 280.0)
TEAM_RADAR_RADIUS = 190.0
TEAM_LABEL_GAP = 14.0
TEAM_LABEL_LINE = 14.5
TEAM_LABEL_ASCENT = 11.0
HEADER_LABEL_UNITS = 24  # heat-map column headings, set vertically
# Light to dark, one per status band (met … critical); monotone in lightness so the shades
# still order correctly on a black-and-white printout. Text turns white on the dark end.
SHADE_STOPS = ((0xF4, 0xF6, 0xF3), (0xFB, 0xE3, 0xA4), (0xEE, 0x8E, 0x4A), (0x8E, 0x1B, 0x1F))
DIST_WIDTH = 300.0
HIST_WIDTH = 300.0  # the whole scale, min to max
HIST_HEIGHT = 64.0


@dataclass(frozen=True)
class TeamRadarView(svg.RadarFrame):
    width: float
    height: float
    mean_points: str
    target_points: str
    mean_dots: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class Shade:
    css_class: str
    background: str
    ink: str
    band: doc.StatusShade


@dataclass(frozen=True)
class Segment:
    x: float
    width: float
    css_class: str
    count: int
    show_count: bool


@dataclass(frozen=True)
class HistogramView:
    item: doc.Histogram
    columns: tuple[tuple[float, float, float, float, int], ...]  # (x, y, height, width, count)
    ticks: tuple[tuple[float, str], ...]  # (x, scale value)
    target_x: float


def shade_class(shade: int | None) -> str:
    return "sx" if shade is None else f"s{shade}"


def _mix(stops: tuple[tuple[int, int, int], ...], share: float) -> tuple[int, int, int]:
    position = share * (len(stops) - 1)
    index = min(int(position), len(stops) - 2)
    t = position - index
    a, b = stops[index], stops[index + 1]
    red, green, blue = (round(a[i] + (b[i] - a[i]) * t) for i in range(3))
    return red, green, blue


def shades(key: doc.StatusKey) -> list[Shade]:
    """One background per status band, light (met) to dark (largest gaps), plus no data."""
    banded = [band for band in key.bands if band.shade is not None]
    found = []
    for band in key.bands:
        if band.shade is None:
            found.append(Shade("sx", "#ffffff", "#5b6470", band))
            continue
        red, green, blue = _mix(SHADE_STOPS, band.shade / max(1, len(banded) - 1))
        luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
        ink = "#ffffff" if luminance < 120 else "#1d232b"
        found.append(Shade(shade_class(band.shade), f"#{red:02x}{green:02x}{blue:02x}", ink, band))
    return found


def team_radar_view(section: doc.TeamRadar) -> TeamRadarView:
    """The team's mean score against the (mean) target, one axis per competency."""
    figure = section.figure
    values = {series.key: list(series.values) for series in figure.series}
    chart = radar(
        list(figure.axes),
        values,
        figure.low,
        figure.high,
        center=TEAM_RADAR_CENTER,
        radius=TEAM_RADAR_RADIUS,
        label_gap=TEAM_LABEL_GAP,
    )
    series = dict(chart.series)
    labels = svg.axis_labels(chart, figure.no_data, TEAM_LABEL_LINE, TEAM_LABEL_ASCENT)
    return TeamRadarView(
        **svg.frame(chart, labels, figure.note),
        width=TEAM_RADAR_SIZE[0],
        height=TEAM_RADAR_SIZE[1],
        mean_points=svg.points(series["mean"]),
        target_points=svg.points(series["target"]),
        mean_dots=svg.dots(series["mean"], values["mean"]),
    )


def segments(row: doc.CohortRow) -> tuple[Segment, ...]:
    """A stacked bar of status counts, each wide enough segment with its count."""
    total = sum(band.count for band in row.bands)
    found, x = [], 0.0
    for band in row.bands:
        if not band.count:
            continue
        width = DIST_WIDTH * band.count / total
        css = shade_class(band.shade)
        found.append(Segment(round(x, 2), round(width, 2), css, band.count, width >= 22))
        x += width
    return tuple(found)


def histogram_view(item: doc.Histogram, low: int, high: int) -> HistogramView:
    """A histogram of the scores with its counts, the scale's ticks and the target's line."""

    def at(value: float) -> float:
        return round(HIST_WIDTH * (value - low) / (high - low), 2)

    tallest = max((b.count for b in item.bins), default=0) or 1
    columns = []
    for bin_ in item.bins:
        height = round((HIST_HEIGHT - 14) * bin_.count / tallest, 2)
        width = at(bin_.high) - at(bin_.low)
        columns.append((at(bin_.low), round(HIST_HEIGHT - height, 2), height, width, bin_.count))
    ticks = tuple((at(v), f"{v:g}") for v in range(low, high + 1))
    return HistogramView(item, tuple(columns), ticks, at(item.target))


def _on_summary_header(section: doc.SummaryHeader) -> dict[str, object]:
    return {"summary_header": section}


def _on_empty_notice(section: doc.EmptyNotice) -> dict[str, object]:
    return {"nobody": section.text}


def _on_team_radar(section: doc.TeamRadar) -> dict[str, object]:
    return {"team_radar": section, "radar": team_radar_view(section)}


def _on_cohort_table(section: doc.CohortTable) -> dict[str, object]:
    rows = [(row, segments(row)) for row in section.rows]
    return {"table": section, "stat_rows": rows, "dist_width": DIST_WIDTH}


def _on_stage_priorities(section: doc.StagePriorities) -> dict[str, object]:
    return {"plan": section}


def _on_histograms(section: doc.Histograms) -> dict[str, object]:
    views = [histogram_view(item, section.low, section.high) for item in section.items]
    return {
        "histograms": section,
        "histogram_views": views,
        "hist_width": HIST_WIDTH,
        "hist_height": HIST_HEIGHT,
    }


def _on_heat_map(section: doc.HeatMap) -> dict[str, object]:
    names = [(name, svg.wrap_label(name, HEADER_LABEL_UNITS, 2)) for name in section.competencies]
    return {"heat": section, "heat_headings": names, "shade_class": shade_class}


def _on_status_key(section: doc.StatusKey) -> dict[str, object]:
    return {"status_key": section, "shades": shades(section)}


# --- the 360° (subject) report's sections (template subject.html.j2) ------------------------


@dataclass(frozen=True)
class RaterRadarView(svg.RadarFrame):
    view_box: str
    line_height: float
    others_points: str | None  # None: no other rater is shown, so nothing to draw
    self_points: str | None  # None: no self rating
    target_points: str
    others_dots: tuple[tuple[float, float], ...]
    self_marks: tuple[tuple[float, float], ...]


def rater_radar_view(figure: doc.RaterRadar) -> RaterRadarView:
    """Self, all others and the target on one radar; a missing figure sits at the centre."""
    values = {series.key: list(series.values) for series in figure.series}
    chart = radar(list(figure.axes), values, figure.low, figure.high, center=svg.RADAR_CENTER,
                  radius=svg.RADAR_RADIUS, label_gap=svg.LABEL_GAP)  # fmt: skip
    series = dict(chart.series)
    labels = svg.axis_labels(chart, figure.no_data)
    return RaterRadarView(
        **svg.frame(chart, labels, figure.note),
        view_box=svg.view_box(chart.center, chart.radius, labels),
        line_height=svg.LABEL_LINE,
        others_points=svg.points(series["others"]) if figure.has_others else None,
        self_points=svg.points(series["self"]) if figure.has_self else None,
        target_points=svg.points(series["target"]),
        others_dots=svg.dots(series["others"], values["others"]),
        self_marks=svg.dots(series["self"], values["self"]),
    )


def _on_field_header(section: doc.FieldHeader) -> dict[str, object]:
    return {
        "page_title": section.page_title,
        "title": section.title,
        "model_name": section.eyebrow,
        "header": [(field.name, field.value) for field in section.fields],
    }


def _on_anonymity_notes(section: doc.AnonymityNotes) -> dict[str, object]:
    return {"notes": section}


def _on_stage_summary(section: doc.StageSummary) -> dict[str, object]:
    return {"stage_summary": section}


def _on_rater_radar(section: doc.RaterRadar) -> dict[str, object]:
    return {"radar": rater_radar_view(section), "radar_heading": section.heading}


def _on_group_score_table(section: doc.GroupScoreTable) -> dict[str, object]:
    return {"scores": section}


def _on_flag_list(section: doc.FlagList) -> dict[str, object]:
    lines = [doc.plain(item.line) for item in section.items]
    return {f"flags_{section.flag}": (section, lines)}


def _on_method_list(section: doc.MethodList) -> dict[str, object]:
    return {"method": section}


def render_subject_html(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> str:
    """The whole 360° report as one HTML document; needs no network, fonts or scripts."""
    del options  # the browser picks a system font; nothing else is configurable
    from kamcli.report.subject import subject_document

    return render_document(subject_document(model, report, lang))


# One context block per section type; each page template has one block for each it shows.
HANDLERS = doc.handlers(globals())
