"""`kam batch --save`: store every scored row in history, in chunks, safe to re-run.

Each saved result carries `"batch": {"respondent_id", "key"}`, where `key` is a hash of what
was assessed: the model hash, respondent id, name, account, stage and answers. A row whose
key is already in history is skipped, so running the same file twice (or two runs of it at
once) stores each assessment once; a corrected row has a new key and is stored as a new
assessment. Store.save_new_complete checks the keys and inserts a chunk in one IMMEDIATE
transaction, so two concurrent runs cannot both insert the same key.
"""

from __future__ import annotations

import hashlib
import json
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


class BatchSaver:
    """Collects scored rows and saves them CHUNK at a time; counts saved and skipped."""

    def __init__(self, model: CompetencyModel, lang: str) -> None:
        self._model = model
        self._lang = lang
        self._pending: list[tuple[str, dict[str, Any]]] = []
        self._store: Store | None = None
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
            self._store = Store(Store.default_path())
        inserted = self._store.save_new_complete(self._pending)
        self.saved += inserted
        self.skipped += len(self._pending) - inserted
        self._pending = []

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None

    @property
    def path(self) -> str:
        return str(Store.default_path())
