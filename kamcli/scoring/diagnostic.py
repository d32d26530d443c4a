"""Suggest the account relationship's stage from the diagnostic statements.

Also home of the per-answer value check, shared with `score`, so that the two modules do not
import each other.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping

from kamcli.model.schema import CompetencyModel
from kamcli.scoring.result import AnswerError, DiagnosticResult


def answer_value_problem(model: CompetencyModel, answer_id: str, value: object) -> str | None:
    """Why `value` is not a valid answer on the model's scale, or None if it is.

    None (skipped) is valid. Only real ints count: True and 3.0 are rejected, because they
    mean a file or a caller mixed up types, and guessing would hide that.
    """
    if value is None:
        return None
    low, high = model.scale.min, model.scale.max
    if isinstance(value, bool) or not isinstance(value, int):
        return (
            f"{answer_id}: expected a whole number from {low} to {high} (or empty to skip), "
            f"got {type(value).__name__} {value!r}"
        )
    if not low <= value <= high:
        return f"{answer_id}: {value} is outside the scale {low}..{high}"
    return None


def answer_problems(
    model: CompetencyModel,
    answers: Mapping[str, object],
    known_ids: Iterable[str],
    describe_unknown: Callable[[object], str],
) -> list[str]:
    """Every problem in `answers` whose keys must be among `known_ids`, in the given order."""
    known = set(known_ids)
    problems: list[str] = []
    for answer_id, value in answers.items():
        if answer_id not in known:
            problems.append(f"{answer_id!r}: {describe_unknown(answer_id)}")
            continue
        problem = answer_value_problem(model, answer_id, value)
        if problem is not None:
            problems.append(problem)
    return problems


def check_diagnostic_answers(model: CompetencyModel, answers: Mapping[str, object]) -> list[str]:
    """Messages for every bad diagnostic answer; empty when all are fine."""
    statement_ids = [s.id for s in model.diagnostic.statements]
    return answer_problems(
        model,
        answers,
        statement_ids,
        lambda _answer_id: "not a diagnostic statement id of this model",
    )


def diagnose(model: CompetencyModel, answers: Mapping[str, int | None]) -> DiagnosticResult:
    """Mean agreement per stage; the highest suggests the stage, a tie goes to the earlier one.

    Earlier wins a tie because overestimating the stage would set targets the relationship
    cannot yet support. Raises AnswerError for unknown ids or values off the scale.
    """
    problems = check_diagnostic_answers(model, answers)
    if problems:
        raise AnswerError(problems)
    sums: dict[str, int] = {}
    counts: dict[str, int] = {}
    for statement in model.diagnostic.statements:
        value = answers.get(statement.id)
        if value is None:
            continue
        sums[statement.stage] = sums.get(statement.stage, 0) + value
        counts[statement.stage] = counts.get(statement.stage, 0) + 1
    stage_scores = {
        stage_id: sums[stage_id] / counts[stage_id]
        for stage_id in model.stage_ids
        if stage_id in counts
    }
    if not stage_scores:
        return DiagnosticResult(suggested_stage=None, stage_scores={}, evidence=())
    suggested = max(stage_scores, key=lambda stage_id: stage_scores[stage_id])
    midpoint = (model.scale.min + model.scale.max) / 2
    evidence = tuple(
        statement.id
        for statement in model.diagnostic.statements
        if statement.stage == suggested and _above(answers.get(statement.id), midpoint)
    )
    return DiagnosticResult(suggested_stage=suggested, stage_scores=stage_scores, evidence=evidence)


def _above(value: int | None, midpoint: float) -> bool:
    return value is not None and value > midpoint
