"""One stored assessment as the history store (store.py) gives it back, and its columns."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, TypeAlias

DRAFT_FIELDS = ("person", "account", "stage")
MODEL_FIELDS = ("model_id", "model_version", "model_hash")
RECORD_COLUMNS = (*DRAFT_FIELDS, "lang", "rater", "subject", *MODEL_FIELDS)


PLAIN_FIELDS = ("id", "status", "created_at", "updated_at", *RECORD_COLUMNS, "position")


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
