"""The global options (--lang, --model, --debug), accepted before the subcommand and after it.

Both places use the same Annotated definitions: the root callback declares them, and
KamCommand adds a copy to every leaf command (`kam assess --lang zh` = `kam --lang zh assess`).
Every Typer of kamcli is a KamTyper, so a new command gets them without copy-pasting.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand, TyperGroup

from kamcli.cli.common import Lang, settings

GLOBAL_PANEL = "Global options"

LangOption = Annotated[
    Lang | None,
    typer.Option(
        "--lang",
        envvar="KAM_LANG",
        help="Language of texts and reports (default: from the locale, zh for zh_*).",
        show_default=False,
    ),
]
ModelOption = Annotated[
    Path | None,
    typer.Option(
        "--model",
        envvar="KAM_MODEL",
        help="Competency model directory (default: the shipped model).",
        show_default=False,
    ),
]
DebugOption = Annotated[
    bool, typer.Option("--debug", help="Show tracebacks on errors.", show_default=False)
]


def _global_options(
    lang: LangOption = None,
    model: ModelOption = None,
    debug: DebugOption = False,
) -> None:
    """The signature every leaf command's copy of the global options is built from."""


GLOBAL_NAMES = ("lang", "model", "debug")


@functools.cache
def global_params() -> tuple[Any, ...]:
    """The global options as click parameters, built once by Typer from the signature above."""
    probe = typer.Typer(add_completion=False)
    probe.command()(_global_options)
    params: list[Any] = [p for p in typer.main.get_command(probe).params if p.name in GLOBAL_NAMES]
    for param in params:
        param.rich_help_panel = GLOBAL_PANEL
    return tuple(params)


def apply_global_options(ctx: typer.Context, values: dict[str, Any]) -> None:
    """Options given after the subcommand win over those before it (and over the env vars).

    Only values typed on the command line count here: the env vars and defaults were already
    applied by the root callback, and must not undo an explicit `kam --lang zh …`.
    """
    cfg = settings(ctx)
    for name, value in values.items():
        source = ctx.get_parameter_source(name)
        if source is None or source.name != "COMMANDLINE":
            continue
        if name == "lang":
            cfg.lang = Lang(value).value
            cfg.lang_given = True
        elif name == "model":
            cfg.model_path = value
            cfg.forget_model()
        elif name == "debug":
            cfg.debug = bool(value)


def _hide_flag_metavars(params: list[Any]) -> list[Any]:
    """A flag takes no value, so its help shows no `<bool>` (which invites `--debug true`)."""
    for param in params:
        if getattr(param, "is_flag", False) and param.metavar is None:
            param.metavar = ""
    return params


class KamCommand(TyperCommand):
    """A leaf command: its own options plus the global ones; flags shown without a metavar."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        taken = {opt for param in self.params for opt in param.opts}
        names = {param.name for param in self.params}
        for param in global_params():
            if taken.isdisjoint(param.opts) and param.name not in names:
                self.params.append(param)

    def get_params(self, ctx: Any) -> list[Any]:
        return _hide_flag_metavars(super().get_params(ctx))

    def invoke(self, ctx: Any) -> Any:
        values = {name: ctx.params.pop(name) for name in GLOBAL_NAMES if name in ctx.params}
        apply_global_options(ctx, values)
        if str(ctx.params.get("output")) == "-":  # `-o -` is standard output, not a file named -
            ctx.params["output"] = None
        return super().invoke(ctx)


class KamSubGroup(TyperGroup):
    """A command group (kam history, kam model …): flags shown without a metavar."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _hide_flag_metavars(super().get_params(ctx))


class KamTyper(typer.Typer):
    """A Typer whose commands are KamCommands, so each takes the global options."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("cls", KamSubGroup)
        super().__init__(**kwargs)

    def command(  # type: ignore[override]
        self, name: str | None = None, *, cls: type[TyperCommand] | None = None, **kwargs: Any
    ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        return super().command(name, cls=cls or KamCommand, **kwargs)


def examples(*lines: str) -> str:
    """An --help epilog listing example command lines (escaped: help text is rich markup)."""
    shown = "\n".join(f"  {line.replace('[', chr(92) + '[')}" for line in lines)
    # The leading newline keeps the indentation: help text is cleandoc'ed from line two on.
    return f"\nExamples:\n{shown}"
