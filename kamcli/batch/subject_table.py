"""The per-subject 360° summary `kam batch --by-subject` prints: one line per subject.

Figures come from the same anonymity-applied view as the report files (render.subject), so
the table never shows a blind spot the report withholds. User text is rich `Text`, never
markup, and cleaned of control characters; the table stays readable at 80 columns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rich import box
from rich.console import Group, RenderableType
from rich.table import Table
from rich.text import Text

from kamcli.i18n import t
from kamcli.render.labels import clean_text, competency_name, stage_name
from kamcli.render.subject import group_name, subject_view

if TYPE_CHECKING:
    from kamcli.batch.subjects import SubjectOutcome
    from kamcli.model.schema import CompetencyModel

# A terminal table of more subjects than this helps nobody; the report files have them all.
MAX_LINES = 500


def table_label(key: str, lang: str) -> str:
    """A text of the 360° summary (namespace `subject_summary` of the string catalogue)."""
    return t(f"subject_summary.{key}", lang)


@dataclass(frozen=True)
class SubjectLine:
    """What the summary shows of one subject (small: kept for every subject until the end)."""

    subject: str
    stage: str
    mixed: bool
    ratings: str
    blind_spots: tuple[str, ...]
    hidden_strengths: tuple[str, ...]
    notes: tuple[str, ...]


def subject_line(model: CompetencyModel, outcome: SubjectOutcome, lang: str) -> SubjectLine:
    report = outcome.report
    view = subject_view(model, report, lang)
    counts = [f"{group_name(role, lang)} {n}" for role, n in report.rater_counts.items() if n]
    return SubjectLine(
        subject=clean_text(outcome.subject),
        stage=stage_name(model, report.stage, lang),
        mixed=outcome.mixed,
        ratings=" · ".join(counts),
        blind_spots=tuple(competency_name(model, c, lang) for c in view.blind_spots),
        hidden_strengths=tuple(competency_name(model, c, lang) for c in view.hidden_strengths),
        notes=view.notes,
    )


def subject_summary(lines: list[SubjectLine], total: int, ratings: int, lang: str) -> Group:
    """The table (the first MAX_LINES subjects), its legend, and each shown subject's notes."""
    title = t("subject_summary.title", lang, subjects=total, ratings=ratings)
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, expand=False)
    table.add_column(table_label("subject", lang), overflow="fold", ratio=3)
    table.add_column(table_label("stage", lang), overflow="fold", ratio=2)
    table.add_column(table_label("ratings", lang), overflow="fold", ratio=3)
    table.add_column(table_label("blind", lang), overflow="fold", ratio=3)
    table.add_column(table_label("hidden", lang), overflow="fold", ratio=3)
    none = table_label("none", lang)
    shown = lines[:MAX_LINES]
    for line in shown:
        table.add_row(
            Text(line.subject),
            Text(line.stage + (" *" if line.mixed else "")),
            Text(line.ratings),
            Text(", ".join(line.blind_spots) or none),
            Text(", ".join(line.hidden_strengths) or none),
        )
    parts: list[RenderableType] = [Text(title, style="bold"), table]
    if total > len(shown):
        parts.append(Text(t("subject_summary.more", lang, count=total - len(shown))))
    parts.append(Text(table_label("legend", lang), style="dim"))
    if any(line.mixed for line in shown):
        parts.append(Text(table_label("mixed", lang), style="dim"))
    notes = [(line.subject, note) for line in shown for note in line.notes]
    if notes:
        grid = Table.grid(padding=(0, 1, 0, 0))
        grid.add_column(width=2, no_wrap=True)
        grid.add_column(overflow="fold")
        for subject, note in notes:
            grid.add_row(Text("•"), Text(f"{subject}: {note}"))
        parts += [Text("\n" + table_label("notes", lang), style="bold underline"), grid]
    return Group(*parts)
