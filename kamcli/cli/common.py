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


def settings(ctx: typer.Context) -> Settings:
    root = ctx.find_root()
    obj = root.obj
    if not isinstance(obj, Settings):  # a command invoked without the root callback (tests)
        obj = Settings(lang=detect_lang(), model_path=None, debug=False)
        root.obj = obj
    return obj


def stdout_console(width: int | None = None) -> Console:
    from rich.console import Console

    return sanitised(Console(highlight=False, width=width, emoji=False))


def stderr_console() -> Console:
    from rich.console import Console

    return sanitised(Console(stderr=True, highlight=False, emoji=False))


def sanitised(console: Console) -> Console:
    """Everything printed through `console` passes terminal_safe (docs/security.md)."""
    from kamcli.render.safe_console import SanitiseHook

    console.push_render_hook(SanitiseHook())
    return console
