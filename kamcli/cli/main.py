"""The `kam` command: global options and the one error boundary."""

from __future__ import annotations

import os
import sys
import traceback
from typing import Annotated, Any

import typer

from kamcli import __version__
from kamcli.cli.common import Settings, detect_lang
from kamcli.cli.options import DebugOption, KamSubGroup, KamTyper, LangOption, ModelOption
from kamcli.errors import ExitCode, KamError


class KamGroup(KamSubGroup):
    """Turns KamErrors into one-paragraph messages and exit codes (docs/exit-codes.md)."""

    def invoke(self, ctx: Any) -> Any:
        try:
            return super().invoke(ctx)
        except (typer.Exit, typer.Abort, typer.TyperException):
            raise
        except KamError as exc:
            if _debug(ctx):
                traceback.print_exc()
            typer.echo(f"kam: error: {exc.render()}", err=True)
            raise typer.Exit(exc.exit_code) from None
        except BrokenPipeError:
            _silence_stdout()  # e.g. `kam … | head`: the reader left, nothing more to say
            raise typer.Exit(ExitCode.OK) from None
        except KeyboardInterrupt:
            typer.echo("\nkam: interrupted.", err=True)
            raise typer.Exit(ExitCode.INTERRUPTED) from None
        except Exception as exc:
            if _debug(ctx):
                traceback.print_exc()
            typer.echo(
                f"kam: internal error: {type(exc).__name__}: {exc}\n"
                "This is a bug in kamcli. Run again with --debug to see the traceback, "
                "and please report it.",
                err=True,
            )
            raise typer.Exit(ExitCode.INTERNAL) from None


def _silence_stdout() -> None:
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())


def _debug(ctx: Any) -> bool:
    obj = ctx.obj
    return bool(obj.debug) if isinstance(obj, Settings) else bool(ctx.params.get("debug"))


app = KamTyper(
    cls=KamGroup,
    name="kam",
    help="Key account manager competency assessment: questionnaire, gap reports, team batches.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"kam {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    lang: LangOption = None,
    model: ModelOption = None,
    debug: DebugOption = False,
    version: Annotated[  # noqa: ARG001 - acted on by its eager callback
        bool,
        typer.Option(
            "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
        ),
    ] = False,
) -> None:
    """Key account manager competency assessment: questionnaire, gap reports, team batches."""
    ctx.obj = Settings(
        lang=lang.value if lang else detect_lang(),
        model_path=model,
        debug=debug,
        lang_given=lang is not None,
    )


def _register() -> None:
    from kamcli.cli import (
        assess_cmd,
        batch_cmd,
        export_cmd,
        history_cmd,
        model_cmd,
        report_cmd,
        stages_cmd,
        stats_cmd,
        template_cmd,
    )

    assess_cmd.register(app)
    report_cmd.register(app)
    batch_cmd.register(app)
    stages_cmd.register(app)
    stats_cmd.register(app)
    app.add_typer(model_cmd.app, name="model")
    app.add_typer(history_cmd.app, name="history")
    app.add_typer(template_cmd.app, name="template")
    export_cmd.register(app)


_register()


def main() -> None:
    try:
        try:
            app(prog_name="kam")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        _silence_stdout()
        sys.exit(ExitCode.OK)
    except KeyboardInterrupt:  # pragma: no cover - raised outside a command
        sys.exit(ExitCode.INTERRUPTED)
