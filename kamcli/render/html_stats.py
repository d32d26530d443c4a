"""The psychometrics sections as one self-contained HTML fragment (kamcli/report/stats.py
builds them; html.render_fragment puts them under the cohort page). Escaped with html.escape,
as before the move, so the bytes stay the same."""

from __future__ import annotations

from html import escape

from kamcli.report import document as doc

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
