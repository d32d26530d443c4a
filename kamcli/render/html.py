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
from kamcli.render.html_cohort import DIST_WIDTH as DIST_WIDTH
from kamcli.render.html_cohort import HEADER_LABEL_UNITS as HEADER_LABEL_UNITS
from kamcli.render.html_cohort import HIST_HEIGHT as HIST_HEIGHT
from kamcli.render.html_cohort import HIST_WIDTH as HIST_WIDTH
from kamcli.render.html_cohort import SHADE_STOPS as SHADE_STOPS
from kamcli.render.html_cohort import TEAM_LABEL_ASCENT as TEAM_LABEL_ASCENT
from kamcli.render.html_cohort import TEAM_LABEL_GAP as TEAM_LABEL_GAP
from kamcli.render.html_cohort import TEAM_LABEL_LINE as TEAM_LABEL_LINE
from kamcli.render.html_cohort import TEAM_RADAR_CENTER as TEAM_RADAR_CENTER
from kamcli.render.html_cohort import TEAM_RADAR_RADIUS as TEAM_RADAR_RADIUS
from kamcli.render.html_cohort import TEAM_RADAR_SIZE as TEAM_RADAR_SIZE
from kamcli.render.html_cohort import HistogramView as HistogramView
from kamcli.render.html_cohort import Segment as Segment
from kamcli.render.html_cohort import Shade as Shade
from kamcli.render.html_cohort import TeamRadarView as TeamRadarView
from kamcli.render.html_cohort import _mix as _mix
from kamcli.render.html_cohort import _on_cohort_table as _on_cohort_table
from kamcli.render.html_cohort import _on_empty_notice as _on_empty_notice
from kamcli.render.html_cohort import _on_heat_map as _on_heat_map
from kamcli.render.html_cohort import _on_histograms as _on_histograms
from kamcli.render.html_cohort import _on_stage_priorities as _on_stage_priorities
from kamcli.render.html_cohort import _on_status_key as _on_status_key
from kamcli.render.html_cohort import _on_summary_header as _on_summary_header
from kamcli.render.html_cohort import _on_team_radar as _on_team_radar
from kamcli.render.html_cohort import histogram_view as histogram_view
from kamcli.render.html_cohort import segments as segments
from kamcli.render.html_cohort import shade_class as shade_class
from kamcli.render.html_cohort import shades as shades
from kamcli.render.html_cohort import team_radar_view as team_radar_view
from kamcli.render.html_stats import FRAGMENTS as FRAGMENTS
from kamcli.render.html_stats import STATS_STYLE as STATS_STYLE
from kamcli.render.html_stats import _fragment as _fragment
from kamcli.render.html_stats import _html_table as _html_table
from kamcli.render.html_stats import _item_rest as _item_rest
from kamcli.render.html_stats import _on_advice_notes as _on_advice_notes
from kamcli.render.html_stats import _on_flagged_list as _on_flagged_list
from kamcli.render.html_stats import _on_item_table as _on_item_table
from kamcli.render.html_stats import _on_note_list as _on_note_list
from kamcli.render.html_stats import _on_reliability_table as _on_reliability_table
from kamcli.render.html_stats import _on_stats_overview as _on_stats_overview
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


def render_fragment(document: doc.Document) -> str:
    """A document that is part of another page (the psychometrics under the cohort summary) as
    one self-contained HTML section: its own scoped styles, no scripts, no network."""
    css_class, style = FRAGMENTS[document.kind]
    lines = [style, f'<section class="{css_class}">']
    lines += [str(HANDLERS[type(s)](s)["fragment"]) for s in document.sections]
    return "\n".join([*lines, "</section>"]) + "\n"


def with_section(page: str, section: str) -> str:
    """The page with `section` placed before its footer (else before </main>, </body>, end)."""
    for marker in ('<footer class="method">', "</main>", "</body>"):
        position = page.rfind(marker)
        if position != -1:
            return page[:position] + section + "\n" + page[position:]
    return page + section


# One context block per section type; each page template has one block for each it shows.
HANDLERS = doc.handlers(globals())
