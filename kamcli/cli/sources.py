"""Where a result comes from: an answers file scored now, or an assessment in history."""

from __future__ import annotations

from typing import TYPE_CHECKING

from kamcli.cli.common import reason_of
from kamcli.errors import InputError, NotFoundError, UsageError, msg

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.multirater import SubjectReport
    from kamcli.scoring.result import AssessmentResult
    from kamcli.store_record import AssessmentRecord


def score_file(
    model: CompetencyModel,
    source: str,
    *,
    lang: str,
    stage: str | None,
    allow_missing: bool,
    person: str | None = None,
    account: str | None = None,
    rater: str | None = None,
    subject: str | None = None,
) -> tuple[AssessmentResult, dict[str, int | None]]:
    """Read, check and score one answers file; also return every raw answer given."""
    from kamcli.io.answers import read_answers
    from kamcli.questionnaire.flow import now_iso
    from kamcli.scoring import AnswerError, score_assessment

    sheet = read_answers(source, model, stage=stage, allow_missing=allow_missing, rater=rater)
    assert sheet.stage is not None
    try:
        result = score_assessment(
            model,
            sheet.answers,
            stage=sheet.stage,
            lang=lang,
            created_at=now_iso(),
            person=person or sheet.person,
            account=account or sheet.account,
            rater=rater or sheet.rater or "self",
            subject=subject or sheet.subject,
            diagnostic_answers=sheet.diagnostic or None,
        )
    except AnswerError as exc:  # pragma: no cover - read_answers checks the same rules first
        raise InputError(
            msg("errors_cli.in_file", source=sheet.source, reason=reason_of(exc))
        ) from None
    return result, {**sheet.answers, **sheet.diagnostic}


def stored_result(source: str) -> AssessmentResult:
    """A completed assessment from history, by id or `latest`."""
    from kamcli.store import Store

    with Store.open_default() as store:
        if source == "latest":
            record = store.latest()
            if record is None:
                raise NotFoundError(msg("errors_cli.no_completed", path=store.path))
        else:
            if not source.isdigit():
                raise UsageError(msg("errors_cli.not_an_id", source=source))
            record = store.get(int(source))
    if record.status != "complete" or record.result is None:
        raise NotFoundError(msg("errors_cli.unfinished_draft", id=record.id))
    return _result_of(record)


def _result_of(record: AssessmentRecord) -> AssessmentResult:
    """A stored result read back; damage (an edited database) is named, not a crash."""
    from kamcli.scoring.result import AssessmentResult, ResultDataError

    assert record.result is not None
    try:
        return AssessmentResult.from_dict(record.result)
    except ResultDataError as exc:
        reason = reason_of(exc)
        raise InputError(msg("errors_cli.history_damaged", id=record.id, reason=reason)) from None


def subject_report(model: CompetencyModel, subject: str, stage: str | None) -> SubjectReport:
    """Every completed rating of `subject` in history, combined into one 360 report."""
    from collections import Counter

    from kamcli.scoring.multirater import build_subject_report, rating_from_result
    from kamcli.store import Store

    with Store.open_default() as store:
        records = store.list(subject=subject, status="complete")
    results = [_result_of(r) for r in reversed(records) if r.result]
    if not results:
        raise NotFoundError(msg("errors_cli.no_ratings_of", subject=subject))
    chosen = stage or Counter(r.stage for r in results).most_common(1)[0][0]
    try:
        return build_subject_report(
            model, subject, chosen, [rating_from_result(r) for r in results]
        )
    except ValueError as exc:
        reason = reason_of(exc)
        raise InputError(msg("errors_cli.cannot_combine", subject=subject, reason=reason)) from None
