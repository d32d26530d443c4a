"""kam report: hand-out gap reports in HTML, PDF, Markdown, JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from kamcli.cli.common import hint, message, settings
from kamcli.cli.options import examples
from kamcli.errors import UsageError, msg
from kamcli.render.formats import BINARY, RenderOptions, ReportFormat, renderer

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult


def report(
    ctx: typer.Context,
    source: Annotated[
        str | None,
        typer.Argument(help="History id or 'latest' (or use --answers).", show_default=False),
    ] = None,
    fmt: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="Report format.")
    ] = ReportFormat.html,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (required for pdf).")
    ] = None,
    answers: Annotated[
        str | None,
        typer.Option(
            "--answers",
            "-a",
            help="Score this answers file ('-' = stdin) instead of a stored assessment.",
        ),
    ] = None,
    stage: Annotated[
        str | None, typer.Option("--stage", "-s", help="Stage, with --answers.")
    ] = None,
    allow_missing: Annotated[
        bool, typer.Option("--allow-missing", help="With --answers: unanswered items are missing.")
    ] = False,
    font: Annotated[
        Path | None,
        typer.Option(
            "--font", envvar="KAM_FONT", help="TTF/OTF font for PDF (a CJK font for Chinese)."
        ),
    ] = None,
    subject: Annotated[
        str | None,
        typer.Option("--subject", help="360 report: combine every rating of this person."),
    ] = None,
) -> None:
    """Write a gap report for one assessment (history id, `latest`, --answers FILE) or a 360."""
    cfg = settings(ctx)
    model = cfg.model()
    language = cfg.lang
    fmt = fmt.canonical()
    if [source, answers, subject].count(None) != 2:
        raise UsageError(msg("errors_cli.one_source"))
    if fmt in BINARY and output is None:
        raise UsageError(msg("errors_cli.binary_needs_output", fmt=fmt.value))
    if stage is not None and stage not in model.stage_ids:
        stages = ", ".join(model.stage_ids)
        raise UsageError(msg("errors_cli.unknown_stage_short", stage=stage, stages=stages))
    if answers is not None:
        from kamcli.io.paths import refuse_output_over_input

        refuse_output_over_input([("-o", output)], [answers])
    options = RenderOptions(font=font)
    if subject is not None:
        from kamcli.cli.sources import subject_report
        from kamcli.render.formats import subject_renderer

        combined = subject_report(model, subject, stage)
        content = subject_renderer(fmt)(model, combined, language, options)
    else:
        content = renderer(fmt)(
            model,
            _result(model, source, answers, stage, allow_missing, language),
            language,
            options,
        )
    _emit(content, output, language)


def _result(
    model: CompetencyModel,
    source: str | None,
    answers: str | None,
    stage: str | None,
    allow_missing: bool,
    lang: str,
) -> AssessmentResult:
    from kamcli.cli.sources import score_file, stored_result

    if answers is not None:
        result, _ = score_file(model, answers, lang=lang, stage=stage, allow_missing=allow_missing)
        return result
    return stored_result(str(source))


def _emit(content: str | bytes, output: Path | None, lang: str) -> None:
    from kamcli.io.atomic import write_atomic

    if output is None:
        typer.echo(content if isinstance(content, str) else content.decode("utf-8-sig"), nl=False)
        return
    write_atomic(output, content)
    hint(message("cli.wrote_report", lang, path=output))


def register(app: typer.Typer) -> None:
    app.command(
        "report",
        epilog=examples(
            "kam report latest --format html -o report.html",
            "kam report --answers answers.yaml --format pdf -o report.pdf --lang zh",
        ),
    )(report)
