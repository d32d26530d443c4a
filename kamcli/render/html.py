"""The gap report as one self-contained HTML page that trainers can hand out or print.

Everything is inline (CSS, SVG radar, no scripts, no fonts or images fetched), so the file
opens the same offline and on any machine. This module only prepares plain, already
formatted values from the report document (kamcli/report), section by section, plus the
geometry of its figures; the jinja2 template lays them out with autoescaping on, so names such as
`<script>` are shown as text. jinja2 is imported when rendering, never at startup.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape
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


# --- psychometrics (report/stats.py) ------------------------------------------------------------
# A fragment, not a page: the cohort summary page takes it in before its footer (`with_section`).
# Its handlers give escaped HTML (html.escape) under "fragment"; render_fragment joins them.

STATS_STYLE = """<style>
.psychometrics { break-before: page; page-break-before: always; }
.psychometrics table { width: 100%; border-collapse: collapse; font-size: 13px;
  margin-bottom: 8px; }
.psychometrics th, .psychometrics td { padding: 4px 7px; border-bottom: 1px solid #d5dae1;
  text-align: left; vertical-align: top; }
.psychometrics thead th { font-size: 11px; text-transform: uppercase; color: #5b6470;
  border-bottom: 2px solid #1d232b; }
.psychometrics .num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.psychometrics .neg { font-weight: 700; }
.psychometrics .advice li { margin-bottom: 4px; }
.psychometrics .fields { margin: 0 0 10px; }
.psychometrics .fields dt { font-weight: 600; display: inline; }
.psychometrics .fields dd { display: inline; margin: 0 0 0 6px; }
.psychometrics .fields div { margin-bottom: 2px; }
.psychometrics .legend { font-size: 12px; color: #5b6470; }
</style>"""
FRAGMENTS = {"stats": ("psychometrics", STATS_STYLE)}  # document kind: (section class, style)


def _html_table(titles: tuple[str, ...], right: set[int], rows: list[list[str]]) -> str:
    """A table of already escaped cells; the columns in `right` are numbers."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="num"' if index in right else ""
        return f"<{tag}{css}>{text}</{tag}>"

    head = "".join(cell("th", i, escape(t)) for i, t in enumerate(titles))
    body = "".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _fragment(*lines: str) -> dict[str, object]:
    return {"fragment": "\n".join(lines)}


def _on_stats_overview(section: doc.StatsOverview) -> dict[str, object]:
    fields = [f"<div><dt>{escape(f.name)}</dt><dd>{escape(f.value)}</dd></div>"
              for f in section.fields]  # fmt: skip
    return _fragment(f"<h2>{escape(section.title)}</h2>", '<dl class="fields">', *fields, "</dl>")


def _on_reliability_table(section: doc.ReliabilityTable) -> dict[str, object]:
    rows = [[escape(r.name), r.k, escape(r.n), escape(r.alpha), escape(r.ci)]
            for r in section.rows]  # fmt: skip
    table = _html_table(section.columns, {1, 2, 3, 4}, rows)
    return _fragment(f"<h3>{escape(section.heading)}</h3>", table)


def _item_rest(item: doc.ItemStat, mark: str) -> str:
    if item.negative:
        return f'<span class="neg">{escape(item.item_rest)} {mark}</span>'
    return escape(item.item_rest)


def _on_item_table(section: doc.ItemTable) -> dict[str, object]:
    rows = [
        [escape(scale.name), escape(item.item_id), _item_rest(item, section.mark),
         escape(item.alpha_if_deleted)]
        for scale in section.scales
        for item in scale.items
    ]  # fmt: skip
    table = _html_table(section.columns, {2, 3}, rows)
    legend = f'<p class="legend">{escape(section.legend)}</p>'
    return _fragment(f"<h3>{escape(section.heading)}</h3>", table, legend)


def _on_advice_notes(section: doc.AdviceNotes) -> dict[str, object]:
    items = "".join(f"<li>{escape(doc.plain(line))}</li>" for line in section.items)
    body = f'<ul class="advice">{items}</ul>' if items else f"<p>{escape(section.empty)}</p>"
    return _fragment(f"<h3>{escape(section.heading)}</h3>", body)


def _on_flagged_list(section: doc.FlaggedList) -> dict[str, object]:
    lines = [f"<h3>{escape(section.heading)}</h3>"]
    lines += [f"<p>{escape(text)}</p>" for text in section.texts]
    if section.rows:
        rows = [[escape(r.respondent_id), r.run, escape(r.irv), escape(r.speed), escape(r.why)]
                for r in section.rows]  # fmt: skip
        lines.append(_html_table(section.columns, {1, 2, 3}, rows))
    if section.more:
        lines.append(f"<p>{escape(section.more)}</p>")
    return _fragment(*lines)


def _on_note_list(section: doc.NoteList) -> dict[str, object]:
    items = "".join(f"<li>{escape(note)}</li>" for note in section.items)
    return _fragment(f"<h3>{escape(section.heading)}</h3>", f"<ul>{items}</ul>")


# One handler per section type; report.html.j2 has one template block for each page section.
HANDLERS = doc.handlers(globals())


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
