"""kam model show | validate | init"""

from __future__ import annotations

import shutil
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from kamcli.cli.common import hint, message, settings, stdout_console
from kamcli.cli.options import KamTyper, examples
from kamcli.errors import ExitCode, KamError, OutputError, UsageError, msg

app = KamTyper(help="Inspect, validate and copy competency models.", no_args_is_help=True)


class ShowFormat(StrEnum):
    table = "table"
    json = "json"
    yaml = "yaml"


def check_stage(stage: str | None, stage_ids: list[str]) -> None:
    if stage is not None and stage not in stage_ids:
        raise UsageError(msg("errors_cli.unknown_stage", stage=stage, stages=", ".join(stage_ids)))


@app.command("show", epilog=examples("kam model show", "kam model show --stage mid --format json"))
def show(
    ctx: typer.Context,
    stage: Annotated[str | None, typer.Option("--stage", "-s", help="Only this stage.")] = None,
    fmt: Annotated[ShowFormat, typer.Option("--format", "-f", help="Output format.")] = (
        ShowFormat.table
    ),
) -> None:
    """Show the competency model: competencies and each stage's target profile."""
    from kamcli.render.model_view import model_data, profile_table

    cfg = settings(ctx)
    model = cfg.model()
    check_stage(stage, model.stage_ids)
    if fmt is ShowFormat.table:
        stdout_console().print(profile_table(model, cfg.lang, stage))
        return
    data = model_data(model, stage)
    if fmt is ShowFormat.json:
        from kamcli.render.labels import json_dumps

        typer.echo(json_dumps(data))
    else:
        import yaml

        typer.echo(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), nl=False)


@app.command(
    "validate",
    epilog=examples("kam model validate my-model", "kam model validate a/ b/model.yaml"),
)
def validate(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="Model directories (or model.yaml files).")],
) -> None:
    """Check models and list every problem; exit 0 when all are valid, 3 otherwise."""
    from kamcli.model import check_model

    lang = settings(ctx).lang
    failed = False
    for path in paths:
        try:
            model, problems = check_model(path)
        except KamError as exc:
            model, problems = None, []
            typer.echo(f"✖ {path}: {exc.render(lang)}", err=True)
            failed = True
            continue
        if model is None or problems:
            failed = True
            count = len(problems)
            typer.echo(message("cli.model_problems", lang, path=path, count=count), err=True)
            for problem in problems:
                typer.echo(f"  - {problem.render(lang)}", err=True)
            continue
        items = sum(len(c.items) for c in model.competencies)
        typer.echo(
            message(
                "cli.model_valid",
                lang,
                path=path,
                id=model.id,
                version=model.version,
                hash=model.content_hash,
                competencies=len(model.competencies),
                items=items,
                stages=len(model.stages),
            )
        )
    if failed:
        raise typer.Exit(ExitCode.MODEL)


@app.command(
    "lint",
    epilog=examples("kam model lint", "kam model lint my-model"),
)
def lint(
    ctx: typer.Context,
    paths: Annotated[
        list[Path] | None,
        typer.Argument(help="Model directories (default: the model in use).", show_default=False),
    ] = None,
) -> None:
    """Check item wording, keying, Chinese punctuation and the diagnostic; exit 12 on warnings.

    Warnings go to stdout, one per line (file, key, rule, what to do). Exit 0 when clean, 12
    when any model has warnings, 3 when a model is invalid (run `kam model validate`).
    """
    from kamcli.model import load_model
    from kamcli.model.lint import lint_model

    lang = settings(ctx).lang
    warned = False
    targets: list[Path | None] = list(paths) if paths else [None]
    for path in targets:
        model = load_model(path) if path is not None else settings(ctx).model()
        name = str(path) if path is not None else message("cli.model_in_use", lang)
        warnings = lint_model(model)
        for warning in warnings:
            typer.echo(f"{name}: {warning}")
        verdict = (
            message("cli.no_warnings", lang)
            if not warnings
            else message("cli.warnings", lang, count=len(warnings))
        )
        typer.echo(f"{'✔' if not warnings else '▲'} {name}: {verdict}", err=True)
        warned = warned or bool(warnings)
    if warned:
        raise typer.Exit(ExitCode.LINT_WARNINGS)


@app.command(
    "init",
    epilog=examples("kam model init my-model", "kam --model my-model stages"),
)
def init(
    ctx: typer.Context,
    directory: Annotated[
        Path, typer.Argument(help="Where to write the copy (must not exist or be empty).")
    ],
) -> None:
    """Write a copy of the default model to DIR, for a trainer to customise."""
    from kamcli.model import default_model_dir

    if directory.exists() and (not directory.is_dir() or any(directory.iterdir())):
        raise OutputError(msg("errors_cli.init_not_empty", directory=directory))
    source = default_model_dir()
    try:
        shutil.copytree(
            source,
            directory,
            dirs_exist_ok=True,
            ignore=shutil.ignore_patterns("__pycache__", "*.py*"),
        )
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise OutputError(
            msg("errors_cli.init_cannot_write", directory=directory, reason=reason)
        ) from None
    hint(message("cli.wrote_model_copy", settings(ctx).lang, path=directory), err=False)
