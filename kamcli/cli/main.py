"""The `kam` command: global options and the one error boundary."""

from __future__ import annotations

import contextlib
import sys
import traceback
from collections.abc import Iterator
from typing import Annotated, Any, NoReturn

import typer

from kamcli import __version__
from kamcli.cli.common import Settings, detect_lang
from kamcli.cli.faults import (
    Terminated,
    install_sigterm_handler,
    interrupt_exit_code,
    left_by_closed_pipe,
    os_error_as_kam_error,
    replace_closed_streams,
    silence_stdout,
    stdout_is_devnull,
)
from kamcli.cli.options import DebugOption, KamSubGroup, KamTyper, LangOption, ModelOption
from kamcli.errors import ExitCode, KamError, OutputError, msg


class KamGroup(KamSubGroup):
    """Turns KamErrors into one-paragraph messages and exit codes (docs/exit-codes.md)."""

    def invoke(self, ctx: Any) -> Any:
        with _error_boundary(ctx):
            return super().invoke(ctx)

    def make_context(self, *args: Any, **kwargs: Any) -> Any:
        """Parsing prints --help and --version: a closed pipe or full disk there too."""
        with _error_boundary(None):
            return super().make_context(*args, **kwargs)


@contextlib.contextmanager
def _error_boundary(ctx: Any) -> Iterator[None]:
    """Every failure as one message and its documented exit code (docs/exit-codes.md)."""
    try:
        yield
    except (typer.Exit, typer.Abort, typer.TyperException):
        raise
    except KamError as exc:
        _report(ctx, exc)
    except BrokenPipeError:
        silence_stdout()  # e.g. `kam … | head`: the reader left, nothing more to say
        raise typer.Exit(ExitCode.OK) from None
    except KeyboardInterrupt as exc:
        word = "terminated" if isinstance(exc, Terminated) else "interrupted"
        _echo_err(f"\nkam: {word}.")  # fixed tags, like "kam: error:", for logs and scripts
        raise typer.Exit(interrupt_exit_code(exc)) from None
    except OSError as exc:
        mapped = os_error_as_kam_error(exc)
        if mapped is None:
            _internal(ctx, exc)
        _report(ctx, mapped)
    except Exception as exc:
        _internal(ctx, exc)


def _lang(ctx: Any) -> str:
    """The run's language for an error message (English before the options were read)."""
    obj = None if ctx is None else ctx.find_root().obj
    return obj.lang if isinstance(obj, Settings) else "en"


def _report(ctx: Any, exc: KamError) -> NoReturn:
    if ctx is not None and _debug(ctx):
        traceback.print_exc()
    _echo_err(f"kam: error: {exc.render(_lang(ctx))}")
    raise typer.Exit(exc.exit_code) from None


def _internal(ctx: Any, exc: Exception) -> NoReturn:
    if ctx is not None and _debug(ctx):
        traceback.print_exc()
    _echo_err(f"kam: internal error: {type(exc).__name__}: {exc}\n{_bug_report_hint(ctx)}")
    raise typer.Exit(ExitCode.INTERNAL) from None


def _bug_report_hint(ctx: Any) -> str:
    """What to do about an internal error, in the run's language; English if even the
    catalogue cannot be read (a broken install must still say what happened)."""
    try:
        from kamcli.i18n import t

        return t("errors.bug_report", _lang(ctx))
    except Exception:  # the fallback is the point
        return (
            "This is a bug in kamcli. Run again with --debug to see the traceback, "
            "and please report it."
        )


def _echo_err(text: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        typer.echo(text, err=True)


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
    replace_closed_streams()
    install_sigterm_handler()
    devnull_at_start = stdout_is_devnull()
    try:
        try:
            app(prog_name="kam")
        finally:
            sys.stdout.flush()
    except BrokenPipeError:
        silence_stdout()
        sys.exit(ExitCode.OK)
    except KamError as exc:  # raised by the final flush (a closed stdout)
        _echo_err(f"kam: error: {exc.render()}")
        sys.exit(exc.exit_code)
    except OSError as exc:  # the final flush: output still buffered when the disk is full
        failed = msg("errors_cli.output_failed", reason=exc)
        mapped = os_error_as_kam_error(exc) or OutputError(failed)
        _echo_err(f"kam: error: {mapped.render()}")
        silence_stdout()
        sys.exit(mapped.exit_code)
    except SystemExit as exc:
        if left_by_closed_pipe(exc, devnull_at_start):
            sys.exit(ExitCode.OK)
        raise
    except KeyboardInterrupt as exc:  # pragma: no cover - raised outside a command
        sys.exit(interrupt_exit_code(exc))
