"""kam template …: files to fill in."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kamcli.cli.assess_cmd import RaterRole
from kamcli.cli.common import hint, message, settings
from kamcli.cli.model_cmd import check_stage
from kamcli.cli.options import KamTyper, examples
from kamcli.errors import UsageError, msg

app = KamTyper(
    help="Write files to fill in (answers, batch response sheets).", no_args_is_help=True
)


RATER_HELP = "Who will fill it in: self, or a rater of someone else (observer wording)."


@app.command(
    "answers",
    epilog=examples(
        "kam template answers --stage mid -o answers.yaml",
        "kam template answers --rater manager --lang zh > answers.yaml",
    ),
)
def answers(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option("--stage", "-s", help="Pre-fill the stage.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
    rater: Annotated[RaterRole, typer.Option("--rater", help=RATER_HELP)] = RaterRole.self_,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it already exists.")
    ] = False,
) -> None:
    """Write a fill-in answers file (YAML: every item id with its text as a comment)."""
    from kamcli.io.templates import answers_template

    cfg = settings(ctx)
    model = cfg.model()
    check_stage(stage, model.stage_ids)
    filename = str(output) if output else "answers.yaml"
    text = answers_template(model, cfg.lang, stage, filename, rater.value)
    if output is None:
        typer.echo(text, nl=False)
        return
    from kamcli.io.atomic import write_atomic
    from kamcli.io.paths import refuse_existing

    refuse_existing(output, force=force)
    write_atomic(output, text)
    hint(message("cli.wrote_answers_template", cfg.lang, path=output))


class SheetFormat(StrEnum):
    csv = "csv"
    xlsx = "xlsx"


@app.command(
    "responses",
    epilog=examples(
        "kam template responses --format xlsx --stage mid -o team.xlsx",
        "kam template responses > team.csv",
    ),
)
def responses(
    ctx: typer.Context,
    fmt: Annotated[SheetFormat, typer.Option("--format", "-f", help="Sheet format.")] = (
        SheetFormat.csv
    ),
    stage: Annotated[
        str | None,
        typer.Option("--stage", "-s", help="The stage the team will be scored at (xlsx: targets)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE (required for xlsx).")
    ] = None,
    rater: Annotated[RaterRole, typer.Option("--rater", help=RATER_HELP)] = RaterRole.self_,
    diagnostic: Annotated[
        bool,
        typer.Option("--diagnostic", help="Add the stage diagnostic's statement columns."),
    ] = False,
    force: Annotated[
        bool, typer.Option("--force", help="Replace FILE if it already exists.")
    ] = False,
) -> None:
    """Write a blank response sheet for `kam batch`: one row per respondent, one column per item."""
    from kamcli.batch.template import responses_csv, responses_xlsx
    from kamcli.io.atomic import write_atomic

    cfg = settings(ctx)
    model = cfg.model()
    check_stage(stage, model.stage_ids)
    if fmt is SheetFormat.xlsx and output is None:
        raise UsageError(msg("errors_cli.binary_needs_output", fmt="xlsx"))
    if diagnostic and rater is not RaterRole.self_:
        raise UsageError(msg("errors_cli.diagnostic_self_only"))
    if output is not None:
        from kamcli.io.paths import refuse_existing

        refuse_existing(output, force=force)
    if fmt is SheetFormat.csv:
        text = responses_csv(model, rater.value, diagnostic)
        if output is None:
            typer.echo(text, nl=False)
            return
        write_atomic(output, text, encoding="utf-8-sig")
    else:
        assert output is not None
        write_atomic(output, responses_xlsx(model, cfg.lang, stage, rater.value, diagnostic))
    option = f" --stage {stage}" if stage else ""
    hint(message("cli.wrote_responses_template", cfg.lang, path=output, option=option))
