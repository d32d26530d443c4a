"""Path checks made before anything is read or written: an output that is an input, an
existing file a template would replace, and why an input path cannot be read.

`kam batch in.csv -o in.csv` would otherwise read the file while its replacement is being
written, then rename the replacement over it: the input is lost. Paths are compared by
device and inode, so `./in.csv`, an absolute path, a symlink and a hard link all count as
the same file. Devices and pipes (/dev/null, /dev/stdout) are never refused.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
import sys
from collections.abc import Iterable
from pathlib import Path

from kamcli.errors import Msg, OutputError, msg

FileId = tuple[int, int]


def _file_id(path: str | Path) -> FileId | None:
    try:
        info = Path(path).stat()
    except (OSError, ValueError):
        return None
    return (info.st_dev, info.st_ino) if stat.S_ISREG(info.st_mode) else None


def _stdin_id() -> FileId | None:
    """stdin redirected from a regular file (`kam batch - -o in.csv < in.csv`)."""
    with contextlib.suppress(OSError, ValueError, AttributeError):
        info = os.fstat(sys.stdin.fileno())
        if stat.S_ISREG(info.st_mode):
            return (info.st_dev, info.st_ino)
    return None


def refuse_output_over_input(
    outputs: Iterable[tuple[str, Path | None]], inputs: Iterable[str | Path]
) -> None:
    """OutputError (exit 7) when an output (`option`, path) resolves to an input file."""
    known: dict[FileId, str] = {}
    for source in inputs:
        file_id = _stdin_id() if str(source) == "-" else _file_id(source)
        if file_id is not None:
            stdin = str(source) == "-"
            known.setdefault(file_id, msg("errors_io.standard_input") if stdin else str(source))
    seen: dict[FileId, str] = {}
    for option, path in outputs:
        if path is None:
            continue
        file_id = _file_id(path)
        if file_id is None:
            continue
        if file_id in known:
            raise OutputError(
                msg("errors_io.output_is_input", option=option, path=path, input=known[file_id])
            )
        if file_id in seen:
            raise OutputError(
                msg("errors_io.output_twice", option=option, path=path, other=seen[file_id])
            )
        seen[file_id] = f"{option} {path}"


def refuse_existing(path: Path, *, force: bool) -> None:
    """`kam template … -o FILE`: a filled-in file is never replaced by a blank one."""
    if force or _file_id(path) is None:
        return
    raise OutputError(msg("errors_io.output_exists", path=path))


MISSING = "errors_io.reason_missing"
PIPE = "errors_io.reason_fifo"


def not_readable_reason(path: Path) -> Msg:
    """Why `path` cannot be read as an input file, in words ("does not exist", …); its
    `.key` is MISSING or PIPE for the callers that treat those apart."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return msg("errors_io.reason_loop")
        if exc.errno in (errno.EACCES, errno.EPERM):
            return msg("errors_io.reason_denied")
        if path.is_symlink():
            return msg("errors_io.reason_dangling")
        return msg(MISSING)
    if stat.S_ISDIR(info.st_mode):
        return msg("errors_io.reason_directory")
    if stat.S_ISFIFO(info.st_mode):
        return msg(PIPE)
    if not stat.S_ISREG(info.st_mode):
        return msg("errors_io.reason_device")
    return msg("errors_io.reason_unreadable")
