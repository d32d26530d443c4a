"""kam stats: can a cohort's scores be trusted? Reliability and careless responding."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kamcli.cli.common import settings, summary_console
from kamcli.cli.options import examples
from kamcli.cli.survey_options import FromOption, FromTool, MapOption, survey_fields
from kamcli.errors import ExitCode, NothingReadError
from kamcli.render.formats import FormatName

if TYPE_CHECKING:
    from kamcli.batch.stats import StatsResult
    from kamcli.model.schema import CompetencyModel

# Plain text written to a file (-o with --format table) is laid out at this width.
FILE_WIDTH = 100


class MissingMethod(StrEnum):
    listwise = "listwise"
    pairwise = "pairwise"


class StatsFormat(FormatName):
    table = "table"
    json = "json"
    md = "md"
    markdown = "markdown"  # the same as md


def stats(
    ctx: typer.Context,
    inputs: Annotated[
        list[str],
        typer.Argument(
            help="CSV, XLSX or JSON Lines files, as kam batch reads them ('-' = stdin).",
            show_default=False,
        ),
    ],
    stage: Annotated[
        str | None,
        typer.Option("--stage", "-s", help="Stage for every row, as in kam batch (optional)."),
    ] = None,
    missing: Annotated[
        MissingMethod,
        typer.Option("--missing", help="How missing answers are handled in alpha."),
    ] = MissingMethod.listwise,
    fmt: Annotated[StatsFormat, typer.Option("--format", "-f", help="Output format.")] = (
        StatsFormat.table
    ),
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (default: stdout).")
    ] = None,
    exclude_flagged: Annotated[
        bool,
        typer.Option(
            "--exclude-flagged", help="Leave flagged respondents out of the reliability figures."
        ),
    ] = False,
    longstring: Annotated[
        int | None,
        typer.Option(
            "--longstring",
            help="Flag this many identical answers in a row (default: half the items, >= 5).",
            show_default=False,
        ),
    ] = None,
    irv_min: Annotated[
        float | None,
        typer.Option(
            "--irv-min",
            help="Flag an answer SD (IRV) below this, in scale points (default 0.5; 0 = off).",
            show_default=False,
        ),
    ] = None,
    time_column: Annotated[
        str | None,
        typer.Option(
            "--time-column",
            help="Column with completion time in seconds (default: seconds or duration).",
            show_default=False,
        ),
    ] = None,
    from_tool: FromOption = FromTool.auto,
    map_path: MapOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no notes on stderr.")
    ] = False,
) -> None:
    """Reliability (Cronbach's alpha) and careless responding of a cohort.

    Reads what kam batch reads, with the same row checks; bad rows are
    reported on stderr and left out.

    Per competency: alpha and its 95 % interval, respondents used, alpha if
    an item is deleted, item-rest correlations, and advice (a likely
    mis-keyed item, too few respondents). Per respondent: longest run of
    identical answers, answer SD (IRV) and, with a time column, seconds per
    item. Flagged respondents are listed, never dropped silently.
    Formulas and defaults: docs/statistics.md.

    Exit codes: 0 all rows read; 10 some rows rejected; 11 none read.
    """
    from kamcli.batch.options import BatchOptions
    from kamcli.batch.pipeline import BatchRun
    from kamcli.batch.stats import StatsOptions
    from kamcli.io.paths import refuse_output_over_input

    refuse_output_over_input([("-o", output)], inputs)
    cfg = settings(ctx)
    model = cfg.model()
    options = BatchOptions(
        inputs=tuple(inputs),
        lang=cfg.lang,
        stage=stage,
        quiet=quiet,
        write_rows=False,
        stats=StatsOptions(
            missing=missing.value,
            exclude_flagged=exclude_flagged,
            longstring=longstring,
            irv_min=irv_min,
            time_column=time_column,
        ),
        **survey_fields(model, from_tool, map_path),
    )
    run = BatchRun(model, options, summary_console)
    counts = run.run()
    if counts.scored == 0 or run.stats_result is None:
        raise NothingReadError(counts.line("read"))
    _write(model, run.stats_result, cfg.lang, fmt.canonical(), output)
    if not quiet or counts.rejected or counts.unreadable:
        typer.echo(
            counts.line("read").in_lang(cfg.lang), err=True
        )  # a plain summary; exit 10 says the rest
    if counts.rejected or counts.unreadable:
        raise typer.Exit(ExitCode.ROWS_REJECTED)


def _write(
    model: CompetencyModel, result: StatsResult, lang: str, fmt: StatsFormat, output: Path | None
) -> None:
    from kamcli.io.atomic import write_atomic
    from kamcli.report.stats import stats_document

    if fmt is StatsFormat.table:
        from kamcli.render.terminal import render_terminal

        renderable = render_terminal(stats_document(model, result, lang))
        if output is None:
            from kamcli.cli.common import stdout_console

            stdout_console().print(renderable)
            return
        import io

        from rich.console import Console

        buffer = io.StringIO()
        Console(file=buffer, width=FILE_WIDTH, color_system=None).print(renderable)
        text = buffer.getvalue()
    elif fmt is StatsFormat.json:
        from kamcli.render.stats_json import stats_json

        text = stats_json(model, result, lang)
    else:
        from kamcli.render.markdown import render_document

        text = render_document(stats_document(model, result, lang))
    if output is None:
        typer.echo(text, nl=False)
    else:
        write_atomic(output, text)


def register(app: typer.Typer) -> None:
    app.command(
        "stats",
        epilog=examples(
            "kam stats team.csv",
            "kam stats team.csv --missing pairwise --format md -o stats.md",
        ),
    )(stats)
