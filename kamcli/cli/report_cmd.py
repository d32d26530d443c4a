"""kam report: hand-out gap reports in HTML, PDF, Markdown, JSON or CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kamcli.cli.common import Lang, settings, stderr_console
from kamcli.errors import UsageError
from kamcli.render.formats import BINARY, RenderOptions, ReportFormat, renderer


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
    lang: Annotated[
        Lang | None, typer.Option("--lang", help="Report language (default: the global --lang).")
    ] = None,
    font: Annotated[
        Path | None,
        typer.Option(
            "--font", envvar="KAM_FONT", help="TTF/OTF font for PDF (a CJK font for Chinese)."
        ),
    ] = None,
) -> None:
    """Write a gap report for one assessment (history id, `latest`, or --answers FILE)."""
    from kamcli.cli.sources import score_file, stored_result
    from kamcli.io.atomic import write_atomic

    cfg = settings(ctx)
    model = cfg.model()
    language = lang.value if lang else cfg.lang
    if (source is None) == (answers is None):
        raise UsageError("Give exactly one of: a history id, `latest`, or --answers FILE.")
    if fmt in BINARY and output is None:
        raise UsageError(f"--format {fmt.value} writes a binary file: add -o FILE.{fmt.value}")
    if answers is not None:
        result, _ = score_file(
            model, answers, lang=language, stage=stage, allow_missing=allow_missing
        )
    else:
        result = stored_result(str(source))
    content = renderer(fmt)(model, result, language, RenderOptions(font=font))
    if output is None:
        typer.echo(content if isinstance(content, str) else content.decode("utf-8-sig"), nl=False)
        return
    write_atomic(output, content)
    stderr_console().print(f"Wrote {output}", markup=False)


def register(app: typer.Typer) -> None:
    app.command("report")(report)
