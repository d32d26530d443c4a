"""What `kam batch` prints and exports after the rows: the cohort summary (--summary,
--summary-out), the 360° summary and reports (--by-subject), the psychometrics (--stats).

Printed summaries go to the console the caller gives (kamcli.cli.common.summary_console:
stdout when the rows go to a file, else stderr), so they never mix with rows on stdout.
Exported files are written atomically.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.io.atomic import write_atomic
from kamcli.render.labels import json_dumps

if TYPE_CHECKING:
    from rich.console import RenderableType

    from kamcli.batch.stats import StatsResult
    from kamcli.batch.subjects import SubjectCollector, SubjectReportWriter
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary
    from kamcli.scoring.plan import RowScore

HeatRows = Sequence[tuple[str, str | None, "RowScore"]]


def cohort_renderable(model: CompetencyModel, summary: CohortSummary, lang: str) -> RenderableType:
    from kamcli.render import cohort_text

    return cohort_text.summary_terminal(model, summary, lang)


def stats_renderable(model: CompetencyModel, stats: StatsResult, lang: str) -> RenderableType:
    from kamcli.render.stats_text import stats_terminal

    return stats_terminal(model, stats, lang)


def export_summary(
    model: CompetencyModel,
    target: Path,
    summary: CohortSummary,
    heat_rows: HeatRows,
    stats: StatsResult | None,
    lang: str,
) -> None:
    """--summary-out: HTML, Markdown or JSON by the file's suffix, with --stats when given."""
    from kamcli.render import cohort_text

    suffix = target.suffix.lower()
    if suffix == ".html":
        from kamcli.render.cohort_html import summary_html

        text = summary_html(model, summary, heat_rows, lang)
        if stats is not None:
            from kamcli.render.stats_html import stats_section_html, with_section

            text = with_section(text, stats_section_html(model, stats, lang))
    elif suffix in (".md", ".markdown"):
        text = cohort_text.summary_markdown(model, summary, lang)
        if stats is not None:
            from kamcli.render.stats_text import stats_markdown

            text += "\n" + stats_markdown(model, stats, lang, level=2)
    else:
        data = cohort_text.summary_data(model, summary, lang)
        if stats is not None:
            from kamcli.render.stats_text import stats_data

            data["psychometrics"] = stats_data(model, stats, lang)
        text = json_dumps(data) + "\n"
    write_atomic(target, text)


def subject_summary(
    model: CompetencyModel,
    subjects: SubjectCollector,
    writer: SubjectReportWriter | None,
    lang: str,
) -> RenderableType:
    """Build (and with a folder, write) every subject's report; the summary table of them."""
    from kamcli.batch.subject_table import MAX_LINES, SubjectLine, subject_line, subject_summary

    total, ratings = len(subjects), subjects.ratings
    lines: list[SubjectLine] = []
    for outcome in subjects.outcomes():
        if writer is not None:
            writer.save(outcome)
        if len(lines) < MAX_LINES:
            lines.append(subject_line(model, outcome, lang))
    return subject_summary(lines, total, ratings, lang)
