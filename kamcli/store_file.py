"""The history file itself: its schema and migrations, where it lives, creating and opening
it safely (0600, WAL, busy timeout, never touching a foreign or newer file), and SQLite's
errors said in words. Store (store.py) reads and writes assessments through what this opens.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
import time
from collections.abc import Callable
from pathlib import Path

from kamcli.errors import StoreError, msg

DB_FILENAME = "history.db"
HOME_ENV = "KAM_HOME"
BUSY_TIMEOUT_MS = 5000

# One entry per schema version, applied in order; append new versions, never edit old ones.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    (  # v1
        """CREATE TABLE assessments (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            status TEXT NOT NULL CHECK (status IN ('draft', 'complete')),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            person TEXT,
            account TEXT,
            stage TEXT,
            lang TEXT NOT NULL,
            rater TEXT NOT NULL DEFAULT 'self',
            subject TEXT,
            model_id TEXT NOT NULL,
            model_version TEXT NOT NULL,
            model_hash TEXT NOT NULL,
            result_json TEXT,
            position INTEGER NOT NULL DEFAULT 0
        )""",
        "CREATE INDEX assessments_by_status ON assessments (status, id)",
        """CREATE TABLE answers (
            assessment_id INTEGER NOT NULL REFERENCES assessments (id) ON DELETE CASCADE,
            item_id TEXT NOT NULL,
            value INTEGER,
            seq INTEGER NOT NULL,
            answered_at TEXT NOT NULL,
            PRIMARY KEY (assessment_id, item_id)
        )""",
    ),
)
SCHEMA_VERSION = len(MIGRATIONS)


def default_path() -> Path:
    """$KAM_HOME/history.db, else the user's data folder."""
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / DB_FILENAME
    import platformdirs

    return Path(platformdirs.user_data_dir("kamcli")) / DB_FILENAME


def connect(path: Path) -> sqlite3.Connection:
    """The store at `path`, created if new, checked, in WAL mode and at the current schema."""
    prepare_file(path)
    try:
        conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc
    try:
        _open(path, conn)
    except BaseException:
        conn.close()
        raise
    return conn


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def prepare_file(path: Path) -> None:
    """Create the folder (0700) and an empty file (0600) ourselves, so SQLite never widens them."""
    try:
        try:
            path.parent.mkdir(parents=True, mode=0o700)
        except FileExistsError:
            pass
        else:
            path.parent.chmod(0o700)  # mkdir's mode is filtered by the umask
        if path.exists():
            mode = stat.S_IMODE(path.stat().st_mode)
            if mode & 0o077:
                with contextlib.suppress(OSError):  # not ours to change; SQLite will say more
                    path.chmod(mode & 0o600)  # only ever narrows: a read-only file stays so
        else:
            _create_initialised(path)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise StoreError(
            msg("errors_store.cannot_create", path=path, reason=reason, env=HOME_ENV)
        ) from exc


def _create_initialised(path: Path) -> None:
    """A new store appears complete or not at all, however many first runs race for it.

    The schema is created in a temp file (0600) beside it, which is then hard-linked into
    place: linking fails if another process was first, and its store is used. Where hard
    links are not supported an empty file is created instead and the schema is added under
    SQLite's write lock (_migrate).
    """
    from kamcli.io.tempfiles import new_temp_file

    handle, temp_name = new_temp_file(path.parent, path.name)
    os.close(handle)
    temp = Path(temp_name)
    try:
        conn = sqlite3.connect(temp, isolation_level=None)
        try:
            conn.execute("BEGIN IMMEDIATE")
            for statements in MIGRATIONS:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            conn.execute("COMMIT")
        finally:
            conn.close()
        try:
            os.link(temp, path)
        except FileExistsError:
            pass  # another first run won the race: its store is complete
        except OSError:  # no hard links here (some network or FAT file systems)
            with contextlib.suppress(FileExistsError):
                os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except sqlite3.Error as exc:
        raise StoreError(
            msg("errors_store.cannot_create_sqlite", path=path, reason=str(exc), env=HOME_ENV)
        ) from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def while_busy(action: Callable[[], object]) -> None:
    """Retry `action` while another process holds the lock.

    Two processes opening a brand-new store race to switch it to WAL and create the schema;
    SQLite answers such lock upgrades with SQLITE_BUSY at once, without the busy handler.
    """
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            action()
            return
        except sqlite3.OperationalError as exc:
            busy = "locked" in str(exc) or "busy" in str(exc)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


def _open(path: Path, conn: sqlite3.Connection) -> None:
    """Check what the file is before writing anything, then bring it to WAL and the schema."""
    conn.row_factory = sqlite3.Row
    try:
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        # Read before anything writes, so a foreign or corrupt file is never modified;
        # both in one snapshot, so a schema another process commits in between is seen
        # whole or not at all.
        conn.execute("BEGIN")
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
            tables = conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        finally:
            conn.execute("COMMIT")
        refuse_newer(path, version)
        if version == 0 and tables:
            raise StoreError(msg("errors_store.foreign_database", path=path, env=HOME_ENV))
        conn.execute("PRAGMA foreign_keys = ON")
        conn.create_function("kam_casefold", 1, _casefold, deterministic=True)
        try:
            while_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
        except sqlite3.OperationalError as exc:
            if not is_read_only(exc):
                raise  # a read-only store can still be listed; writes will say why not
        if version < SCHEMA_VERSION:
            while_busy(lambda: _migrate(path, conn))
    except sqlite3.Error as exc:
        raise translate(path, exc) from exc


def _migrate(path: Path, conn: sqlite3.Connection) -> None:
    """Create or upgrade the schema in one IMMEDIATE transaction."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        current = int(conn.execute("PRAGMA user_version").fetchone()[0])
        refuse_newer(path, current)  # another process may have migrated meanwhile
        for statements in MIGRATIONS[current:]:
            for statement in statements:
                conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def refuse_newer(path: Path, version: int) -> None:
    if version > SCHEMA_VERSION:
        raise StoreError(
            msg("errors_store.newer_schema", path=path, version=version, known=SCHEMA_VERSION)
        )


def is_read_only(exc: sqlite3.Error) -> bool:
    name = getattr(exc, "sqlite_errorname", "")
    return name.startswith("SQLITE_READONLY") or "readonly" in str(exc)


def translate(path: Path, exc: sqlite3.Error) -> StoreError:
    """An SQLite failure as the StoreError that says what to do."""
    name = getattr(exc, "sqlite_errorname", "")
    if is_read_only(exc):
        return StoreError(msg("errors_store.read_only", path=path, env=HOME_ENV))
    if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
        return StoreError(msg("errors_store.locked", path=path, seconds=BUSY_TIMEOUT_MS // 1000))
    if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
        return StoreError(msg("errors_store.corrupt", path=path, env=HOME_ENV))
    if name.startswith("SQLITE_CANTOPEN"):
        return StoreError(msg("errors_store.cannot_open", path=path, env=HOME_ENV))
    return StoreError(msg("errors_store.unusable", path=path, reason=str(exc)))
