"""`kam batch --save`: store every scored row in history, in chunks, safe to re-run.

Each saved result carries `"batch": {"respondent_id", "key"}`, where `key` is a hash of what
was assessed: the model hash, respondent id, name, account, stage and answers. A row whose
key is already in history is skipped, so running the same file twice (or two runs of it at
once) stores each assessment once; a corrected row has a new key and is stored as a new
assessment. The check and the inserts of a chunk run in one IMMEDIATE transaction, which
holds SQLite's write lock, so two concurrent runs cannot both insert the same key.

Keys already in history are read once, then only those written since (by id), so a chunk
costs one short query; they are held as 64-bit ints (history size, not batch size).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.result import AssessmentResult
from kamcli.store import Store

CHUNK = 500


def batch_key(
    model: CompetencyModel,
    respondent_id: str,
    name: str | None,
    account: str | None,
    stage: str,
    answers: dict[str, int | None],
) -> str:
    """The identity of one assessed row; equal rows give equal keys."""
    payload = json.dumps(
        [model.content_hash, respondent_id, name, account, stage, sorted(answers.items())],
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hashlib.blake2b(payload.encode("utf-8"), digest_size=16).hexdigest()


def _short(key: str) -> int:
    return int(key[:16], 16)


class BatchStore(Store):
    """The history store plus the one operation batches need: insert only unseen keys.

    Store has no public conditional insert, so this subclass uses its transaction helper
    (`_write`) and row writer (`_insert`): the key check and the inserts must share one
    IMMEDIATE transaction. A candidate for Store itself (`save_many_complete(..., keys)`).
    """

    def __init__(self, path: Path) -> None:
        self._known: set[int] = set()
        self._watermark = 0
        super().__init__(path)

    def save_new(self, records: Sequence[tuple[str, dict[str, Any]]]) -> int:
        """Insert the records whose key is not yet in history; how many were inserted."""
        inserted = 0
        with self._write() as conn:
            for row_id, key in conn.execute(
                "SELECT id, json_extract(result_json, '$.batch.key') FROM assessments"
                " WHERE id > ? AND status = 'complete'"
                " AND instr(result_json, '\"batch\"') > 0 AND json_valid(result_json)",
                (self._watermark,),
            ):
                self._watermark = max(self._watermark, row_id)
                if isinstance(key, str):
                    self._known.add(_short(key))
            for key, record in records:
                short = _short(key)
                if short in self._known:
                    continue
                self._known.add(short)
                columns = {k: v for k, v in record.items() if k not in ("answers", "result")}
                new_id = self._insert(
                    conn, "complete", columns, record["answers"], record["result"]
                )
                self._watermark = max(self._watermark, new_id)
                inserted += 1
        return inserted


class BatchSaver:
    """Collects scored rows and saves them CHUNK at a time; counts saved and skipped."""

    def __init__(self, model: CompetencyModel, lang: str) -> None:
        self._model = model
        self._lang = lang
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._store: BatchStore | None = None
        self.saved = 0
        self.skipped = 0

    def add(
        self, respondent_id: str, result: AssessmentResult, answers: dict[str, int | None]
    ) -> None:
        key = batch_key(
            self._model, respondent_id, result.person, result.account, result.stage, answers
        )
        stored = result.to_dict()
        stored["batch"] = {"respondent_id": respondent_id, "key": key}
        record = {
            "answers": answers,
            "result": stored,
            "person": result.person,
            "account": result.account,
            "stage": result.stage,
            "lang": self._lang,
            "rater": result.rater,
            "subject": result.subject,
            "model_id": self._model.id,
            "model_version": self._model.version,
            "model_hash": self._model.content_hash,
        }
        self._pending.append((key, record))
        if len(self._pending) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        if not self._pending:
            return
        if self._store is None:
            self._store = BatchStore(BatchStore.default_path())
        inserted = self._store.save_new(self._pending)
        self.saved += inserted
        self.skipped += len(self._pending) - inserted
        self._pending = []

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def path(self) -> str:
        return str(BatchStore.default_path())
