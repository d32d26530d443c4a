"""The 360° report as one self-contained HTML page, in the look of the person report.

Same rules as html.py: inline CSS and SVG, no scripts, nothing fetched, jinja2 autoescaping
on, jinja2 imported only when rendering. The figures come from `subject_view`, where the
anonymity rules are applied, so the page cannot show a hidden group's score.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from kamcli.render import svg_radar as svg
from kamcli.render.html import HTML_LANG
from kamcli.render.labels import clean_text, fmt_gap, fmt_score, label, stage_actions
from kamcli.render.subject import (
    SubjectRow,
    SubjectView,
    flag_word,
    group_name,
    subject_chart,
    subject_view,
)
from kamcli.render.subject_text import (
    cell_detail,
    cell_text,
    empty_flags_text,
    flag_intro,
    flag_line,
    header_fields,
    legends,
    method_lines,
    status_text,
)
from kamcli.render.svg_radar import RadarFrame

if TYPE_CHECKING:
    from kamcli.model import CompetencyModel
    from kamcli.render.formats import RenderOptions
    from kamcli.scoring.multirater import SubjectReport

TEMPLATE = "subject.html.j2"
MIN_RADAR_AXES = 3  # fewer axes draw a line, not a shape: the table says it all then


@dataclass(frozen=True)
class SubjectRadar(RadarFrame):
    view_box: str
    line_height: float
    others_points: str | None  # None: no other rater is shown, so nothing to draw
    self_points: str | None  # None: no self rating
    target_points: str
    others_dots: tuple[tuple[float, float], ...]
    self_marks: tuple[tuple[float, float], ...]


@dataclass(frozen=True)
class ShownCell:
    value: str
    detail: str
    hidden: bool


@dataclass(frozen=True)
class TableRow:
    name: str
    self_score: str
    cells: tuple[ShownCell, ...]  # each shown group, then all others
    target: str
    gap: str
    status: str
    glyph: str
    word: str
    flag: str  # "" when neither
    flag_glyph: str
    flag_word: str


@dataclass(frozen=True)
class FlagItem:
    name: str
    glyph: str
    word: str
    line: str
    actions: tuple[str, ...]


def subject_radar(model: CompetencyModel, view: SubjectView, lang: str) -> SubjectRadar:
    """Self, all others and the target on one radar; a missing figure sits at the centre."""
    low, high = model.scale.min, model.scale.max
    chart, series_values = subject_chart(
        view, low, high, svg.RADAR_CENTER, svg.RADAR_RADIUS, svg.LABEL_GAP
    )
    others, selfs = series_values["others"], series_values["self"]
    has_others = bool(view.group_ids)
    series = dict(chart.series)
    labels = svg.axis_labels(chart, label("no_data", lang))
    note = label("radar_note", lang).format(low=low, high=high)
    return SubjectRadar(
        **svg.frame(chart, labels, note),
        view_box=svg.view_box(chart.center, chart.radius, labels),
        line_height=svg.LABEL_LINE,
        others_points=svg.points(series["others"]) if has_others else None,
        self_points=svg.points(series["self"]) if view.has_self else None,
        target_points=svg.points(series["target"]),
        others_dots=svg.dots(series["others"], others),
        self_marks=svg.dots(series["self"], selfs),
    )


def _table_row(model: CompetencyModel, row: SubjectRow, lang: str) -> TableRow:
    glyph, word = status_text(model, row, lang)
    flag_glyph, flag_name = flag_word(row.flag, lang) if row.flag else ("", "")
    cells = tuple(
        ShownCell(cell_text(cell), cell_detail(cell, lang), cell.hidden)
        for cell in (*row.groups, row.others)
    )
    return TableRow(
        name=row.name,
        self_score=fmt_score(row.self_score),
        cells=cells,
        target=fmt_score(row.target),
        gap=fmt_gap(row.gap),
        status=row.status,
        glyph=glyph,
        word=word,
        flag=row.flag or "",
        flag_glyph=flag_glyph,
        flag_word=flag_name,
    )


def flag_items(model: CompetencyModel, view: SubjectView, lang: str, blind: bool) -> list[FlagItem]:
    """Blind spots with the model's actions for the stage, or hidden strengths (no actions)."""
    items = []
    for competency_id in view.blind_spots if blind else view.hidden_strengths:
        row = view.row(competency_id)
        glyph, word = flag_word(row.flag or "", lang)
        actions = stage_actions(model, competency_id, view.stage, lang) if blind else []
        items.append(FlagItem(row.name, glyph, word, flag_line(row, lang), tuple(actions)))
    return items


def subject_context(model: CompetencyModel, report: SubjectReport, lang: str) -> dict[str, object]:
    """Everything the template shows, as plain text and numbers (the template escapes it)."""
    view = subject_view(model, report, lang)
    try:
        stage_summary = clean_text(model.text(model.stage(view.stage).summary, lang))
    except KeyError:
        stage_summary = ""
    title = label("subject_title", lang)
    fields = header_fields(model, view, lang)
    return {
        "html_lang": HTML_LANG.get(lang, lang),
        "label": lambda key: label(key, lang),
        "field_name": lambda name: label("field", lang).format(name=name),
        "page_title": f"{title} — {clean_text(view.subject)}",
        "model_name": clean_text(model.text(model.name, lang)),
        "header": fields,
        "stage": fields[1][1],
        "stage_summary": stage_summary,
        "view": view,
        "notes": list(view.notes),
        "radar": subject_radar(model, view, lang) if len(view.rows) >= MIN_RADAR_AXES else None,
        "columns": [group_name(g, lang) for g in (*view.group_ids, "others")],
        "self_heading": group_name("self", lang),
        "rows": [_table_row(model, row, lang) for row in view.rows],
        "legends": legends(view, lang),
        "blind_spots": flag_items(model, view, lang, blind=True),
        "hidden_strengths": flag_items(model, view, lang, blind=False),
        "blind_intro": flag_intro(model, view, "blind_spots_intro", lang),
        "hidden_intro": flag_intro(model, view, "hidden_strengths_intro", lang),
        "no_blind": empty_flags_text(view, "no_blind_spots", lang),
        "no_hidden": empty_flags_text(view, "no_hidden_strengths", lang),
        "method": method_lines(view, lang),
        "stamp": f"{model.id} {model.version}",
    }


def render_subject_html(
    model: CompetencyModel, report: SubjectReport, lang: str, options: RenderOptions
) -> str:
    """The whole 360° report as one HTML document; needs no network, fonts or scripts."""
    del options  # the browser picks a system font; nothing else is configurable
    from kamcli.render.templating import render_page

    return render_page(TEMPLATE, subject_context(model, report, lang))
