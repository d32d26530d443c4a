"""Suggest the account relationship's stage from the diagnostic statements.

Also home of the per-answer value check, shared with `score`, so that the two modules do not
import each other.
"""

from __future__ import annotations

import math
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


# How strongly one answer counts as evidence: an answer at the top of the scale is e^SHARPNESS
# times likelier from a stage where the statement holds than from one where it does not.
SHARPNESS = 2.5
MIN_CONFIDENCE = 0.6  # below this, the two leading stages are too close to call
MIN_FIT = 0.3  # mean agreement with the leading stage's pattern, -1..1
MAX_CONTRADICTED = 0.25  # share of answers that clearly contradict the leading stage's pattern
MIN_STRENGTH = 0.25  # mean distance from the midpoint, 0..1; below it answers are flat


def diagnose(model: CompetencyModel, answers: Mapping[str, int | None]) -> DiagnosticResult:
    """Likelihood over stages from statements that each hold at declared stages.

    Each answer is scored as agreement c in -1..1 (midpoint 0). A stage's match is the sum of
    c over statements that hold at it and of -c over those that do not; the probability of a
    stage is the softmax of SHARPNESS/2 x match (a log-linear likelihood, uniform prior). This
    is the Guttman idea made tolerant: the stage whose hold/not-hold pattern the answers follow
    best wins. Flat, sparse, contradictory or close answers give `unclear` with a reason code,
    never a confident stage. Raises AnswerError for unknown ids or values off the scale.
    """
    problems = check_diagnostic_answers(model, answers)
    if problems:
        raise AnswerError(problems)
    low, high = model.scale.min, model.scale.max
    answered = [
        (statement, value)
        for statement in model.diagnostic.statements
        if (value := answers.get(statement.id)) is not None
    ]
    if not answered:
        return DiagnosticResult(None, {}, (), unclear="no_answers")
    agreement = [(s, 2 * (v - low) / (high - low) - 1) for s, v in answered]
    match = {
        stage_id: sum(c if stage_id in s.stages else -c for s, c in agreement)
        for stage_id in model.stage_ids
    }
    probabilities = _softmax({k: SHARPNESS / 2 * v for k, v in match.items()})
    order = sorted(model.stage_ids, key=lambda k: -probabilities[k])  # stable: earlier on ties
    best = order[0]
    runner_up = order[1] if len(order) > 1 else None
    reason = _unclear_reason(
        model,
        answered_count=len(answered),
        values={v for _, v in answered},
        strength=sum(abs(c) for _, c in agreement) / len(agreement),
        fit=match[best] / len(agreement),
        contradicted=sum(1 for s, c in agreement if (c if best in s.stages else -c) <= -0.5),
        confidence=probabilities[best],
    )
    midpoint = (low + high) / 2
    evidence = tuple(s.id for s, v in answered if best in s.stages and v > midpoint)
    return DiagnosticResult(
        suggested_stage=None if reason else best,
        stage_scores=probabilities,
        evidence=() if reason else evidence,
        confidence=probabilities[best],
        runner_up=runner_up,
        unclear=reason,
    )


def _unclear_reason(
    model: CompetencyModel,
    *,
    answered_count: int,
    values: set[int],
    strength: float,
    fit: float,
    contradicted: int,
    confidence: float,
) -> str | None:
    """Why no stage can be suggested, as a code the renderers translate; None if one can.

    `contradicted` counts answers on the wrong side of the midpoint by at least half the
    scale's half-range (agree where the leading stage says the fact does not hold, or the
    reverse): two or more, making a quarter of the answers, is a contradictory pattern.
    """
    if answered_count * 2 < len(model.diagnostic.statements):
        return "too_few"
    if len(values) == 1 or strength < MIN_STRENGTH:
        return "flat"
    if fit < MIN_FIT or (contradicted >= 2 and contradicted >= MAX_CONTRADICTED * answered_count):
        return "contradictory"
    if confidence < MIN_CONFIDENCE:
        return "close_call"
    return None


def _softmax(logits: Mapping[str, float]) -> dict[str, float]:
    top = max(logits.values())
    weights = {k: math.exp(v - top) for k, v in logits.items()}
    total = sum(weights.values())
    return {k: w / total for k, w in weights.items()}
