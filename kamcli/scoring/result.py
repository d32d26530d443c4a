"""Immutable results of scoring, with a plain-JSON form the store and reports can keep.

`to_dict` uses only JSON types (str, int, float, None, list, dict) in field order, so the
same result always serialises to the same text; `from_dict` reads that form back exactly.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from kamcli.errors import msg


class AnswerError(ValueError):
    """Answers that cannot be scored; lists every problem at once so the user fixes all in one go.

    Defined here (re-exported by `score`) so both `score` and `diagnostic` can raise it.
    """

    def __init__(self, problems: list[str]) -> None:
        self.problems: tuple[str, ...] = tuple(problems)
        count = len(self.problems)
        super().__init__(
            f"{count} invalid answer{'s' if count != 1 else ''}: " + "; ".join(self.problems)
        )


class ResultDataError(ValueError):
    """A stored result does not have the shape `to_dict` writes (args[0] is a catalogue Msg)."""


# What is being read, as catalogue keys: looked up only when something is wrong.
COMPETENCY_RESULT = "errors_scoring.what_competency_result"
DIAGNOSTIC_RESULT = "errors_scoring.what_diagnostic_result"
ASSESSMENT_RESULT = "errors_scoring.what_assessment_result"


def _bad(key: str, what: str, **fields: object) -> ResultDataError:
    return ResultDataError(msg(key, what=msg(what), **fields))


def _get(data: Mapping[str, Any], key: str, what: str) -> Any:
    if not isinstance(data, Mapping):
        raise _bad("errors_scoring.result_not_mapping", what, got=type(data).__name__)
    if key not in data:
        raise _bad("errors_scoring.result_missing_key", what, name=key)
    return data[key]


def _str(data: Mapping[str, Any], key: str, what: str) -> str:
    value = _get(data, key, what)
    if not isinstance(value, str):
        raise _bad("errors_scoring.result_not_text", what, name=key, value=repr(value))
    return value


def _opt_str(data: Mapping[str, Any], key: str, what: str) -> str | None:
    value = _get(data, key, what)
    return None if value is None else _str(data, key, what)


def _int(data: Mapping[str, Any], key: str, what: str) -> int:
    value = _get(data, key, what)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _bad("errors_scoring.result_not_whole", what, name=key, value=repr(value))
    return value


def _float(data: Mapping[str, Any], key: str, what: str) -> float:
    value = _get(data, key, what)
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _bad("errors_scoring.result_not_number", what, name=key, value=repr(value))
    return float(value)


def _opt_float(data: Mapping[str, Any], key: str, what: str) -> float | None:
    value = _get(data, key, what)
    return None if value is None else _float(data, key, what)


def _bool(data: Mapping[str, Any], key: str, what: str) -> bool:
    value = _get(data, key, what)
    if not isinstance(value, bool):
        raise _bad("errors_scoring.result_not_bool", what, name=key, value=repr(value))
    return value


def _str_list(data: Mapping[str, Any], key: str, what: str) -> tuple[str, ...]:
    value = _get(data, key, what)
    if not isinstance(value, list | tuple) or not all(isinstance(v, str) for v in value):
        raise _bad("errors_scoring.result_not_text_list", what, name=key)
    return tuple(value)


@dataclass(frozen=True, slots=True)
class CompetencyResult:
    """One competency scored against one stage's target."""

    competency_id: str
    score: float | None
    answered: int
    total: int
    coverage: float
    sufficient: bool
    target: float
    weight: float
    gap: float | None
    status: str
    priority: float | None
    next_target: float | None

    def to_dict(self) -> dict[str, Any]:
        return {
            "competency_id": self.competency_id,
            "score": self.score,
            "answered": self.answered,
            "total": self.total,
            "coverage": self.coverage,
            "sufficient": self.sufficient,
            "target": self.target,
            "weight": self.weight,
            "gap": self.gap,
            "status": self.status,
            "priority": self.priority,
            "next_target": self.next_target,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CompetencyResult:
        what = COMPETENCY_RESULT
        return cls(
            competency_id=_str(data, "competency_id", what),
            score=_opt_float(data, "score", what),
            answered=_int(data, "answered", what),
            total=_int(data, "total", what),
            coverage=_float(data, "coverage", what),
            sufficient=_bool(data, "sufficient", what),
            target=_float(data, "target", what),
            weight=_float(data, "weight", what),
            gap=_opt_float(data, "gap", what),
            status=_str(data, "status", what),
            priority=_opt_float(data, "priority", what),
            next_target=_opt_float(data, "next_target", what),
        )


@dataclass(frozen=True, slots=True)
class DiagnosticResult:
    """Which stage the account relationship looks like, how sure, and why not when unsure.

    Results stored by kamcli 1.x have only the first three fields (`stage_scores` then held
    mean agreement per stage); the others read back as None.
    """

    suggested_stage: str | None
    stage_scores: dict[str, float]
    evidence: tuple[str, ...]
    confidence: float | None = None
    runner_up: str | None = None
    unclear: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "suggested_stage": self.suggested_stage,
            "stage_scores": dict(self.stage_scores),
            "evidence": list(self.evidence),
            "confidence": self.confidence,
            "runner_up": self.runner_up,
            "unclear": self.unclear,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DiagnosticResult:
        what = DIAGNOSTIC_RESULT
        scores = _get(data, "stage_scores", what)
        if not isinstance(scores, Mapping):
            raise _bad("errors_scoring.result_not_mapping_key", what, name="stage_scores")
        return cls(
            suggested_stage=_opt_str(data, "suggested_stage", what),
            stage_scores={str(k): _float(scores, k, what) for k in scores},
            evidence=_str_list(data, "evidence", what),
            confidence=_opt_float(data, "confidence", what) if "confidence" in data else None,
            runner_up=_opt_str(data, "runner_up", what) if "runner_up" in data else None,
            unclear=_opt_str(data, "unclear", what) if "unclear" in data else None,
        )


@dataclass(frozen=True, slots=True)
class AssessmentResult:
    """A whole assessment: every competency against the chosen stage, stamped with the model."""

    model_id: str
    model_version: str
    model_hash: str
    stage: str
    next_stage: str | None
    lang: str
    created_at: str
    person: str | None
    account: str | None
    rater: str
    subject: str | None
    answers: dict[str, int | None]
    competencies: tuple[CompetencyResult, ...]
    fit: float | None
    next_fit: float | None
    priorities: tuple[str, ...]
    strengths: tuple[str, ...]
    diagnostic: DiagnosticResult | None

    def competency(self, competency_id: str) -> CompetencyResult:
        for result in self.competencies:
            if result.competency_id == competency_id:
                return result
        raise KeyError(competency_id)

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_version": self.model_version,
            "model_hash": self.model_hash,
            "stage": self.stage,
            "next_stage": self.next_stage,
            "lang": self.lang,
            "created_at": self.created_at,
            "person": self.person,
            "account": self.account,
            "rater": self.rater,
            "subject": self.subject,
            "answers": dict(self.answers),
            "competencies": [c.to_dict() for c in self.competencies],
            "fit": self.fit,
            "next_fit": self.next_fit,
            "priorities": list(self.priorities),
            "strengths": list(self.strengths),
            "diagnostic": None if self.diagnostic is None else self.diagnostic.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> AssessmentResult:
        what = ASSESSMENT_RESULT
        answers = _get(data, "answers", what)
        if not isinstance(answers, Mapping):
            raise _bad("errors_scoring.result_not_mapping_key", what, name="answers")
        competencies = _get(data, "competencies", what)
        if not isinstance(competencies, list | tuple):
            raise _bad("errors_scoring.result_not_list", what, name="competencies")
        diagnostic = _get(data, "diagnostic", what)
        return cls(
            model_id=_str(data, "model_id", what),
            model_version=_str(data, "model_version", what),
            model_hash=_str(data, "model_hash", what),
            stage=_str(data, "stage", what),
            next_stage=_opt_str(data, "next_stage", what),
            lang=_str(data, "lang", what),
            created_at=_str(data, "created_at", what),
            person=_opt_str(data, "person", what),
            account=_opt_str(data, "account", what),
            rater=_str(data, "rater", what),
            subject=_opt_str(data, "subject", what),
            answers={
                str(k): None if answers[k] is None else _int(answers, k, what) for k in answers
            },
            competencies=tuple(CompetencyResult.from_dict(c) for c in competencies),
            fit=_opt_float(data, "fit", what),
            next_fit=_opt_float(data, "next_fit", what),
            priorities=_str_list(data, "priorities", what),
            strengths=_str_list(data, "strengths", what),
            diagnostic=None if diagnostic is None else DiagnosticResult.from_dict(diagnostic),
        )
