"""What one `kam batch` (or `kam stats`) run is asked to do, its counts, and the usage checks
made before anything is read or written."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from kamcli.batch.formats import OutputFormat
from kamcli.errors import Msg, UsageError, msg
from kamcli.io.batch_read import check_sources
from kamcli.io.paths import refuse_output_over_input

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsOptions
    from kamcli.model.schema import CompetencyModel

SUMMARY_SUFFIXES = (".html", ".md", ".markdown", ".json")


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
    report_format: str = "html"  # of --report-dir and --by-subject-dir files
    font: Path | None = None
    by_subject: bool = False  # also implied by by_subject_dir
    by_subject_dir: Path | None = None
    stats: StatsOptions | None = None
    survey_tool: str = "auto"  # kamcli.io.survey.tools.Tool: the export's tool, or detect it
    survey_map: dict[str, str] | None = None  # --map: column header -> item id / meta / ignore
    write_rows: bool = True  # False: `kam stats` reads and checks rows, writes none


@dataclass
class BatchCounts:
    scored: int = 0
    rejected: int = 0
    unreadable: int = 0  # files that could not be read (or not to the end)
    stopped: bool = False  # --strict stopped at the first problem

    def line(self, verb: str = "scored") -> Msg:
        """E.g. "3 scored, 2 rejected, 1 file not read"; `.in_lang(lang)` in the run's language."""
        unread: str = ""
        if self.unreadable:
            many = (
                "batch.files_not_read_many" if self.unreadable > 1 else "batch.files_not_read_one"
            )
            unread = msg(many, count=self.unreadable)
        return msg(COUNT_KEYS[verb], scored=self.scored, rejected=self.rejected, unread=unread)


COUNT_KEYS = {"scored": "batch.counts_scored", "read": "batch.counts_read"}


def check_options(model: CompetencyModel, options: BatchOptions) -> None:
    """Usage problems, found before anything is read or written."""
    if options.stage is not None and options.stage not in model.stage_ids:
        stages = ", ".join(model.stage_ids)
        raise UsageError(msg("errors_cli.unknown_stage", stage=options.stage, stages=stages))
    out = options.summary_out
    if out is not None and out.suffix.lower() not in SUMMARY_SUFFIXES:
        suffixes = ", ".join(SUMMARY_SUFFIXES)
        raise UsageError(msg("errors_batch.summary_out_suffix", path=out, suffixes=suffixes))
    if options.stats is not None:
        options.stats.check()
    check_sources(options.inputs)
    outputs = [
        ("-o", options.output),
        ("--rejects", options.rejects),
        ("--summary-out", options.summary_out),
    ]
    refuse_output_over_input(outputs, options.inputs)
