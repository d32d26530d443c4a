"""The whole interactive assessment: resume or start, stage, questions, score, complete.

Every answer is written to the store before the next question is shown, so `q`, Ctrl-C, a
closed terminal or a crash lose nothing: the draft resumes where it stopped.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kamcli.errors import NotFoundError, msg
from kamcli.i18n import t
from kamcli.questionnaire.prompts import Option, TypedPrompter
from kamcli.questionnaire.questions import build_diagnostic, build_questions
from kamcli.questionnaire.session import run_items
from kamcli.render.diagnostic_text import confidence_sentence, unclear_sentence

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult, DiagnosticResult
    from kamcli.store import Store
    from kamcli.store_record import AssessmentRecord

# Drafts offered for resuming (one keystroke each); older ones are resumed by id.
LISTED_DRAFTS = 8


@dataclass
class Draft:
    """A draft being filled in: its id and what has been answered so far."""

    id: int
    answers: dict[str, int | None]
    position: int
    stage: str | None
    person: str | None
    account: str | None
    rater: str = "self"
    subject: str | None = None


def now_iso() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def pick_draft(
    store: Store,
    model: CompetencyModel,
    prompter: TypedPrompter,
    resume: int | None,
    force: bool,
    rater: str = "self",
) -> Draft | None:
    """The draft to continue: the one asked for, else one picked from the list, else None."""
    lang = prompter.lang
    if resume is not None:
        return _as_draft(store.get(resume))
    drafts = [d for d in store.drafts() if d.model_id == model.id and (force or d.rater == rater)]
    if not drafts:
        if force:
            raise NotFoundError(msg("questionnaire.no_draft"))
        return None
    if force:
        return _as_draft(drafts[0])
    listed = drafts[:LISTED_DRAFTS]
    options = [Option(str(d.id), draft_label(model, d, lang)) for d in listed]
    options.append(Option("n", t("questionnaire.new_assessment", lang)))
    if len(drafts) > len(listed):
        prompter.say(t("questionnaire.more_drafts", lang, count=len(drafts) - len(listed)))
    picked = prompter.choose(t("questionnaire.resume_which", lang), options)
    chosen = [d for d in listed if str(d.id) == picked]
    return _as_draft(chosen[0]) if chosen else None


def draft_label(model: CompetencyModel, record: AssessmentRecord, lang: str) -> str:
    """One line that tells drafts apart: id, date, who, stage, progress."""
    items = model.item_ids()
    who = record.person or t("questionnaire.no_name", lang)
    if record.rater != "self":
        role = t(f"questionnaire.role_{record.rater}", lang)
        who = t("questionnaire.draft_about", lang, rater=role, subject=record.subject or "?")
    stage = t("questionnaire.no_stage", lang)
    if record.stage in model.stage_ids:
        stage = model.text(model.stage(record.stage).name, lang)
    if record.account:
        who = t("questionnaire.with_account", lang, who=who, account=record.account)
    return t(
        "questionnaire.draft_label",
        lang,
        id=record.id,
        date=record.updated_at[:16].replace("T", " "),
        who=who,
        stage=stage,
        done=sum(1 for item in items if item in record.answers),
        total=len(items),
    )


def _as_draft(record: AssessmentRecord) -> Draft:
    if record.status != "draft":
        raise NotFoundError(msg("questionnaire.already_complete", id=record.id))
    return Draft(
        record.id,
        dict(record.answers),
        record.position,
        record.stage,
        record.person,
        record.account,
        record.rater,
        record.subject,
    )


def start_draft(
    store: Store,
    model: CompetencyModel,
    prompter: TypedPrompter,
    *,
    person: str | None,
    account: str | None,
    stage: str | None,
    rater: str = "self",
    subject: str | None = None,
) -> Draft:
    lang = prompter.lang
    if rater != "self" and subject is None:
        while not subject:
            subject = prompter.ask_text(t("questionnaire.about", lang)) or None
    if person is None:
        person = (
            prompter.ask_text(
                t("questionnaire.name" if rater == "self" else "questionnaire.rater_name", lang)
            )
            or None
        )
    if account is None:
        account = prompter.ask_text(t("questionnaire.account", lang)) or None
    draft_id = store.create_draft(
        person=person,
        account=account,
        stage=stage,
        lang=lang,
        model_id=model.id,
        model_version=model.version,
        model_hash=model.content_hash,
        rater=rater,
        subject=subject,
    )
    return Draft(draft_id, {}, 0, stage, person, account, rater, subject)


def choose_stage(
    store: Store, model: CompetencyModel, prompter: TypedPrompter, draft: Draft
) -> str:
    """Ask for the stage; 'not sure' runs the diagnostic and proposes one."""
    lang = prompter.lang
    options = [
        Option(s.id, model.text(s.name, lang), first_sentence(model.text(s.summary, lang)))
        for s in model.stages
    ]
    options.append(Option("?", t("questionnaire.not_sure", lang)))
    while True:
        picked = prompter.choose(t("questionnaire.stage", lang), options)
        if picked != "?":
            break
        diagnostic = _run_diagnostic(store, model, prompter, draft)
        suggested = diagnostic.suggested_stage
        if suggested is None:
            why = unclear_sentence(model, diagnostic, lang)
            prompter.say(f"{why} {t('questionnaire.no_diag', lang)}")
            continue
        name = model.text(model.stage(suggested).name, lang)
        sure = confidence_sentence(model, diagnostic, lang)
        if sure:
            prompter.say(sure)
        if prompter.confirm(t("questionnaire.suggest", lang, stage=name)):
            picked = suggested
            break
    store.update_draft(draft.id, stage=picked)
    draft.stage = picked
    return picked


def first_sentence(text: str) -> str:
    """A stage summary's first sentence: one line that says what the stage is."""
    match = re.search(r"(?<=[.!?])\s+(?=[A-Z])|(?<=[。！？])", text.strip())
    return text.strip()[: match.start()].strip() if match else text.strip()


def _run_diagnostic(
    store: Store, model: CompetencyModel, prompter: TypedPrompter, draft: Draft
) -> DiagnosticResult:
    from kamcli.scoring import diagnose

    statements = build_diagnostic(model, prompter.lang)
    diag = {k: v for k, v in draft.answers.items() if k in {q.item_id for q in statements}}

    def save(item_id: str, value: int | None, _position: int) -> None:
        store.save_answer(draft.id, item_id, value)
        draft.answers[item_id] = value

    run_items(statements, diag, 0, prompter, save)
    return diagnose(model, diag)


def ask_items(store: Store, model: CompetencyModel, prompter: TypedPrompter, draft: Draft) -> None:
    questions = build_questions(model, prompter.lang, draft.rater)

    def save(item_id: str, value: int | None, position: int) -> None:
        store.save_answer(draft.id, item_id, value, position=position)

    run_items(questions, draft.answers, draft.position, prompter, save)


def finish(store: Store, model: CompetencyModel, draft: Draft, lang: str) -> AssessmentResult:
    from kamcli.scoring import score_assessment

    items = set(model.item_ids())
    statements = {s.id for s in model.diagnostic.statements}
    assert draft.stage is not None
    result = score_assessment(
        model,
        {k: v for k, v in draft.answers.items() if k in items},
        stage=draft.stage,
        lang=lang,
        created_at=now_iso(),
        person=draft.person,
        account=draft.account,
        rater=draft.rater,
        subject=draft.subject,
        diagnostic_answers={k: v for k, v in draft.answers.items() if k in statements} or None,
    )
    store.complete(draft.id, result.to_dict())
    return result
