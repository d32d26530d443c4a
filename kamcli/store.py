"""The history store: assessments and their answers in one SQLite file per user.

Answers are committed one at a time so an interrupted questionnaire can be resumed, and every
write takes its own short IMMEDIATE transaction so several kamcli processes can share the file.
Only commands that need history import this module, which keeps sqlite3 off the start-up path.
"""

from __future__ import annotations

import contextlib
import enum
import json
import sqlite3
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kamcli import store_file
from kamcli.errors import NotFoundError, StoreError, msg
from kamcli.store_record import (
    DRAFT_FIELDS,
    PLAIN_FIELDS,
    RECORD_COLUMNS,
    AssessmentRecord,
    RecordList,
)


class _Keep(enum.Enum):
    """Marks an update_draft argument that was not given, since None is a real value."""

    KEEP = enum.auto()


KEEP = _Keep.KEEP


def _short_key(key: str) -> int:
    return int(key[:16], 16)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class Store:
    """Assessment history in SQLite; every failure surfaces as StoreError or NotFoundError."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._conn = store_file.connect(self.path)
        self._saved_keys: set[int] = set()  # batch keys known to be stored (save_new_complete)
        self._keys_read_to = 0  # ... as read up to this assessment id

    @staticmethod
    def default_path() -> Path:
        return store_file.default_path()

    @classmethod
    def open_default(cls) -> Store:
        return cls(cls.default_path())

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    # -- transactions and errors -------------------------------------------------------------

    @contextlib.contextmanager
    def _errors(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise store_file.translate(self.path, exc) from exc

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
        return NotFoundError(
            msg("errors_store.no_such_assessment", id=assessment_id, path=self.path)
        )

    def _require_draft(self, conn: sqlite3.Connection, assessment_id: int) -> None:
        row = conn.execute("SELECT status FROM assessments WHERE id = ?", (assessment_id,))
        found = row.fetchone()
        if found is None:
            raise self._not_found(assessment_id)
        if found["status"] != "draft":
            raise StoreError(msg("errors_store.already_complete", id=assessment_id, path=self.path))

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
        if set(columns) != set(RECORD_COLUMNS):
            raise TypeError(f"assessment fields must be {RECORD_COLUMNS}, got {tuple(columns)}")
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
            for name, value in zip(DRAFT_FIELDS, (person, account, stage), strict=True)
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

    def save_new_complete(self, records: Sequence[tuple[str, dict[str, Any]]]) -> int:
        """Insert if new: store the records (save_complete's keys, keyed by a batch key that
        each result also holds at `batch.key`) whose key is not yet in history; how many were
        stored. The check and the inserts share one IMMEDIATE transaction, which holds the
        write lock, so two processes saving the same records store each once.

        Keys already stored are read once, then only those written since (by id), so a call
        costs one short query; they are held as 64-bit ints (history size, not call size).
        """
        inserted = 0
        known = self._saved_keys
        with self._write() as conn:
            for row_id, key in conn.execute(
                "SELECT id, json_extract(result_json, '$.batch.key') FROM assessments"
                " WHERE id > ? AND status = 'complete'"
                " AND instr(result_json, '\"batch\"') > 0 AND json_valid(result_json)",
                (self._keys_read_to,),
            ):
                self._keys_read_to = max(self._keys_read_to, row_id)
                if isinstance(key, str):
                    known.add(_short_key(key))
            for key, record in records:
                short = _short_key(key)
                if short in known:
                    continue
                known.add(short)
                columns = {k: v for k, v in record.items() if k not in ("answers", "result")}
                new_id = self._insert(
                    conn, "complete", columns, record["answers"], record["result"]
                )
                self._keys_read_to = max(self._keys_read_to, new_id)
                inserted += 1
        return inserted

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
                **{name: row[name] for name in PLAIN_FIELDS},
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
