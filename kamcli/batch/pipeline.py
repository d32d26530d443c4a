"""The `kam batch` pipeline: read → check → score → write, one row at a time.

Memory stays flat: rows are streamed from the inputs to the outputs; what is kept is
counters, the compact set of seen respondent ids (see seen.py), the cohort statistics
(constant size), the first HEAT_MAP_ROWS rows for the summary's heat map, and at most one
chunk of rows waiting to be saved. Every data row ends up either scored or rejected; a file
that cannot be read at all is reported as such. Outputs are committed at the end (also when
--strict stops at a problem); a crash or Ctrl-C leaves no half-written file.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.batch.decoding import ReadFailure
from kamcli.batch.formats import OutputFormat
from kamcli.batch.progress import Progress
from kamcli.batch.rows import BadRow, GoodRow, Layout, RowChecker, layout_for, row_score
from kamcli.batch.seen import SeenIds
from kamcli.errors import InputError, MissingFeatureError, OutputError, UsageError
from kamcli.io.atomic import write_atomic
from kamcli.io.batch_read import STDIN_NAME, InputFormat, Table, check_sources, open_table
from kamcli.io.batch_write import (
    RecordFormatter,
    RecordWriter,
    RejectsWriter,
    StreamTarget,
)
from kamcli.render.labels import clean_text
from kamcli.scoring.plan import RowScore, ScoringPlan

if TYPE_CHECKING:
    from kamcli.batch.reports import ReportWriter
    from kamcli.batch.save import BatchSaver
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.cohort import CohortStats

HEAT_MAP_ROWS = 500
PROGRESS_EVERY = 1024
SUMMARY_SUFFIXES = (".html", ".md", ".json")


@dataclass(frozen=True)
class BatchOptions:
    inputs: tuple[str, ...]
    lang: str
    stage: str | None = None
    output: Path | None = None
    fmt: OutputFormat = OutputFormat.csv
    long: bool = False
    rejects: Path | None = None
    strict: bool = False
    quiet: bool = False
    save: bool = False
    summary: bool = False
    summary_out: Path | None = None
    report_dir: Path | None = None
    report_format: str = "html"
    font: Path | None = None


@dataclass
class BatchCounts:
    scored: int = 0
    rejected: int = 0
    unreadable: int = 0  # files that could not be read (or not to the end)
    stopped: bool = False  # --strict stopped at the first problem

    def line(self) -> str:
        text = f"{self.scored} scored, {self.rejected} rejected"
        if self.unreadable:
            text += f", {self.unreadable} file{'s' if self.unreadable > 1 else ''} not read"
        return text


class StopBatch(Exception):
    """--strict met a problem: stop reading, keep what was written."""


def check_options(model: CompetencyModel, options: BatchOptions) -> None:
    """Usage problems, found before anything is read or written."""
    if options.stage is not None and options.stage not in model.stage_ids:
        raise UsageError(
            f"Unknown stage {options.stage!r}; the model's stages are {', '.join(model.stage_ids)}."
        )
    out = options.summary_out
    if out is not None and out.suffix.lower() not in SUMMARY_SUFFIXES:
        raise UsageError(
            f"--summary-out {out}: the file name must end in {', '.join(SUMMARY_SUFFIXES)}."
        )
    check_sources(options.inputs)


class BatchRun:
    """One run of `kam batch`; `run()` returns the counts after committing the outputs."""

    def __init__(self, model: CompetencyModel, options: BatchOptions) -> None:
        check_options(model, options)
        self.model = model
        self.options = options
        self.plan = ScoringPlan(model)
        self.counts = BatchCounts()
        self.seen = SeenIds()
        self.formatter = RecordFormatter(model, self.plan, options.lang, options.long, options.fmt)
        self.heat_rows: list[tuple[str, str | None, RowScore]] = []
        # What only some runs need is imported only then (start-up time counts in a pipeline).
        self.cohort: CohortStats | None = None
        if options.summary or options.summary_out is not None:
            from kamcli.scoring.cohort import CohortStats

            self.cohort = CohortStats(model, options.stage)
        self.saver: BatchSaver | None = None
        if options.save:
            from kamcli.batch.save import BatchSaver

            self.saver = BatchSaver(model, options.lang)
        self.reports: ReportWriter | None = None
        if options.report_dir is not None:
            from kamcli.batch.reports import ReportWriter

            self.reports = ReportWriter(
                model, options.report_dir, options.report_format, options.lang, options.font
            )
        self.progress = Progress(enabled=not options.quiet and sys.stderr.isatty())

    # --- the run --------------------------------------------------------------------------

    def run(self) -> BatchCounts:
        # The many objects built at start-up (model, CLI) need no more collecting; freezing
        # them keeps the cyclic GC from re-scanning them while rows stream (~12 % faster).
        gc.freeze()
        try:
            return self._run()
        finally:
            gc.unfreeze()

    def _run(self) -> BatchCounts:
        options = self.options
        output = StreamTarget(options.output, bom=options.fmt is OutputFormat.csv)
        rejects_target = None
        try:
            rejects_target = StreamTarget(options.rejects, bom=True) if options.rejects else None
            self.writer = RecordWriter(output, self.formatter)
            self.rejects = RejectsWriter(rejects_target) if rejects_target else None
            try:
                for source in options.inputs:
                    self._read(source)
            except StopBatch:
                self.counts.stopped = True
            if self.counts.scored or self.counts.stopped:
                self.writer.finish()
            if self.rejects is not None:
                self.rejects.finish()
            if self.saver is not None:
                self.saver.flush()
        except BaseException as exc:
            output.abort()
            if rejects_target is not None:
                rejects_target.abort()
            if isinstance(exc, BrokenPipeError) and options.output is None:
                _silence_stdout()
                raise OutputError(
                    "standard output was closed early; the run stopped "
                    f"after {self.counts.scored} scored rows."
                ) from None
            raise
        finally:
            self.progress.stop()
            self.seen.close()
            if self.saver is not None:
                self.saver.close()
        if self.counts.scored or self.counts.stopped:
            output.commit()
        else:
            output.abort()  # nothing usable (exit 11): an old file stays as it was
        if rejects_target is not None:
            rejects_target.commit()
        self._finish()
        return self.counts

    def _read(self, source: str) -> None:
        reported: set[str] = set()
        shown = _shown(STDIN_NAME if source == "-" else source)

        def unknown_key(key: str, line: int) -> None:
            if key not in reported:
                reported.add(key)
                self._warn(
                    f"{shown}:{line}: unknown key {key!r} (not an item id of this "
                    "model or a known field); it is ignored in every row"
                )

        try:
            table = open_table(source, self.plan.item_ids, unknown_key)
        except MissingFeatureError:
            raise
        except InputError as exc:
            self._unreadable(exc.message)
            return
        with table:
            try:
                layout = layout_for(table.header, self.plan.item_ids, table.name)
            except InputError as exc:
                self._unreadable(exc.message)
                return
            if "stage" not in layout.meta and self.options.stage is None:
                self._unreadable(
                    f"{table.name}: there is no stage column; add one, or pass --stage "
                    f"({', '.join(self.plan.stage_ids)}) for every row"
                )
                return
            self._header_notes(table, layout)
            checker = RowChecker(
                self.plan,
                self.model,
                layout,
                self.seen,
                self.options.stage,
                text_only=table.format is InputFormat.csv,
            )
            self.progress.start(table)
            try:
                self._rows(table, checker)
            except ReadFailure as exc:
                self._unreadable(f"{exc.message}; the rows after it were not read")

    def _rows(self, table: Table, checker: RowChecker) -> None:
        check, progress, counts, write = (
            checker.check,
            self.progress,
            self.counts,
            self.writer.write,
        )
        # With nothing but the output to feed, a good row is counted and written right here.
        only_write = self.cohort is None and self.saver is None and self.reports is None
        rows_format = table.format is InputFormat.xlsx
        for count, (line, cells) in enumerate(table.rows, 1):
            result = check(line, cells)
            if type(result) is GoodRow and only_write:
                counts.scored += 1
                write(result)
            elif isinstance(result, GoodRow):
                self._good(result)
            else:
                self._bad(table, result)
            if count % PROGRESS_EVERY == 0:
                progress.update(line if rows_format else table.position())

    def _good(self, row: GoodRow) -> None:
        counts = self.counts
        counts.scored += 1
        self.writer.write(row)
        if self.cohort is not None:
            score = row_score(self.plan, row)
            self.cohort.add(score)
            if len(self.heat_rows) < HEAT_MAP_ROWS:
                self.heat_rows.append((row.respondent_id, row.name, score))
        if self.saver is None and self.reports is None:
            return
        answers = row.answers(self.plan.item_ids)
        from kamcli.batch.reports import full_result

        result = full_result(self.model, row, answers, self.options.lang)
        if self.saver is not None:
            self.saver.add(row.respondent_id, result, answers)
        if self.reports is not None:
            self.reports.write(counts.scored, row.name, row.respondent_id, result)

    def _bad(self, table: Table, row: BadRow) -> None:
        self.counts.rejected += 1
        who = f" (respondent_id {clean_text(row.respondent_id)})" if row.respondent_id else ""
        self.progress.print(f"{_shown(table.name)}:{row.line}: {clean_text(row.reason)}{who}")
        if self.rejects is not None:
            self.rejects.write(
                table.name, row.line, row.respondent_id, row.reason, row.cells, table.header
            )
        if self.options.strict:
            raise StopBatch

    # --- file-level messages --------------------------------------------------------------

    def _header_notes(self, table: Table, layout: Layout) -> None:
        name = _shown(table.name)
        if layout.unknown:
            self._warn(
                f"{name}: unknown column{'s' if len(layout.unknown) > 1 else ''} "
                f"{_list(layout.unknown)} (not item ids of this model); "
                "the other columns are scored"
            )
        if layout.unnamed:
            self._note(f"{name}: column(s) {_list(map(str, layout.unnamed))} have no name; ignored")
        if layout.missing_items:
            self._note(
                f"{name}: {len(layout.missing_items)} item(s) of the model have no column "
                f"and count as unanswered: {_list(layout.missing_items)}"
            )

    def _warn(self, message: str) -> None:
        """A problem with a file that does not stop it being scored (except with --strict)."""
        self.progress.print(clean_text(message))
        if self.options.strict:
            raise StopBatch

    def _note(self, message: str) -> None:
        self.progress.print(clean_text(message))

    def _unreadable(self, message: str) -> None:
        self.counts.unreadable += 1
        self.progress.print(clean_text(message))
        if self.options.strict:
            raise StopBatch

    # --- after the rows -------------------------------------------------------------------

    def _finish(self) -> None:
        options = self.options
        if self.counts.scored and self.cohort is not None:
            self._summaries()
        notes = []
        if options.output is not None and (self.counts.scored or self.counts.stopped):
            notes.append(f"Wrote {self.writer.count} rows to {options.output}.")
        if options.rejects is not None:
            notes.append(f"Wrote {self.counts.rejected} rejected rows to {options.rejects}.")
        if self.reports is not None:
            notes.append(f"Wrote {self.reports.count} reports to {options.report_dir}.")
        if self.saver is not None:
            notes.append(
                f"Saved {self.saver.saved} assessments to history "
                f"({self.saver.skipped} were already there)."
            )
        if not options.quiet:
            for note in notes:
                self.progress.print(note)

    def _summaries(self) -> None:
        from kamcli.render import cohort_text

        assert self.cohort is not None
        model, lang, summary = self.model, self.options.lang, self.cohort.summary()
        if self.options.summary:
            from kamcli.cli.common import stderr_console, stdout_console

            console = stdout_console() if self.options.output is not None else stderr_console()
            console.print(cohort_text.summary_terminal(model, summary, lang))
        target = self.options.summary_out
        if target is None:
            return
        suffix = target.suffix.lower()
        if suffix == ".html":
            from kamcli.render.cohort_html import summary_html

            text = summary_html(model, summary, self.heat_rows, lang)
        elif suffix == ".md":
            text = cohort_text.summary_markdown(model, summary, lang)
        else:
            text = cohort_text.summary_json(model, summary, lang)
        write_atomic(target, text)
        if not self.options.quiet:
            self.progress.print(f"Wrote the cohort summary to {target}.")


def _shown(name: str) -> str:
    return clean_text(name)


def _list(values: Iterable[str], limit: int = 8) -> str:
    items = list(values)
    shown = ", ".join(items[:limit])
    return shown + (f" and {len(items) - limit} more" if len(items) > limit else "")


def _silence_stdout() -> None:
    """After a closed pipe, send stdout to /dev/null so the exit flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
