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
    """A console that never breaks a path or a command line apart when not on a terminal.

    On a terminal rich wraps text at the window's width. In a pipe there is no window: tables
    get PIPE_WIDTH (or COLUMNS) and plain text is not wrapped at all (soft wrap), so a hint
    such as `kam assess --answers /a/long/path.yaml` stays on one line to copy or grep.
    """
    from rich.console import Console

    console = Console(stderr=stderr, highlight=False, width=width, emoji=False)
    if not console.is_terminal:
        console.soft_wrap = True
        if width is None and not os.environ.get("COLUMNS"):
            console.width = PIPE_WIDTH
    return console


def stdout_console(width: int | None = None) -> Console:
    return _console(stderr=False, width=width)


def stderr_console() -> Console:
    return _console(stderr=True, width=None)
