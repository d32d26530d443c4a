"""Faults from outside the program — a full disk, a closed stream, SIGTERM — as exit codes.

They are not bugs, so they never end as "internal error" (exit 1) with a traceback:
- a full disk (ENOSPC, EDQUOT, EFBIG) on any output, stdout included: exit 7, "disk full";
- stdout closed by the shell (`kam … >&-`): exit 7 when a command writes to it;
- stdin closed (`kam assess --answers - <&-`): exit 4;
- a reader that leaves a pipe early (`kam --help | head -3`): exit 0, nothing printed;
- SIGTERM: handled like Ctrl-C (partial outputs removed, drafts kept), exit 143.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import sys
from pathlib import Path
from types import FrameType
from typing import Any, NoReturn

from kamcli.errors import DISK_FULL, InputError, KamError, OutputError, msg


class Terminated(KeyboardInterrupt):
    """SIGTERM, raised where the program is, so every cleanup of Ctrl-C runs for it too."""


def _on_sigterm(_signum: int, _frame: FrameType | None) -> NoReturn:
    raise Terminated


def install_sigterm_handler() -> None:
    with contextlib.suppress(ValueError, OSError):  # not the main thread
        signal.signal(signal.SIGTERM, _on_sigterm)


def interrupt_exit_code(exc: KeyboardInterrupt) -> int:
    from kamcli.errors import ExitCode

    return ExitCode.TERMINATED if isinstance(exc, Terminated) else ExitCode.INTERRUPTED


def os_error_as_kam_error(exc: OSError) -> KamError | None:
    """The documented error for an OSError nobody caught nearer, or None (a real bug)."""
    where = exc.filename
    if exc.errno in DISK_FULL:
        reason = os.strerror(exc.errno or errno.ENOSPC)
        if not where:
            return OutputError(msg("errors_cli.disk_full_output", reason=reason))
        return OutputError(msg("errors_cli.disk_full", where=where, reason=reason))
    if exc.errno == errno.EROFS:
        if not where:
            return OutputError(msg("errors_cli.read_only_output"))
        return OutputError(msg("errors_cli.read_only", where=where))
    return None


class ClosedOutput:
    """Stands in for sys.stdout when the shell closed it (`>&-`): writing is an OutputError.

    Python sets sys.stdout to None then; every print would crash with AttributeError.
    """

    closed = False
    encoding = "utf-8"
    errors = "strict"

    def write(self, text: str) -> int:
        if not text:
            return 0
        raise OutputError(msg("errors_cli.stdout_closed"))

    def flush(self) -> None:
        return None

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard output is closed")

    def __getattr__(self, name: str) -> Any:
        raise AttributeError(name)


class ClosedInput:
    """Stands in for sys.stdin when the shell closed it (`<&-`): reading is an InputError."""

    closed = True
    encoding = "utf-8"

    def _fail(self, *_args: object) -> NoReturn:
        raise InputError(msg("errors_cli.stdin_closed"))

    read = readline = _fail

    @property
    def buffer(self) -> NoReturn:
        self._fail()

    def isatty(self) -> bool:
        return False

    def fileno(self) -> int:
        raise OSError(errno.EBADF, "standard input is closed")


def replace_closed_streams() -> None:
    """Give closed standard streams a stand-in, and keep fds 0-2 taken (by /dev/null) so a
    file opened later never becomes "stdout" by accident."""
    for fd in (0, 1, 2):
        try:
            os.fstat(fd)
        except OSError:
            with contextlib.suppress(OSError):
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != fd:
                    os.dup2(opened, fd)
                    os.close(opened)
    if sys.stdin is None:
        sys.stdin = ClosedInput()
    if sys.stdout is None:
        sys.stdout = ClosedOutput()
    if sys.stderr is None:
        sys.stderr = Path(os.devnull).open("w", encoding="utf-8")  # noqa: SIM115


def silence_stdout() -> None:
    """After a closed pipe, send stdout to /dev/null so the exit flush does not fail again."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())


def stdout_is_devnull() -> bool:
    with contextlib.suppress(OSError):
        out, null = os.fstat(1), Path(os.devnull).stat()
        return (out.st_dev, out.st_ino, out.st_rdev) == (null.st_dev, null.st_ino, null.st_rdev)
    return False


def left_by_closed_pipe(exc: SystemExit, devnull_at_start: bool) -> bool:
    """rich ends a print into a closed pipe with SystemExit(1) after pointing stdout at
    /dev/null (Console.on_broken_pipe); that is the reader leaving, not a failure."""
    return exc.code == 1 and not devnull_at_start and stdout_is_devnull()
