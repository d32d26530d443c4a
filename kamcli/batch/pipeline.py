"""The `kam batch` pipeline: read → check → score → write, one row at a time (or, for CSV
rows that only go to the output, a block of plain rows at a time: blocks.py).

Memory stays flat: rows are streamed from the inputs to the outputs; what is kept is
counters, the compact set of seen respondent ids (see seen.py), the cohort statistics
(constant size), the first HEAT_MAP_ROWS rows for the summary's heat map, and at most one
chunk of rows waiting to be saved. Every data row ends up either scored or rejected; a file
that cannot be read at all is reported as such. Outputs are committed at the end (also when
--strict stops at a problem); a crash or Ctrl-C leaves no half-written file.
"""

from __future__ import annotations

import gc
import sys
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from kamcli.batch.extras import Extras
from kamcli.batch.formats import OutputFormat
from kamcli.batch.layout import layout_for
from kamcli.batch.options import BatchCounts, BatchOptions, check_options
from kamcli.batch.output import NullRecordWriter, NullTarget, RatedRecordFormatter
from kamcli.batch.progress import Progress
from kamcli.batch.record_writers import RecordWriter, RejectsWriter, StreamTarget, write_failure
from kamcli.batch.row_outcomes import BadRow, GoodRow, rejected_texts, row_score, subject_of
from kamcli.batch.rows import RowChecker
from kamcli.batch.run_notes import closing_notes, header_notes
from kamcli.batch.seen import SeenIds
from kamcli.batch.survey_input import adapt_survey
from kamcli.errors import InputError, MissingFeatureError, in_lang
from kamcli.i18n import t
from kamcli.io.batch_read import STDIN_NAME, InputFormat, Table, open_table
from kamcli.io.csv_rows import PlainLines
from kamcli.io.decoding import ReadFailure
from kamcli.io.table_rows import Row, RowProblem
from kamcli.render.labels import clean_text
from kamcli.scoring.plan import RowScore, ScoringPlan

if TYPE_CHECKING:
    from rich.console import Console

    from kamcli.batch.stats import StatsCollector, StatsResult
    from kamcli.model.schema import CompetencyModel

HEAT_MAP_ROWS = 500
PROGRESS_EVERY = 1024


class StopBatch(Exception):
    """--strict met a problem: stop reading, keep what was written."""


class BatchRun:
    """One run of `kam batch`; `run()` returns the counts after committing the outputs.

    `summary_console(rows_to_file)` gives the console printed summaries go to: the caller
    (the CLI) owns the consoles, the batch never imports it.
    """

    def __init__(
        self,
        model: CompetencyModel,
        options: BatchOptions,
        summary_console: Callable[[bool], Console],
    ) -> None:
        check_options(model, options)
        self.summary_console = summary_console
        self.model = model
        self.options = options
        self.plan = ScoringPlan(model)
        self.statement_ids = [s.id for s in model.diagnostic.statements]
        self.counts = BatchCounts()
        self.seen = SeenIds()
        self.formatter = RatedRecordFormatter(
            model, self.plan, options.lang, options.long, options.fmt
        )
        self.heat_rows: list[tuple[str, str | None, RowScore]] = []
        extras = Extras(model, options, self.plan)
        self.cohort, self.saver, self.reports = extras.cohort, extras.saver, extras.reports
        self.subjects, self.subject_writer = extras.subjects, extras.subject_writer
        self.stats = extras.stats
        self.stats_result: StatsResult | None = None
        self.progress = Progress(enabled=not options.quiet and sys.stderr.isatty())

    # --- the run --------------------------------------------------------------------------

    def run(self) -> BatchCounts:
        # The many objects built at start-up (model, CLI) need no more collecting; freezing
        # them keeps the cyclic GC from re-scanning them while rows stream (~12 % faster).
        gc.freeze()
        folders = [w for w in (self.reports, self.subject_writer) if w is not None]
        try:
            counts = self._run()
            for folder in folders:
                folder.commit()
            return counts
        except BaseException:
            for folder in folders:
                folder.abort()  # an interrupted run leaves the report folders as they were
            raise
        finally:
            gc.unfreeze()

    def _run(self) -> BatchCounts:
        options = self.options
        output: StreamTarget | NullTarget = NullTarget()
        self.writer: RecordWriter | NullRecordWriter = NullRecordWriter()
        if options.write_rows:
            output = StreamTarget(options.output, bom=options.fmt is OutputFormat.csv)
        rejects_target = None
        try:
            rejects_target = StreamTarget(options.rejects, bom=True) if options.rejects else None
            if isinstance(output, StreamTarget):
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
            failure = write_failure(exc, options.output, options.rejects, self.counts.scored)
            if failure is not None:
                raise failure from None
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
                self._warn(self._t("batch.unknown_key", name=shown, line=line, field=key))

        try:
            table = open_table(source, [*self.plan.item_ids, *self.statement_ids], unknown_key)
        except MissingFeatureError:
            raise
        except InputError as exc:
            self._unreadable(in_lang(exc.message, self.options.lang))
            return
        with table:
            try:
                if self.options.survey_tool != "kam":
                    adapt_survey(table, self.model, self.options, self._note, self._warn)
                layout = layout_for(
                    table.header, self.plan.item_ids, table.name, self.statement_ids
                )
            except InputError as exc:
                self._unreadable(in_lang(exc.message, self.options.lang))
                return
            stage = self.options.stage
            if stage is None and table.survey is not None:
                stage = table.survey.stage  # fixed when the questionnaire was exported
            if "stage" not in layout.meta and stage is None and not self.options.write_rows:
                stage = self.plan.stage_ids[0]  # `kam stats`: no figure depends on the stage
            if "stage" not in layout.meta and stage is None:
                stages = ", ".join(self.plan.stage_ids)
                self._unreadable(self._t("batch.no_stage_column", name=table.name, stages=stages))
                return
            time_column = None
            if self.stats is not None:
                time_column = self.stats.start_table(_shown(table.name), table.header)
            warnings, notes = header_notes(
                _shown(table.name), layout, time_column, table.survey, self.options.lang
            )
            for warning in warnings:
                self._warn(warning)
            for note in notes:
                self._note(note)
            checker = RowChecker(
                self.plan,
                self.model,
                layout,
                self.seen,
                stage,
                text_only=table.format is InputFormat.csv,
                aliases=table.survey,
            )
            self.progress.start(table)
            try:
                self._rows(table, checker)
            except ReadFailure as exc:
                if exc.lines_left and exc.line is not None:
                    self._not_decoded(table, exc)
                else:
                    why = in_lang(exc.message, self.options.lang)
                    self._unreadable(self._t("batch.rest_not_read", why=why))

    def _rows(self, table: Table, checker: RowChecker) -> None:
        check, progress, counts, write = (
            checker.check,
            self.progress,
            self.counts,
            self.writer.write,
        )
        # With nothing but the output to feed, a good row is counted and written right here.
        alone = self.cohort is None and self.saver is None and self.reports is None
        alone = alone and self.subjects is None
        only_write = alone and self.stats is None
        wide_csv = self.options.fmt is OutputFormat.csv and not self.options.long
        if only_write and wide_csv and isinstance(self.writer, RecordWriter) and table.items:
            self._blocks(table, table.items, checker)
            return
        if alone and self.stats is not None and not self.options.write_rows and table.items:
            self._blocks(table, table.items, checker, self.stats)  # `kam stats`
            return
        rows_format = table.format is InputFormat.xlsx
        for count, (line, cells) in enumerate(table.rows, 1):
            result = check(line, cells)
            if type(result) is GoodRow and only_write:
                counts.scored += 1
                write(result)
            elif isinstance(result, GoodRow):
                self._good(result, cells)
            else:
                self._bad(table, result)
            if count % PROGRESS_EVERY == 0:
                progress.update(line if rows_format else table.position())

    def _blocks(
        self,
        table: Table,
        items: Iterable[Row | PlainLines],
        checker: RowChecker,
        stats: StatsCollector | None = None,
    ) -> None:
        """`_rows` for a CSV whose rows only go to the output (or, with `stats`, only to the
        statistics): runs of plain lines are taken a block at a time (blocks.py,
        stats_blocks.py), the rows of a block with a problem one at a time."""
        from kamcli.batch.blocks import BlockScorer, score_blocks

        writer, counts, check = self.writer, self.counts, checker.check
        assert isinstance(writer, RecordWriter) or stats is not None

        def one_by_one(rows: Iterable[Row]) -> None:
            for line, cells in rows:
                result = check(line, cells)
                if type(result) is not GoodRow:
                    self._bad(table, result)  # type: ignore[arg-type]
                elif stats is not None:
                    self._good(result, cells)
                else:
                    counts.scored += 1
                    writer.write(result)

        def scorer_for(delimiter: str) -> BlockScorer | None:
            if not BlockScorer.usable(self.plan, checker, delimiter):
                return None
            if stats is not None:
                from kamcli.batch.stats_blocks import StatsBlockReader

                plan, formatter = self.plan, self.formatter
                return StatsBlockReader(plan, checker, formatter, self.seen, delimiter, stats)
            return BlockScorer(self.plan, checker, self.formatter, self.seen, delimiter)

        def write(text: str, count: int) -> None:
            counts.scored += count
            if isinstance(writer, RecordWriter):  # (kam stats writes no rows)
                writer.write_text(text, count)

        score_blocks(
            items, scorer_for, one_by_one, write, lambda: self.progress.update(table.position())
        )

    def _good(self, row: GoodRow, cells: Sequence[object] | RowProblem) -> None:
        counts = self.counts
        counts.scored += 1
        self.writer.write(row)
        if self.subjects is not None:
            scores = row_score(self.plan, row).scores
            self.subjects.add(subject_of(row), row.rater, row.stage, scores)
        if self.stats is not None and not isinstance(cells, RowProblem):
            self.stats.add(row, cells)
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
        line, reason = rejected_texts(f"{_shown(table.name)}:{row.line}", row, self.options.lang)
        self.progress.print(clean_text(line))
        if self.rejects is not None:
            self.rejects.write(table.name, row.line, reason, row.cells, table.header)
        if self.options.strict:
            raise StopBatch

    # --- messages -------------------------------------------------------------------------

    def _warn(self, message: str) -> None:
        """A problem with a file that does not stop it being scored (except with --strict)."""
        self.progress.print(clean_text(in_lang(message, self.options.lang)))
        if self.options.strict:
            raise StopBatch

    def _note(self, message: str) -> None:
        self.progress.print(clean_text(in_lang(message, self.options.lang)))

    def _not_decoded(self, table: Table, exc: ReadFailure) -> None:
        """Bad bytes part-way: that line and every line after it count as rejected rows."""
        assert exc.line is not None
        left, first = exc.lines_left, exc.line
        self.counts.rejected += left
        why = in_lang(exc.message, self.options.lang)
        if left > 1:
            said = self._t("batch.lines_not_read", why=why, count=left - 1)
        else:
            said = self._t("batch.line_not_read", why=why)
        self.progress.print(clean_text(said))
        if self.rejects is not None:
            reason = self._t("errors_rows.not_read_bytes", line=first, why=why)
            for line in range(first, first + left):
                self.rejects.write(table.name, line, reason, (), table.header)
        if self.options.strict:
            raise StopBatch

    def _t(self, text_key: str, /, **fields: object) -> str:
        """A note of the run in its language (--lang)."""
        return t(text_key, self.options.lang, **fields)

    def _unreadable(self, message: str) -> None:
        self.counts.unreadable += 1
        self.progress.print(clean_text(in_lang(message, self.options.lang)))
        if self.options.strict:
            raise StopBatch

    # --- after the rows -------------------------------------------------------------------

    def _finish(self) -> None:
        options, scored = self.options, self.counts.scored
        if scored and self.stats is not None:
            self.stats_result = self.stats.result()
        if scored and options.write_rows:
            self._summaries()
        wrote_rows = (scored or self.counts.stopped) and options.write_rows
        notes = closing_notes(
            options,
            self.counts,
            self.writer.count if wrote_rows else None,
            None if self.reports is None else self.reports.count,
            None if self.subject_writer is None else self.subject_writer.count,
            None if self.saver is None else (self.saver.saved, self.saver.skipped),
        )
        if not options.quiet:
            for note in notes:
                self.progress.print(note)

    def _summaries(self) -> None:
        """Cohort summary, 360° summary and psychometrics, printed and/or exported."""
        if self.cohort is None and self.subjects is None and self.stats_result is None:
            return
        from kamcli.batch.summaries import Summaries

        cohort = None if self.cohort is None else self.cohort.summary()
        shown = Summaries(self.model, self.options, cohort, self.stats_result, self.heat_rows)
        shown.show(self.subjects, self.subject_writer, self.summary_console)
        if shown.export() and not self.options.quiet:
            self.progress.print(self._t("batch.wrote_summary", path=self.options.summary_out))


def _shown(name: str) -> str:
    return clean_text(name)
