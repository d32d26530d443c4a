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

from kamcli.errors import OutputError

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
            known.setdefault(file_id, "standard input" if str(source) == "-" else str(source))
    seen: dict[FileId, str] = {}
    for option, path in outputs:
        if path is None:
            continue
        file_id = _file_id(path)
        if file_id is None:
            continue
        if file_id in known:
            raise OutputError(
                f"{option} {path} is the input file {known[file_id]}: writing there would "
                "destroy it. Choose another output file; nothing was read or written."
            )
        if file_id in seen:
            raise OutputError(
                f"{option} {path} is the same file as {seen[file_id]}: give each output "
                "its own file; nothing was read or written."
            )
        seen[file_id] = f"{option} {path}"


def refuse_existing(path: Path, *, force: bool) -> None:
    """`kam template … -o FILE`: a filled-in file is never replaced by a blank one."""
    if force or _file_id(path) is None:
        return
    raise OutputError(
        f"{path} already exists (it may hold answers already given); nothing was written. "
        "Choose another file name, or add --force to replace it."
    )


def not_readable_reason(path: Path) -> str:
    """Why `path` cannot be read as an input file, in words ("does not exist", …)."""
    try:
        info = path.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself"
        if exc.errno in (errno.EACCES, errno.EPERM):
            return "cannot be read (permission denied)"
        if path.is_symlink():
            return "is a symbolic link to a file that does not exist"
        return "does not exist"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory"
    if stat.S_ISFIFO(info.st_mode):
        return "is a named pipe (FIFO), not a file"
    if not stat.S_ISREG(info.st_mode):
        return "is a device or socket, not a file"
    return "cannot be read"
