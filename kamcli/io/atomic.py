"""Write files atomically: a temp file in the same directory, then rename over the target."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from kamcli.errors import Msg, OutputError, msg
from kamcli.io.tempfiles import new_temp_file


def writes_in_place(path: Path) -> bool:
    """True for an existing path that is not a regular file: /dev/null, a FIFO, /dev/stdout.

    Renaming a temp file over such a path would replace the device or pipe with a plain file
    (seen: `-o /dev/null` turning /dev/null into a file), so those are written directly.
    """
    try:
        mode = path.stat().st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode) and not stat.S_ISDIR(mode)


def write_atomic(path: Path, data: bytes | str, *, encoding: str = "utf-8") -> None:
    """A failed or interrupted write leaves no half file: the old file (or none) stays."""
    payload = data.encode(encoding) if isinstance(data, str) else data
    if writes_in_place(path):
        try:
            with path.open("wb") as out:
                out.write(payload)
        except OSError as exc:
            raise OutputError(_cannot_write(path, exc)) from None
        return
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise OutputError(msg("errors_io.cannot_write_no_folder", path=path, folder=folder))
    if path.is_dir():
        raise OutputError(msg("errors_io.cannot_write_folder", path=path))
    try:
        handle, temp_name = new_temp_file(folder, path.name)
    except OSError as exc:
        raise OutputError(_cannot_write(path, exc)) from None
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        temp = Path(temp_name)
        temp.chmod(0o644 & ~_umask())
        temp.replace(path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            Path(temp_name).unlink()
        if isinstance(exc, OSError):
            raise OutputError(_cannot_write(path, exc)) from None
        raise


def _cannot_write(path: Path, exc: OSError) -> Msg:
    return msg("errors_io.cannot_write", path=path, reason=exc.strerror or exc)


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
