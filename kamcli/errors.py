"""One exception hierarchy; the CLI's error boundary turns these into messages and exit codes.

Exit codes are documented in docs/exit-codes.md; a test keeps the two in step.
"""

from __future__ import annotations

import errno
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

# OSError numbers that mean "the disk is full" (exit 7, docs/security.md)
DISK_FULL = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)


class ExitCode:
    OK = 0
    INTERNAL = 1
    USAGE = 2
    MODEL = 3
    INPUT = 4
    NOT_FOUND = 5
    STORE = 6
    OUTPUT = 7
    MISSING_FEATURE = 8
    ROWS_REJECTED = 10
    NOTHING_READ = 11
    LINT_WARNINGS = 12
    INTERRUPTED = 130
    TERMINATED = 143  # SIGTERM (128 + 15)


class Msg(str):
    """A message from the string catalogue (kamcli/locales): English as a str, so code and
    tests that read `.message` see the text; `in_lang` gives it in the run's language."""

    key: str
    fields: dict[str, object]

    def __new__(cls, key: str, **fields: object) -> Msg:
        template = _english()[key]  # t(key, "en", **fields) without its calls: built per row
        text = super().__new__(cls, template.format(**fields) if fields else template)
        text.key, text.fields = key, fields
        return text

    def in_lang(self, lang: str) -> str:
        """The text in `lang`; a field that is itself a Msg or a Problem (a reason inside a
        sentence) is put in `lang` too."""
        if lang == "en":  # the text itself (a kam batch may render 1M rejected rows)
            return str(self)
        fields = {name: _field_in_lang(value, lang) for name, value in self.fields.items()}
        return _lookup()(self.key, lang, **fields)


@functools.cache
def _lookup() -> Callable[..., str]:
    """kamcli.i18n.t, imported on first use (`kam --version` loads no catalogue) and then
    kept: a kam batch may build a message for each of a million rejected rows."""
    from kamcli.i18n import t

    return t


@functools.cache
def _english() -> dict[str, str]:
    """The English catalogue (kamcli.i18n.catalogue("en")), loaded on first use."""
    from kamcli.i18n import FALLBACK, catalogue

    return catalogue(FALLBACK)


def msg(key: str, **fields: object) -> Msg:
    """An error or problem text by catalogue key, e.g. msg("errors.no_such_file", path=p)."""
    return Msg(key, **fields)


def in_lang(text: str, lang: str) -> str:
    """A message in `lang` when it came from the catalogue; any other text as it is."""
    return text.in_lang(lang) if isinstance(text, Msg) else text


class MsgList(Msg):
    """Catalogue messages joined by a catalogue separator (e.g. "; " / "；"), each part and the
    separator in the run's language: a field for an outer msg listing several problems."""

    parts: tuple[str, ...]

    def __new__(cls, separator_key: str, parts: Sequence[str]) -> MsgList:
        text = str.__new__(cls, _lookup()(separator_key, "en").join(parts))
        text.key, text.fields, text.parts = separator_key, {}, tuple(parts)
        return text

    def in_lang(self, lang: str) -> str:
        if lang == "en":
            return str(self)
        return _lookup()(self.key, lang).join(in_lang(part, lang) for part in self.parts)


def _field_in_lang(value: object, lang: str) -> object:
    if isinstance(value, Msg):
        return value.in_lang(lang)
    if isinstance(value, Problem):
        return value.render(lang)
    return value


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is and what was expected."""

    file: str
    message: Msg
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        return self.render("en")

    def render(self, lang: str) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {in_lang(self.message, lang)}"


class KamError(Exception):
    """Base of every error the user can fix; carries its exit code.

    Its message (and a Problem's) is typed `Msg`, so mypy refuses an inline English text: every
    error can be shown in the run's language."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: Msg, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def render(self, lang: str = "en") -> str:
        """The message and every problem, in `lang` where they came from the catalogue."""
        lines = [in_lang(self.message, lang)]
        lines.extend(f"  - {p.render(lang)}" for p in self.problems)
        return "\n".join(lines)


class UsageError(KamError):
    exit_code = ExitCode.USAGE


class ModelError(KamError):
    """The competency model is missing or invalid."""

    exit_code = ExitCode.MODEL


class InputError(KamError):
    """An answers or batch file (or typed input) is unreadable or invalid."""

    exit_code = ExitCode.INPUT


class NotFoundError(KamError):
    exit_code = ExitCode.NOT_FOUND


class StoreError(KamError):
    """The history store cannot be used (corrupt, newer schema, read-only, locked)."""

    exit_code = ExitCode.STORE


class OutputError(KamError):
    exit_code = ExitCode.OUTPUT


class MissingFeatureError(KamError):
    """An optional extra or a system resource (e.g. a CJK font) is not installed."""

    exit_code = ExitCode.MISSING_FEATURE


class RowsRejectedError(KamError):
    exit_code = ExitCode.ROWS_REJECTED


class NothingReadError(KamError):
    exit_code = ExitCode.NOTHING_READ


class Interrupted(KamError):
    exit_code = ExitCode.INTERRUPTED
