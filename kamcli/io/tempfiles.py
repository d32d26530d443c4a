"""Temp files and folders next to an output, named so that leftovers can be found and removed.

Every output is written to a temp file (or folder, for --report-dir) beside its target and
renamed into place when complete. A run killed by SIGKILL or a power cut cannot clean up, so
the names carry the writing process's id: `.out.csv.kam1234-x8f2.tmp`. The next run that writes
into the same folder removes such leftovers whose process is gone. Leftovers of older kamcli
versions (`.out.csv.x8f2k1q3.tmp`, no process id) are removed once they are an hour old.
"""

from __future__ import annotations

import contextlib
import os
import re
import shutil
import tempfile
import time
from pathlib import Path

TEMP_SUFFIX = ".tmp"
STAGING_SUFFIX = ".partial"
OLD_STYLE_AGE = 3600.0  # seconds
_OURS = re.compile(r"^\..+\.kam(\d+)-[A-Za-z0-9_]+\.(?:tmp|partial)$")
_OLD_STYLE = re.compile(r"^\..+\.[A-Za-z0-9_]{8}\.tmp$")
_swept: set[str] = set()


def _prefix(name: str) -> str:
    return f".{name}.kam{os.getpid()}-"


def new_temp_file(folder: Path, name: str) -> tuple[int, str]:
    """mkstemp beside the target `folder/name` (0600); leftovers of dead runs go first."""
    sweep_stale(folder)
    return tempfile.mkstemp(prefix=_prefix(name), suffix=TEMP_SUFFIX, dir=folder)


def new_staging_dir(folder: Path, name: str) -> Path:
    """A folder beside the target folder `folder/name`, filled first, moved into place last."""
    sweep_stale(folder)
    return Path(tempfile.mkdtemp(prefix=_prefix(name), suffix=STAGING_SUFFIX, dir=folder))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # EPERM: a process of another user has that id
        return True
    return True


def sweep_stale(folder: Path) -> list[Path]:
    """Remove this folder's temp files and folders left by kamcli runs that have ended."""
    key = str(folder.resolve()) if str(folder) else str(Path.cwd())
    if key in _swept:
        return []
    _swept.add(key)
    removed: list[Path] = []
    try:
        entries = list(os.scandir(folder if str(folder) else "."))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        match = _OURS.match(entry.name)
        stale = False
        if match:
            stale = not _alive(int(match.group(1)))
        elif _OLD_STYLE.match(entry.name) and entry.is_file(follow_symlinks=False):
            with contextlib.suppress(OSError):
                stale = now - entry.stat(follow_symlinks=False).st_mtime > OLD_STYLE_AGE
        if not stale:
            continue
        path = Path(entry.path)
        with contextlib.suppress(OSError):
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(path)
            else:
                path.unlink()
            removed.append(path)
    return removed
