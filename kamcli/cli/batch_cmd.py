"""kam batch: score a whole team's response sheet, every row accounted for."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kamcli.batch.formats import BatchReportFormat, OutputFormat
from kamcli.cli.common import settings, summary_console
from kamcli.cli.options import examples
from kamcli.cli.survey_options import FromOption, FromTool, MapOption, survey_fields
from kamcli.errors import ExitCode, NothingReadError, RowsRejectedError, msg


def batch(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(help="CSV, XLSX or JSON Lines files ('-' = stdin).", show_default=False),
    ],
    stage: Annotated[
        str | None,
        typer.Option("--stage", "-s", help="Stage for every row (overrides the column)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write results to FILE (default: stdout).")
    ] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = (
        OutputFormat.csv
    ),
    long: Annotated[
        bool, typer.Option("--long", help="One row per respondent × competency.")
    ] = False,
    rejects: Annotated[
        Path | None, typer.Option("--rejects", help="Write rejected rows and why to this CSV.")
    ] = None,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first problem.")] = False,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no notes on stderr.")
    ] = False,
    save: Annotated[
        bool, typer.Option("--save", help="Store each assessment in history (safe to re-run).")
    ] = False,
    summary: Annotated[bool, typer.Option("--summary", help="Print the cohort summary.")] = False,
    summary_out: Annotated[
        Path | None,
        typer.Option(
            "--summary-out", help="Write the cohort summary (.html, .md or .markdown, .json)."
        ),
    ] = None,
    report_dir: Annotated[
        Path | None, typer.Option("--report-dir", help="Write one report per respondent here.")
    ] = None,
    report_format: Annotated[
        BatchReportFormat,
        typer.Option("--report-format", help="Format of --report-dir and --by-subject-dir files."),
    ] = BatchReportFormat.html,
    font: Annotated[
        Path | None, typer.Option("--font", envvar="KAM_FONT", help="TTF/OTF font for PDF reports.")
    ] = None,
    by_subject: Annotated[
        bool,
        typer.Option(
            "--by-subject", help="Combine each subject's ratings (360°) and print a summary."
        ),
    ] = False,
    by_subject_dir: Annotated[
        Path | None,
        typer.Option("--by-subject-dir", help="Write one 360° report per subject here."),
    ] = None,
    from_tool: FromOption = FromTool.auto,
    map_path: MapOption = None,
    stats: Annotated[
        bool,
        typer.Option("--stats", help="Add reliability and careless-responding statistics."),
    ] = False,
) -> None:
    """Score many respondents from a response sheet (`kam template responses` writes one).

    Bad rows are reported on stderr as FILE:ROW: reason (and written to --rejects FILE);
    the other rows are still scored. The last line says: N scored, M rejected.

    Exit codes: 0 all scored; 10 some rows rejected, or --strict stopped; 11 nothing scored.

    --summary prints to stdout when -o is given, else to stderr.

    360°: columns `subject` (default: the name) and `rater` (self, manager,
    peer, customer, other; default self) say who rated whom; --by-subject
    prints a summary per subject (like --summary), --by-subject-dir writes
    one report each. --stats adds reliability and careless responding to
    the summaries (printed, and in --summary-out).
    """
    from kamcli.batch.options import BatchOptions
    from kamcli.batch.pipeline import BatchRun

    stats_options = None
    if stats:
        from kamcli.batch.stats import StatsOptions

        stats_options = StatsOptions()

    cfg = settings(ctx)
    model = cfg.model()
    options = BatchOptions(
        inputs=tuple(inputs),
        lang=cfg.lang,
        stage=stage,
        output=output,
        fmt=fmt,
        long=long,
        rejects=rejects,
        strict=strict,
        quiet=quiet,
        save=save,
        summary=summary,
        summary_out=summary_out,
        report_dir=report_dir,
        report_format=report_format.canonical().value,
        font=font,
        by_subject=by_subject,
        by_subject_dir=by_subject_dir,
        stats=stats_options,
        **survey_fields(model, from_tool, map_path),
    )
    counts = BatchRun(model, options, summary_console).run()
    if counts.stopped:
        raise RowsRejectedError(msg("errors_batch.stopped_strict", counts=counts.line()))
    if counts.scored == 0:
        raise NothingReadError(counts.line())
    typer.echo(
        counts.line().in_lang(cfg.lang), err=True
    )  # a plain summary; exit 10 says rows were rejected
    if counts.rejected or counts.unreadable:
        raise typer.Exit(ExitCode.ROWS_REJECTED)


def register(app: typer.Typer) -> None:
    app.command(
        "batch",
        epilog=examples(
            "kam batch team.csv --stage mid -o results.csv --summary",
            "kam batch team.xlsx --report-dir reports/ --report-format pdf",
        ),
    )(batch)
