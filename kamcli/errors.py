"""One exception hierarchy; the CLI's error boundary turns these into messages and exit codes.

Exit codes are documented in docs/exit-codes.md; a test keeps the two in step.
"""

from __future__ import annotations

import errno
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


@dataclass(frozen=True)
class Problem:
    """One thing wrong in a file: where it is and what was expected."""

    file: str
    message: str
    line: int | None = None
    key: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
        key = f" [{self.key}]" if self.key else ""
        return f"{where}{key}: {self.message}"


class KamError(Exception):
    """Base of every error the user can fix; carries its exit code."""

    exit_code = ExitCode.INTERNAL

    def __init__(self, message: str, problems: list[Problem] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.problems: list[Problem] = list(problems or [])

    def render(self) -> str:
        lines = [self.message]
        lines.extend(f"  - {p}" for p in self.problems)
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
