"""The whole interactive assessment: resume or start, stage, questions, score, complete.

Every answer is written to the store before the next question is shown, so `q`, Ctrl-C, a
closed terminal or a crash lose nothing: the draft resumes where it stopped.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from kamcli.errors import NotFoundError
from kamcli.questionnaire.prompts import TypedPrompter
from kamcli.questionnaire.questions import build_diagnostic, build_questions
from kamcli.questionnaire.session import run_items

if TYPE_CHECKING:
    from kamcli.model.schema import CompetencyModel
    from kamcli.scoring.result import AssessmentResult
    from kamcli.store import AssessmentRecord, Store

TEXTS = {
    "name": {"en": "Your name (optional, Enter to leave out)", "zh": "你的姓名（可选，回车跳过）"},
    "account": {"en": "Key account (optional)", "zh": "大客户名称（可选）"},
    "about": {
        "en": "Who are you rating? (the key account manager's name)",
        "zh": "你要评价谁？（大客户经理的姓名）",
    },
    "rater_name": {"en": "Your own name (optional)", "zh": "你自己的姓名（可选）"},
    "stage": {
        "en": "Which stage is the relationship with this account in?",
        "zh": "与该客户的关系处于哪个阶段？",
    },
    "not_sure": {"en": "Not sure: help me decide", "zh": "不确定：帮我判断"},
    "suggest": {
        "en": "The answers point to: {stage}. Use this stage?",
        "zh": "答案显示：{stage}。使用这个阶段吗？",
    },
    "resume": {
        "en": "Resume your unfinished assessment #{id} from {date} ({done} of {total} answered)?",
        "zh": "继续未完成的评估 #{id}（{date}，已答 {done}/{total}）？",
    },
    "no_diag": {
        "en": "The answers do not point clearly to one stage (too few, all alike or "
        "contradictory); please pick a stage.",
        "zh": "答案没有明确指向某个阶段（作答太少、各题答案几乎相同或相互矛盾），请直接选择阶段。",
    },
}


def tr(key: str, lang: str, **values: object) -> str:
    texts = TEXTS[key]
    return texts.get(lang, texts["en"]).format(**values)


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
    """The draft to continue: the one asked for, else (after asking) the latest, else None."""
    if resume is not None:
        return _as_draft(store.get(resume), must_be_draft=True)
    drafts = [d for d in store.drafts() if d.model_id == model.id and (force or d.rater == rater)]
    if not drafts:
        if force:
            raise NotFoundError("There is no unfinished assessment to resume.")
        return None
    latest = drafts[0]
    done = sum(1 for k in latest.answers if k in set(model.item_ids()))
    if force:
        return _as_draft(latest, must_be_draft=True)
    question = tr(
        "resume",
        prompter.lang,
        id=latest.id,
        date=latest.updated_at[:16].replace("T", " "),
        done=done,
        total=len(model.item_ids()),
    )
    return _as_draft(latest, must_be_draft=True) if prompter.confirm(question) else None


def _as_draft(record: AssessmentRecord, must_be_draft: bool) -> Draft:
    if must_be_draft and record.status != "draft":
        raise NotFoundError(
            f"Assessment {record.id} is already complete; there is nothing to "
            f"resume (see: kam history show {record.id})."
        )
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
            subject = prompter.ask_text(tr("about", lang)) or None
    if person is None:
        person = prompter.ask_text(tr("name" if rater == "self" else "rater_name", lang)) or None
    if account is None:
        account = prompter.ask_text(tr("account", lang)) or None
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
    options = [(s.id, model.text(s.name, lang)) for s in model.stages]
    options.append(("?", tr("not_sure", lang)))
    while True:
        picked = prompter.choose(tr("stage", lang), options)
        if picked != "?":
            break
        suggested = _run_diagnostic(store, model, prompter, draft)
        if suggested is None:
            prompter.console.print(tr("no_diag", lang))
            continue
        name = model.text(model.stage(suggested).name, lang)
        if prompter.confirm(tr("suggest", lang, stage=name)):
            picked = suggested
            break
    store.update_draft(draft.id, stage=picked)
    draft.stage = picked
    return picked


def _run_diagnostic(
    store: Store, model: CompetencyModel, prompter: TypedPrompter, draft: Draft
) -> str | None:
    from kamcli.scoring import diagnose

    statements = build_diagnostic(model, prompter.lang)
    diag = {k: v for k, v in draft.answers.items() if k in {q.item_id for q in statements}}

    def save(item_id: str, value: int | None, _position: int) -> None:
        store.save_answer(draft.id, item_id, value)
        draft.answers[item_id] = value

    run_items(statements, diag, 0, prompter, save)
    return diagnose(model, diag).suggested_stage


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
