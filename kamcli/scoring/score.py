"""Score answers against a stage's target profile: competency scores, gaps, fit, priorities.

Pure arithmetic on a validated model: no I/O and no clock (the caller passes `created_at`),
so the same answers always give the same result.
"""

from __future__ import annotations

from collections.abc import Mapping

from kamcli.model.schema import Competency, CompetencyModel, Item, Stage
from kamcli.scoring.diagnostic import answer_problems, check_diagnostic_answers, diagnose
from kamcli.scoring.result import AnswerError, AssessmentResult, CompetencyResult

__all__ = [
    "AnswerError",
    "check_answers",
    "item_value",
    "score_assessment",
    "score_competency",
    "stage_fit",
]

INSUFFICIENT = "insufficient"
TOP_N = 3
# Scores are weighted means of floats; a gap this small is "reached", as in band_for_gap.
EPSILON = 1e-9


def check_answers(model: CompetencyModel, answers: Mapping[str, object]) -> list[str]:
    """Messages for every bad item answer (unknown id, not an int, off the scale); empty = ok."""
    statement_ids = {s.id for s in model.diagnostic.statements}

    def unknown(answer_id: object) -> str:
        if answer_id in statement_ids:
            return "a diagnostic statement, not an item (pass it with the diagnostic answers)"
        return "not an item id of this model"

    return answer_problems(model, answers, model.item_ids(), unknown)


def rater_problems(model: CompetencyModel, answers: Mapping[str, object], rater: str) -> list[str]:
    """An unknown rater role, or answers to items the model reserves for other roles."""
    from kamcli.model.schema import RATER_ROLES

    if rater not in RATER_ROLES:
        return [f"unknown rater role {rater!r} (roles: {', '.join(RATER_ROLES)})"]
    return [
        f"{item.id}: this item is not rated by the rater role {rater!r}"
        for _, item in model.items()
        if answers.get(item.id) is not None and not item.rated_by(rater)
    ]


def item_value(model: CompetencyModel, item: Item, raw: int) -> int:
    """The answer as it counts: reverse-keyed items are mirrored on the scale."""
    if item.reverse:
        return model.scale.min + model.scale.max - raw
    return raw


def _stage(model: CompetencyModel, stage_id: str) -> Stage:
    try:
        return model.stage(stage_id)
    except KeyError:
        raise ValueError(
            f"unknown stage {stage_id!r} (stages: {', '.join(model.stage_ids)})"
        ) from None


def _weighted_mean(pairs: list[tuple[float, int]]) -> float:
    return sum(weight * value for weight, value in pairs) / sum(weight for weight, _ in pairs)


def score_competency(
    model: CompetencyModel,
    competency: Competency,
    answers: Mapping[str, int | None],
    stage_id: str,
    rater: str = "self",
) -> CompetencyResult:
    """Score one competency; too few answers give score None and status "insufficient".

    Items the model reserves for other rater roles are not part of this rater's competency.
    """
    stage = _stage(model, stage_id)
    following = model.next_stage(stage_id)
    target = stage.targets[competency.id]
    pairs: list[tuple[float, int]] = []
    items = [item for item in competency.items if item.rated_by(rater)]
    for item in items:
        raw = answers.get(item.id)
        if raw is not None:
            pairs.append((item.weight, item_value(model, item, raw)))
    total = len(items)
    coverage = len(pairs) / total if total else 0.0
    sufficient = bool(pairs) and coverage >= model.min_coverage - EPSILON
    score = _weighted_mean(pairs) if sufficient else None
    gap = None if score is None else float(target.target) - score
    next_target = None if following is None else float(following.targets[competency.id].target)
    return CompetencyResult(
        competency_id=competency.id,
        score=score,
        answered=len(pairs),
        total=total,
        coverage=coverage,
        sufficient=sufficient,
        target=float(target.target),
        weight=float(target.weight),
        gap=gap,
        status=INSUFFICIENT if gap is None else model.band_for_gap(gap).id,
        priority=None if gap is None else (gap if gap > 0 else 0.0) * float(target.weight),
        next_target=next_target,
    )


def stage_fit(
    model: CompetencyModel, results_scores: Mapping[str, float | None], stage_id: str
) -> float | None:
    """How much of the stage's target profile is reached, 0..100, weighted by importance.

    Only competencies with a score count (missing or None = insufficient, not zero), so a
    partly answered questionnaire is not punished for what it did not ask; None if none count.
    Exceeding a target earns nothing extra: strengths cannot hide gaps elsewhere.
    """
    stage = _stage(model, stage_id)
    low = model.scale.min
    reached_sum = 0.0
    weight_sum = 0.0
    for competency in model.competencies:
        score = results_scores.get(competency.id)
        if score is None:
            continue
        target = stage.targets[competency.id]
        if target.target == low:
            reached = 1.0
        else:
            reached = (min(score, target.target) - low) / (target.target - low)
        reached_sum += target.weight * reached
        weight_sum += target.weight
    if weight_sum == 0:
        return None
    return min(100.0, max(0.0, 100 * reached_sum / weight_sum))


def _priorities(results: tuple[CompetencyResult, ...]) -> tuple[str, ...]:
    ranked = [
        (-(r.priority or 0.0), -r.weight, index, r.competency_id)
        for index, r in enumerate(results)
        if r.sufficient and r.gap is not None and r.gap > EPSILON
    ]
    return tuple(entry[-1] for entry in sorted(ranked)[:TOP_N])


def _strengths(results: tuple[CompetencyResult, ...]) -> tuple[str, ...]:
    ranked = [
        (-(r.score - r.target), -r.weight, index, r.competency_id)
        for index, r in enumerate(results)
        if r.sufficient and r.score is not None and r.score >= r.target - EPSILON
    ]
    return tuple(entry[-1] for entry in sorted(ranked)[:TOP_N])


def score_assessment(
    model: CompetencyModel,
    answers: Mapping[str, int | None],
    *,
    stage: str,
    lang: str,
    created_at: str,
    person: str | None = None,
    account: str | None = None,
    rater: str = "self",
    subject: str | None = None,
    diagnostic_answers: Mapping[str, int | None] | None = None,
) -> AssessmentResult:
    """Score every competency against `stage`; AnswerError lists all bad answers at once."""
    _stage(model, stage)
    following = model.next_stage(stage)
    problems = check_answers(model, answers)
    problems += rater_problems(model, answers, rater)
    if diagnostic_answers is not None:
        problems += check_diagnostic_answers(model, diagnostic_answers)
    if problems:
        raise AnswerError(problems)
    results = tuple(score_competency(model, c, answers, stage, rater) for c in model.competencies)
    scores = {r.competency_id: r.score for r in results}
    return AssessmentResult(
        model_id=model.id,
        model_version=model.version,
        model_hash=model.content_hash,
        stage=stage,
        next_stage=None if following is None else following.id,
        lang=lang,
        created_at=created_at,
        person=person,
        account=account,
        rater=rater,
        subject=person if subject is None else subject,
        answers={i: answers[i] for i in model.item_ids() if i in answers},
        competencies=results,
        fit=stage_fit(model, scores, stage),
        next_fit=None if following is None else stage_fit(model, scores, following.id),
        priorities=_priorities(results),
        strengths=_strengths(results),
        diagnostic=None if diagnostic_answers is None else diagnose(model, diagnostic_answers),
    )
