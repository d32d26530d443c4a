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
