"""The cohort summary's sections as HTML context (kamcli/report/cohort.py builds them;
templates/cohort.html.j2 lays them out): the team radar, status shades, distribution bars,
histograms and heat map, as plain geometry and text."""

from __future__ import annotations

from dataclasses import dataclass

from kamcli.render import svg_radar as svg
from kamcli.render.radar import radar
from kamcli.report import document as doc

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
