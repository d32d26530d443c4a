"""What every command shares: global settings, language choice, consoles, output files."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from rich.console import Console

    from kamcli.model import CompetencyModel


class Lang(StrEnum):
    zh = "zh"
    en = "en"


def detect_lang(environ: dict[str, str] | None = None) -> str:
    """zh for a Chinese locale (zh_CN.UTF-8, zh_TW …), else en."""
    env = os.environ if environ is None else environ
    for var in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = env.get(var, "")
        if value:
            return "zh" if value.lower().startswith("zh") else "en"
    return "en"


@dataclass
class Settings:
    lang: str
    model_path: Path | None
    debug: bool
    # --lang or KAM_LANG was given (not guessed from the locale): a default may then yield to it
    lang_given: bool = False
    _model: CompetencyModel | None = field(default=None, repr=False)

    def model(self) -> CompetencyModel:
        """Loaded on first use, so commands that do not need it stay fast."""
        if self._model is None:
            from kamcli.model import load_model

            self._model = load_model(self.model_path)
        return self._model

    def forget_model(self) -> None:
        """--model given after the subcommand: load that one instead."""
        self._model = None


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Settings):  # a command invoked without the root callback (tests)
        obj = Settings(lang=detect_lang(), model_path=None, debug=False)
        root.obj = obj
    return obj


# Output to a pipe or file is laid out this wide (rich would use 80), unless COLUMNS says.
PIPE_WIDTH = 160


def _console(*, stderr: bool, width: int | None) -> Console:
    """On a terminal, the window's width; in a pipe or file COLUMNS, else PIPE_WIDTH.

    rich would lay out pipe output at 80 columns, folding table cells that fit a window.
    """
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, width=width, emoji=False)
    if width is None and not console.is_terminal and not os.environ.get("COLUMNS"):
        console.width = PIPE_WIDTH
    return sanitised(console)


def sanitised(console: Console) -> Console:
    """Everything printed through `console` passes terminal_safe (docs/security.md)."""
    from kamcli.render.safe_console import SanitiseHook

    console.push_render_hook(SanitiseHook())
    return console


def stdout_console(width: int | None = None) -> Console:
    return _console(stderr=False, width=width)


def stderr_console() -> Console:
    return _console(stderr=True, width=None)


def summary_console(rows_to_file: bool) -> Console:
    """Where batch summaries print: stdout when the rows go to a file (-o), else stderr, so
    they never mix with rows on stdout."""
    return stdout_console() if rows_to_file else stderr_console()


def message(key: str, lang: str, **values: object) -> str:
    """A hint or note of the cli from the string catalogue (namespace `cli`, kamcli/locales)
    in `lang`, the run's language (`settings(ctx).lang`, from --lang or the locale); i18n (and
    yaml) is imported only when a command has something to say."""
    from kamcli.i18n import t

    return t(key, lang, **values)


def reason_of(exc: BaseException) -> str:
    """The text of a wrapped error as it was raised: a catalogue Msg keeps its key, so the
    outer message can show it in the run's language (str(exc) would be English only)."""
    if len(exc.args) == 1 and isinstance(exc.args[0], str):
        return exc.args[0]
    return str(exc)


def hint(text: str, *, err: bool = True) -> None:
    """A message naming a path or a command to run: never wrapped, so it is copied whole.

    A terminal folds a long line on screen without breaking it; rich would insert newlines.
    Control characters in a file name are shown as � (terminal_safe), like every output.
    """
    from kamcli.render.labels import terminal_safe

    typer.echo(terminal_safe(text), err=err)
