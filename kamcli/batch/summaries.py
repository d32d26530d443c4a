"""What `kam batch` prints and exports after the rows: the cohort summary (--summary,
--summary-out), the 360° summary and reports (--by-subject), the psychometrics (--stats).

Printed summaries go to the console the caller gives (kamcli.cli.common.summary_console:
stdout when the rows go to a file, else stderr), so they never mix with rows on stdout.
Exported files are written atomically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.io.atomic import write_atomic
from kamcli.render.labels import json_dumps

if TYPE_CHECKING:
    from rich.console import Console, RenderableType

    from kamcli.batch.options import BatchOptions
    from kamcli.batch.stats import StatsResult
    from kamcli.batch.subjects import SubjectCollector, SubjectReportWriter
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.cohort import CohortSummary
    from kamcli.scoring.plan import RowScore

HeatRows = Sequence[tuple[str, str | None, "RowScore"]]


class Summaries:
    """What one run shows and exports after its rows, from what it gathered."""

    def __init__(
        self,
        model: CompetencyModel,
        options: BatchOptions,
        cohort: CohortSummary | None,
        stats: StatsResult | None,
        heat_rows: HeatRows,
    ) -> None:
        self.model, self.options, self.cohort = model, options, cohort
        self.stats, self.heat_rows = stats, heat_rows

    def show(
        self,
        subjects: SubjectCollector | None,
        writer: SubjectReportWriter | None,
        console_for: Callable[[bool], Console],
    ) -> None:
        """Print the cohort summary (--summary), the 360° summary (writing the subjects'
        reports with a folder) and the psychometrics, on the console the caller gives."""
        model, options, lang, stats = self.model, self.options, self.options.lang, self.stats
        shown = []
        if self.cohort is not None and options.summary:
            shown.append(cohort_renderable(model, self.cohort, lang))
        if subjects is not None:
            shown.append(subject_summary(model, subjects, writer, lang))
        if stats is not None and (options.summary or options.summary_out is None):
            shown.append(stats_renderable(model, stats, lang))
        if shown:
            console = console_for(options.output is not None)
            for renderable in shown:
                console.print(renderable)

    def export(self) -> bool:
        """--summary-out, when asked for and there is a cohort; whether it was written."""
        target = self.options.summary_out
        if self.cohort is None or target is None:
            return False
        export_summary(
            self.model, target, self.cohort, self.heat_rows, self.stats, self.options.lang
        )
        return True


def cohort_renderable(model: CompetencyModel, summary: CohortSummary, lang: str) -> RenderableType:
    from kamcli.render.terminal import render_terminal
    from kamcli.report.cohort import cohort_document

    return render_terminal(cohort_document(model, summary, lang))


def stats_renderable(model: CompetencyModel, stats: StatsResult, lang: str) -> RenderableType:
    from kamcli.render.terminal import render_terminal
    from kamcli.report.stats import stats_document

    return render_terminal(stats_document(model, stats, lang))


def export_summary(
    model: CompetencyModel,
    target: Path,
    summary: CohortSummary,
    heat_rows: HeatRows,
    stats: StatsResult | None,
    lang: str,
) -> None:
    """--summary-out: HTML, Markdown or JSON by the file's suffix, with --stats when given."""
    from kamcli.report.cohort import cohort_document

    suffix = target.suffix.lower()
    if suffix == ".html":
        from kamcli.render.html import render_document

        text = render_document(cohort_document(model, summary, lang, heat_rows))
        if stats is not None:
            from kamcli.render.html import render_fragment, with_section
            from kamcli.report.stats import stats_document

            text = with_section(text, render_fragment(stats_document(model, stats, lang)))
    elif suffix in (".md", ".markdown"):
        from kamcli.render.markdown import render_document as render_markdown

        text = render_markdown(cohort_document(model, summary, lang))
        if stats is not None:
            from kamcli.report.stats import stats_document

            text += "\n" + render_markdown(stats_document(model, stats, lang), level=2)
    else:
        from kamcli.render.cohort_json import summary_data

        data = summary_data(model, summary, lang)
        if stats is not None:
            from kamcli.render.stats_json import stats_data

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
