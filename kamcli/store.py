"""The history store: assessments and their answers in one SQLite file per user.

Answers are committed one at a time so an interrupted questionnaire can be resumed, and every
write takes its own short IMMEDIATE transaction so several kamcli processes can share the file.
Only commands that need history import this module, which keeps sqlite3 off the start-up path.
"""

from __future__ import annotations

import contextlib
import enum
import json
import os
import sqlite3
import stat
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeAlias

from kamcli.errors import NotFoundError, StoreError

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

_DRAFT_FIELDS = ("person", "account", "stage")
_MODEL_FIELDS = ("model_id", "model_version", "model_hash")
_RECORD_COLUMNS = (*_DRAFT_FIELDS, "lang", "rater", "subject", *_MODEL_FIELDS)


class _Keep(enum.Enum):
    """Marks an update_draft argument that was not given, since None is a real value."""

    KEEP = enum.auto()


KEEP = _Keep.KEEP
_PLAIN_FIELDS = ("id", "status", "created_at", "updated_at", *_RECORD_COLUMNS, "position")


@dataclass(frozen=True)
class AssessmentRecord:
    """One stored assessment, a draft being answered or a complete, scored one."""

    id: int
    status: str  # "draft" | "complete"
    created_at: str
    updated_at: str
    person: str | None
    account: str | None
    stage: str | None
    lang: str
    rater: str
    subject: str | None
    model_id: str
    model_version: str
    model_hash: str
    answers: dict[str, int | None]
    result: dict[str, Any] | None
    position: int

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready copy, for export."""
        return asdict(self)


RecordList: TypeAlias = list[AssessmentRecord]  # Store.list shadows the builtin in its class


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _casefold(value: str | None) -> str | None:
    return value.casefold() if isinstance(value, str) else value


def _prepare_file(path: Path) -> None:
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
        raise StoreError(
            f"Cannot create the history store {path}: {exc.strerror or exc}. "
            f"Make the folder writable, or set {HOME_ENV} to a writable folder."
        ) from exc


def _create_initialised(path: Path) -> None:
    """A new store appears complete or not at all, however many first runs race for it.

    The schema is created in a temp file (0600) beside it, which is then hard-linked into
    place: linking fails if another process was first, and its store is used. Where hard
    links are not supported an empty file is created instead and the schema is added under
    SQLite's write lock (Store._migrate).
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
        raise OSError(f"cannot create a new SQLite file ({exc})") from None
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()


def _while_busy(action: Callable[[], object]) -> None:
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


class Store:
    """Assessment history in SQLite; every failure surfaces as StoreError or NotFoundError."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        _prepare_file(self.path)
        try:
            conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc
        self._conn = conn
        try:
            self._open()
        except BaseException:
            conn.close()
            raise

    @staticmethod
    def default_path() -> Path:
        home = os.environ.get(HOME_ENV)
        if home:
            return Path(home).expanduser() / DB_FILENAME
        import platformdirs

        return Path(platformdirs.user_data_dir("kamcli")) / DB_FILENAME

    @classmethod
    def open_default(cls) -> Store:
        return cls(cls.default_path())

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- opening and errors -------------------------------------------------------------------

    def _open(self) -> None:
        conn = self._conn
        conn.row_factory = sqlite3.Row
        with self._errors():
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
            self._refuse_newer(version)
            if version == 0 and tables:
                raise StoreError(
                    f"{self.path} is an SQLite database but not a kamcli history store; "
                    f"it was left untouched. {self._afresh_hint()}"
                )
            conn.execute("PRAGMA foreign_keys = ON")
            conn.create_function("kam_casefold", 1, _casefold, deterministic=True)
            try:
                _while_busy(lambda: conn.execute("PRAGMA journal_mode = WAL"))
            except sqlite3.OperationalError as exc:
                if not self._is_read_only(exc):
                    raise  # a read-only store can still be listed; writes will say why not
            if version < SCHEMA_VERSION:
                _while_busy(self._migrate)

    def _migrate(self) -> None:
        """Create or upgrade the schema in one IMMEDIATE transaction."""
        conn = self._conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            self._refuse_newer(current)  # another process may have migrated meanwhile
            for statements in MIGRATIONS[current:]:
                for statement in statements:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    def _refuse_newer(self, version: int) -> None:
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"The history store {self.path} was written by a newer kamcli "
                f"(schema v{version}, this version knows up to v{SCHEMA_VERSION}); "
                "upgrade kamcli to use it. The file was left untouched."
            )

    def _afresh_hint(self) -> str:
        return (
            f"To start afresh, move {self.path} away, or set {HOME_ENV} to another folder; "
            "kamcli never overwrites or deletes it."
        )

    @staticmethod
    def _is_read_only(exc: sqlite3.Error) -> bool:
        name = getattr(exc, "sqlite_errorname", "")
        return name.startswith("SQLITE_READONLY") or "readonly" in str(exc)

    def _translate(self, exc: sqlite3.Error) -> StoreError:
        name = getattr(exc, "sqlite_errorname", "")
        if self._is_read_only(exc):
            return StoreError(
                f"Cannot write to the history store {self.path}: the file or its folder is "
                f"read-only. Make both writable, or set {HOME_ENV} to a writable folder."
            )
        if name.startswith(("SQLITE_BUSY", "SQLITE_LOCKED")):
            return StoreError(
                f"The history store {self.path} stayed locked by another kamcli process for "
                f"{BUSY_TIMEOUT_MS // 1000} seconds; try again when it has finished."
            )
        if name.startswith(("SQLITE_NOTADB", "SQLITE_CORRUPT")):
            return StoreError(
                f"{self.path} is not a readable kamcli history store (not SQLite, or corrupt); "
                f"it was left untouched. {self._afresh_hint()}"
            )
        if name.startswith("SQLITE_CANTOPEN"):
            return StoreError(
                f"Cannot open the history store {self.path}: check that it and its folder "
                f"exist and are readable and writable, or set {HOME_ENV} to another folder."
            )
        return StoreError(f"The history store {self.path} could not be used: {exc}.")

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise self._translate(exc) from exc

    @contextlib.contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One IMMEDIATE transaction: takes the write lock up front, so no deadlock on upgrade."""
        with self._errors():
            conn = self._conn
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")

    @contextlib.contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        """One snapshot, so an assessment and its answers are read consistently."""
        with self._errors():
            conn = self._conn
            conn.execute("BEGIN")
            try:
                yield conn
            finally:
                if conn.in_transaction:
                    conn.execute("COMMIT")

    def _not_found(self, assessment_id: int) -> NotFoundError:
        return NotFoundError(f"No assessment with id {assessment_id} in {self.path}.")

    def _require_draft(self, conn: sqlite3.Connection, assessment_id: int) -> None:
        row = conn.execute("SELECT status FROM assessments WHERE id = ?", (assessment_id,))
        found = row.fetchone()
        if found is None:
            raise self._not_found(assessment_id)
        if found["status"] != "draft":
            raise StoreError(
                f"Assessment {assessment_id} in {self.path} is already complete; "
                "completed assessments are not changed."
            )

    # -- writing ------------------------------------------------------------------------------

    def _insert(
        self,
        conn: sqlite3.Connection,
        status: str,
        columns: dict[str, Any],
        answers: dict[str, int | None],
        result: dict[str, Any] | None,
    ) -> int:
        columns = {"rater": "self", "subject": None, **columns}
        if set(columns) != set(_RECORD_COLUMNS):
            raise TypeError(f"assessment fields must be {_RECORD_COLUMNS}, got {tuple(columns)}")
        now = _now()
        values = {
            **columns,
            "status": status,
            "created_at": now,
            "updated_at": now,
            "result_json": None if result is None else json.dumps(result, ensure_ascii=False),
            "position": len(answers),
        }
        placeholders = ", ".join("?" for _ in values)
        cursor = conn.execute(
            f"INSERT INTO assessments ({', '.join(values)}) VALUES ({placeholders})",
            tuple(values.values()),
        )
        new_id = cursor.lastrowid
        assert new_id is not None
        conn.executemany(
            "INSERT INTO answers (assessment_id, item_id, value, seq, answered_at)"
            " VALUES (?, ?, ?, ?, ?)",
            [(new_id, item, value, seq, now) for seq, (item, value) in enumerate(answers.items())],
        )
        return new_id

    def create_draft(
        self,
        *,
        person: str | None,
        account: str | None,
        stage: str | None,
        lang: str,
        model_id: str,
        model_version: str,
        model_hash: str,
        rater: str = "self",
        subject: str | None = None,
    ) -> int:
        columns = dict(locals())  # the keyword arguments are exactly the columns
        del columns["self"]
        with self._write() as conn:
            return self._insert(conn, "draft", columns, answers={}, result=None)

    def update_draft(
        self,
        assessment_id: int,
        *,
        person: str | _Keep | None = KEEP,
        account: str | _Keep | None = KEEP,
        stage: str | _Keep | None = KEEP,
        position: int | None = None,
    ) -> None:
        """Change only the fields given; the rest keep their stored values."""
        changes: dict[str, object] = {
            name: value
            for name, value in zip(_DRAFT_FIELDS, (person, account, stage), strict=True)
            if value is not KEEP
        }
        if position is not None:
            changes["position"] = position
        changes["updated_at"] = _now()
        assignments = ", ".join(f"{name} = ?" for name in changes)  # names are ours, not input
        with self._write() as conn:
            self._require_draft(conn, assessment_id)
            conn.execute(
                f"UPDATE assessments SET {assignments} WHERE id = ?",
                (*changes.values(), assessment_id),
            )

    def save_answer(
        self, assessment_id: int, item_id: str, value: int | None, position: int | None = None
    ) -> None:
        """Insert or change one answer (None = skipped); a changed answer keeps its place."""
        now = _now()
        with self._write() as conn:
            self._require_draft(conn, assessment_id)
            conn.execute(
                "INSERT INTO answers (assessment_id, item_id, value, seq, answered_at)"
                " VALUES (?, ?, ?,"
                " (SELECT coalesce(max(seq), -1) + 1 FROM answers WHERE assessment_id = ?), ?)"
                " ON CONFLICT (assessment_id, item_id)"
                " DO UPDATE SET value = excluded.value, answered_at = excluded.answered_at",
                (assessment_id, item_id, value, assessment_id, now),
            )
            conn.execute(
                "UPDATE assessments SET updated_at = ?, position = coalesce(?, position)"
                " WHERE id = ?",
                (now, position, assessment_id),
            )

    def forget_answer(self, assessment_id: int, item_id: str) -> None:
        with self._write() as conn:
            self._require_draft(conn, assessment_id)
            conn.execute(
                "DELETE FROM answers WHERE assessment_id = ? AND item_id = ?",
                (assessment_id, item_id),
            )
            conn.execute(
                "UPDATE assessments SET updated_at = ? WHERE id = ?", (_now(), assessment_id)
            )

    def complete(self, assessment_id: int, result: dict[str, Any]) -> None:
        with self._write() as conn:
            self._require_draft(conn, assessment_id)
            conn.execute(
                "UPDATE assessments SET status = 'complete', result_json = ?, updated_at = ?"
                " WHERE id = ?",
                (json.dumps(result, ensure_ascii=False), _now(), assessment_id),
            )

    def save_complete(
        self,
        *,
        answers: dict[str, int | None],
        result: dict[str, Any],
        person: str | None,
        account: str | None,
        stage: str | None,
        lang: str,
        model_id: str,
        model_version: str,
        model_hash: str,
        rater: str = "self",
        subject: str | None = None,
    ) -> int:
        """Store a finished assessment (answers file, batch row) in one transaction."""
        record = dict(locals())
        del record["self"]
        return self.save_many_complete([record])[0]

    def save_many_complete(self, records: list[dict[str, Any]]) -> list[int]:
        """All or nothing for a chunk of records with save_complete's keys; ids in order."""
        ids: list[int] = []
        with self._write() as conn:
            for record in records:
                columns = {k: v for k, v in record.items() if k not in ("answers", "result")}
                ids.append(
                    self._insert(conn, "complete", columns, record["answers"], record["result"])
                )
        return ids

    def delete(self, assessment_id: int) -> None:
        with self._write() as conn:
            cursor = conn.execute("DELETE FROM assessments WHERE id = ?", (assessment_id,))
            if cursor.rowcount == 0:
                raise self._not_found(assessment_id)

    # -- reading ------------------------------------------------------------------------------

    def _records(
        self,
        where: str = "",
        params: tuple[object, ...] = (),
        *,
        newest_first: bool = True,
        limit: int | None = None,
    ) -> list[AssessmentRecord]:
        selection = f"FROM assessments {where} ORDER BY id {'DESC' if newest_first else 'ASC'}" + (
            "" if limit is None else f" LIMIT {int(limit)}"
        )
        with self._read() as conn:
            rows = conn.execute(f"SELECT * {selection}", params).fetchall()
            answers: dict[int, dict[str, int | None]] = {row["id"]: {} for row in rows}
            for answer in conn.execute(
                "SELECT assessment_id, item_id, value FROM answers"
                f" WHERE assessment_id IN (SELECT id {selection})"
                " ORDER BY assessment_id, seq",
                params,
            ):
                answers[answer["assessment_id"]][answer["item_id"]] = answer["value"]
        return [
            AssessmentRecord(
                **{name: row[name] for name in _PLAIN_FIELDS},
                answers=answers[row["id"]],
                result=None if row["result_json"] is None else json.loads(row["result_json"]),
            )
            for row in rows
        ]

    def get(self, assessment_id: int) -> AssessmentRecord:
        found = self._records("WHERE id = ?", (assessment_id,))
        if not found:
            raise self._not_found(assessment_id)
        return found[0]

    def list(
        self, *, person: str | None = None, status: str | None = None, subject: str | None = None
    ) -> RecordList:
        """Newest first; person and subject match regardless of case (Unicode-aware)."""
        conditions: list[str] = []
        params: list[object] = []
        if person is not None:
            conditions.append("kam_casefold(person) = ?")
            params.append(person.casefold())
        if subject is not None:  # who was rated: the subject, or the person for self ratings
            conditions.append("kam_casefold(COALESCE(subject, person)) = ?")
            params.append(subject.casefold())
        if status is not None:
            conditions.append("status = ?")
            params.append(status)
        where = f"WHERE {' AND '.join(conditions)}" if conditions else ""
        return self._records(where, tuple(params))

    def drafts(self) -> RecordList:
        return self.list(status="draft")

    def latest(self, *, status: str = "complete") -> AssessmentRecord | None:
        found = self._records("WHERE status = ?", (status,), limit=1)
        return found[0] if found else None

    def export(self) -> Iterator[dict[str, Any]]:
        """Every assessment, oldest first, as JSON-ready dicts."""
        for record in self._records(newest_first=False):
            yield record.to_dict()
