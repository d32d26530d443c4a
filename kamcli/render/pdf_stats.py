"""The psychometrics sections of `kam stats` (kamcli/report/stats.py) on A4 pages.

Not a printed report today (kam stats writes terminal text, Markdown or JSON; the cohort page is
HTML), so its sections print plainly: a heading, then one line per table row. pdf.py takes
these handlers into its HANDLERS.
"""

from __future__ import annotations

from collections.abc import Sequence

from kamcli.render import pdf_layout as page
from kamcli.render.pdf_layout import Sheet
from kamcli.report import document as doc


def _row_lines(columns: tuple[str, ...], rows: Sequence[tuple[str, ...]]) -> list[str]:
    """Each row as "title: value" pairs, the first column (a name) leading."""
    return [
        " · ".join([row[0], *(f"{title}: {cell}" for title, cell in zip(columns[1:], row[1:],
                                                                        strict=True))])
        for row in rows
    ]  # fmt: skip


def _on_stats_overview(sheet: Sheet, section: doc.StatsOverview, state: object) -> None:
    del state
    sheet.paragraph(section.title, 16, bold=True, after=2.0)
    for field in section.fields:
        sheet.paragraph(f"{field.name}: {field.value}", 9.5, after=0.5)


def _on_reliability_table(sheet: Sheet, section: doc.ReliabilityTable, state: object) -> None:
    del state
    rows = [(r.name, r.k, r.n, r.alpha, r.ci) for r in section.rows]
    sheet.bullet_section(section.heading, _row_lines(section.columns, rows), "")


def _on_item_table(sheet: Sheet, section: doc.ItemTable, state: object) -> None:
    del state
    rows = [
        (f"{scale.name} · {item.item_id}", item.item_rest
         + (f" {section.mark}" if item.negative else ""), item.alpha_if_deleted)
        for scale in section.scales
        for item in scale.items
    ]  # fmt: skip
    sheet.bullet_section(section.heading, _row_lines(section.columns[1:], rows), "", section.legend)


def _on_advice_notes(sheet: Sheet, section: doc.AdviceNotes, state: object) -> None:
    del state
    sheet.bullet_section(
        section.heading, [doc.plain(line) for line in section.items], section.empty
    )


def _on_flagged_list(sheet: Sheet, section: doc.FlaggedList, state: object) -> None:
    del state
    rows = [(r.respondent_id, r.run, r.irv, r.speed, r.why) for r in section.rows]
    sheet.heading(section.heading)
    for text in section.texts:
        sheet.paragraph(text, 9.5)
    sheet.bullets(_row_lines(section.columns, rows))
    if section.more:
        sheet.paragraph(section.more, 9, gray=page.MUTED)


def _on_note_list(sheet: Sheet, section: doc.NoteList, state: object) -> None:
    del state
    sheet.bullet_section(section.heading, list(section.items), "")
