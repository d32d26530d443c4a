"""kam template …: files to fill in."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from kamcli.cli.common import settings, stderr_console
from kamcli.cli.model_cmd import check_stage

app = typer.Typer(
    help="Write files to fill in (answers, batch response sheets).", no_args_is_help=True
)


@app.command("answers")
def answers(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option("--stage", "-s", help="Pre-fill the stage.")] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to FILE instead of stdout.")
    ] = None,
) -> None:
    """Write a fill-in answers file (YAML: every item id with its text as a comment)."""
    from kamcli.io.templates import answers_template

    cfg = settings(ctx)
    model = cfg.model()
    check_stage(stage, model.stage_ids)
    text = answers_template(model, cfg.lang, stage, str(output) if output else "answers.yaml")
    if output is None:
        typer.echo(text, nl=False)
        return
    from kamcli.io.atomic import write_atomic

    write_atomic(output, text)
    stderr_console().print(
        f"Wrote {output}. Fill it in, then: kam assess --answers {output}", markup=False
    )
