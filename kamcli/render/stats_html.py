"""Psychometrics as an HTML section for the cohort summary page (`kam batch --stats`).

A self-contained fragment — its own scoped styles, no scripts, no network — built from the
same strings as the text formats (stats_text.py). Every text is escaped with html.escape.
`with_section` puts it into a finished page (before its footer), so the cohort template
needs no change; a template can also include `stats_section_html(...)` directly.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from kamcli.render.labels import stats_label
from kamcli.render.stats_text import (
    WARNING_MARK,
    careless_texts,
    flag_lines,
    header_fields,
    more_flagged,
    scale_lines,
)

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsResult
    from kamcli.model.schema import CompetencyModel

STYLE = """<style>
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


def _table(titles: list[str], right: set[int], rows: list[list[str]]) -> str:
    """A table from already escaped cells; columns in `right` are numeric."""

    def cell(tag: str, index: int, text: str) -> str:
        css = ' class="num"' if index in right else ""
        return f"<{tag}{css}>{text}</{tag}>"

    head = "".join(cell("th", i, escape(t)) for i, t in enumerate(titles))
    body = "".join(
        "<tr>" + "".join(cell("td", i, text) for i, text in enumerate(row)) + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def stats_section_html(model: CompetencyModel, result: StatsResult, lang: str) -> str:
    """The reliability and careless-responding section, as one HTML fragment."""
    lines = scale_lines(model, result, lang)
    title = escape(stats_label("title", lang))
    out = [STYLE, '<section class="psychometrics">', f"<h2>{title}</h2>"]
    out.append('<dl class="fields">')
    out += [
        f"<div><dt>{escape(name)}</dt><dd>{escape(value)}</dd></div>"
        for name, value in header_fields(result, lang)
    ]
    out.append("</dl>")
    out.append(f"<h3>{escape(stats_label('reliability', lang))}</h3>")
    keys = ["col_competency", "col_k", "col_n", "col_alpha", "col_ci"]
    rows = [[escape(x.name), str(x.k), escape(x.n), escape(x.alpha), escape(x.ci)] for x in lines]
    out.append(_table([stats_label(k, lang) for k in keys], {1, 2, 3, 4}, rows))
    keys = ["col_competency", "col_item", "col_rest", "col_deleted"]
    rows = [
        [
            escape(line.name),
            escape(item.item_id),
            (f'<span class="neg">{escape(item.item_rest)} {WARNING_MARK}</span>')
            if item.negative
            else escape(item.item_rest),
            escape(item.alpha_if_deleted),
        ]
        for line in lines
        for item in line.items
    ]
    out.append(f"<h3>{escape(stats_label('items', lang))}</h3>")
    out.append(_table([stats_label(k, lang) for k in keys], {2, 3}, rows))
    out.append(f'<p class="legend">{escape(stats_label("legend", lang))}</p>')
    out.append(f"<h3>{escape(stats_label('advice', lang))}</h3>")
    advice = [f"<li>{escape(x.name)}: {escape(text)}</li>" for x in lines for text in x.advice]
    out.append(
        f'<ul class="advice">{"".join(advice)}</ul>'
        if advice
        else f"<p>{escape(stats_label('no_advice', lang))}</p>"
    )
    out.append(f"<h3>{escape(stats_label('careless', lang))}</h3>")
    out += [f"<p>{escape(text)}</p>" for text in careless_texts(result, lang)]
    if result.flagged:
        keys = ["col_respondent", "col_run", "col_irv", "col_speed", "col_why"]
        rows = [
            [escape(f.respondent_id), f.run, escape(f.irv), escape(f.speed), escape(f.why)]
            for f in flag_lines(result)
        ]
        out.append(_table([stats_label(k, lang) for k in keys], {1, 2, 3}, rows))
        if more := more_flagged(result, lang):
            out.append(f"<p>{escape(more)}</p>")
    if result.notes:
        out.append(f"<h3>{escape(stats_label('notes', lang))}</h3>")
        out.append("<ul>" + "".join(f"<li>{escape(n)}</li>" for n in result.notes) + "</ul>")
    out.append("</section>")
    return "\n".join(out) + "\n"


def with_section(page: str, section: str) -> str:
    """The page with `section` placed before its footer (else before </main>, </body>, end)."""
    for marker in ('<footer class="method">', "</main>", "</body>"):
        position = page.rfind(marker)
        if position != -1:
            return page[:position] + section + "\n" + page[position:]
    return page + section
